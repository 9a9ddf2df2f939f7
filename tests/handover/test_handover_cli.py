"""`handover`, `shifts` and `export` through Typer's CliRunner on a real data dir."""

from __future__ import annotations

import json
import stat

import pytest
from typer.testing import CliRunner

from command_console.cli import app

runner = CliRunner()


@pytest.fixture
def cli(tmp_path):
    data = tmp_path / "data"
    assert (
        runner.invoke(
            app,
            [
                "--data-dir",
                str(data),
                "init",
                "--lead-name",
                "Wang Li",
                "--time-zone",
                "Asia/Shanghai",
            ],
        ).exit_code
        == 0
    )

    def run(*args: str, stdin: str | None = None):
        return runner.invoke(app, ["--data-dir", str(data), *args], input=stdin)

    return run


def test_handover_with_options_is_non_interactive_and_starts_the_next_shift(cli):
    iid = cli("incident", "open", "power", "--started-at", "10m ago").output.strip()
    shown = json.loads(cli("handover", "--show", "--json").output)
    assert shown["counts"]["open_incidents"] == 1 and shown["open_incidents"][0]["id"] == iid
    result = cli(
        "handover",
        "--note",
        "Generator on; [bold]watch[/bold]",
        "--outgoing",
        "Wang Li",
        "--incoming",
        "Zhang Wei",
    )
    assert result.exit_code == 0, result.output
    assert "Open incidents (1)" in result.output and "handed over to Zhang Wei" in result.output
    shifts = json.loads(cli("shifts", "--json").output)
    assert [s["lead"] for s in shifts] == ["Wang Li", "Zhang Wei"] and shifts[0][
        "next_lead"
    ] == "Zhang Wei"
    assert shifts[1]["ended_at"] is None


def test_handover_without_a_terminal_names_the_missing_option(cli):
    result = cli("handover", "--outgoing", "Wang Li", stdin="")
    assert result.exit_code == 2 and "error: --incoming is required" in result.output
    assert "Traceback" not in result.output
    wrong = cli("handover", "--outgoing", "Someone", "--incoming", "Zhang")
    assert wrong.exit_code == 2 and "does not match the shift lead 'Wang Li'" in wrong.output


def test_export_writes_a_private_file_per_format(cli, tmp_path):
    cli("incident", "open", "fire", "--title", '=HYPERLINK("x") 火警')
    for fmt in ("md", "html", "csv", "json"):
        out = tmp_path / f"report.{fmt}"
        result = cli("export", "--format", fmt, "--out", str(out), "--bom")
        assert result.exit_code == 0 and f"wrote {out}" in result.output, result.output
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert (tmp_path / "report.csv").read_bytes().startswith("\ufeff".encode())
    assert "'=HYPERLINK" in (tmp_path / "report.csv").read_text(encoding="utf-8-sig")
    assert (
        json.loads((tmp_path / "report.json").read_text())["incidents"][0]["title"]
        == '=HYPERLINK("x") 火警'
    )


def test_export_to_stdout_and_into_a_folder(cli, tmp_path):
    shown = cli("export", "-f", "md", "--out", "-")
    assert shown.exit_code == 0 and shown.output.startswith("# Shift report")
    folder = tmp_path / "out"
    folder.mkdir()
    assert cli("export", "-f", "json", "--out", str(folder)).exit_code == 0
    assert [p.suffix for p in folder.iterdir()] == [".json"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--format", "xls"], "error: format 'xls' is not one of md, html, csv, json"),
        (["--since", "yesterday"], "error: --since 'yesterday' is not a time"),
        (["--since", "10m ago", "--until", "20m ago"], "must be after --since"),
        (["--shift", "nope"], "shift"),
        (["--out", "/no/such/dir/x.md"], "error: --out: folder '/no/such/dir' does not exist"),
    ],
)
def test_bad_export_options_give_one_line(cli, args, message):
    result = cli("export", *args)
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
