"""The README's first commands are the ones CI runs."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = 'pip install -e ".[test]" && pytest -n auto'
    assert test_command in readme.split("## ", 2)[1], (
        "the test command is among the README's first commands"
    )
    assert ci.rstrip().splitlines()[-1] == test_command
