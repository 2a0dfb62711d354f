"""The rules of the house (../shared/docs/architecture.md), checked on every import in the
tree, including imports inside functions.

- kiosk/core imports nothing outside kiosk.core and the standard library;
- hardware/ imports nothing from kiosk;
- nothing in the product imports kiosk.tools (the tools drive the product, not the reverse);
- Kivy is imported only under kiosk/ui and kiosk/tools.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STDLIB = set(sys.stdlib_module_names) | {"__future__"}


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    module: str
    rule: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: imports {self.module}: {self.rule}"


def imported_modules(source: str) -> list[tuple[int, str]]:
    """Every module an import statement names, with its line (relative imports resolved
    to nothing: the project uses absolute imports only)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def _under(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def violations(root: Path) -> list[Violation]:
    out: list[Violation] = []
    for path in sorted([*root.glob("kiosk/**/*.py"), *root.glob("hardware/**/*.py")]):
        rel = path.relative_to(root).as_posix()
        in_core = rel.startswith("kiosk/core/")
        in_hardware = rel.startswith("hardware/")
        in_tools = rel.startswith("kiosk/tools/")
        in_ui = rel.startswith("kiosk/ui/")
        in_product = rel.startswith("kiosk/") and not in_tools
        for line, module in imported_modules(path.read_text(encoding="utf-8")):
            top = module.split(".")[0]
            if in_core and not _under(module, "kiosk.core") and top not in STDLIB:
                out.append(Violation(rel, line, module, "core imports only core and the stdlib"))
            if in_hardware and top == "kiosk":
                out.append(Violation(rel, line, module, "hardware imports nothing from kiosk"))
            if in_product and _under(module, "kiosk.tools"):
                out.append(Violation(rel, line, module, "the product never imports kiosk.tools"))
            if top == "kivy" and not (in_ui or in_tools):
                out.append(Violation(rel, line, module, "Kivy only under kiosk/ui and kiosk/tools"))
    return out


def test_the_tree_keeps_the_rules_of_the_house() -> None:
    found = violations(ROOT)
    assert not found, "layer rules broken:\n" + "\n".join(map(str, found))


@pytest.mark.parametrize(("where", "source", "rule"), [
    ("kiosk/core/bad.py", "from kiosk.config import Config\n", "core imports only core"),
    ("kiosk/core/bad.py", "def f():\n    import requests\n", "core imports only core"),
    ("hardware/bad.py", "import kiosk.core.view\n", "hardware imports nothing"),
    ("kiosk/app/bad.py", "from kiosk.tools.switch import GatewaySwitch\n", "never imports kiosk.tools"),
    ("kiosk/speech/bad.py", "from kivy.clock import Clock\n", "Kivy only"),
])
def test_a_forbidden_import_is_caught(tmp_path: Path, where: str, source: str, rule: str) -> None:
    target = tmp_path / where
    target.parent.mkdir(parents=True)
    target.write_text(source, encoding="utf-8")
    (tmp_path / "kiosk" / "ui").mkdir(parents=True, exist_ok=True)
    (tmp_path / "kiosk" / "ui" / "ok.py").write_text("from kivy.uix.label import Label\n")
    (tmp_path / "kiosk" / "core" ).mkdir(parents=True, exist_ok=True)
    (tmp_path / "kiosk" / "core" / "ok.py").write_text("import json\nfrom kiosk.core.view import View\n")
    found = violations(tmp_path)
    assert [v.path for v in found] == [where]
    assert rule in found[0].rule
