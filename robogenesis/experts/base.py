"""The expert contract: one scripted controller per atomic skill, yielding joint-target actions.

The episode runner (`robogenesis.runner`) steps the environment with every yielded action, records
observation and action in synthesis, and after the generator ends checks the node's predicate. Experts read the environment between
yields (object poses, joint values, pipette state), so every phase starts from where the last one
really ended rather than from where it was planned to end.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from labsim.query import SimQuery
from skills.base import SkillArgs, skill_name


class PlanningError(RuntimeError):
    """The expert cannot produce a trajectory (unreachable pose, missing part, unknown object)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ExpertOptions(BaseModel):
    """How experts move, shared by every skill.

    `noise` scales every random perturbation (approach and grasp offsets, timing); 0 gives the
    nominal, deterministic trajectory. `max_wait_s` caps the simulated time of `wait` nodes (a
    wait costs a few frames whatever its length, see `Idle`; the cap is for tests that want a wait to
    fail its predicate). `speed` scales every Cartesian speed.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    noise: float = Field(1.0, ge=0.0, le=3.0, description="Scale of random perturbations; 0 = nominal.")
    max_wait_s: float | None = Field(
        None,
        gt=0.0,
        description="Cap on the simulated seconds of a wait node (None: the full duration). A capped "
        "wait fails its predicate unless the engine shortens the node's duration to match.",
    )
    speed: float = Field(1.0, gt=0.05, le=4.0, description="Scale of all Cartesian and joint speeds.")
    linear_speed_m_s: float = Field(0.25, gt=0.0, description="Nominal tool speed of free moves.")
    approach_m: float = Field(0.10, gt=0.02, description="Stand-off before grasping, pressing, dipping.")
    lift_m: float = Field(0.15, gt=0.10, description="Lift after a pick (pick succeeds above 0.10 m).")


class ExpertEnv(SimQuery, Protocol):
    """What an expert is handed: the simulator's read-only query surface, and the two things an expert
    does to the world other than yield actions. It checks a predicate (the wait predicate's clock
    starts at its first check) and turns a pipette's volume dial, which a joint-target action cannot
    express. Nothing else: an expert never reads an engine's model or data, so a second backend runs
    every expert unchanged (tests/test_sim_boundary.py)."""

    def check(self, predicate: str, params: Any) -> bool: ...

    def set_pipette_volume(self, name: str, volume_ul: float) -> None: ...


@dataclass(frozen=True)
class Idle:
    """Yielded by an expert instead of an action: hold the current command while `seconds` of
    simulated time pass. The runner does not simulate or record every control step of it: synthesis
    records one frame that stands for the whole interval (its `wait_s` column says how long) and the
    simulator fast-forwards a world at rest (`Env.idle`). The expert goes on after it, in synthesis and
    in `labc run` alike; the interval counts against the node's time budget."""

    seconds: float


class Expert(ABC):
    """A scripted controller for one skill; stateless apart from its options. `params` is the skill's
    params model: the registry keys experts by it, and the skill's name comes from it."""

    params: ClassVar[type[SkillArgs]]

    @property
    def name(self) -> str:
        return skill_name(self.params)

    def __init__(self, options: ExpertOptions | None = None) -> None:
        self.options = options or ExpertOptions()

    @abstractmethod
    def actions(self, env: ExpertEnv, params: Any, rng: np.random.Generator) -> Iterator[np.ndarray | Idle]:
        """Yield actions (absolute arm joint targets, then gripper command in [0, 1]) one control
        step at a time, or an `Idle` to hold still for a while. Raises PlanningError when no
        trajectory can be planned."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.options!r})"
