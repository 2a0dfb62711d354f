"""kiosk.config is a leaf of the product: no import cycle, no import hidden in a function."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

CONFIG = Path(__file__).resolve().parents[2] / "kiosk" / "config"


def test_no_module_of_the_config_imports_inside_a_function():
    hidden = []
    for path in sorted(CONFIG.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                hidden += [f"{path.name}:{n.lineno}" for n in ast.walk(node)
                           if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert hidden == []


def test_the_config_does_not_pull_in_the_parts_that_use_it():
    code = ("import sys, kiosk.config\n"
            "bad = [m for m in sys.modules if m.startswith(('kiosk.maintenance', 'kiosk.app', "
            "'kiosk.ui', 'kiosk.irbis', 'kiosk.speech', 'kiosk.tools', 'kivy'))]\n"
            "print(bad)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_each_config_module_imports_on_its_own():
    for path in sorted(CONFIG.glob("*.py")):
        module = "kiosk.config" + ("" if path.stem == "__init__" else f".{path.stem}")
        subprocess.run([sys.executable, "-c", f"import {module}"], check=True)
