"""Golden compiled output for every example: reviewed by hand once, then locked byte for byte.

After an intended change, regenerate with `LABC_UPDATE_GOLDEN=1 pytest tests/compiler/test_golden.py`
and review the diff like any other code change.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from compiler import compile_file
from tests.conftest import EXAMPLES, ROOT

GOLDEN = Path(__file__).with_name("golden")
LAB_EXAMPLES = sorted(p.relative_to(ROOT) for p in EXAMPLES.rglob("*.lab"))


def _golden_path(example: Path) -> Path:
    return GOLDEN / (str(example.with_suffix("")).replace("/", "__") + ".json")


@pytest.mark.parametrize("example", LAB_EXAMPLES, ids=[str(p) for p in LAB_EXAMPLES])
def test_golden(example, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = compile_file(example)
    assert result.ok, [(d.code, d.message) for d in result.diagnostics]
    text = result.compiled.to_json()
    golden = _golden_path(example)
    if os.environ.get("LABC_UPDATE_GOLDEN"):
        golden.write_text(text)
    assert golden.exists(), f"no golden file for {example}; run with LABC_UPDATE_GOLDEN=1"
    assert text == golden.read_text()


def test_yaml_twin_compiles_to_the_same_plan(monkeypatch):
    monkeypatch.chdir(ROOT)
    for lab in LAB_EXAMPLES:
        a = compile_file(lab).compiled
        b = compile_file(lab.with_suffix(".yaml")).compiled
        assert [(n.skill, n.args, n.instruction, n.statement) for n in a.nodes] == [
            (n.skill, n.args, n.instruction, n.statement) for n in b.nodes
        ]
        assert a.edges == b.edges and a.schedule == b.schedule


def test_byte_identical_across_processes(tmp_path):
    """Different hash seeds (set order!) must not change a byte."""
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"out{seed}.json"
        env = {**os.environ, "PYTHONHASHSEED": seed, "LABC_WORKSPACE": str(tmp_path / f"ws{seed}")}
        proc = subprocess.run(
            [sys.executable, "-m", "labc.cli", "compile", "examples/pipette_protocol.yaml", "-o", str(out)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
