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


# Names that stay as they are in any language: products, a format, a key, a config key.
UNTRANSLATED_NAMES = {"PostgreSQL", "SQLite", "Markdown", "Enter", "language"}


def english_in_descriptions(page: str, command_names: set[str]) -> list[str]:
    """ASCII words of 3+ letters in a help page's description columns (the text after a
    command's or an option's name). Not counted: the names themselves, placeholders
    (<str>, {plan}), `code`, a value glossed in Chinese (cause（原因）), file names, config
    keys and CSV columns (a.b, a_b, a,b, ctrl+l), acronyms (CSV) and UNTRANSLATED_NAMES."""
    found = []
    for row in page.splitlines():
        if not (row.startswith("│") and row.rstrip().endswith("│")):
            continue  # only the rows of the Options/Arguments/Commands panels
        cells = [cell for cell in re.split(r"\s{2,}", row.strip("│ ")) if cell]
        text = " ".join(c for c in cells if c not in command_names and c != "*")
        text = re.sub(r"`[^`]*`|<[^>]*>|\{[^{}]*\}|(?<![\w-])--?[\w-]+", " ", text)
        for token in re.finditer(r"[A-Za-z][\w.$/,:+-]*", text):
            word = token.group().rstrip(".,:")
            glossed = text[token.start() + len(word) : token.start() + len(word) + 1] == "（"
            if glossed or re.search(r"[_.$/,:+]|^[A-Z]+$|^zh-CN$", word):
                continue
            if word not in UNTRANSLATED_NAMES and len(re.sub(r"[^A-Za-z]", "", word)) >= 3:
                found.append(word)
    return found


def test_help_in_chinese_has_no_english_descriptions(tmp_path):
    """`--help` in zh-CN: the command list of the root and of every group, and the options'
    help (--help's own line included), are Chinese."""
    import typer.main

    tree = typer.main.get_command(app)
    groups: list[list[str]] = [[]]
    names: set[str] = set()
    commands: list[list[str]] = []

    def walk(command, path):
        for name, sub in getattr(command, "commands", {}).items():
            names.add(name)
            commands.append([*path, name])
            if getattr(sub, "commands", None):
                groups.append([*path, name])
            walk(sub, [*path, name])

    walk(tree, [])
    assert len(commands) > 50 and ["review", "action"] in groups
    data = str(tmp_path / "d")
    for group in groups:
        args = ["--data-dir", data, "--lang", "zh-CN", *group, "--help"]
        result = runner.invoke(app, args, env={"COLUMNS": "250"})
        assert result.exit_code == 0, result.output
        assert "命令" in result.output or group == [], result.output
        english = english_in_descriptions(result.output, names)
        assert not english, f"{' '.join(group) or 'root'} --help: {english}\n{result.output}"
        # At 80 columns a Chinese description (few spaces to wrap at) folds, never loses its middle.
        narrow = runner.invoke(app, args, env={"COLUMNS": "80"}).output
        assert "…" not in narrow, narrow
    shown = runner.invoke(app, ["--lang", "en", "incident", "--help"], env={"COLUMNS": "250"})
    assert "Mark an incident resolved." in shown.output
    assert "Show this message and exit." in shown.output
