"""Languages: every user-facing string goes through `_()` (gettext), zh-CN and English.

Mark a string where it is written: `_("Logged")`, `ngettext("{n} step", "{n} steps", n)`,
`pgettext("severity", "major")` for a short word that means different things in places.
A string defined at import time (a table of labels) is marked with `N_()` and translated
where it is shown, with `_()`, so a language chosen later still applies.
Catalogs live in `command_console/locale/<lang>/LC_MESSAGES/command_console.po|.mo`;
`python tools/catalogs.py` extracts, updates and compiles them (see locale/README.md).
Only the standard library here: every layer, core included, may import this module.
"""

from __future__ import annotations

import gettext
import os
import struct
from pathlib import Path

DOMAIN = "command_console"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("zh-CN", "en")

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def _(message: str) -> str:
    """The message in the chosen language. '' stays '' (gettext would return the catalog header)."""
    return _translation.gettext(message) if message else message


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """A short word whose translation depends on what it names: pgettext("severity", "major")."""
    return _translation.pgettext(context, message)


def N_(message: str) -> str:
    """Marks a string for extraction without translating it now."""
    return message


def normalize(language: object) -> str | None:
    """'zh_CN.UTF-8', 'zh', 'zh-Hans' -> 'zh-CN'; 'en_GB' -> 'en'; anything else -> None."""
    if not isinstance(language, str):
        return None
    base = language.strip().split(".", 1)[0].split("@", 1)[0].replace("_", "-").lower()
    if base.startswith("zh"):
        return "zh-CN"
    if base in ("en", "c", "posix") or base.startswith("en-"):
        return "en"
    return None


def language_from_environment() -> str:
    """The language the locale asks for (LC_ALL, LC_MESSAGES, LANG, as gettext reads them)."""
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        for value in os.environ.get(variable, "").split(":"):
            if value and (found := normalize(value)):
                return found
    return "en"


def set_language(language: str | None) -> str:
    """Switch every later `_()` to a language ('zh-CN', 'en'; None or '': from the locale).

    An unknown language, or a catalog that is missing or unreadable, gives English: the
    console must start whatever the configuration says. Returns the language in use."""
    global _translation, _language
    chosen = normalize(language) if language else language_from_environment()
    translation = _load(chosen) if chosen and chosen != "en" else None
    _translation = translation or gettext.NullTranslations()
    _language = chosen if translation and chosen else "en"
    return _language


def _load(language: str) -> gettext.NullTranslations | None:
    try:
        return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language.replace("-", "_")])
    except (
        OSError,
        ValueError,
        UnicodeError,
        IndexError,
        KeyError,
        struct.error,
    ):  # no catalog, or a damaged .mo
        return None


def current_language() -> str:
    return _language
