"""Shared inputs for the data-engine tests: a tiny protocol of two waits, and configs that keep runs small."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers import TINY
from tests.helpers.protocols import HOLD_PROTOCOL

os.environ.setdefault("MUJOCO_GL", "egl")


@pytest.fixture(scope="session")
def hold_protocol(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("protocols") / "hold.yaml"
    path.write_text(HOLD_PROTOCOL)
    return path


def slot_job(protocol: Path, robot: str = "franka", **overrides):
    """One slot of `protocol` as the engine would plan it: seed 0, no cameras, 32 px, one attempt."""
    from robogenesis.compose import load_compiled
    from robogenesis.rollout import SlotJob
    from robogenesis.runner.policy import DEFAULT_EXPERTS

    fields = {
        "source": str(protocol),
        "compiled_json": load_compiled(protocol, robot).to_json(),
        "robot": robot,
        "slot": 0,
        "seed": 0,
        "cameras": [],
        "resolution": (32, 32),
        "max_attempts": 1,
        "experts": DEFAULT_EXPERTS,
    }
    return SlotJob(**{**fields, **overrides})


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
