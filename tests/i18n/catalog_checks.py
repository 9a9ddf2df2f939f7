"""What is wrong with the translation catalogs, as one line per problem.

Shared by tests/i18n/test_catalogs.py and `python tools/catalogs.py --check`.
"""

from __future__ import annotations

import string
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "command_console"
LOCALE_DIR = PACKAGE / "locale"
DOMAIN = "command_console"
LOCALES = ("zh_CN",)
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}


def po_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def marked_messages() -> dict[tuple[str | None, str], str]:
    """(context, msgid (the singular of a plural)) -> 'file:line' of its first use in the code."""
    found: dict[tuple[str | None, str], str] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        PACKAGE,
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,
        comment_tags=(),
        strip_comment_tags=True,
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault((context, msgid), f"command_console/{filename}:{lineno}")
    return found


def read_catalog(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def translations(catalog) -> dict[tuple[str | None, str], tuple[str, ...]]:
    """(context, msgid) -> its translations, for the entries gettext would use (translated, not fuzzy)."""
    out = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        context = (
            message.context.decode() if isinstance(message.context, bytes) else message.context
        )  # read_mo
        key = (context, message.id[0] if isinstance(message.id, tuple | list) else message.id)
        strings = (
            tuple(message.string) if isinstance(message.string, tuple | list) else (message.string,)
        )
        if all(strings):
            out[key] = strings
    return out


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def untranslated(locale: str) -> list[str]:
    """Marked strings with no translation, a fuzzy one, or one whose {fields} differ."""
    catalog = read_catalog(po_path(locale))
    done = translations(catalog)
    problems = []
    for (context, msgid), where in marked_messages().items():
        entry = catalog.get(msgid, context=context)
        if entry is None:
            problems.append(
                f"{locale}: {where}: not in the catalog (run python tools/catalogs.py): {msgid!r}"
            )
        elif entry.fuzzy or (context, msgid) not in done:
            problems.append(
                f"{locale}: {where}: {'fuzzy' if entry.fuzzy else 'untranslated'}: {msgid!r}"
            )
        else:
            plural_ids = entry.id if isinstance(entry.id, tuple | list) else (entry.id,)
            wanted = set().union(*(fields(i) for i in plural_ids))
            for text in done[(context, msgid)]:
                try:
                    got = fields(text)
                except ValueError as exc:
                    problems.append(
                        f"{locale}: {where}: translation is not a valid format string ({exc}): {text!r}"
                    )
                    continue
                if got - wanted:
                    problems.append(
                        f"{locale}: {where}: translation uses {sorted(got - wanted)} not in {msgid!r}"
                    )
    return problems


def stale_compiled(locale: str) -> list[str]:
    """The .mo must hold exactly what the .po says (compile after every .po edit)."""
    po = po_path(locale)
    mo = po.with_suffix(".mo")
    if not mo.exists():
        return [f"{locale}: {mo.relative_to(ROOT)} is missing (run python tools/catalogs.py)"]
    with mo.open("rb") as handle:
        compiled = translations(read_mo(handle))
    written = translations(read_catalog(po))
    if compiled != written:
        changed = sorted(set(compiled.items()) ^ set(written.items()), key=str)[:3]
        return [
            f"{locale}: {mo.relative_to(ROOT)} is stale against the .po (run python tools/catalogs.py); "
            f"first differences: {[k[1] for k, _ in changed]}"
        ]
    return []


def catalog_problems() -> list[str]:
    found = []
    for locale in LOCALES:
        found += stale_compiled(locale) + untranslated(locale)
    return found
