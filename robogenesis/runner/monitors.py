"""Monitors: what watches an episode besides the policy. The runner calls every monitor's hooks in
order, so one loop serves deployment (the safety filter, a video recorder) and synthesis (the
validator, the safety monitor as an auditor, the frame recorder).

The validator watches what no single predicate covers: non-finite numbers, commanded or measured
joints outside the robot's limits, labware that left the bench, and liquid spilled outside every
container. The recorder keeps the frames a dataset episode is made of.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from labdata.deck import BENCH_CENTER_XY, BENCH_HALF_SIZE, BENCH_TOP_Z
from robogenesis.runner.stops import Stop, StopReason

JOINT_TOLERANCE_RAD = 0.05  # measured joints may sag this far past a limit under load
BELOW_BENCH_M = 0.03
MAX_SPILL_FRACTION = 0.10


class Monitor:
    """The hooks, all optional; any may raise `Stop` to end the episode."""

    renders = False  # True: needs the images of every observation (otherwise only chunk ends render)

    def begin_node(self, node: Any) -> None:
        """A try at `node` starts (also on a retry)."""

    def before_step(self, obs: Any, label: np.ndarray, action: np.ndarray) -> np.ndarray:
        """`action` is about to be sent from the observation `obs`; `label` is what the policy asked
        for (DART perturbs the action, not the label). Returns the action to send."""
        return action

    def waited(self, seconds: float) -> None:
        """The last action was held for `seconds` of simulated time (an idle wait)."""

    def after_step(self, obs: Any) -> None:
        """The observation after an action, an idle wait or a hold."""

    def finish(self) -> None:
        """Every node succeeded: end-of-episode checks."""


class Validator(Monitor):
    """Decides what synthesis exports: stops at the first violation."""

    def __init__(self, env: Any, max_spill_fraction: float = MAX_SPILL_FRACTION) -> None:
        self.env = env
        limits = np.asarray(env.robot.joint_limits, dtype=float)
        self.lo, self.hi = limits[:, 0], limits[:, 1]
        self.max_spill_fraction = max_spill_fraction
        self.node_id: str | None = None
        self._free = [a.name for a in env.info.assets.values() if a.free]

    def _reject(self, reason: StopReason, detail: str) -> None:
        raise Stop(reason, detail, self.node_id)

    def begin_node(self, node: Any) -> None:
        self.node_id = node.id

    def before_step(self, obs: Any, label: np.ndarray, action: np.ndarray) -> np.ndarray:
        if not np.all(np.isfinite(action)):
            self._reject(StopReason.NAN, "the expert commanded a non-finite action")
        arm = action[: len(self.lo)]
        bad = np.flatnonzero((arm < self.lo) | (arm > self.hi))
        if bad.size:
            j = int(bad[0])
            self._reject(
                StopReason.JOINT_LIMITS,
                f"commanded joint {self.env.robot.arm_joints[j]} to {arm[j]:.3f} rad, "
                f"limits [{self.lo[j]:.3f}, {self.hi[j]:.3f}]",
            )
        return action

    def after_step(self, obs: Any) -> None:
        state = obs.state
        if not np.all(np.isfinite(state)):
            self._reject(StopReason.NAN, "the robot state became non-finite")
        arm = state[: len(self.lo)]
        bad = np.flatnonzero((arm < self.lo - JOINT_TOLERANCE_RAD) | (arm > self.hi + JOINT_TOLERANCE_RAD))
        if bad.size:
            j = int(bad[0])
            joint = self.env.robot.arm_joints[j]
            self._reject(StopReason.JOINT_LIMITS, f"joint {joint} reached {arm[j]:.3f} rad")
        for name in self._free:
            x, y, z = self.env.body_pos(name)
            off_top = (
                abs(x - BENCH_CENTER_XY[0]) > BENCH_HALF_SIZE[0]
                or abs(y - BENCH_CENTER_XY[1]) > BENCH_HALF_SIZE[1]
            )
            if z < BENCH_TOP_Z - BELOW_BENCH_M or (off_top and z < BENCH_TOP_Z + 0.02):
                self._reject(StopReason.KNOCKED_OFF, f"{name} left the bench (at {x:.2f}, {y:.2f}, {z:.2f})")

    def finish(self) -> None:
        """Liquid outside every container stays under the spill bound."""
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
                    StopReason.SPILL,
                    f"{spilled} of {len(asset.particles)} particles from {asset.name} spilled",
                )


class Recorder(Monitor):
    """The frames of a dataset episode: the observation each action was chosen from, the label (the
    policy's action, not DART's perturbed one), the node's task text, and how long an idle frame
    stands for (`wait_s`)."""

    renders = True

    def __init__(self, task: Callable[[Any], str]) -> None:
        self.task = task
        self.images: dict[str, list[np.ndarray]] = {}
        self.state: list[np.ndarray] = []
        self.action: list[np.ndarray] = []
        self.tasks: list[str] = []
        self.node_ids: list[str] = []
        self.wait_s: list[float] = []
        self._node: tuple[str, str] = ("", "")

    def begin_node(self, node: Any) -> None:
        self._node = (node.id, self.task(node))

    def before_step(self, obs: Any, label: np.ndarray, action: np.ndarray) -> np.ndarray:
        for cam, img in obs.images.items():
            self.images.setdefault(cam, []).append(img)
        self.state.append(obs.state)
        self.action.append(np.asarray(label, dtype=np.float32))
        self.node_ids.append(self._node[0])
        self.tasks.append(self._node[1])
        self.wait_s.append(0.0)
        return action

    def waited(self, seconds: float) -> None:
        self.wait_s[-1] = seconds
