"""The DiT action expert: predicts the flow-matching velocity of a noisy action chunk.

Tokens are [state, (one per camera,) action_1..action_T]. Flow time (and, if the preset asks, state,
embodiment and pooled camera features) enters every block through adaLN-zero (shift, scale and a
zero-initialized gate, so each block starts as the identity); blocks alternate self-attention over the
chunk with cross-attention to the backbone's hidden states (masked to the real prompt tokens).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from labvla.config import ExpertConfig
from labvla.embodiment import PerEmbodimentLinear
from labvla.vision import VisionEncoder


def timestep_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    """Sinusoidal embedding of flow time in [0, 1] (scaled to 0..1000 as in diffusion models)."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, device=t.device, dtype=torch.float32) / half)
    args = t.float()[:, None] * 1000.0 * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class Attention(nn.Module):
    def __init__(self, width: int, heads: int, head_dim: int, kv_dim: int) -> None:
        super().__init__()
        self.heads, self.head_dim = heads, head_dim
        self.q = nn.Linear(width, heads * head_dim)
        self.kv = nn.Linear(kv_dim, 2 * heads * head_dim)
        self.out = nn.Linear(heads * head_dim, width)

    def forward(self, x: torch.Tensor, ctx: torch.Tensor, ctx_mask: torch.Tensor | None) -> torch.Tensor:
        b, n, _ = x.shape
        q = self.q(x).view(b, n, self.heads, self.head_dim).transpose(1, 2)
        k, v = self.kv(ctx).view(b, ctx.shape[1], 2, self.heads, self.head_dim).permute(2, 0, 3, 1, 4)
        mask = None if ctx_mask is None else ctx_mask[:, None, None, :]
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        return self.out(y.transpose(1, 2).reshape(b, n, -1))


class DiTBlock(nn.Module):
    def __init__(self, cfg: ExpertConfig, cross: bool, ctx_dim: int) -> None:
        super().__init__()
        w = cfg.width
        self.cross = cross
        self.norm1 = nn.LayerNorm(w, elementwise_affine=False, eps=1e-6)
        self.attn = Attention(w, cfg.heads, cfg.head_dim, ctx_dim if cross else w)
        self.norm2 = nn.LayerNorm(w, elementwise_affine=False, eps=1e-6)
        hidden = cfg.mlp_ratio * w
        self.mlp = nn.Sequential(nn.Linear(w, hidden), nn.GELU(approximate="tanh"), nn.Linear(hidden, w))
        self.ada = nn.Linear(w, 6 * w)
        nn.init.zeros_(self.ada.weight)
        nn.init.zeros_(self.ada.bias)

    def forward(
        self, x: torch.Tensor, c: torch.Tensor, ctx: torch.Tensor, ctx_mask: torch.Tensor
    ) -> torch.Tensor:
        shift1, scale1, gate1, shift2, scale2, gate2 = self.ada(F.silu(c))[:, None].chunk(6, dim=-1)
        h = self.norm1(x) * (1 + scale1) + shift1
        h = self.attn(h, ctx, ctx_mask) if self.cross else self.attn(h, h, None)
        x = x + gate1 * h
        h = self.norm2(x) * (1 + scale2) + shift2
        return x + gate2 * self.mlp(h)


class DiTExpert(nn.Module):
    """Velocity field v(x_t, t | state, backbone features) over padded, normalized action chunks."""

    def __init__(
        self,
        cfg: ExpertConfig,
        ctx_dim: int,
        chunk: int,
        pad_dim: int,
        num_embodiments: int,
        cameras: int = 0,
    ) -> None:
        super().__init__()
        w = cfg.width
        self.width = w
        self.cfg = cfg
        # Optional conditioning (a preset's choice): state and embodiment in adaLN, the expert's own eyes.
        self.state_cond = PerEmbodimentLinear(num_embodiments, pad_dim, w) if cfg.condition_state else None
        self.embodiment_cond = nn.Embedding(num_embodiments, w) if cfg.condition_state else None
        self.vision = VisionEncoder(cfg.vision, cameras, w) if cfg.vision is not None and cameras else None
        prefix = 1 + (cameras if self.vision is not None else 0)
        self.prefix = prefix
        self.state_encoder = PerEmbodimentLinear(num_embodiments, pad_dim, w)
        self.action_encoder = PerEmbodimentLinear(num_embodiments, pad_dim, w)
        self.action_decoder = PerEmbodimentLinear(num_embodiments, w, pad_dim)
        self.pos = nn.Parameter(torch.randn(1, chunk + prefix, w) * 0.02)
        self.time_mlp = nn.Sequential(nn.Linear(w, w), nn.SiLU(), nn.Linear(w, w))
        self.blocks = nn.ModuleList(
            DiTBlock(cfg, cross=i % 2 == 1, ctx_dim=ctx_dim) for i in range(cfg.layers)
        )
        self.final_norm = nn.LayerNorm(w, elementwise_affine=False, eps=1e-6)
        self.final_ada = nn.Linear(w, 2 * w)
        nn.init.zeros_(self.final_ada.weight)
        nn.init.zeros_(self.final_ada.bias)

    def forward(
        self,
        x_t: torch.Tensor,  # [B, T, pad_dim]
        t: torch.Tensor,  # [B]
        state: torch.Tensor,  # [B, pad_dim]
        embodiment: torch.Tensor,  # [B]
        ctx: torch.Tensor,  # [B, L, ctx_dim]
        ctx_mask: torch.Tensor,  # [B, L] bool
        seen: tuple[torch.Tensor, torch.Tensor] | None = None,  # `see(images)`: camera tokens, pooled
    ) -> torch.Tensor:
        c = self.time_mlp(timestep_embedding(t, self.width).to(x_t.dtype))
        prefix = [self.state_encoder(state, embodiment)[:, None]]
        if self.state_cond is not None and self.embodiment_cond is not None:
            c = c + self.state_cond(state, embodiment) + self.embodiment_cond(embodiment)
        if self.vision is not None:
            if seen is None:
                raise ValueError("this expert has its own vision encoder: pass the batch's images")
            prefix.append(seen[0].to(x_t.dtype))
            c = c + seen[1].to(x_t.dtype)
        tokens = torch.cat([*prefix, self.action_encoder(x_t, embodiment)], dim=1)
        x = tokens + self.pos[:, : tokens.shape[1]]
        for block in self.blocks:
            x = block(x, c, ctx, ctx_mask)
        shift, scale = self.final_ada(F.silu(c))[:, None].chunk(2, dim=-1)
        x = self.final_norm(x) * (1 + scale) + shift
        return self.action_decoder(x[:, self.prefix :], embodiment)

    def see(
        self, images: torch.Tensor | None, generator: torch.Generator | None = None
    ) -> tuple[torch.Tensor, torch.Tensor] | None:
        """Camera tokens and pooled features, computed once per chunk (not per Euler step)."""
        if self.vision is None:
            return None
        if images is None:
            raise ValueError("this expert has its own vision encoder: the batch has no images")
        return self.vision(images, generator)
