"""Whole-episode validation: the checks every frame and the episode's end must pass to be exported.

Per-node success predicates are checked by the rollout; this module watches what no single predicate
covers: non-finite numbers, commanded or measured joints outside the robot's limits, labware that left
the bench, and liquid spilled outside every container. A failed check becomes a `Rejection` whose
`reason` is what the final report counts.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict

from labdata.deck import BENCH_CENTER_XY, BENCH_HALF_SIZE, BENCH_TOP_Z

# Reason codes (node-level ones carry the skill: "predicate:pick").
NAN = "nan"
JOINT_LIMITS = "joint_limits"
KNOCKED_OFF = "knocked_off"
SPILL = "spill"
INSTABILITY = "instability"
SCENE = "scene"
PLANNING = "planning"
PREDICATE = "predicate"
TIMEOUT = "timeout"
EMPTY = "empty"
ERROR = "error"

JOINT_TOLERANCE_RAD = 0.05  # measured joints may sag this far past a limit under load
BELOW_BENCH_M = 0.03
MAX_SPILL_FRACTION = 0.10


class Rejection(BaseModel):
    model_config = ConfigDict(frozen=True)
    reason: str
    node_id: str | None = None
    detail: str = ""


class EpisodeRejected(Exception):
    def __init__(self, rejection: Rejection) -> None:
        super().__init__(f"{rejection.reason}: {rejection.detail}")
        self.rejection = rejection


class EpisodeMonitor:
    """Checks one rollout as it runs; raises EpisodeRejected at the first violation."""

    def __init__(self, env: Any, max_spill_fraction: float = MAX_SPILL_FRACTION) -> None:
        self.env = env
        limits = np.asarray(env.robot.joint_limits, dtype=float)
        self.lo, self.hi = limits[:, 0], limits[:, 1]
        self.max_spill_fraction = max_spill_fraction
        self.node_id: str | None = None
        self._free = [a.name for a in env.info.assets.values() if a.free]

    def _reject(self, reason: str, detail: str) -> None:
        raise EpisodeRejected(Rejection(reason=reason, node_id=self.node_id, detail=detail))

    def action(self, action: np.ndarray) -> None:
        if not np.all(np.isfinite(action)):
            self._reject(NAN, "the expert commanded a non-finite action")
        arm = action[: len(self.lo)]
        bad = np.flatnonzero((arm < self.lo) | (arm > self.hi))
        if bad.size:
            j = int(bad[0])
            self._reject(
                JOINT_LIMITS,
                f"commanded joint {self.env.robot.arm_joints[j]} to {arm[j]:.3f} rad, "
                f"limits [{self.lo[j]:.3f}, {self.hi[j]:.3f}]",
            )

    def state(self, state: np.ndarray) -> None:
        if not np.all(np.isfinite(state)):
            self._reject(NAN, "the robot state became non-finite")
        arm = state[: len(self.lo)]
        bad = np.flatnonzero((arm < self.lo - JOINT_TOLERANCE_RAD) | (arm > self.hi + JOINT_TOLERANCE_RAD))
        if bad.size:
            j = int(bad[0])
            self._reject(JOINT_LIMITS, f"joint {self.env.robot.arm_joints[j]} reached {arm[j]:.3f} rad")
        for name in self._free:
            x, y, z = self.env.body_pos(name)
            off_top = (
                abs(x - BENCH_CENTER_XY[0]) > BENCH_HALF_SIZE[0]
                or abs(y - BENCH_CENTER_XY[1]) > BENCH_HALF_SIZE[1]
            )
            if z < BENCH_TOP_Z - BELOW_BENCH_M or (off_top and z < BENCH_TOP_Z + 0.02):
                self._reject(KNOCKED_OFF, f"{name} left the bench (at {x:.2f}, {y:.2f}, {z:.2f})")

    def finish(self) -> None:
        """End-of-episode check: liquid outside every container stays under the spill bound."""
        containers = [a.name for a in self.env.info.assets.values() if a.is_container]
        for asset in self.env.info.assets.values():
            if not asset.particles:
                continue
            inside = sum(
                1
                for particle in asset.particles
                if any(self.env.particles_inside([particle], box) for box in containers)
            )
            spilled = len(asset.particles) - inside
            if spilled > max(1, self.max_spill_fraction * len(asset.particles)):
                self._reject(
                    SPILL, f"{spilled} of {len(asset.particles)} particles from {asset.name} spilled"
                )
