"""Keep the translation catalogs current: extract, update, compile in one command.

    python tools/catalogs.py           # extract marked strings, merge them into each .po, compile the .mo
    python tools/catalogs.py --check   # exit 1 when a .po or .mo is behind the code (changes nothing)

Needs Babel (`pip install -e '.[test]'`); the console itself reads the compiled .mo with the
standard library's gettext. Keywords: `_`, `N_`, `ngettext` and `pgettext` (see [tool.babel] in
pyproject.toml). After running, translate the new or fuzzy entries of
command_console/locale/zh_CN/LC_MESSAGES/command_console.po and run it again to compile.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "command_console"
LOCALE_DIR = PACKAGE / "locale"
TEMPLATE = LOCALE_DIR / "command_console.pot"
DOMAIN = "command_console"
LOCALES = ("zh_CN",)


def pybabel(*args: str) -> None:
    os.chdir(ROOT)  # locations in the catalogs relative to the repository
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract() -> None:
    LOCALE_DIR.mkdir(exist_ok=True)
    pybabel(
        "extract",
        "-F",
        str(ROOT / "pyproject.toml"),
        "--no-default-keywords",
        "-k",
        "_",
        "-k",
        "N_",
        "-k",
        "ngettext:1,2",
        "-k",
        "pgettext:1c,2",
        "--sort-by-file",
        "--project",
        "command-console",
        "--copyright-holder",
        "Command Console",
        "-c",
        "TRANSLATORS:",
        "-o",
        str(TEMPLATE.relative_to(ROOT)),
        PACKAGE.name,
    )


def update() -> None:
    for locale in LOCALES:
        po = LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
        command = "update" if po.exists() else "init"
        extra = ["--ignore-obsolete", "--no-fuzzy-matching"] if command == "update" else []
        pybabel(
            command, "-D", DOMAIN, "-i", str(TEMPLATE), "-d", str(LOCALE_DIR), "-l", locale, *extra
        )


def compile_all() -> None:
    pybabel("compile", "-D", DOMAIN, "-d", str(LOCALE_DIR), "--statistics")


def main(argv: list[str]) -> int:
    if "--check" in argv:
        sys.path.insert(0, str(ROOT / "tests" / "i18n"))
        from catalog_checks import catalog_problems

        found = catalog_problems()
        print("\n".join(found) or "catalogs are current")
        return 1 if found else 0
    extract()
    update()
    compile_all()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
