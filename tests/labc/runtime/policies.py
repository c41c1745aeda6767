"""Misbehaving policies for the safety tests: each breaks the contract in one specific way."""

from __future__ import annotations

import time
from typing import Any

import numpy as np


class _Base:
    cameras: list[str] = []  # noqa: RUF012

    def __init__(self) -> None:
        self.env: Any = None

    def reset(self, instruction: str, robot: str) -> None:
        self.instruction = instruction

    def bind(self, env: Any, node: Any, rng: np.random.Generator) -> None:
        self.env = env

    def here(self) -> np.ndarray:
        return np.asarray(self.env.command(), dtype=float)


class NaNPolicy(_Base):
    name = "nan"

    def act(self, observation: Any) -> np.ndarray:
        a = self.here()
        a[2] = np.nan
        return a[None]


class PastLimitPolicy(_Base):
    """Asks joint 0 to go half a radian past its upper limit."""

    name = "past_limit"

    def act(self, observation: Any) -> np.ndarray:
        a = self.here()
        a[0] = self.env.robot.joint_limits[0][1] + 0.5
        return a[None]


class ExplodingPolicy(_Base):
    """Asks for a 1.5 rad jump of joint 0 in one control step (inside the joint's limits)."""

    name = "exploding"

    def act(self, observation: Any) -> np.ndarray:
        a = self.here()
        a[0] += 1.5
        return a[None]


class HurriedPolicy(_Base):
    """Slightly too fast: 0.2 rad per step (4 rad/s) on joint 0, back and forth."""

    name = "hurried"

    def __init__(self) -> None:
        super().__init__()
        self.sign = 1.0

    def act(self, observation: Any) -> np.ndarray:
        a = self.here()
        self.sign = -self.sign
        a[0] += 0.2 * self.sign
        return a[None]


class HoldPolicy(_Base):
    """Keeps the arm where it is: never achieves anything, never breaks anything."""

    name = "hold"

    def act(self, observation: Any) -> np.ndarray:
        return np.tile(self.here(), (4, 1))


class RaisingPolicy(_Base):
    name = "raising"

    def act(self, observation: Any) -> np.ndarray:
        raise RuntimeError("model weights are corrupt")


class StallingPolicy(_Base):
    name = "stalling"

    def act(self, observation: Any) -> np.ndarray:
        time.sleep(3.0)
        return self.here()[None]


class WrongShapePolicy(_Base):
    name = "wrong_shape"

    def act(self, observation: Any) -> np.ndarray:
        return np.zeros((1, 3))
