"""stir: turn the held rod tip-down, lower it into the container, circle for the node's duration
(plus a margin: the predicate counts time with the tip inside), and lift it out."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from robogenesis.experts.base import Expert, PlanningError
from robogenesis.experts.grasp import DOWN
from robogenesis.experts.held import Held
from robogenesis.experts.motion import Arm, Pose, rot_between

CIRCLE_S = 1.5
MARGIN_S = 1.0
ABOVE_RIM_M = 0.04
DEPTH_FRACTION = 0.45  # tip height inside the container, as a fraction of its height


class StirExpert(Expert):
    name = "stir"

    def actions(self, env: Any, params: Any, rng: np.random.Generator) -> Iterator[np.ndarray]:
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
        down_rot = rot_between(tip_dir, DOWN) @ here.rot
        base = env.body_pos(box.name)
        top = base[2] + box.top_z_m
        centre = base[:2] + arm.jitter(0.004, 2)
        above = held.tool_for(tip_local, np.array([*centre, top + ABOVE_RIM_M]), down_rot)
        # Turn the rod tip-down high enough that the tip clears the rim, then go above the container.
        high = max(above.pos[2], here.pos[2])
        yield from arm.line_to(Pose(np.array([*here.pos[:2], high]), down_rot))
        yield from arm.line_to(above)
        depth = base[2] + box.top_z_m * DEPTH_FRACTION
        inside = held.tool_for(tip_local, np.array([*centre, depth]), down_rot)
        yield from arm.line_to(inside)
        radius = float(np.clip(box.inner_radius_m - 0.015, 0.004, 0.015))
        seconds = params.duration_s + MARGIN_S
        turns = max(1, round(seconds / CIRCLE_S))
        phase = float(rng.uniform(0, 2 * np.pi)) if self.options.noise > 0 else 0.0

        def circle(s: float) -> Any:
            angle = phase + 2 * np.pi * turns * s
            ring = radius * min(1.0, 8.0 * min(s, 1.0 - s))  # spiral out and back in
            offset = np.array([np.cos(angle), np.sin(angle), 0.0]) * ring
            return inside.moved(offset)

        yield from arm.follow(arm.plan_line(inside, seconds=seconds, path=circle, exact=True))
        yield from arm.line_to(above)
