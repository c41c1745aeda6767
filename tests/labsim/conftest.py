"""Shared fixtures: one environment per robot and scene, built once per module (builds take seconds)."""

from __future__ import annotations

import os

os.environ.setdefault("MUJOCO_GL", "egl")

import pytest

from tests.labsim.labsim_scenes import BENCH


@pytest.fixture(scope="module", params=["franka", "ur5", "xarm7"])
def bench_env(request: pytest.FixtureRequest):
    from labsim.backend import get_backend

    env = get_backend().build(BENCH, request.param)
    yield env
    env.close()
