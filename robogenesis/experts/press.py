"""press_button: a closed fist pushed along the button's own axis until the button goes down,
held briefly, then withdrawn. Closed loop: the push stops when the simulated button reports pressed,
so buttons of any travel (front or top, any device) need no tuning."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any, NamedTuple

import numpy as np

from robogenesis.experts.base import Expert, ExpertEnv, PlanningError
from robogenesis.experts.grasp import (
    UP,
    facing,
    finger_axis,
    natural_yaw,
    open_pad_offset,
    pad_depth,
    yaw_dir,
)
from robogenesis.experts.motion import Arm, Pose
from robogenesis.experts.scene import travel_height
from skills.press_button import PressButtonParams

CAP_HALF_M = 0.006  # half height of the button cap (labsim.assets.devices)
CAP_RAISE_M = 0.006  # the cap's radius is 0.012
PUSH_STEP_M = 0.0015
MAX_PUSH_M = 0.02
HOLD_S = 0.25
FRONT_PITCHES_RAD = (0.0, 0.3, 0.6)
CLEAR_BRANCHES = 3  # stand-off branches tried from the spread seeds, per orientation
RETRACTED_M = -0.01  # closed fingertips this far behind the tool site: press with one open finger


class PressPlan(NamedTuple):
    pre: Pose  # the stand-off pose in front of the cap
    q_pre: np.ndarray
    reach: list[np.ndarray]  # joints along the line to the cap
    way: list[np.ndarray]  # joints from where the arm is to q_pre
    push: np.ndarray  # unit direction the cap moves when pressed
    stand_off: float
    grip: float  # 1: a closed fist; 0: one open fingertip


class PressExpert(Expert):
    params = PressButtonParams

    def _plan(
        self, arm: Arm, face: np.ndarray, push: np.ndarray, stand_off: float, finger_offset: float
    ) -> tuple[Pose, np.ndarray, list[np.ndarray], list[np.ndarray]]:
        """Stand-off pose, its joints, the reach to the cap and the way there. A front button low on
        a device is pushed with the wrist pitched down (the hand stays off the bench), else straight
        on. The way is part of the plan: a stand-off reachable only in a branch that no clear swing
        from here gets to is no plan."""
        top = abs(push[2]) > 0.9
        fingers = yaw_dir(natural_yaw(arm.env, face)) if top else np.cross(UP, push)
        reasons: list[str] = []
        pitches = (0.0,) if top else FRONT_PITCHES_RAD
        home = np.asarray(arm.env.robot.home, float)
        # The arm's own branch first, reached from where it is or from home; then any branch, solved
        # from home first: from a place on the far side, a UR5 solving from where it was found a
        # hotplate's low button beside its base only a shoulder turn away, which no clear swing
        # reaches (the branch found from home, which the sampler checked, was 3 in 10 ood scenes).
        # Last, the clear branches found from seeds spread about home: beside a UR5's base, where a
        # level hand is at the edge of its reach, descent from home or from random restarts missed
        # by 2 cm a stand-off the sampler had solved from its reset pose (ood heat_liquid seed 41008).
        seeds = [(True, arm.q), (True, home), (False, home), (False, arm.q), (None, home)]
        for (near, seed), pitch in itertools.product(seeds, pitches):
            approach = push * np.cos(pitch) - UP * np.sin(pitch)
            for rot in facing(arm.env, approach, fingers):
                # Pressing with one fingertip: shift the tool so that fingertip meets the cap.
                face_tool = face - rot[:, finger_axis(arm.env)] * finger_offset
                pre = Pose(face_tool - push * stand_off, rot)
                for q_pre in self._stand_offs(arm, pre, seed, near, reasons):
                    try:
                        reach = arm.plan_line(Pose(face_tool - push * 0.008, rot), start_q=q_pre)
                        arm.plan_line(Pose(face_tool + push * MAX_PUSH_M, rot), start_q=reach[-1])
                        way = arm.plan_travel(pre, travel_height(arm.env, pre.pos), goal_q=q_pre)
                    except PlanningError as exc:
                        reasons.append(exc.reason)
                        continue
                    return pre, q_pre, reach, way
        raise PlanningError(f"cannot reach the button: {' | '.join(reasons)}")

    @staticmethod
    def _stand_offs(
        arm: Arm, pre: Pose, seed: np.ndarray, near: bool | None, reasons: list[str]
    ) -> Iterator[np.ndarray]:
        """Joints for the stand-off from one seed (`near`: in the seed's branch), or with `near`
        None the first few clear branches found about the seed; a failed solve adds its reason."""
        if near is None:
            yield from itertools.islice(arm.clear_solutions(pre, seed), CLEAR_BRANCHES)
            return
        try:
            yield arm.solve(pre, seed=seed, near=near)
        except PlanningError as exc:
            reasons.append(exc.reason)

    def plan(self, arm: Arm, device: str) -> PressPlan:
        """Everything decided before the arm moves (PlanningError when the button cannot be
        reached); the sampler's feasibility check calls this on a moved device too."""
        env = arm.env
        asset = env.asset(device)
        if asset.button_joint is None:
            raise PlanningError(f"{device} has no button")
        _, axis = env.joint_frame(asset.button_joint)
        push = -axis  # the cap moves against its joint axis when pressed
        cap = env.joint_body_pos(asset.button_joint)
        face = cap - push * CAP_HALF_M
        if abs(push[2]) < 0.9:  # a front button low on a device: press its upper half, hand off the bench
            face = face + UP * CAP_RAISE_M
        lateral = arm.jitter(0.003)
        face = face + lateral - push * float(np.dot(lateral, push))
        # Press with a closed fist, its fingertips on the cap. A gripper whose fingertips retract as
        # it closes (a Robotiq's, by 2.5 cm, behind its knuckles) presses open instead, with one
        # fingertip centred on the cap.
        _, fist = pad_depth(env, closed=True)
        one_finger = fist < RETRACTED_M
        grip = 0.0 if one_finger else 1.0
        tip = pad_depth(env, closed=False)[1] if one_finger else fist
        face = face - push * tip
        stand_off = self.options.approach_m + float(arm.jitter(0.02, 1)[0])
        pre, q_pre, reach, way = self._plan(
            arm, face, push, stand_off, open_pad_offset(env) if one_finger else 0.0
        )
        return PressPlan(pre, q_pre, reach, way, push, stand_off, grip)

    def actions(self, env: ExpertEnv, params: Any, rng: np.random.Generator) -> Iterator[np.ndarray]:
        from labsim.predicates import button_pressed

        arm = Arm(env, self.options, rng)
        pre, q_pre, reach, way, push, stand_off, grip = self.plan(arm, params.device)
        if abs(arm.grip - grip) > 0.05:
            yield from arm.gripper(grip, 0.4)
        yield from arm.follow(way)
        yield from arm.joints_to(q_pre, arm.timed(0.3))
        yield from arm.follow(reach)
        rot = pre.rot
        depth = -0.008
        while depth < MAX_PUSH_M and not button_pressed(env, params.device):
            depth += PUSH_STEP_M
            yield from arm.line_to(Pose(pre.pos + push * (stand_off + depth), rot), seconds=1.0 / arm.hz)
        yield from arm.hold(HOLD_S)
        yield from arm.line_to(pre)
