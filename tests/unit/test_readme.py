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


def key_row(readme: str, key: str) -> str:
    return next(line for line in readme.splitlines() if line.startswith(f"| `{key}` |"))


def test_the_readme_says_c_and_y_follow_the_contact_the_alarm_strip_names():
    """Since 6fdefff `c` puts the cursor on the contact the alarm strip names (the first
    until someone did not answer), and `y` from the steps copies that contact's number."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    c, y = key_row(readme, "c"), key_row(readme, "y")
    assert "alarm strip names" in c and "first contact until someone did not answer" in c, c
    assert "alarm strip names" in y, y
