"""Roster files: CSV or TOML in, contacts out. Every problem names file and line."""

from __future__ import annotations

import csv
import io
import tomllib
from pathlib import Path

from command_console.core.contacts import ROLES, Contact, contact_id_for
from command_console.core.errors import UserError
from command_console.i18n import _

CSV_COLUMNS = ("name", "roles", "phones", "notes", "on_duty")
_TRUE, _FALSE = {"", "yes", "y", "true", "1"}, {"no", "n", "false", "0"}


def read_roster(path: Path) -> list[Contact]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(_("{path}: cannot read ({exc})").format(path=path, exc=exc)) from None
    if path.suffix.lower() == ".toml":
        return _from_toml(text, path)
    if path.suffix.lower() == ".csv":
        return _from_csv(text, path)
    raise UserError(
        _("{path}: unknown roster format {suffix!r}; use .csv or .toml").format(
            path=path, suffix=path.suffix
        )
    )


def _roles(value, where: str) -> dict[str, int]:
    """TOML {it = 1} or CSV 'it:1;network:2' (rank defaults to 1)."""
    if isinstance(value, str):
        pairs = [p.strip().split(":", 1) for p in value.replace(",", ";").split(";") if p.strip()]
        value = {p[0].strip(): (p[1].strip() if len(p) > 1 else "1") for p in pairs}
    if not isinstance(value, dict):
        raise UserError(_("{where}: roles must be a table like {{ it = 1 }}").format(where=where))
    roles: dict[str, int] = {}
    for role, rank in value.items():
        if role not in ROLES:
            raise UserError(
                _("{where}: unknown role {role!r} (known: {value})").format(
                    where=where, role=role, value=", ".join(ROLES)
                )
            )
        if str(rank) not in ("1", "2"):
            raise UserError(
                _("{where}: rank of {role!r} must be 1 (first contact) or 2 (second)").format(
                    where=where, role=role
                )
            )
        roles[role] = int(rank)
    return roles


def _contact(name, roles, phones, notes, on_duty, where: str) -> Contact:
    if not isinstance(name, str) or not name.strip():
        raise UserError(_("{where}: name is missing").format(where=where))
    if isinstance(phones, str):
        phones = [p.strip() for p in phones.split(";") if p.strip()]
    if not isinstance(phones, list) or not all(isinstance(p, str) for p in phones):
        raise UserError(_("{where}: phones must be a list of strings").format(where=where))
    return Contact(
        contact_id_for(name),
        name.strip(),
        _roles(roles, where),
        tuple(phones),
        str(notes or ""),
        on_duty,
    )


def _from_toml(text: str, path: Path) -> list[Contact]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{path}: {exc}") from None
    entries = data.get("contacts")
    if not isinstance(entries, list):
        raise UserError(_("{path}: expected [[contacts]] tables").format(path=path))
    lines = [i + 1 for i, line in enumerate(text.splitlines()) if line.strip() == "[[contacts]]"]
    contacts = []
    for index, entry in enumerate(entries):
        where = f"{path}:{lines[index] if index < len(lines) else 1}"
        unknown = set(entry) - set(CSV_COLUMNS)
        if unknown:
            raise UserError(
                _("{where}: unknown key {value!r} (allowed: {value2})").format(
                    where=where, value=sorted(unknown)[0], value2=", ".join(CSV_COLUMNS)
                )
            )
        on_duty = entry.get("on_duty", True)
        if not isinstance(on_duty, bool):
            raise UserError(_("{where}: on_duty must be true or false").format(where=where))
        contacts.append(
            _contact(
                entry.get("name"),
                entry.get("roles", {}),
                entry.get("phones", []),
                entry.get("notes", ""),
                on_duty,
                where,
            )
        )
    return contacts


def _from_csv(text: str, path: Path) -> list[Contact]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    if "name" not in header:
        raise UserError(
            _("{path}:1: header needs a 'name' column (columns: {value})").format(
                path=path, value=", ".join(CSV_COLUMNS)
            )
        )
    contacts = []
    for row in reader:
        where = f"{path}:{reader.line_num}"
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        duty = row.get("on_duty", "").lower()
        if duty not in _TRUE | _FALSE:
            raise UserError(
                _("{where}: on_duty {duty!r} must be yes or no").format(where=where, duty=duty)
            )
        contacts.append(
            _contact(
                row.get("name"),
                row.get("roles", ""),
                row.get("phones", ""),
                row.get("notes", ""),
                duty in _TRUE,
                where,
            )
        )
    return contacts
