"""The simulator backend protocol: what the executor and data engine call, whatever the engine.

MuJoCo is the first implementation (`labsim.mujoco_env`); an Isaac Sim backend would implement the
same two protocols and register itself in `BACKENDS`, with no change to callers. An `Env` is also its
own query surface (`labsim.query.SimQuery`): experts and predicates read the world through it, never
through an engine's model or data.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from labsim.gl import prefer_headless
from labsim.query import SimQuery
from labsim.scene_spec import SceneSpec

BACKENDS: dict[str, str] = {"mujoco": "labsim.mujoco_env:MujocoBackend"}


class Randomization(BaseModel):
    """Per-reset perturbations drawn from the reset seed (the data engine widens these)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    object_xy_m: float = Field(0.0, ge=0.0, description="Uniform jitter of free labware on the bench.")
    joint_noise_rad: float = Field(0.0, ge=0.0, description="Uniform noise added to the home pose.")
    home_offset_rad: tuple[float, ...] = Field(
        (),
        description="A fixed offset per arm joint added to the home pose at every reset: the data engine"
        " draws it once per episode and stores it, so a replay starts from the same pose.",
    )
    light_scale: tuple[float, float] = Field((1.0, 1.0), description="Range scaling light intensity.")


@dataclass
class Observation:
    images: dict[str, np.ndarray]  # camera -> uint8 (H, W, 3)
    state: np.ndarray  # float32: arm joint positions, then gripper opening in [0, 1]
    time_s: float
    info: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class Env(SimQuery, Protocol):
    """A running scene: the episode contract below, and the read-only `SimQuery` surface."""

    def reset(self, seed: int) -> Observation: ...

    def step(self, action: np.ndarray, render: bool = True) -> Observation:
        """Apply one control action. `render=False` leaves the observation's images empty: a chunked
        policy reads only the observation after its chunk's last action, and rendering three cameras
        in software GL costs ten times the physics."""
        ...

    def idle(self, seconds: float, until: Callable[[], bool] | None = None) -> float:
        """Hold the current command while `seconds` of simulated time pass, unrendered, and return the
        seconds that passed (fewer if the callable `until()` came true first). A world at rest is not
        simulated step by step: its clock, device timers and trackers jump, so waiting is cheap."""
        ...

    def observe(self, render: bool = True) -> Observation: ...

    def check(self, predicate: str, params: Any) -> bool: ...

    def object_pose(self, name: str) -> tuple[np.ndarray, np.ndarray]: ...

    def close(self) -> None: ...


@runtime_checkable
class PlanningScene(Env, Protocol):
    """An `Env` that also takes the two privileged setters a planner needs to try a layout in one
    built scene: moving a fixed device (`place_fixture`) and posing the arm (`set_arm`). The sampler's
    reach check (robogenesis/reach.py) plans against it instead of building every draw; a backend that
    offers both runs that check unchanged."""

    def place_fixture(self, name: str, offset_xy: tuple[float, float], yaw_rad: float) -> None: ...

    def set_arm(self, q: np.ndarray, gripper_close: float = 0.0) -> None: ...


class Backend(Protocol):
    def build(self, scene: SceneSpec, robot: str, randomization: Randomization | None = None) -> Env: ...


def get_backend(name: str = "mujoco") -> Backend:
    """Import a backend by name only when asked (mujoco stays out of `labc compile`)."""
    try:
        module_name, cls_name = BACKENDS[name].split(":")
    except KeyError:
        raise ValueError(f"unknown simulator backend {name!r}; known: {', '.join(BACKENDS)}") from None
    prefer_headless()  # before the backend imports its engine, which reads MUJOCO_GL once
    return getattr(importlib.import_module(module_name), cls_name)()
