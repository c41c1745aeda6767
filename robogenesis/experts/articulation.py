"""open_door, close_door, open_drawer, close_drawer: grasp the handle, carry it along the joint's
own path (an arc about the hinge or a line along the slide), let go, back away.

The path comes from the simulated joint (anchor, axis, kind), measured from where the handle was at
reset, so the same code opens any hinged door, lid or drawer the asset builder makes.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import numpy as np

from robogenesis.experts.base import Expert, ExpertEnv, PlanningError
from robogenesis.experts.grasp import UP, facing, pad_depth
from robogenesis.experts.motion import Arm, Pose, rot_about, rot_angle
from robogenesis.experts.scene import travel_height
from skills.close_door import CloseDoorParams
from skills.close_drawer import CloseDrawerParams
from skills.open_door import OpenDoorParams
from skills.open_drawer import OpenDrawerParams

if TYPE_CHECKING:
    from labsim.query import SimQuery

OPEN_TRAVELS_M = (0.18, 0.16)  # the predicate wants more than 0.13 m of handle travel; most first
PULL_SPEED_M_S = 0.12
PITCHES_RAD = (0.0, 0.4, 0.7)
HANDLE_STAND_OFF_M = 0.06  # short: an open handle can be close to the base
HANDLE_PROUD_M = 0.03  # a handle bar's centre stands this far off its face (labsim.assets.devices)
FACE_CLEARANCE_M = 0.008
RELEASE_S = 0.6
# Back off the handle, then rise: near the base a long straight retreat leaves the workspace.
# The predicates want the tool > 0.04 m (open) or > 0.08 m (closed) from the handle.
BACK_OFF_M = {True: 0.04, False: 0.06}
RISE_M = {True: 0.05, False: 0.08}


class JointPath:
    """The handle's pose as a function of the joint coordinate, relative to the reset position."""

    def __init__(self, env: SimQuery, joint: str, handle_site: str) -> None:
        self.hinge = env.joint_is_hinge(joint)
        self.anchor, self.axis = env.joint_frame(joint)
        self.start = env.initial_site_pos(handle_site)
        self.radius = float(np.linalg.norm(np.cross(self.start - self.anchor, self.axis)))

    def coordinate(self, point: np.ndarray) -> float:
        """Joint coordinate (radians or metres from reset) that puts the handle at `point`."""
        if not self.hinge:
            return float(np.dot(point - self.start, self.axis))
        a = self.start - self.anchor
        b = point - self.anchor
        a -= self.axis * np.dot(a, self.axis)
        b -= self.axis * np.dot(b, self.axis)
        return float(np.arctan2(np.dot(np.cross(a, b), self.axis), np.dot(a, b)))

    def transform(self, theta: float) -> tuple[np.ndarray, np.ndarray]:
        """(rotation, translation) moving a world point from coordinate 0 to `theta`."""
        if not self.hinge:
            return np.eye(3), self.axis * theta
        rot = rot_about(self.axis, theta)
        return rot, self.anchor - rot @ self.anchor

    def open_coordinate(self, travel_m: float) -> float:
        if not self.hinge:
            return travel_m
        return 2.0 * float(np.arcsin(min(1.0, travel_m / (2.0 * self.radius))))


# Stand-off pose, its joints, reach, pull, retreat, and the retreat step at which the gripper opens.
ArticulationPlan = tuple[Pose, np.ndarray, list[np.ndarray], list[np.ndarray], list[np.ndarray], int]


class ArticulationExpert(Expert):
    part: ClassVar[Literal["door", "drawer"]]
    opens: ClassVar[bool]

    def plan(self, arm: Arm, device: str) -> ArticulationPlan:
        """The whole motion, planned before the arm moves (PlanningError when there is none). The
        sampler's feasibility check calls this on a moved device too, so a scene is redrawn rather
        than handed to an expert that cannot work it."""
        env = arm.env
        asset = env.asset(device)
        joint = getattr(asset, f"{self.part}_joint")
        if joint is None or asset.handle_site is None:
            raise PlanningError(f"{device} has no {self.part} with a handle")
        path = JointPath(env, joint, asset.handle_site)
        handle = env.site_pos(asset.handle_site)
        theta_now = path.coordinate(handle)
        extra = float(arm.jitter(0.01, 1)[0])
        goals = [path.open_coordinate(t + extra) for t in OPEN_TRAVELS_M] if self.opens else [0.0]

        # At reset the front faces the robot: "into the device" is the device body's +x.
        rot_now, _ = path.transform(theta_now)
        inward = rot_now @ env.body_rot(device)[:, 0]
        # A door's bar stands upright (fingers close sideways); a drawer's lies flat (fingers vertical).
        fingers = np.cross(UP, inward) if self.part == "door" else UP
        along_bar = UP if self.part == "door" else np.cross(UP, inward)
        grasp_pos = handle + along_bar * float(arm.jitter(0.01, 1)[0])
        # Reach in far enough that the closed pads (behind the tool site on a Robotiq) meet the bar,
        # but not so far that the open fingertips touch the face behind it.
        centre, _ = pad_depth(env, closed=True)
        _, deepest = pad_depth(env, closed=False)
        depth = min(-centre, HANDLE_PROUD_M - FACE_CLEARANCE_M - deepest)
        return self._plan(arm, path, grasp_pos, inward, fingers, theta_now, goals, depth)

    def actions(self, env: ExpertEnv, params: Any, rng: np.random.Generator) -> Iterator[np.ndarray]:
        arm = Arm(env, self.options, rng)
        pre, q_pre, reach, pull, retreat, release = self.plan(arm, params.device)

        if arm.grip > 0.05:
            yield from arm.gripper(0.0, 0.4)
        yield from arm.transit(pre, travel_height(env, pre.pos))
        yield from arm.joints_to(q_pre, arm.timed(0.3))  # onto the planned joint branch
        yield from arm.follow(reach)
        yield from arm.hold(0.2)
        yield from arm.gripper(1.0, 0.8)
        yield from arm.follow(pull)
        yield from arm.hold(0.3)
        if self.opens:
            # Let go while backing off: opening Robotiq fingertips swing forward and would push the
            # handle back in. (Closing, that push only helps, and backing off first would pull.)
            yield from arm.follow(retreat[:release], grip=0.0)
            yield from arm.hold(0.2)
            yield from arm.follow(retreat[release:])
        else:
            yield from arm.gripper(0.0, 0.6)
            yield from arm.follow(retreat)
        yield from arm.hold(0.2)

    def _plan(
        self,
        arm: Arm,
        path: JointPath,
        grasp_pos: np.ndarray,
        inward: np.ndarray,
        fingers: np.ndarray,
        theta_now: float,
        goals: list[float],
        depth: float,
    ) -> ArticulationPlan:
        """Grasp pose, pull and retreat, planned whole before moving. Reaching straight in is tried
        first, then pitched down (an arm near its base reaches a high handle better from above)."""
        reasons = []
        now = arm.planned().rot
        for near, theta_goal, pitch in itertools.product((True, False), goals, PITCHES_RAD):
            approach = inward * np.cos(pitch) - UP * np.sin(pitch)
            # The hand as it is held first: the other way round turns the wrist half a turn on the
            # way, and beside a handle just let go of, the swinging fingers knock it (a UR5 closing
            # the drawer it had opened pushed it 4 cm out, then missed the bar).
            rots = sorted(facing(arm.env, approach, fingers), key=lambda r: rot_angle(now.T @ r))
            for rot in rots:
                grasp = Pose(grasp_pos + approach * depth, rot)

                def along(s: float, grasp: Pose = grasp, theta_goal: float = theta_goal) -> Pose:
                    rot_s, shift = path.transform((theta_goal - theta_now) * s)
                    return Pose(rot_s @ grasp.pos + shift, rot_s @ grasp.rot)

                end = along(1.0)
                travel = abs(theta_goal - theta_now) * (path.radius if path.hinge else 1.0)
                back = end.moved(-end.rot[:, 2] * BACK_OFF_M[self.opens])
                pre = grasp.moved(-rot[:, 2] * HANDLE_STAND_OFF_M)
                try:
                    q_pre = arm.solve(pre, near=near)
                    reach = arm.plan_line(grasp, start_q=q_pre)
                    pull = arm.plan_line(end, max(1.0, travel / PULL_SPEED_M_S), along, start_q=reach[-1])
                    retreat = arm.plan_line(back, seconds=RELEASE_S, start_q=pull[-1])
                    release = len(retreat)
                    retreat += arm.plan_line(back.moved(UP * RISE_M[self.opens]), start_q=retreat[-1])
                except PlanningError as exc:
                    reasons.append(exc.reason)
                    continue
                return pre, q_pre, reach, pull, retreat, release
        raise PlanningError(f"no reachable way to work the {self.part}: {' | '.join(reasons)}")


class OpenDoorExpert(ArticulationExpert):
    params = OpenDoorParams
    part = "door"
    opens = True


class CloseDoorExpert(ArticulationExpert):
    params = CloseDoorParams
    part = "door"
    opens = False


class OpenDrawerExpert(ArticulationExpert):
    params = OpenDrawerParams
    part = "drawer"
    opens = True


class CloseDrawerExpert(ArticulationExpert):
    params = CloseDrawerParams
    part = "drawer"
    opens = False
