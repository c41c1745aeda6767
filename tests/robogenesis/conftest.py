"""Shared inputs for the data-engine tests: a tiny protocol of two waits, and configs that keep runs small."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("MUJOCO_GL", "egl")

HOLD_PROTOCOL = """\
labc: 1
protocol: hold_still
description: "Two short waits with a beaker of water on the bench."
robots: [franka, ur5]
labware:
  beaker: {type: beaker_250ml, at: bench/center, contains: 50 mL water}
steps:
  - wait 1 s
  - wait 0.5 s
"""
TINY = "tests.robogenesis.tiny_experts"


@pytest.fixture(scope="session")
def hold_protocol(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("protocols") / "hold.yaml"
    path.write_text(HOLD_PROTOCOL)
    return path


def tiny_config(protocol: Path, out: Path, **overrides):
    from robogenesis.engine import SynthConfig

    fields = {
        "protocols": [protocol],
        "robots": ["franka"],
        "episodes": 3,
        "out": out,
        "workers": 0,
        "cameras": ["front", "wrist"],
        "resolution": 32,
        "max_attempts": 2,
        "experts": f"{TINY}:get_expert",
    }
    return SynthConfig(**{**fields, **overrides})


@pytest.fixture(scope="session")
def reference_run(hold_protocol: Path, tmp_path_factory: pytest.TempPathFactory):
    """Three franka episodes in this process: what the pool, Ray, resume and replay must reproduce."""
    from robogenesis.engine import synthesize

    out = tmp_path_factory.mktemp("reference")
    report = synthesize(tiny_config(hold_protocol, out), quiet=True)
    return out, report
