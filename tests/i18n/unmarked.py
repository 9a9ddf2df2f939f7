"""Find user-facing string literals that are not marked for translation.

An AST scan of command_console/: a literal (or an f-string with words in it) in a place the
user reads, not inside `_()`, `N_()`, `ngettext()` or `pgettext()`:
- the first argument of notify, typer.echo/secho, Static, Label, Button, Text, Rich's
  Text.append (with a style)/assemble parts, and the project's errors (`UserError(...)`,
  `StoreError(...)`, `NotFound(...)`; Python's own ValueError etc. are internal);
- a Binding's description (3rd argument) and its description=/tooltip= keywords, and the
  3rd element of a tuple in a BINDINGS list;
- help=, tooltip=, placeholder=, title=, description=, prompt= and field= keywords (field=
  names the box in an error; an option name starting with '-' is left as it is);
- assignments to border_title, border_subtitle, title, sub_title, tooltip.
A literal without letters ("", "│", "{name}: {value}") is not text. `_()` calls inside an
f-string are reported too: Babel cannot extract them on Python 3.11. A line ending in
`# i18n: ignore` is skipped (a product name, a CSS id shown to nobody).

    python tests/i18n/unmarked.py     # one line per finding: file:line: the literal
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "command_console"
MARKERS = {"_", "N_", "ngettext", "pgettext"}
FIRST_ARG_CALLS = {
    "notify",
    "echo",
    "secho",
    "Static",
    "Label",
    "Button",
    "Text",
    "Panel",
    "Rule",
    "Checkbox",
    "RadioButton",
    "Switch",
    "Header",
    "Tab",
    "TabPane",
    "Collapsible",
}
KEYWORDS = {
    "help",
    "tooltip",
    "placeholder",
    "title",
    "description",
    "prompt",
    "field",
    "short_help",
    "epilog",
    "rich_help_panel",
    "border_title",
    "sub_title",
    "message",
}
BUILTIN_ERRORS = {n for n in dir(__import__("builtins")) if n.endswith("Error")}
ATTRIBUTES = {"border_title", "border_subtitle", "title", "sub_title", "tooltip"}
WORD = re.compile(r"[A-Za-z\u4e00-\u9fff]{2,}")


IDENTIFIER = re.compile(r"[a-z0-9_]+(?:[.:][a-z0-9_-]+)+")  # an op kind or key ('incident.open')


def words(text: str) -> bool:
    """Text a person reads: two letters in a row outside {fields}, not an identifier."""
    return not IDENTIFIER.fullmatch(text) and bool(WORD.search(re.sub(r"\{[^{}]*\}", "", text)))


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


class Finder(ast.NodeVisitor):
    def __init__(self, path: Path, source: str, root: Path) -> None:
        self.path, self.lines, self.found, self.root = path, source.splitlines(), [], root

    def report(self, node: ast.AST, why: str) -> None:
        line = self.lines[node.lineno - 1] if node.lineno <= len(self.lines) else ""
        if line.rstrip().endswith("# i18n: ignore"):
            return
        text = ast.unparse(node)
        self.found.append(f"{self.path.relative_to(self.root)}:{node.lineno}: {why}: {text[:90]}")

    def check(self, node: ast.AST | None, why: str) -> None:
        """Report the unmarked text in an expression shown to the user."""
        if node is None:
            return
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if words(node.value):
                self.report(node, why)
        elif isinstance(node, ast.JoinedStr):
            if any(isinstance(v, ast.Constant) and words(str(v.value)) for v in node.values):
                self.report(node, why)
        elif isinstance(node, ast.Call):
            name = _name(node.func)
            if name in MARKERS:
                return
            if (name == "format" and isinstance(node.func, ast.Attribute)) or (
                name == "join" and isinstance(node.func, ast.Attribute)
            ):  # "...".format(...)
                self.check(node.func.value, why)
        elif isinstance(node, ast.BinOp):
            self.check(node.left, why)
            self.check(node.right, why)
        elif isinstance(node, ast.IfExp):
            self.check(node.body, why)
            self.check(node.orelse, why)
        elif isinstance(node, ast.BoolOp):
            for value in node.values:
                self.check(value, why)

    def visit_Call(self, node: ast.Call) -> None:
        name = _name(node.func)
        if name in FIRST_ARG_CALLS and node.args:
            self.check(node.args[0], f"{name}()")
        if name == "append" and (
            len(node.args) > 1 or any(k.arg == "style" for k in node.keywords)
        ):
            self.check(node.args[0], "Text.append()")  # a Rich Text with a style, not a list
        if (name.endswith("Error") or name == "NotFound") and name not in BUILTIN_ERRORS:
            for arg in node.args[:1]:
                self.check(arg, f"{name}()")
        if name == "Binding" and len(node.args) >= 3:
            self.check(node.args[2], "Binding description")
        if name == "assemble":
            for arg in node.args:
                self.check(
                    arg.elts[0] if isinstance(arg, ast.Tuple) and arg.elts else arg, "Text.assemble"
                )
        for keyword in node.keywords:
            if keyword.arg in KEYWORDS:
                value = keyword.value
                if (
                    keyword.arg == "field"
                    and isinstance(value, ast.Constant)
                    and str(value.value).startswith("-")
                ):
                    continue
                self.check(value, f"{keyword.arg}=")
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign | ast.AnnAssign) -> None:
        for target in getattr(node, "targets", None) or [node.target]:
            if isinstance(target, ast.Attribute) and target.attr in ATTRIBUTES:
                self.check(node.value, target.attr)
            if (
                isinstance(target, ast.Name)
                and target.id == "BINDINGS"
                and isinstance(node.value, ast.List)
            ):
                for item in node.value.elts:
                    if isinstance(item, ast.Tuple) and len(item.elts) >= 3:
                        self.check(item.elts[2], "BINDINGS description")
        self.generic_visit(node)

    visit_AnnAssign = visit_Assign

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        for sub in ast.walk(node):
            if (
                isinstance(sub, ast.Call)
                and _name(sub.func) in MARKERS
                and any(isinstance(a, ast.Constant) for a in sub.args)
            ):  # _(variable) needs no extraction
                self.report(
                    sub, "marked inside an f-string (Babel on Python 3.11 cannot extract it)"
                )
        self.generic_visit(node)


def unmarked(package: Path = PACKAGE) -> list[str]:
    found: list[str] = []
    for path in sorted(package.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        finder = Finder(path, source, package.parent)
        finder.visit(ast.parse(source, str(path)))
        found += finder.found
    return found


if __name__ == "__main__":
    result = unmarked()
    print("\n".join(result) or "every user-facing literal is marked")
    sys.exit(1 if result else 0)
