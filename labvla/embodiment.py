"""Cross-embodiment layout: relative arm actions, padding to a shared width, per-robot linear heads.

The simulator speaks absolute joint targets; the policy learns arm motion as deltas from the current
joint state (so one motion pattern transfers across start poses) and the gripper as an absolute command
(its open/closed meaning does not depend on where it is). States and actions are padded to `pad_dim`
with masks, and each robot gets its own input/output projections, indexed by embodiment id.
"""

from __future__ import annotations

import numpy as np
import torch
from pydantic import BaseModel
from torch import nn


class Embodiment(BaseModel):
    """A robot as the policy sees it: state = arm joints + gripper, action = arm targets + gripper."""

    name: str
    state_dim: int
    action_dim: int

    @property
    def arm_dim(self) -> int:
        return self.action_dim - 1


def to_relative(chunk: np.ndarray, state: np.ndarray, emb: Embodiment) -> np.ndarray:
    """Absolute action chunk [T, A] -> arm deltas from `state`, gripper unchanged."""
    out = chunk.astype(np.float32).copy()
    out[:, : emb.arm_dim] -= state[: emb.arm_dim]
    return out


def to_absolute(chunk: np.ndarray, state: np.ndarray, emb: Embodiment) -> np.ndarray:
    out = chunk.astype(np.float32).copy()
    out[..., : emb.arm_dim] += state[: emb.arm_dim]
    return out


def pad(x: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Zero-pad the last axis to `width`; the mask marks real dimensions."""
    d = x.shape[-1]
    if d > width:
        raise ValueError(f"{d} dimensions do not fit the padded width {width}")
    out = np.zeros((*x.shape[:-1], width), np.float32)
    out[..., :d] = x
    mask = np.zeros(width, bool)
    mask[:d] = True
    return out, mask


class PerEmbodimentLinear(nn.Module):
    """A linear layer with one weight matrix per embodiment, chosen per sample by `embodiment` ids."""

    def __init__(self, num_embodiments: int, in_dim: int, out_dim: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.randn(num_embodiments, in_dim, out_dim) / in_dim**0.5)
        self.bias = nn.Parameter(torch.zeros(num_embodiments, out_dim))

    def forward(self, x: torch.Tensor, embodiment: torch.Tensor) -> torch.Tensor:
        w = self.weight[embodiment]  # [B, in, out]
        b = self.bias[embodiment]
        if x.dim() == 2:
            return torch.einsum("bi,bio->bo", x, w) + b
        return torch.einsum("bti,bio->bto", x, w) + b[:, None]
