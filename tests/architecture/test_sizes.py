"""No module over 400 lines and no function over 60 lines, unless its docstring says why.

A long function is allowed when its docstring contains the marker "(long because" followed
by the reason. Modules have no marker: split them.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("kiosk", "hardware")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
MARKER = "(long because"



def _sources(root: Path = ROOT) -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (root / pkg).rglob("*.py"))


def _functions(tree: ast.AST, prefix: str = ""):
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield f"{prefix}{node.name}", node
            yield from _functions(node, f"{prefix}{node.name}.")
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node, f"{prefix}{node.name}.")


def long_modules(root: Path = ROOT) -> list[str]:
    """Every module under kiosk/ and hardware/ over the limit, as 'path (lines)'."""
    out = []
    for path in _sources(root):
        n = len(path.read_text(encoding="utf-8").splitlines())
        if n > MAX_MODULE_LINES:
            out.append(f"{path.relative_to(root).as_posix()} ({n})")
    return out


def long_functions(root: Path = ROOT) -> list[str]:
    """Every function over the limit whose docstring gives no reason, as 'path:name (lines)'."""
    out = []
    for path in _sources(root):
        rel = path.relative_to(root).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for name, node in _functions(tree):
            n = node.end_lineno - node.lineno + 1
            doc = ast.get_docstring(node) or ""
            if n > MAX_FUNCTION_LINES and MARKER not in doc:
                out.append(f"{rel}:{name} ({n})")
    return out


def test_no_module_over_the_limit() -> None:
    assert long_modules() == []


def test_no_function_over_the_limit_without_a_reason() -> None:
    assert long_functions() == []


def test_the_rule_catches_a_long_module_and_an_unexplained_long_function(tmp_path: Path) -> None:
    pkg = tmp_path / "kiosk"
    pkg.mkdir()
    body = "".join(f"    x{i} = {i}\n" for i in range(61))
    (pkg / "long.py").write_text("def f():\n" + body + "\n" * 340, encoding="utf-8")
    (pkg / "reasoned.py").write_text(
        'def g():\n    """(long because one table)"""\n' + body, encoding="utf-8")
    assert long_modules(tmp_path) == ["kiosk/long.py (402)"]
    assert long_functions(tmp_path) == ["kiosk/long.py:f (62)"]
