"""Languages: every user-facing string goes through `_()` (gettext), zh-CN and English.

Mark a string where it is written: `_("Logged")`, `ngettext("{n} step", "{n} steps", n)`.
A string defined at import time (a table of labels) is marked with `N_()` and translated
where it is shown, with `_()`, so a language chosen later still applies.
Catalogs live in `command_console/locale/<lang>/LC_MESSAGES/command_console.po|.mo`.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

DOMAIN = "command_console"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("zh-CN", "en")

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def _(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a string for extraction without translating it now."""
    return message


def normalize(language: str) -> str | None:
    """'zh_CN.UTF-8', 'zh', 'zh-Hans' -> 'zh-CN'; 'en_GB' -> 'en'; anything else -> None."""
    base = language.split(".", 1)[0].split("@", 1)[0].replace("_", "-").lower()
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
    """Switch every later `_()` to a language ('zh-CN', 'en'; None: from the locale)."""
    global _translation, _language
    chosen = normalize(language) if language else language_from_environment()
    _language = chosen or "en"
    if _language == "en":
        _translation = gettext.NullTranslations()
    else:
        _translation = gettext.translation(DOMAIN, LOCALE_DIR, languages=[_language.replace("-", "_")], fallback=True)
    return _language


def current_language() -> str:
    return _language
