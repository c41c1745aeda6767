"""The test suite's own shape: folders mirror the packages, and test modules never import each other
(what several tests share lives in a conftest.py or tests/helpers/), so moving or deleting one test
file never breaks another."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT
from tests.helpers.layers import LAYERS

TESTS = ROOT / "tests"
PACKAGES = set().union(*LAYERS)
OTHER_FOLDERS = {"helpers", "packaging"}  # shared helpers; the built wheel


def _module(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _is_test_module(name: str) -> bool:
    return name.startswith("tests.") and name.rsplit(".", 1)[-1].startswith("test_")


def test_folders_mirror_the_packages() -> None:
    folders = {p.name for p in TESTS.iterdir() if p.is_dir() and not p.name.startswith((".", "__"))}
    assert folders - PACKAGES - OTHER_FOLDERS == set()


def test_test_modules_do_not_import_each_other() -> None:
    found = []
    for path in sorted(TESTS.rglob("*.py")):
        own = _module(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and ":" in node.value:
                names = [node.value.split(":", 1)[0]]  # a `module:function` spec handed to the engine
            found += [(own, n) for n in names if _is_test_module(n) and n != own]
    assert found == []
