"""Choosing the language: config or --lang, else the locale; anything odd gives English."""

from __future__ import annotations

import pytest

from command_console import i18n
from command_console.i18n import _, current_language, set_language

ENV = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.fixture
def clean_env(monkeypatch):
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.mark.parametrize(
    "asked, used",
    [
        ("zh-CN", "zh-CN"),
        ("zh_CN", "zh-CN"),
        ("zh", "zh-CN"),
        ("zh_CN.UTF-8", "zh-CN"),
        ("ZH-cn", "zh-CN"),
        ("en", "en"),
        ("en_GB.UTF-8", "en"),
        ("fr", "en"),
        ("klingon", "en"),
        ("  ", "en"),
        ("C", "en"),
    ],
)
def test_language_names(clean_env, asked, used):
    assert set_language(asked) == used == current_language()


def test_chinese_strings_after_switching():
    set_language("zh-CN")
    assert _("Severity") != "Severity"
    set_language("en")
    assert _("Severity") == "Severity"


@pytest.mark.parametrize(
    "variable, value, used",
    [
        ("LANG", "zh_CN.UTF-8", "zh-CN"),
        ("LC_MESSAGES", "zh_CN.UTF-8", "zh-CN"),
        ("LC_ALL", "zh_TW", "zh-CN"),
        ("LANG", "C.UTF-8", "en"),
        ("LANG", "de_DE.UTF-8", "en"),
        ("LANGUAGE", "fr:zh_CN", "zh-CN"),
    ],
)
def test_language_from_the_locale(clean_env, variable, value, used):
    clean_env.setenv(variable, value)
    assert set_language(None) == used


def test_lc_all_wins_over_lang(clean_env):
    clean_env.setenv("LANG", "zh_CN.UTF-8")
    clean_env.setenv("LC_ALL", "en_US.UTF-8")
    assert set_language(None) == "en"


def test_missing_or_damaged_catalog_gives_english(tmp_path, monkeypatch):
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    assert set_language("zh-CN") == "en" and _("Severity") == "Severity"
    broken = tmp_path / "zh_CN" / "LC_MESSAGES"
    broken.mkdir(parents=True)
    (broken / "command_console.mo").write_bytes(b"\xde\x12\x04\x95 not a catalog")
    assert set_language("zh-CN") == "en" and _("Severity") == "Severity"


def test_an_empty_string_stays_empty():
    """gettext maps '' to the catalog's header: a binding without a description must not show it."""
    set_language("zh-CN")
    assert _("") == ""


def test_plural_forms():
    from command_console.i18n import ngettext

    assert ngettext("{n} incident", "{n} incidents", 1).format(n=1) == "1 incident"
    assert ngettext("{n} incident", "{n} incidents", 3).format(n=3) == "3 incidents"
