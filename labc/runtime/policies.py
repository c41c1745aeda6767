"""Policies `labc run` and `labc bench` can load, behind the one contract of ARCHITECTURE.md (see
`robogenesis.runner.policy` for the contract and its optional extensions; the scripted expert lives
there too, since synthesis runs it through the same runner)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from robogenesis.runner.policy import DEFAULT_EXPERTS, ExpertPolicy, Policy

POLICIES = ("expert", "labvla", "openpi", "replay", "nearest")
FLOORS = ("replay", "nearest")  # blind policies built from a recorded dataset (labc.runtime.floors)


class PolicyLoadError(ValueError):
    """The policy cannot be built (no checkpoint, an unknown name); a usage problem, not a crash."""


class LabVLAAdapter:
    """A LabVLA checkpoint as a policy: `labvla.policy.LabVLAPolicy` already has the contract; this
    adds the cameras it was trained on, so the runner renders exactly those."""

    name = "labvla"

    def __init__(
        self,
        checkpoint: Path,
        seed: int = 0,
        mode: str = "auto",
        action_horizon: int | None = None,
        sample_noise: float | None = None,
    ) -> None:
        from labvla.policy import LabVLAPolicy

        self.checkpoint = checkpoint
        self.inner = LabVLAPolicy(
            checkpoint, mode=mode, seed=seed, action_horizon=action_horizon, sample_noise=sample_noise
        )
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
    sample_noise: float | None = None,
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
                resolve_checkpoint(checkpoint, root),
                seed=seed,
                mode=mode,
                action_horizon=action_horizon,
                sample_noise=sample_noise,
            )
        except (CheckpointError, ValueError) as exc:  # ValueError: a horizon longer than the chunk
            raise PolicyLoadError(str(exc)) from None
    if name == "openpi":  # any policy served over openpi's websocket protocol (labc.openpi)
        if server is None:
            raise PolicyLoadError("the openpi policy needs a server address, ws://HOST:PORT")
        from labc.openpi.client import OpenpiPolicy

        return OpenpiPolicy(server)
    raise PolicyLoadError(f"unknown policy {name!r}; choose from {', '.join(POLICIES)}")
