"""The code base stays ruff-clean (lint and format), so CI catches style drift like any regression."""

from __future__ import annotations

import ast
import subprocess
import sys

from tests.conftest import ROOT


def _ruff(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_ruff_lint_is_clean():
    result = _ruff("check", ".")
    assert result.returncode == 0, result.stdout[-4000:]


def test_ruff_format_is_clean():
    result = _ruff("format", "--check", ".")
    assert result.returncode == 0, result.stdout[-4000:]


# Session fixtures that train a LabVLA model: any test that needs one takes minutes on 2 cores.
TRAINING_FIXTURES = {"stage1", "stage2"}


def _is_slow_mark(node: ast.expr) -> bool:
    """`pytest.mark.slow`, alone or in a list (`pytestmark = [pytest.mark.slow, ...]`)."""
    if isinstance(node, ast.List | ast.Tuple):
        return any(_is_slow_mark(e) for e in node.elts)
    return isinstance(node, ast.Attribute) and node.attr == "slow"


def test_tests_that_train_a_model_are_marked_slow():
    """`-m "not slow"` must not train a model: a test that asks for a training fixture (directly or
    through another fixture) carries @pytest.mark.slow. Static, so the check itself never depends on
    how loaded the machine is."""
    files = {path: ast.parse(path.read_text(encoding="utf-8")) for path in (ROOT / "tests").rglob("*.py")}
    functions = [
        (path, node)
        for path, tree in files.items()
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
    ]
    is_fixture = {
        node.name: node
        for _, node in functions
        if any("fixture" in ast.unparse(d) for d in node.decorator_list) and not node.name.startswith("test_")
    }
    expensive = set(TRAINING_FIXTURES)
    while True:  # fixtures that depend on an expensive fixture are expensive too
        more = {name for name, node in is_fixture.items() if {a.arg for a in node.args.args} & expensive}
        if more <= expensive:
            break
        expensive |= more
    module_slow = {
        path
        for path, tree in files.items()
        for node in tree.body
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets)
        and _is_slow_mark(node.value)
    }
    unmarked = [
        f"{path.relative_to(ROOT)}::{node.name}"
        for path, node in functions
        if node.name.startswith("test_")
        and {a.arg for a in node.args.args} & expensive
        and path not in module_slow
        and not any(_is_slow_mark(d) for d in node.decorator_list)
    ]
    assert not unmarked, f"these tests train a model but are not marked slow: {unmarked}"
