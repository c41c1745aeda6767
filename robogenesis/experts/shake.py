"""shake: swing the held container side to side (10 cm between extremes, well past the 5 cm the
predicate counts), for the node's duration, then hold it still."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from robogenesis.experts.base import Expert, ExpertEnv
from robogenesis.experts.grasp import UP, azimuth
from robogenesis.experts.motion import Arm, Pose
from skills.shake import ShakeParams

AMPLITUDE_M = 0.05  # the arm lags a swinging load: aim well past the 5 cm the predicate counts
HALF_CYCLE_S = 0.6
MIN_HALF_CYCLES = 7  # 5 excursions needed, two spare
LIFT_ABOVE_START_M = 0.09  # the predicate wants >= 0.05 m
STILL_S = 1.0  # the predicate wants 0.5 s within 1 cm


class ShakeExpert(Expert):
    params = ShakeParams

    def actions(self, env: ExpertEnv, params: Any, rng: np.random.Generator) -> Iterator[np.ndarray]:
        arm = Arm(env, self.options, rng)
        here = arm.planned()
        lifted = env.body_pos(params.object)[2] - env.initial_pos(params.object)[2]
        centre = here.moved(UP * max(0.0, LIFT_ABOVE_START_M - lifted))
        if lifted < LIFT_ABOVE_START_M:
            yield from arm.line_to(centre)
        heading = azimuth(env, centre.pos) + np.pi / 2 + float(arm.jitter(0.3, 1)[0])
        side = np.array([np.cos(heading), np.sin(heading), 0.0])
        amplitude = AMPLITUDE_M + abs(float(arm.jitter(0.008, 1)[0]))
        half_cycles = max(MIN_HALF_CYCLES, round(getattr(params, "duration_s", 0.0) / HALF_CYCLE_S))
        yield from arm.line_to(centre.moved(side * amplitude), seconds=HALF_CYCLE_S / 2)
        sign = 1.0
        for _ in range(half_cycles):
            sign = -sign
            yield from arm.line_to(centre.moved(side * amplitude * sign), seconds=HALF_CYCLE_S)
        yield from arm.line_to(Pose(centre.pos, centre.rot), seconds=HALF_CYCLE_S / 2)
        yield from arm.hold(STILL_S)
