"""stir: turn the held rod tip-down, lower it into the container, circle for the node's duration
(plus a margin: the predicate counts time with the tip inside), and lift it out."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import numpy as np

from robogenesis.experts.base import Expert, ExpertEnv, PlanningError
from robogenesis.experts.grasp import DOWN, UP
from robogenesis.experts.held import Held
from robogenesis.experts.motion import Arm, Pose, rot_about, rot_between
from skills.stir import StirParams

CIRCLE_S = 1.5
MARGIN_S = 1.0
ABOVE_RIM_M = 0.04
DEPTH_FRACTION = 0.45  # tip height inside the container, as a fraction of its height
HAND_TURNS_RAD = (0.0, 0.6, -0.6, 1.2, -1.2, 1.8, -1.8)  # about the vertical rod, smallest first


class StirExpert(Expert):
    params = StirParams

    def actions(self, env: ExpertEnv, params: Any, rng: np.random.Generator) -> Iterator[np.ndarray]:
        arm = Arm(env, self.options, rng)
        rod = env.asset(params.rod)
        if rod.rod_tip_site is None:
            raise PlanningError(f"{params.rod} is not a rod")
        box = env.asset(params.container)
        if not box.is_container:
            raise PlanningError(f"{params.container} is not a container")
        here = arm.planned()
        held = Held(env, params.rod, here)
        tip_local = held.local(env.site_pos(rod.rod_tip_site))
        tip_dir = here.rot @ tip_local - (held.origin(here) - here.pos)
        base = env.body_pos(box.name)
        centre = base[:2] + arm.jitter(0.004, 2)
        radius = float(np.clip(box.inner_radius_m - 0.015, 0.004, 0.015))
        seconds = params.duration_s + MARGIN_S
        phase = float(rng.uniform(0, 2 * np.pi)) if self.options.noise > 0 else 0.0
        reasons = []
        # Tip-down leaves the hand free to turn about the rod: the smallest turn first, others where
        # that puts the wrist out of reach (a beaker far out on the bench) or past a limit. The rod is
        # turned where it was lifted, or else (a rod lifted off its rest beside a Franka's base, where
        # no wrist turns the rod down) carried level to above the container first.
        for turn_there, turn in itertools.product((False, True), HAND_TURNS_RAD):
            down_rot = rot_about(UP, turn) @ rot_between(tip_dir, DOWN) @ here.rot
            try:
                legs = self._plan(
                    arm, held, tip_local, down_rot, box, base, centre, radius, seconds, phase, turn_there
                )
            except PlanningError as exc:
                reasons.append(exc.reason)
                continue
            for leg in legs:
                yield from arm.follow(leg)
            return
        raise PlanningError(f"no way to stir: {' | '.join(reasons)}")

    @staticmethod
    def _plan(
        arm: Arm,
        held: Held,
        tip_local: np.ndarray,
        down_rot: np.ndarray,
        box: Any,
        base: np.ndarray,
        centre: np.ndarray,
        radius: float,
        seconds: float,
        phase: float,
        turn_there: bool,
    ) -> list[list[np.ndarray]]:
        """Turn tip-down, over the rim, in, circle, out: planned whole before anything moves. With
        `turn_there`, carry the rod level to above the container before turning it."""
        here = arm.planned()
        top = base[2] + box.top_z_m
        above = held.tool_for(tip_local, np.array([*centre, top + ABOVE_RIM_M]), down_rot)
        # Turn the rod tip-down high enough that the tip clears the rim (pointing down is as low as the
        # tip goes while it turns), then go above the container.
        high = max(above.pos[2], here.pos[2])
        legs: list[list[np.ndarray]] = []
        if turn_there:
            legs.append(arm.plan_line(Pose(np.array([*above.pos[:2], high]), here.rot)))
        turn_at = above.pos[:2] if turn_there else here.pos[:2]
        legs.append(
            arm.plan_line(Pose(np.array([*turn_at, high]), down_rot), start_q=legs[-1][-1] if legs else None)
        )
        turn = legs[-1]
        over = arm.plan_line(above, start_q=turn[-1])
        depth = base[2] + box.top_z_m * DEPTH_FRACTION
        inside = held.tool_for(tip_local, np.array([*centre, depth]), down_rot)
        into = arm.plan_line(inside, start_q=over[-1])
        turns = max(1, round(seconds / CIRCLE_S))

        def circle(s: float) -> Any:
            angle = phase + 2 * np.pi * turns * s
            ring = radius * min(1.0, 8.0 * min(s, 1.0 - s))  # spiral out and back in
            offset = np.array([np.cos(angle), np.sin(angle), 0.0]) * ring
            return inside.moved(offset)

        stir = arm.plan_line(inside, seconds=seconds, path=circle, exact=True, start_q=into[-1])
        out = arm.plan_line(above, start_q=stir[-1])
        return [*legs, over, into, stir, out]
