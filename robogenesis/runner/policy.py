"""The policy contract of ARCHITECTURE.md, the scripted expert as a policy, and DART.

`reset(instruction, robot)` starts a node; `act(observation)` returns a chunk of absolute actions (arm
joint targets, then the gripper command) that the runner steps one by one before asking again, or an
`Idle`: hold the current command for that many simulated seconds, after which the runner asks again.
Optional extensions, which policies that do not need them simply do not define:

- `start(context)`, called once per episode after the reset (`EpisodeContext`): the replay floor picks
  its recorded episode there.
- `bind(env, node, rng)`, called right after `reset`: hands over the environment and the compiled node.
  A scripted expert plans from object poses and the node's typed arguments; a learned policy sees only
  the instruction and the observation, so it has no `bind`.
- an empty chunk (shape `[0, A]`) means "I consider this instruction done".
- `reports_done = True` says the policy will send that signal; the runner then judges the node only
  once the policy is done, so a scripted motion is not cut off the moment its predicate first holds
  (a pick "succeeds" 10 cm up, halfway through the lift the next skill was planned after). Policies
  without it (learned ones) are judged after every action.

`cameras` says which cameras the policy looks at (the scene is built with them) and `name` labels
results.
"""

from __future__ import annotations

import importlib
import math
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol, runtime_checkable

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from robogenesis.experts.base import Idle, PlanningError
from robogenesis.runner.stops import Stop, StopReason

DEFAULT_EXPERTS = "robogenesis.experts.registry:get_expert"
# Plans an expert draws (each with its own random variation) before a node fails on a PlanningError. Near
# the edge of reach one variation plans and the next does not: on ur5 level-1 press seed 13010, 4 of 6
# draws planned, and the sampler's reach check had planned one of them.
EXPERT_PLANS = 4
DART_RHO = 0.9  # step-to-step correlation of the DART noise (a 0.5 s time constant at 20 Hz)


@runtime_checkable
class Policy(Protocol):
    name: str
    cameras: list[str]

    def reset(self, instruction: str, robot: str) -> None: ...

    def act(self, observation: Any) -> Any: ...


class EpisodeContext(BaseModel):
    """What a policy's optional `start` hook learns when an episode begins (after the reset)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    protocol: str = Field(description="the compiled protocol's name")
    robot: str
    seed: int


@dataclass(frozen=True)
class Chunk:
    """Actions to execute and the labels a dataset records for them, when they differ (DART)."""

    executed: np.ndarray
    labels: np.ndarray


@cache
def expert_lookup(spec: str) -> Callable[[str], Any]:
    module, _, attr = spec.partition(":")
    return getattr(importlib.import_module(module), attr)


class ExpertPolicy:
    """The scripted RoboGenesis expert of each node's skill, as a policy.

    Experts read the environment between actions, so a chunk is a single action: the runner steps it
    and asks again. An `Idle` the expert yields is passed on as it is, and the expert continues after
    it. `rng`, when given, is the one stream every node's expert draws from (synthesis: an episode is
    regenerated from its seed); otherwise each node draws from the rng the runner binds it with."""

    name = "expert"
    cameras: list[str] = []  # noqa: RUF012  (experts read the simulator, not images)
    reports_done = True  # its trajectory ends; judge the node then, not mid-motion

    def __init__(self, experts: str = DEFAULT_EXPERTS, rng: np.random.Generator | None = None) -> None:
        self.experts = experts
        self.rng = rng
        self.instruction: str | None = None
        self.robot: str | None = None
        self._actions: Iterator[np.ndarray | Idle] | None = None
        self._plan: Callable[[], Iterator[np.ndarray | Idle]] = lambda: iter(())
        self._started = False
        self._width = 0

    def reset(self, instruction: str, robot: str) -> None:
        self.instruction, self.robot = instruction, robot
        self._actions = None

    def bind(self, env: Any, node: Any, rng: np.random.Generator) -> None:
        expert = expert_lookup(self.experts)(node.expert)
        stream = rng if self.rng is None else self.rng
        self._plan = lambda: iter(expert.actions(env, node.args, stream))
        self._actions = self._plan()
        self._started = False
        self._width = env.robot.n_arm + 1

    def act(self, observation: Any) -> np.ndarray | Idle:
        if self._actions is None:
            raise RuntimeError("the expert policy needs bind(env, node, rng) after reset()")
        if not self._started:  # nothing has moved yet: a plan that fails can be drawn again
            self._started = True
            for left in range(EXPERT_PLANS - 1, -1, -1):
                try:
                    action = next(self._actions, None)
                    break
                except PlanningError:
                    if not left:
                        raise
                    self._actions = self._plan()
        else:
            action = next(self._actions, None)
        if action is None:
            return np.zeros((0, self._width))
        if isinstance(action, Idle):
            return action
        return np.asarray(action, dtype=float)[None, :]


class Dart:
    """DART (Laskey et al. 2017) around a policy: the arm executes the policy's joint targets plus
    noise, so the states recorded include drift off the policy's path, while the labels stay the
    policy's targets, which pull the arm back. The noise is an AR(1) process (correlation DART_RHO per
    control step, standard deviation sigma): white noise on position targets would be filtered out by
    the servos and visit no new states. The gripper command is never perturbed."""

    def __init__(self, policy: Any, sigma: float, rng: np.random.Generator) -> None:
        self.policy, self.sigma, self.rng = policy, sigma, rng
        self.name, self.cameras = policy.name, policy.cameras
        self.reports_done = bool(getattr(policy, "reports_done", False))
        self.lo = self.hi = self.noise = np.zeros(0)

    def reset(self, instruction: str, robot: str) -> None:
        self.policy.reset(instruction, robot)

    def bind(self, env: Any, node: Any, rng: np.random.Generator) -> None:
        if self.noise.size == 0:  # the noise carries over from node to node
            limits = np.asarray(env.robot.joint_limits, dtype=float)
            self.lo, self.hi = limits[:, 0], limits[:, 1]
            self.noise = np.zeros(len(self.lo))
        bind = getattr(self.policy, "bind", None)
        if bind is not None:
            bind(env, node, rng)

    def perturb(self, action: np.ndarray) -> np.ndarray:
        if self.sigma <= 0.0:
            return action
        shock = self.rng.normal(0.0, self.sigma, len(self.noise))
        self.noise = DART_RHO * self.noise + math.sqrt(1.0 - DART_RHO**2) * shock
        executed = action.copy()
        n = len(self.noise)
        executed[:n] = np.clip(action[:n] + self.noise, self.lo, self.hi)
        return executed

    def act(self, observation: Any) -> Chunk | Idle:
        chunk = self.policy.act(observation)
        if isinstance(chunk, Idle):
            return chunk
        labels = np.asarray(chunk, dtype=float)
        if len(labels) == 0:  # done
            return Chunk(executed=labels, labels=labels)
        return Chunk(executed=np.array([self.perturb(a) for a in labels]), labels=labels)


class PolicyCaller:
    """Calls the policy on a daemon thread so a policy that hangs cannot hang the run.

    After a stall the worker is abandoned (it is a daemon: it never blocks interpreter exit) and the
    caller refuses further calls; the run has stopped anyway."""

    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self._jobs: queue.Queue[Callable[[], Any] | None] = queue.Queue()
        self._results: queue.Queue[tuple[bool, Any]] = queue.Queue()
        self._broken = False
        threading.Thread(target=self._serve, daemon=True, name="labc-policy").start()

    def _serve(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            try:
                self._results.put((True, job()))
            except BaseException as exc:  # the policy's failure is data for the runner
                self._results.put((False, exc))

    def close(self) -> None:
        """Let the worker thread end (after its current call, if it is stalled in one)."""
        self._jobs.put(None)

    def __call__(self, fn: Callable[[], Any]) -> Any:
        if self._broken:
            raise Stop(StopReason.STALL, "the policy is still busy with an earlier call")
        self._jobs.put(fn)
        try:
            ok, value = self._results.get(timeout=self.timeout_s)
        except queue.Empty:
            self._broken = True
            raise Stop(StopReason.STALL, f"the policy did not answer within {self.timeout_s:g} s") from None
        if not ok:
            raise Stop(StopReason.POLICY_ERROR, f"{type(value).__name__}: {value}")
        return value


class DirectCaller:
    """Calls the policy in the runner's thread: its exceptions propagate (synthesis reports them)."""

    def __call__(self, fn: Callable[[], Any]) -> Any:
        return fn()

    def close(self) -> None:
        """Nothing to end."""
