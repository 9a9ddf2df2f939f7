"""The CLI's language: --lang, else config.toml's `language`, else the locale."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from command_console import i18n
from command_console.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def english_afterwards(monkeypatch):
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    yield
    i18n.set_language("en")


def test_config_language_then_lang_option_override(tmp_path):
    data = str(tmp_path / "d")
    assert runner.invoke(app, ["--data-dir", data, "init", "--language", "zh-CN"]).exit_code == 0
    runner.invoke(app, ["--data-dir", data, "shifts"])
    assert i18n.current_language() == "zh-CN"
    runner.invoke(app, ["--data-dir", data, "--lang", "en", "shifts"])
    assert i18n.current_language() == "en"
    assert runner.invoke(app, ["--data-dir", data, "config", "set", "language", ""]).exit_code == 0
    runner.invoke(app, ["--data-dir", data, "shifts"])
    assert i18n.current_language() == "en"


def test_the_locale_decides_when_nothing_is_set(tmp_path, monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    runner.invoke(app, ["--data-dir", str(tmp_path / "d"), "shifts"])
    assert i18n.current_language() == "zh-CN"


def test_an_unknown_language_is_one_line(tmp_path):
    result = runner.invoke(app, ["--data-dir", str(tmp_path / "d"), "--lang", "fr", "shifts"])
    assert (
        result.exit_code == 2
        and result.output.strip() == "error: --lang 'fr' is not one of zh-CN, en"
    )
    bad = runner.invoke(app, ["--data-dir", str(tmp_path / "d"), "init", "--language", "fr"])
    assert bad.exit_code == 2 and "language" in bad.output and not (tmp_path / "d").exists()


def test_help_texts_go_through_the_chosen_catalog(monkeypatch):
    """--help is answered before the root callback: its texts are translated on the way out."""
    import gettext

    from command_console.cli import failures

    class Shouting(gettext.NullTranslations):
        """Upper case, placeholders kept as a real catalog keeps them ({path} stays {path})."""

        def gettext(self, message):
            parts = re.split(r"(\{[^{}]*\})", message)
            return "".join(p if p.startswith("{") else p.upper() for p in parts)

    monkeypatch.setattr(failures, "_choose_language_early", lambda args: None)
    monkeypatch.setattr(i18n, "_translation", Shouting())
    shown = runner.invoke(app, ["incident", "open", "--help"]).output
    assert "SHORT TITLE" in shown and "OPEN AN INCIDENT" in shown


def test_help_follows_lang_before_any_command_runs(monkeypatch):
    from command_console.cli import failures

    chosen = []
    monkeypatch.setattr(i18n, "set_language", lambda language: chosen.append(language) or "en")
    monkeypatch.setattr(failures, "translate_help", lambda command: None)
    runner.invoke(app, ["--lang", "zh-CN", "plans", "--help"])
    assert chosen[:1] == ["zh-CN"]
