"""Policies the executor can run, behind the one contract of ARCHITECTURE.md.

`reset(instruction, robot)` starts a node; `act(observation) -> [chunk, A]` returns absolute actions
(arm joint targets, then the gripper command) that the executor steps one by one before asking again.

Two small, optional extensions, which policies that do not need them simply do not define:

- `start(context)`, called once per episode after the reset with the protocol's name, the robot and the
  seed (`EpisodeContext`): the replay floor picks its recorded episode there.
- `bind(env, node, rng)`, called right after `reset`: hands over the environment and the compiled node.
  A scripted expert needs them (it plans from object poses and the node's typed arguments); a learned
  policy sees only the instruction and the observation, so it has no `bind`.
- an empty chunk (shape `[0, A]`) means "I consider this instruction done": from then on the executor
  holds the arm and checks the node's predicate until it holds or the node's time runs out.
- `reports_done = True` says the policy will send that signal; the executor then judges the node only
  once the policy is done, so a scripted motion is not cut off the moment its predicate first holds
  (a pick "succeeds" 10 cm up, halfway through the lift the next skill was planned after). Policies
  without it (learned ones) are judged after every action.

`cameras` says which cameras the policy looks at (the executor builds the scene with them) and `name`
labels results.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from robogenesis.experts.base import Idle
from robogenesis.rollout import DEFAULT_EXPERTS, expert_lookup

POLICIES = ("expert", "labvla", "openpi", "replay", "nearest")
FLOORS = ("replay", "nearest")  # blind policies built from a recorded dataset (labc.runtime.floors)


class PolicyLoadError(ValueError):
    """The policy cannot be built (no checkpoint, an unknown name); a usage problem, not a crash."""


@runtime_checkable
class Policy(Protocol):
    name: str
    cameras: list[str]

    def reset(self, instruction: str, robot: str) -> None: ...

    def act(self, observation: Any) -> np.ndarray: ...


class ExpertPolicy:
    """The scripted RoboGenesis expert of each node's skill, as a policy.

    Experts read the environment between actions, so a chunk is a single action: the executor steps it
    and asks again, which is exactly how the data engine drives them."""

    name = "expert"
    cameras: list[str] = []  # noqa: RUF012  (experts read the simulator, not images)
    reports_done = True  # its trajectory ends; judge the node then, not mid-motion

    def __init__(self, experts: str = DEFAULT_EXPERTS) -> None:
        self.experts = experts
        self.instruction: str | None = None
        self.robot: str | None = None
        self._actions: Iterator[np.ndarray] | None = None
        self._width = 0

    def reset(self, instruction: str, robot: str) -> None:
        self.instruction, self.robot = instruction, robot
        self._actions = None

    def bind(self, env: Any, node: Any, rng: np.random.Generator) -> None:
        expert = expert_lookup(self.experts)(node.expert)
        self._actions = iter(expert.actions(env, node.args, rng))
        self._width = env.robot.n_arm + 1

    def act(self, observation: Any) -> np.ndarray:
        if self._actions is None:
            raise RuntimeError("the expert policy needs bind(env, node, rng) after reset()")
        action = next(self._actions, None)
        if action is None or isinstance(action, Idle):
            # An idle wait is the executor's hold: it fast-forwards the still world until the node's
            # predicate (the wait's clock) holds; nothing of the expert is left after it but a hold.
            return np.zeros((0, self._width))
        return np.asarray(action, dtype=float)[None, :]


class LabVLAAdapter:
    """A LabVLA checkpoint as a policy: `labvla.policy.LabVLAPolicy` already has the contract; this
    adds the cameras it was trained on, so the executor renders exactly those."""

    name = "labvla"

    def __init__(
        self, checkpoint: Path, seed: int = 0, mode: str = "auto", action_horizon: int | None = None
    ) -> None:
        from labvla.policy import LabVLAPolicy

        self.checkpoint = checkpoint
        self.inner = LabVLAPolicy(checkpoint, mode=mode, seed=seed, action_horizon=action_horizon)
        self.cameras = list(self.inner.config.cameras)
        self.image_size = int(self.inner.config.image_size)

    def reset(self, instruction: str, robot: str) -> None:
        self.inner.reset(instruction, robot)

    def act(self, observation: Any) -> np.ndarray:
        return np.asarray(self.inner.act(observation), dtype=float)


def resolve_checkpoint(checkpoint: Path | None, checkpoints_root: Path) -> Path:
    """`checkpoint` itself, else the workspace's `latest` pointer (what `labc train` leaves)."""
    from labvla.checkpoint import check_checkpoint as resolve

    target = checkpoint if checkpoint is not None else checkpoints_root
    try:
        return resolve(target)
    except (FileNotFoundError, ValueError) as exc:
        hint = "" if checkpoint is not None else " (run `labc train`, or pass --checkpoint DIR)"
        raise PolicyLoadError(f"no LabVLA checkpoint at {target}: {exc}{hint}") from None


def load_policy(
    name: str,
    *,
    checkpoint: Path | None = None,
    checkpoints_root: Path | None = None,
    seed: int = 0,
    experts: str = DEFAULT_EXPERTS,
    mode: str = "auto",
    server: str | None = None,
    data: Path | None = None,
    action_horizon: int | None = None,
) -> Policy:
    if name in FLOORS:
        from labc.runtime.floors import FloorData, NearestPolicy, ReplayPolicy

        if data is None:
            raise PolicyLoadError(
                f"--policy {name} needs --data DIR (a dataset written by `labc synthesize`)"
            )
        floor = FloorData(data)
        return ReplayPolicy(floor) if name == "replay" else NearestPolicy(floor)
    if name == "expert":
        return ExpertPolicy(experts)
    if name == "labvla":
        from labvla.checkpoint import CheckpointError

        root = checkpoints_root or Path("labc-out/checkpoints")
        try:
            return LabVLAAdapter(
                resolve_checkpoint(checkpoint, root), seed=seed, mode=mode, action_horizon=action_horizon
            )
        except (CheckpointError, ValueError) as exc:  # ValueError: a horizon longer than the chunk
            raise PolicyLoadError(str(exc)) from None
    if name == "openpi":  # any policy served over openpi's websocket protocol (labc.openpi)
        if server is None:
            raise PolicyLoadError("the openpi policy needs a server address, ws://HOST:PORT")
        from labc.openpi.client import OpenpiPolicy

        return OpenpiPolicy(server)
    raise PolicyLoadError(f"unknown policy {name!r}; choose from {', '.join(POLICIES)}")
