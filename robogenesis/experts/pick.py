"""pick: the seven phases of a scripted grasp (open, above, down, settle, close, lift, hold)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from robogenesis.experts.base import Expert, ExpertEnv, PlanningError
from robogenesis.experts.clearance import blocked
from robogenesis.experts.grasp import DOWN, UP, GraspPlan, finger_axis, grasp_plan
from robogenesis.experts.motion import Arm, Pose
from robogenesis.experts.scene import travel_height
from skills.pick import PickParams

FINGER_AXIS_JITTER = 0.25  # share of the grasp jitter kept along the finger-closing axis
LIFT_JITTER_M = 0.02  # the lift varies this much about ExpertOptions.lift_m (times the noise option)


class PickExpert(Expert):
    params = PickParams

    def actions(self, env: ExpertEnv, params: Any, rng: np.random.Generator) -> Iterator[np.ndarray]:
        arm = Arm(env, self.options, rng)
        plan = grasp_plan(env, params.object)
        stand_off = self.options.approach_m + float(arm.jitter(0.02, 1)[0])
        lift = self.options.lift_m + float(arm.jitter(LIFT_JITTER_M, 1)[0])
        jitter = arm.jitter(0.004)
        travel_z = travel_height(env, plan.pos, ignore=(params.object,))
        to_pre, reach, up = self._plan(arm, plan, stand_off, lift, jitter, travel_z)
        if arm.grip > 0.05:
            yield from arm.gripper(0.0, 0.4)
        yield from arm.follow(to_pre)
        yield from arm.follow(reach)
        yield from arm.hold(0.25)
        yield from arm.gripper(1.0, 0.8)
        yield from arm.follow(up)
        yield from arm.hold(0.3)

    @staticmethod
    def _way_in(
        arm: Arm, grasp: Pose, pre: Pose, approach: np.ndarray, travel_z: float, lift_z: float
    ) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """To the stand-off, then in. Tracked from where the arm is, unless that branch folds the arm
        onto itself (a Franka reaching down right beside its base); then, from above, planned from the
        grasp's own clear solution upwards, at least as high as the lift will go: a descent from a
        lower travel height chose a branch that could not rise to the lift's top (a beaker 32 cm from
        a Panda's base after it opened a door, level 4 ood seed 75000)."""
        try:
            to_pre = arm.plan_transit(pre, max(travel_z, pre.pos[2]))
            return to_pre, arm.plan_line(grasp, start_q=to_pre[-1])
        except PlanningError:
            if float(np.dot(approach, DOWN)) < 0.99:
                raise
            down = arm.plan_descent(grasp, max(travel_z, pre.pos[2], lift_z), near=False)
            return down[:-1], down[-1:]

    @staticmethod
    def _plan(
        arm: Arm, plan: GraspPlan, stand_off: float, lift: float, jitter: np.ndarray, travel_z: float
    ) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
        """Stand-off, reach and lift for the first way in that works whole (in the plan's order)."""
        reasons = []
        for rot, approach in zip(plan.rots, plan.approaches, strict=True):
            # Grasp offsets stay sideways to the approach, so the fingers still straddle the object,
            # and mostly across the fingers: a 70 mm beaker leaves an 85 mm Robotiq a few millimetres
            # a side, and an open fingertip landing on the rim squeezes the beaker out as it closes.
            shift = jitter - approach * float(np.dot(jitter, approach))
            fingers = rot[:, finger_axis(arm.env)]
            shift -= fingers * float(np.dot(shift, fingers)) * (1.0 - FINGER_AXIS_JITTER)
            grasp = Pose(plan.pos + shift + approach * plan.depth, rot)
            pre = grasp.moved(-approach * stand_off)
            try:
                to_pre, reach = PickExpert._way_in(arm, grasp, pre, approach, travel_z, grasp.pos[2] + lift)
                up = arm.plan_line(grasp.moved(UP * lift), start_q=reach[-1])
            except PlanningError as exc:
                reasons.append(exc.reason)
                continue
            bump = blocked(arm.env, [*to_pre, *reach], ignore=(plan.name,)) if plan.check_clearance else None
            if bump is not None:
                reasons.append(f"the way in puts {bump}")
                continue
            return to_pre, reach, up
        raise PlanningError(f"no way to grasp: {' | '.join(reasons)}")
