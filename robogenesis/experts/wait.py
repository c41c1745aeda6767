"""wait: hold the arm and gripper still while simulated time passes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from robogenesis.experts.base import Expert
from robogenesis.experts.motion import Arm


class WaitExpert(Expert):
    name = "wait"

    def actions(self, env: Any, params: Any, rng: np.random.Generator) -> Iterator[np.ndarray]:
        arm = Arm(env, self.options, rng)
        env.check("wait", params)  # the wait predicate's clock starts at its first check
        seconds = params.duration_s
        if self.options.max_wait_s is not None:
            seconds = min(seconds, self.options.max_wait_s)
        steps = int(np.ceil(seconds * arm.hz)) + 1  # not speed-scaled: the predicate counts seconds
        for _ in range(steps):
            yield arm.action()
