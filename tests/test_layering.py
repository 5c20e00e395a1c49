"""The layers of DESIGN.md, enforced: inventory imports no Qt, scanners no ui/inventory."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULES = {
    "inventory": ("PySide6", "shiboken6", "ui", "scanners"),
    "scanners": ("ui", "inventory"),
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_packages_import_only_what_they_may():
    broken = []
    for package, forbidden in RULES.items():
        for path in (ROOT / package).rglob("*.py"):
            for name in imported_modules(path):
                if name.split(".")[0] in forbidden:
                    broken.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not broken


def test_inventory_runs_without_qt_loaded():
    code = ("import pkgutil, importlib, sys, inventory\n"
            "for mod in pkgutil.walk_packages(inventory.__path__, 'inventory.'):\n"
            "    importlib.import_module(mod.name)\n"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'ui', 'scanners')]\n"
            "print(bad)\n")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"
