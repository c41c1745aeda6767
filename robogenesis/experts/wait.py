"""wait: hold the arm and gripper still while simulated time passes.

One recorded frame of the arm holding, then an `Idle` for the rest of the wait: a wait of any length
is one frame plus one flagged wait frame, and the simulator fast-forwards the world at rest rather than
simulating and rendering every control step of a robot standing still. The simulated time is what the
per-step hold took before (duration plus one control step), so the wait predicate holds at the end.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from robogenesis.experts.base import Expert, ExpertEnv, Idle
from robogenesis.experts.motion import Arm
from skills.wait import WaitParams


class WaitExpert(Expert):
    params = WaitParams

    def actions(self, env: ExpertEnv, params: Any, rng: np.random.Generator) -> Iterator[np.ndarray | Idle]:
        arm = Arm(env, self.options, rng)
        env.check("wait", params)  # the wait predicate's clock starts at its first check
        seconds = params.duration_s
        if self.options.max_wait_s is not None:
            seconds = min(seconds, self.options.max_wait_s)
        steps = int(np.ceil(seconds * arm.hz)) + 1  # not speed-scaled: the predicate counts seconds
        yield arm.action()
        if steps > 1:
            yield Idle((steps - 1) / arm.hz)
