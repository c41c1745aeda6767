"""labdata sits under skills, labsim and the compiler: it imports only the language, and no numpy or
mujoco; the simulator and the skills read it instead of each other, and the compiler never reaches
into the simulator. Checked on the sources' import statements, lazy ones included."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PROJECT = {"protocol_lang", "labdata", "skills", "compiler", "labsim", "robogenesis", "labvla", "labc"}
# package -> project packages it must never import (sideways or upwards)
FORBIDDEN = {
    "labdata": PROJECT - {"labdata", "protocol_lang"} | {"numpy", "mujoco", "torch"},
    "skills": {"labsim", "compiler", "robogenesis", "labvla", "labc"},
    "labsim": {"skills", "compiler", "robogenesis", "labvla", "labc"},
    "compiler": {"labsim", "robogenesis", "labvla", "labc"},
}


def _imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_sideways_or_upward_imports(package: str) -> None:
    offences = [
        f"{path.relative_to(ROOT)} imports {root}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for root in sorted(_imported_roots(path) & FORBIDDEN[package])
    ]
    assert not offences, "\n".join(offences)
