"""The shape of the code: the core stays platform-free; every module says what it is for."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORE_PACKAGES = ("bot", "storage", "jobs")
PLATFORM_LIBRARIES = {"telegram", "discord"}


def python_files(*packages: str):
    for package in packages:
        yield from (ROOT / package).rglob("*.py")


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_the_core_never_imports_a_platform_library():
    leaks = [f"{path.relative_to(ROOT)} imports {sorted(imported_roots(path) & PLATFORM_LIBRARIES)}"
             for path in python_files(*CORE_PACKAGES) if imported_roots(path) & PLATFORM_LIBRARIES]
    assert leaks == []


def test_the_core_does_not_import_the_platform_adapters():
    # bot/app.py is the composition root: it may import adapters lazily, inside functions.
    offenders = []
    for path in python_files(*CORE_PACKAGES):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:  # module level only
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(("adapters.telegram", "adapters.discord")):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_every_module_has_a_docstring():
    missing = []
    for path in python_files(*CORE_PACKAGES, "adapters"):
        if path.name == "__init__.py" and not path.read_text().strip():
            continue
        if "migrations/versions" in str(path):
            continue
        if ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) is None:
            missing.append(str(path.relative_to(ROOT)))
    assert missing == []
