"""Typed simulator errors, so callers (executor, data engine) can tell a bad scene from a blow-up.

Errors about the static lab data (an unknown robot, labware that does not fit the deck) are
`labdata.errors`; the scene builder re-raises a layout error as a `SceneError`.
"""

from __future__ import annotations


class SimulationError(Exception):
    """Base class for everything labsim raises on purpose."""


class NumericalInstability(SimulationError):
    """The physics state stopped being trustworthy (NaN, exploding velocities, solver warnings)."""

    def __init__(self, reason: str, time_s: float | None = None) -> None:
        self.reason = reason
        self.time_s = time_s
        where = f" at t={time_s:.3f} s" if time_s is not None else ""
        super().__init__(f"numerical instability{where}: {reason}")


class SceneError(SimulationError):
    """The scene cannot be built: unknown labware, no free site, overlapping placements."""


class UnknownPredicateError(SimulationError):
    """`Env.check` was asked for a predicate labsim does not define."""
