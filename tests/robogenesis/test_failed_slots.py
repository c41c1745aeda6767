"""`labc synthesize` tells the truth: a requested slot with no episode is a failure (exit code 1) that
names the protocol, node and reason, and no dataset path is printed for a dataset that was not written."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import CAPPED, TINY

WAIT = """\
labc: 1
protocol: long_incubation
robots: [franka]
labware:
  beaker: {type: beaker_250ml, at: bench/center}
steps:
  - wait 30 min
"""


def _args(protocol: Path, out: Path, *extra: str) -> list:
    return ["synthesize", protocol, "--robots", "franka", "--workers", "0", "--cameras", "front",
            "--resolution", "32", "--out", out, *extra]  # fmt: skip


def test_a_slot_that_cannot_succeed_fails_the_run(labc, use_experts, tmp_path) -> None:
    protocol = tmp_path / "incubation.yaml"
    protocol.write_text(WAIT)
    out = tmp_path / "out"
    use_experts(CAPPED)
    result = labc(*_args(protocol, out, "--episodes", "1", "--max-attempts", "2"))
    assert result.code == 1, result.out + result.err
    assert "Traceback" not in result.err
    # Names the protocol, the slot, the node and the reason, per attempt.
    assert f"long_incubation ({protocol}) on franka, slot 0: no episode in 2 attempt(s)" in result.out
    assert result.out.count("predicate:wait at node n0001") == 2
    assert "slot 0: predicate:wait at node n0001" in result.err
    # No dataset was written, and none is named.
    assert not (out / "franka").exists()
    assert str(out / "franka") not in result.out + result.err
    assert "(no dataset written)" in result.out
    report = json.loads((out / "report.json").read_text())
    assert [(f["protocol"], f["slot"]) for f in report["failed"]] == [("long_incubation", 0)]


def test_only_written_datasets_are_named(labc, use_experts, hold_protocol, tmp_path) -> None:
    out = tmp_path / "out"
    use_experts(f"{TINY}:get_expert")
    good = labc(*_args(hold_protocol, out, "--episodes", "1"))
    assert good.code == 0 and f"-> {out / 'franka'}" in good.out and "FAILED" not in good.out
    use_experts(f"{TINY}:broken_planning")
    args = _args(hold_protocol, out, "--episodes", "1")
    bad = labc(*[("ur5" if a == "franka" else a) for a in args])
    assert bad.code == 1 and "hold_still" in bad.out and "planning:wait at node n0001" in bad.out
    assert not (out / "ur5").exists() and str(out / "ur5") not in bad.out + bad.err
