"""Shared inputs for the runtime tests: compiled level-1/2 examples and small, real environments."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("MUJOCO_GL", "egl")

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples" / "labutopia"


@pytest.fixture(scope="session")
def compiled_of():
    """Compile an example once per (task, robot) for the whole session."""
    from robogenesis.compose import load_compiled

    cache: dict[tuple[str, str], object] = {}

    def get(task: str, robot: str = "franka"):
        if (task, robot) not in cache:
            cache[task, robot] = load_compiled(EXAMPLES / f"{task}.yaml", robot)
        return cache[task, robot]

    return get


@pytest.fixture
def env_of(compiled_of):
    """A camera-less environment for an example; closed after the test."""
    from labc.runtime.episode import EpisodeSpec, build_env

    made = []

    def get(task: str, robot: str = "franka"):
        env = build_env(compiled_of(task, robot), EpisodeSpec(robot=robot), cameras=[])
        env.reset(0)
        made.append(env)
        return env

    yield get
    for env in made:
        env.close()
