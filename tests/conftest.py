"""Shared test helpers: the examples folder and an in-process `labc` runner."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

os.environ.setdefault("MUJOCO_GL", "egl")

# Property tests draw the same examples on every run, so CI cannot fail at random (a failure is a
# real bug that reproduces). `HYPOTHESIS_PROFILE=explore pytest ...` searches new examples locally.
settings.register_profile("deterministic", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def labc(capsys):
    """Run `labc ARGS...` in this process and return exit code, stdout and stderr."""
    from labc.cli import main

    def run(*args: str) -> CliResult:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture
def use_experts():
    """`use_experts("module:function")`: labc's commands run in this process use those experts instead
    of the scripted ones until the test ends (tests/helpers/experts.py)."""
    from contextlib import ExitStack

    from tests.helpers.experts import scripted_replaced_by

    with ExitStack() as stack:
        yield lambda spec: stack.enter_context(scripted_replaced_by(spec))


def example_pairs() -> list[tuple[Path, Path]]:
    """Every example that exists in both surfaces, as (yaml, lab)."""
    pairs = []
    for yaml_path in sorted(EXAMPLES.rglob("*.yaml")):
        lab_path = yaml_path.with_suffix(".lab")
        if lab_path.exists():
            pairs.append((yaml_path, lab_path))
    return pairs
