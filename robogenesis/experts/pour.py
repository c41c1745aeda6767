"""pour: carry the held container beside the target, tip it about its lip (the lip stays over the
target's mouth), keep tipping while counting what arrives, and stop once the requested volume is in;
then tip back, move off, and stand it upright (the predicate checks the source upright again).

The source pours over the side its fingers do not cover: the tilt axis runs along the finger-closing
axis, so no finger sits under the lip.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from robogenesis.experts.base import Expert, PlanningError
from robogenesis.experts.grasp import UP, finger_axis
from robogenesis.experts.held import Held
from robogenesis.experts.motion import Arm, Pose, rot_about
from robogenesis.experts.scene import travel_height

ENTRY_TILT_RAD = math.radians(40.0)
MAX_TILT_RAD = math.radians(125.0)
TILT_STEP_RAD = math.radians(5.0)
TILT_STEP_S = 0.25
DRAIN_S = 0.8
LIP_PAST_CENTRE_M = 0.006


class PourExpert(Expert):
    name = "pour"

    def actions(self, env: Any, params: Any, rng: np.random.Generator) -> Iterator[np.ndarray]:
        arm = Arm(env, self.options, rng)
        src, dst = env.asset(params.source), env.asset(params.target)
        if not (src.is_container and dst.is_container):
            raise PlanningError(f"pouring needs two containers, not {params.source} and {params.target}")
        here = arm.planned()
        held = Held(env, src.name, here)
        src_pos, dst_pos = env.body_pos(src.name), env.body_pos(dst.name)
        across = here.rot[:, 1 - finger_axis(env)].copy()
        across[2] = 0.0
        across /= np.linalg.norm(across)
        towards = 1.0 if np.dot(dst_pos[:2] - src_pos[:2], across[:2]) >= 0 else -1.0
        d = across * towards  # the pour direction: the lip leans this way
        axis = np.cross(UP, d)  # tilting about it tips the top towards d
        radius = src.half_xy[0]
        lip_local = held.local(src_pos + UP * src.height_m + d * radius)

        mouth = dst_pos + UP * dst.top_z_m
        clearance = dst.half_xy[0] / math.tan(ENTRY_TILT_RAD) + 0.012
        lip_at = mouth + d * LIP_PAST_CENTRE_M + UP * clearance
        lip_at[:2] += arm.jitter(0.003, 2)
        beside = lip_at - d * (dst.half_xy[0] + 2 * radius + 0.02)

        def tool(lip: np.ndarray, tilt: float) -> Pose:
            return held.tool_for(lip_local, lip, rot_about(axis, tilt) @ here.rot)

        def tilting(lip: np.ndarray, a0: float, a1: float) -> Any:
            return lambda s: tool(lip, a0 + (a1 - a0) * s)

        start = tool(beside, 0.0)
        yield from arm.transit(
            start, travel_height(env, start.pos, carrying_m=src.height_m, ignore=(src.name,))
        )
        entry = tool(beside, ENTRY_TILT_RAD)
        yield from arm.line_to(entry, path=tilting(beside, 0.0, ENTRY_TILT_RAD))
        yield from arm.line_to(tool(lip_at, ENTRY_TILT_RAD))

        wanted = self._wanted(src, params)
        tilt = ENTRY_TILT_RAD
        while tilt < MAX_TILT_RAD and self._arrived(env, src, dst) < wanted:
            nxt = min(MAX_TILT_RAD, tilt + TILT_STEP_RAD)
            yield from arm.line_to(tool(lip_at, nxt), seconds=TILT_STEP_S, path=tilting(lip_at, tilt, nxt))
            tilt = nxt
        yield from arm.hold(DRAIN_S if self._arrived(env, src, dst) < wanted else 0.2)

        yield from arm.line_to(tool(lip_at, ENTRY_TILT_RAD), path=tilting(lip_at, tilt, ENTRY_TILT_RAD))
        yield from arm.line_to(entry)
        yield from arm.line_to(start, path=tilting(beside, ENTRY_TILT_RAD, 0.0))
        yield from arm.hold(0.3)

    @staticmethod
    def _wanted(src: Any, params: Any) -> int:
        if getattr(params, "volume_ul", None) is None:
            return len(src.particles)
        return max(1, math.ceil(params.volume_ul / src.ul_per_particle - 1e-6))

    @staticmethod
    def _arrived(env: Any, src: Any, dst: Any) -> int:
        return env.particles_inside(src.particles, dst.name)
