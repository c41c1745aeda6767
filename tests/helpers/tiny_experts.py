"""Test experts for the engine's plumbing: a working one for `wait` nodes and deliberately broken ones.

Each module-level function maps an expert name to an expert (a `module:function` expert set, see
tests/helpers/experts.py);
the real scripted experts live in `robogenesis.experts`. `Hold` starts the wait clock, then sways the
arm slightly (seeded by the rng it is handed) for the node's duration, so frames differ per seed.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from typing import Any

import numpy as np

from robogenesis.experts.base import Idle


class PlanningError(Exception):
    """Named like the experts' contract: the rollout counts it as a planning rejection."""


class Hold:
    def __init__(self, steps_scale: float = 1.0) -> None:
        self.steps_scale = steps_scale

    def actions(self, env: Any, params: Any, rng: np.random.Generator) -> Iterator[np.ndarray]:
        env.check("wait", params)  # the wait predicate's clock starts at its first check
        q0 = np.asarray(env.robot.home, dtype=float)
        sway = rng.uniform(-0.05, 0.05, len(q0))
        steps = math.ceil(params.duration_s * env.robot.control_hz * self.steps_scale) + 1
        for k in range(steps):
            yield np.concatenate([q0 + sway * math.sin(math.pi * k / steps), [0.0]])


class Broken:
    """Hold, except for one fault injected at the first step."""

    def __init__(self, fault: str) -> None:
        self.fault = fault

    def actions(self, env: Any, params: Any, rng: np.random.Generator) -> Iterator[np.ndarray]:
        if self.fault == "planning":
            raise PlanningError("no path around the beaker")
        if self.fault == "crash":
            os._exit(3)
        for k, action in enumerate(Hold(0.5 if self.fault == "lazy" else 1.0).actions(env, params, rng)):
            if k == 2 and self.fault == "nan":
                action[0] = np.nan
            if k == 2 and self.fault == "limits":
                action[0] = env.robot.joint_limits[0][1] + 0.5
            if k == 2 and self.fault == "fast":  # twice the joint's speed limit for one step
                action[0] += 2.0 * env.robot.velocity_limits[0] / env.robot.control_hz
            if k == 2 and self.fault == "knock":
                env.set_body_pos("beaker", np.array([0.5, 0.0, 0.2]))
            if k == 2 and self.fault == "spill":
                for i, body in enumerate(env.asset("beaker").particles):
                    env.set_body_pos(body, np.array([0.3 + 0.01 * i, 0.35, 0.8]))
            yield action


def get_expert(name: str) -> Hold:
    if name != "wait":
        raise KeyError(f"the test experts only do `wait`, not {name!r}")
    return Hold()


def _broken(fault: str):
    def get(name: str) -> Broken:
        return Broken(fault)

    return get


broken_nan = _broken("nan")
broken_limits = _broken("limits")
broken_lazy = _broken("lazy")
broken_planning = _broken("planning")
broken_crash = _broken("crash")
broken_knock = _broken("knock")
broken_spill = _broken("spill")
broken_fast = _broken("fast")


class Pause:
    """Holds for a few steps, idles through most of the wait, then holds a few steps more: the runner
    must go on with an expert after its `Idle`, in synthesis and in `labc run` alike."""

    def actions(self, env: Any, params: Any, rng: np.random.Generator) -> Iterator[np.ndarray | Idle]:
        env.check("wait", params)
        hold = np.append(np.asarray(env.robot.home, dtype=float), 0.0)
        for _ in range(PAUSE_STEPS):
            yield hold
        yield Idle(params.duration_s)
        for _ in range(PAUSE_STEPS):
            yield hold


PAUSE_STEPS = 3


def pause(name: str) -> Pause:
    return Pause()


class Truncated:
    """A real expert cut off after a few control steps: its node's predicate cannot hold yet."""

    def __init__(self, inner: Any, steps: int = 10) -> None:
        self.inner, self.steps = inner, steps

    def actions(self, env: Any, params: Any, rng: np.random.Generator) -> Iterator[np.ndarray]:
        for k, action in enumerate(self.inner.actions(env, params, rng)):
            if k >= self.steps:
                return
            yield action


def truncated(name: str) -> Truncated:
    from robogenesis.experts.registry import get_expert as real

    return Truncated(real(name))


class Unlucky:
    """An expert whose first `fails` plans (each drawing from the rng) raise the experts' own
    PlanningError, then plans: one action, the home pose."""

    def __init__(self, fails: int) -> None:
        self.fails = fails
        self.plans = 0

    def actions(self, env: Any, params: Any, rng: np.random.Generator) -> Iterator[np.ndarray]:
        from robogenesis.experts.base import PlanningError as ExpertPlanningError

        self.plans += 1
        rng.uniform()
        if self.plans <= self.fails:
            raise ExpertPlanningError(f"draw {self.plans} does not plan")
        yield np.concatenate([np.asarray(env.robot.home, dtype=float), [0.0]])


UNLUCKY: dict[int, Unlucky] = {}


def unlucky(name: str) -> Unlucky:
    """`unlucky-N`: fails its first N plans (one instance per name, so a test can count its plans)."""
    fails = int(name.rsplit("-", 1)[1])
    return UNLUCKY.setdefault(fails, Unlucky(fails))
