"""Quantile normalization of states and actions, per embodiment, saved with the model.

q01/q99 are computed over all frames (or chunk steps) pooled together; averaging per-episode quantiles
would be wrong. A dimension with q01 == q99 (a joint that never moves in the data) maps to 0 and back to
its constant, instead of dividing by zero.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel

EPS = 1e-6


class Quantiles(BaseModel):
    q01: list[float]
    q99: list[float]

    @classmethod
    def of(cls, values: np.ndarray) -> Quantiles:
        flat = values.reshape(-1, values.shape[-1]).astype(np.float64)
        return cls(q01=np.quantile(flat, 0.01, axis=0).tolist(), q99=np.quantile(flat, 0.99, axis=0).tolist())

    def _arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        lo, hi = np.asarray(self.q01, np.float32), np.asarray(self.q99, np.float32)
        return lo, hi, (hi - lo) < EPS

    def normalize(self, x: np.ndarray) -> np.ndarray:
        lo, hi, const = self._arrays()
        y = (x - lo) / (hi - lo + EPS) * 2.0 - 1.0
        return np.where(const, 0.0, y).astype(np.float32)

    def unnormalize(self, y: np.ndarray) -> np.ndarray:
        lo, hi, const = self._arrays()
        x = (y + 1.0) / 2.0 * (hi - lo + EPS) + lo
        return np.where(const, lo, x).astype(np.float32)


class GripperHold(BaseModel):
    """The gripper command that keeps the gripper as it is, by measured opening, read from the data.

    State and action speak different languages (a robot may report the opening, 1 = open, and take a
    command, 1 = closed), so holding must translate: per opening bin, the median command the
    demonstrations gave at that opening."""

    openings: list[float]  # bin centres, ascending
    commands: list[float]

    @classmethod
    def of(cls, opening: np.ndarray, command: np.ndarray, bins: int = 21) -> GripperHold:
        lo, hi = float(opening.min()), float(opening.max())
        edges = np.linspace(lo, hi + 1e-9, bins + 1)
        which = np.clip(np.digitize(opening, edges) - 1, 0, bins - 1)
        centres, commands = [], []
        for b in range(bins):
            sel = which == b
            if sel.any():
                centres.append(float(opening[sel].mean()))
                commands.append(float(np.median(command[sel])))
        return cls(openings=centres, commands=commands)

    def command(self, opening: float) -> float:
        """The command of the nearest bin (no interpolation: commands are often two-valued)."""
        i = int(np.argmin(np.abs(np.asarray(self.openings) - opening)))
        return self.commands[i]


class RobotStats(BaseModel):
    """Normalization of one embodiment: the state, and the action chunk in the policy's relative layout."""

    state: Quantiles
    action: Quantiles
    gripper_hold: GripperHold | None = None  # absent in checkpoints written before it existed
    state_delta: Quantiles | None = None  # of state(t) - state(t - k), when the model is fed that delta


class NormStats(BaseModel):
    robots: dict[str, RobotStats]
