"""An expert registry whose every expert fails after one action: drives the CLI's safe-stop path."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np


class BrokenExpert:
    def actions(self, env: Any, params: Any, rng: np.random.Generator) -> Iterator[np.ndarray]:
        yield env.command()
        raise ZeroDivisionError("the controller divided by zero")


def get_expert(name: str) -> BrokenExpert:
    return BrokenExpert()
