"""Draws from one split's band of values.

Every randomization axis gives the `id` and the held-out `ood` split disjoint value sets: magnitude bands
that do not overlap (or names only one split uses). These are the ways a value is drawn from a band.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np

Split = Literal["id", "ood"]


def band(rng: np.random.Generator, values: tuple[float, float]) -> float:
    """A value uniform in the band."""
    return float(rng.uniform(*values))


def planar(rng: np.random.Generator, values: tuple[float, float]) -> tuple[float, float]:
    """A shift whose length lies in the band, in a uniformly random direction."""
    r, angle = band(rng, values), float(rng.uniform(0.0, 2.0 * math.pi))
    return (r * math.cos(angle), r * math.sin(angle))


def spatial(rng: np.random.Generator, values: tuple[float, float]) -> np.ndarray:
    direction = rng.normal(size=3)
    return direction / np.linalg.norm(direction) * band(rng, values)


def square(rng: np.random.Generator, values: tuple[float, float]) -> tuple[float, float]:
    """A shift uniform over the square of half side values[1] less the square of half side values[0]."""
    lo, hi = values
    while True:
        x, y = (float(v) for v in rng.uniform(-hi, hi, 2))
        if lo == 0.0 or max(abs(x), abs(y)) > lo:
            return (x, y)


def signed(rng: np.random.Generator, values: tuple[float, float]) -> float:
    """A magnitude in the band with a random sign."""
    return band(rng, values) * (1.0 if rng.random() < 0.5 else -1.0)
