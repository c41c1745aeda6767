"""The safety monitor: every action passes through it before it reaches the simulator (or a robot).

A policy is untrusted output. Each action is checked against the robot's joint limits, a joint-speed
limit relative to the last command that went out, the workspace box (the tool over the bench), and the
keep-out zones of heating devices that are on. Small excesses are clipped and recorded (a target a hair
past a joint limit, a step slightly too fast); anything that could hurt (NaN, a target well past a
limit, a jump many times the speed limit, the tool outside the workspace or inside a hot zone) stops
the run with a reason. The monitor never trusts the policy's view of the world: limits come from the
robot profile, zones from the catalog data labsim built the scene with, the tool position from forward
kinematics of the commanded joints.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from labdata.deck import WORKSPACE_HIGH, WORKSPACE_LOW
from robogenesis.runner.monitors import Monitor
from robogenesis.runner.stops import Stop, StopReason

if TYPE_CHECKING:
    from labsim.query import SimQuery

HOT_MARGIN_M = 0.01  # a zone is this much wider than the heating surface
HOT_HEIGHT_M = 0.03  # and reaches this far above it


class SafetyLimits(BaseModel):
    """Thresholds of the monitor; the defaults suit the arms in `labdata/robots` at 20 Hz."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    joint_margin_rad: float = Field(0.15, ge=0.0, description="past a limit by up to this: clip; more: stop")
    max_joint_speed_rad_s: float = Field(
        3.14,
        gt=0.0,
        description="cap on every joint's speed; each joint is clipped to the lower of this and its "
        "robot profile's datasheet limit",
    )
    explode_factor: float = Field(
        8.0, gt=1.0, description="a step this many times the speed limit is an exploding action: stop"
    )
    workspace_min: tuple[float, float, float] = WORKSPACE_LOW  # labdata.deck: where the tool may go
    workspace_max: tuple[float, float, float] = WORKSPACE_HIGH


class KeepOutZone(BaseModel):
    """An axis-aligned box the tool must not enter while `device` is on."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    device: str
    low: tuple[float, float, float]
    high: tuple[float, float, float]

    def contains(self, point: np.ndarray) -> bool:
        return bool(np.all(point >= np.asarray(self.low)) and np.all(point <= np.asarray(self.high)))


class SafetyEvent(BaseModel):
    """One violation: what was wrong, where in the run, and whether it was clipped or stopped the run."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: str
    outcome: Literal["clipped", "stopped"]
    node_id: str | None = None
    step: int
    detail: str


class SafetyStop(Stop):
    """The monitor refused an action; the run ends in a safe stop with `event` as its reason."""

    def __init__(self, event: SafetyEvent, detail: str | None = None) -> None:
        super().__init__(StopReason(event.kind), detail or event.detail, event.node_id)
        self.event = event


def keep_out_zones(env: SimQuery) -> list[KeepOutZone]:
    """Zones of every heating device in the scene (catalog affordance `heats`), active or not.

    A device with a door heats its inside, so its whole body is the zone; a hotplate heats its top
    plate, so the zone is a thin slab over the plate. Both come from the catalog geometry labsim built."""
    zones = []
    for asset in env.info.assets.values():
        if "heats" not in asset.affordances:
            continue
        x, y, z = env.body_pos(asset.name)
        hx, hy = asset.half_xy
        if asset.door_joint:
            low, high = (x - hx, y - hy, z), (x + hx, y + hy, z + asset.height_m)
        else:
            r = min(hx, hy) * 0.8 + HOT_MARGIN_M  # the plate labsim draws is 0.8 of the short side
            top = z + asset.top_z_m
            low, high = (x - r, y - r, top - HOT_MARGIN_M), (x + r, y + r, top + HOT_HEIGHT_M)
        zones.append(KeepOutZone(device=asset.name, low=low, high=high))
    return zones


class SafetyMonitor(Monitor):
    """Filters actions for one environment; `filter` returns the action that may be sent, or raises.

    Clipped events are counted per kind (a policy that is always slightly too fast would otherwise
    flood the record); the first `keep_events` of them are kept verbatim, stops always are."""

    def __init__(self, env: SimQuery, limits: SafetyLimits | None = None, keep_events: int = 50) -> None:
        self.env = env
        self.limits = limits or SafetyLimits()
        joint_limits = np.asarray(env.robot.joint_limits, dtype=float)
        self.lo, self.hi = joint_limits[:, 0], joint_limits[:, 1]
        self.n_arm = len(self.lo)
        self.dt = 1.0 / float(env.robot.control_hz)
        speeds = np.asarray(getattr(env.robot, "velocity_limits", None) or [np.inf] * self.n_arm, float)
        self.speed = np.minimum(speeds, self.limits.max_joint_speed_rad_s)
        self.zones = keep_out_zones(env)
        self.keep_events = keep_events
        self.events: list[SafetyEvent] = []
        self.counts: dict[str, int] = {}
        self.node_id: str | None = None
        self.step = 0
        self.last = np.asarray(env.command(), dtype=float)

    def sync(self) -> None:
        """Take the command in force now as the reference for speed checks (at a node's start)."""
        self.last = np.asarray(self.env.command(), dtype=float)

    def begin_node(self, node: Any) -> None:
        self.node_id = node.id
        self.sync()

    def before_step(self, obs: Any, label: np.ndarray, action: np.ndarray) -> np.ndarray:
        return self.filter(action)

    def _event(self, kind: str, outcome: Literal["clipped", "stopped"], detail: str) -> SafetyEvent:
        event = SafetyEvent(kind=kind, outcome=outcome, node_id=self.node_id, step=self.step, detail=detail)
        self.counts[f"{kind}:{outcome}"] = self.counts.get(f"{kind}:{outcome}", 0) + 1
        if outcome == "stopped" or len(self.events) < self.keep_events:
            self.events.append(event)
        return event

    def _stop(self, kind: str, detail: str) -> None:
        raise SafetyStop(self._event(kind, "stopped", detail))

    def filter(self, action: Any) -> np.ndarray:
        """The action made safe to send, or SafetyStop."""
        try:
            a = np.array(action, dtype=float).reshape(-1)
        except (TypeError, ValueError):
            self._stop(StopReason.BAD_ACTION, f"the action is not numeric ({type(action).__name__})")
        if a.shape != (self.n_arm + 1,):
            self._stop(
                StopReason.BAD_ACTION, f"the action has {a.size} values, the robot takes {self.n_arm + 1}"
            )
        if not np.all(np.isfinite(a)):
            self._stop(
                StopReason.NAN, f"non-finite values at index {np.flatnonzero(~np.isfinite(a)).tolist()}"
            )
        arm = self._joint_limits(a[: self.n_arm])
        arm = self._joint_speed(arm)
        grip = float(a[-1])
        if not 0.0 <= grip <= 1.0:
            self._event(StopReason.GRIPPER, "clipped", f"gripper command {grip:.3f} clipped to [0, 1]")
            grip = min(max(grip, 0.0), 1.0)
        self._cartesian(arm)
        safe = np.concatenate([arm, [grip]])
        self.last = safe
        self.step += 1
        return safe

    def _joint_limits(self, arm: np.ndarray) -> np.ndarray:
        margin = self.limits.joint_margin_rad
        past = np.maximum(self.lo - arm, arm - self.hi)
        worst = int(np.argmax(past))
        if past[worst] > margin:
            name = self.env.robot.arm_joints[worst]
            self._stop(
                StopReason.JOINT_LIMITS,
                f"joint {name} commanded to {arm[worst]:.3f} rad, limits "
                f"[{self.lo[worst]:.3f}, {self.hi[worst]:.3f}]",
            )
        if past[worst] > 0.0:
            name = self.env.robot.arm_joints[worst]
            self._event(
                StopReason.JOINT_LIMITS,
                "clipped",
                f"joint {name} target {arm[worst]:.3f} rad clipped to its limit",
            )
            arm = np.clip(arm, self.lo, self.hi)
        return arm

    def _joint_speed(self, arm: np.ndarray) -> np.ndarray:
        step_max = self.speed * self.dt
        delta = arm - self.last[: self.n_arm]
        ratio = np.abs(delta) / step_max
        worst = int(np.argmax(ratio))
        if ratio[worst] <= 1.0:
            return arm
        name = self.env.robot.arm_joints[worst]
        jump = float(abs(delta[worst]))
        speed = jump / self.dt
        if ratio[worst] > self.limits.explode_factor:
            self._stop(
                StopReason.EXPLODING,
                f"joint {name} asked to move {jump:.3f} rad in one step ({speed:.1f} rad/s, limit "
                f"{self.speed[worst]:g})",
            )
        self._event(StopReason.JOINT_SPEED, "clipped", f"joint {name} at {speed:.2f} rad/s clipped")
        # The whole step is scaled down, so the arm keeps its direction in joint space.
        return self.last[: self.n_arm] + delta / ratio[worst]

    def _cartesian(self, arm: np.ndarray) -> None:
        tool, _ = self.env.ik.forward(arm)
        low, high = np.asarray(self.limits.workspace_min), np.asarray(self.limits.workspace_max)
        if np.any(tool < low) or np.any(tool > high):
            where = ", ".join(f"{v:.2f}" for v in tool)
            self._stop(StopReason.WORKSPACE, f"the tool would reach ({where}), outside the workspace box")
        for zone in self.zones:
            if zone.contains(tool) and self.env.device_on(zone.device):
                self._stop(
                    StopReason.KEEP_OUT, f"the tool would enter the zone over {zone.device}, which is on"
                )


class SafetyAudit(SafetyMonitor):
    """The deployment monitor in an audit role (synthesis): the action goes out unchanged, and one that
    the monitor would clip stops the episode with the clip's reason, as one it would stop does. A
    demonstration deployment would have to correct is not exported: a policy trained on it would learn
    motions the monitor refuses."""

    _audited = False  # a label has been checked this episode: speeds are measured label to label

    def sync(self) -> None:
        # Only at the episode's start: later the command in force carries DART's noise, and the next
        # label is paced from the previous label, not from where the noise left the servos.
        if not self._audited:
            super().sync()

    def _event(self, kind: str, outcome: Literal["clipped", "stopped"], detail: str) -> SafetyEvent:
        event = super()._event(kind, outcome, detail)
        if outcome == "clipped":
            raise SafetyStop(event, f"{detail} (the deployment monitor would clip it)")
        return event

    def before_step(self, obs: Any, label: np.ndarray, action: np.ndarray) -> np.ndarray:
        # The demonstration is its labels: with DART the executed action is the label plus the data
        # engine's own noise, which no policy is taught to send. Auditing the executed actions rejected
        # 9 of 23 DART attempts at sigma 0.05 (noise on top of an expert at 0.9 of a speed limit).
        self.filter(label)
        self._audited = True
        return action
