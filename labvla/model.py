"""LabVLA: a Qwen3-VL backbone that emits FAST action tokens, plus a DiT expert trained by flow matching.

Stage 1 trains the backbone alone with next-token cross-entropy on FAST tokens. Stage 2 adds the
expert; with knowledge insulation the expert reads *detached* backbone features, so the flow loss
cannot disturb the backbone, which keeps learning from the FAST loss (loss = w * flow MSE + FAST CE).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING

import torch
import torch.nn.functional as F
from torch import nn

from labvla.backbone import text_config
from labvla.config import LabVLAConfig
from labvla.dit import DiTExpert

if TYPE_CHECKING:
    from transformers import Qwen3VLForConditionalGeneration


@dataclass
class Batch:
    input_ids: torch.Tensor  # [B, L] prompt (+ FAST tokens + end) right-padded
    attention_mask: torch.Tensor  # [B, L]
    mm_token_type_ids: torch.Tensor  # [B, L] 1 on image placeholders
    labels: torch.Tensor  # [B, L] FAST ids and end token, -100 elsewhere
    prefix_mask: torch.Tensor  # [B, L] bool: prompt tokens the expert may read
    pixel_values: torch.Tensor  # [patches, patch_dim]
    image_grid_thw: torch.Tensor  # [images, 3]
    state: torch.Tensor  # [B, pad] normalized, padded
    actions: torch.Tensor  # [B, T, pad] normalized relative actions, padded
    action_mask: torch.Tensor  # [B, T, pad] real dimensions (steps past an episode's end hold its pose)
    embodiment: torch.Tensor  # [B]
    images: torch.Tensor | None = None  # [B, cameras, 3, S, S] uint8, for an expert with its own eyes

    def to(self, device: torch.device | str) -> Batch:
        present = {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}
        return replace(self, **{name: value.to(device) for name, value in present.items()})


def sample_flow_time(n: int, generator: torch.Generator) -> torch.Tensor:
    """t ~ Beta(1.5, 1) * 0.999 + 0.001, by inverse CDF (F(x) = x^1.5) so a seeded generator drives it."""
    u = torch.rand(n, generator=generator)
    return u ** (1.0 / 1.5) * 0.999 + 0.001


class LabVLA(nn.Module):
    # Declared: nn.Module's attribute lookup types submodules and buffers as `Tensor | Module`.
    backbone: Qwen3VLForConditionalGeneration
    action_dims: torch.Tensor  # a buffer (registered below)

    def __init__(self, config: LabVLAConfig, backbone: Qwen3VLForConditionalGeneration) -> None:
        super().__init__()
        self.config = config
        self.backbone = backbone
        hidden = text_config(backbone).hidden_size
        self.expert = (
            DiTExpert(
                config.expert,
                hidden,
                config.chunk,
                config.pad_dim,
                len(config.embodiments),
                cameras=len(config.cameras),
            )
            if config.stage == "flow"
            else None
        )
        dims = torch.tensor([e.action_dim for e in config.embodiments] or [config.pad_dim])
        self.register_buffer("action_dims", dims, persistent=False)

    def real_dims(self, embodiment: torch.Tensor) -> torch.Tensor:
        """[B, 1, pad] mask of each sample's real action dimensions; padded ones are zeroed at the input."""
        return (
            torch.arange(self.config.pad_dim, device=embodiment.device) < self.action_dims[embodiment, None]
        )[:, None]

    def backbone_parameters(self) -> list[nn.Parameter]:
        return list(self.backbone.parameters())

    def expert_parameters(self) -> list[nn.Parameter]:
        return [] if self.expert is None else list(self.expert.parameters())

    def hidden_states(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        mm_token_type_ids: torch.Tensor,
        pixel_values: torch.Tensor,
        image_grid_thw: torch.Tensor,
    ) -> torch.Tensor:
        out = self.backbone.model(
            input_ids=input_ids,
            attention_mask=attention_mask,
            mm_token_type_ids=mm_token_type_ids,
            pixel_values=pixel_values,
            image_grid_thw=image_grid_thw,
            use_cache=False,
        )
        return out.last_hidden_state

    def forward(self, batch: Batch, generator: torch.Generator) -> dict[str, torch.Tensor]:
        """Training losses (through `forward` so DistributedDataParallel sees the call)."""
        hidden = self.hidden_states(
            batch.input_ids,
            batch.attention_mask,
            batch.mm_token_type_ids,
            batch.pixel_values,
            batch.image_grid_thw,
        )
        # FAST next-token loss, with logits only where a label exists (the vocabulary is large).
        targets = batch.labels[:, 1:]
        where = targets != -100
        logits = self.backbone.lm_head(hidden[:, :-1][where])
        fast_ce = F.cross_entropy(logits.float(), targets[where])
        out = {"fast_ce": fast_ce, "loss": fast_ce}
        if self.expert is not None:
            flow = self.flow_loss(hidden, batch, generator)
            out["flow_mse"] = flow
            out["loss"] = self.config.flow_weight * flow + fast_ce
        return out

    def flow_loss(self, hidden: torch.Tensor, batch: Batch, generator: torch.Generator) -> torch.Tensor:
        assert self.expert is not None
        ctx = hidden.detach() if self.config.insulation else hidden
        seen = self.expert.see(batch.images, generator if self.training else None)
        # `flow_samples` (noise, time) draws per frame: the backbone and the cameras run once, the
        # expert on every draw, which lowers the variance of the flow gradient for little compute.
        k = self.config.flow_samples
        rep = (lambda x: x.repeat_interleave(k, dim=0)) if k > 1 else (lambda x: x)
        actions, embodiment = rep(batch.actions), rep(batch.embodiment)
        if seen is not None:
            seen = (rep(seen[0]), rep(seen[1]))
        b = actions.shape[0]
        t = sample_flow_time(b, generator).to(actions.device, actions.dtype)
        noise = torch.randn(actions.shape, generator=generator).to(actions.device, actions.dtype)
        x_t = (t[:, None, None] * noise + (1 - t[:, None, None]) * actions) * self.real_dims(embodiment)
        v = self.expert(x_t, t, rep(batch.state), embodiment, rep(ctx), rep(batch.prefix_mask), seen)
        mask = rep(batch.action_mask).to(v.dtype)
        return (((v.float() - (noise - actions).float()) ** 2) * mask).sum() / mask.sum().clamp(min=1)

    @torch.no_grad()
    def sample_actions(
        self,
        ctx: torch.Tensor,
        ctx_mask: torch.Tensor,
        state: torch.Tensor,
        embodiment: torch.Tensor,
        noise: torch.Tensor,
        images: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """Euler integration of the velocity field from t=1 (noise) to t=0, reusing the prefix `ctx`
        (and the expert's camera features, computed once)."""
        assert self.expert is not None, "a stage-1 model has no action expert; decode FAST tokens instead"
        steps = self.config.flow_steps
        real = self.real_dims(embodiment)
        seen = self.expert.see(images)
        x, dt = noise * real, -1.0 / steps
        for k in range(steps):
            t = torch.full((x.shape[0],), 1.0 + k * dt, device=x.device, dtype=x.dtype)
            x = x + dt * self.expert(x, t, state, embodiment, ctx, ctx_mask, seen) * real
        return x

    @torch.no_grad()
    def generate_fast(
        self,
        input_ids: torch.Tensor,
        mm_token_type_ids: torch.Tensor,
        pixel_values: torch.Tensor,
        image_grid_thw: torch.Tensor,
        eos: int,
        max_tokens: int,
        token_lengths: torch.Tensor | None = None,
        coefficients: int | None = None,
    ) -> list[int]:
        """Greedy decoding of one prompt, restricted to FAST tokens and the end token.

        With `token_lengths` (coefficients per FAST id) and `coefficients` (horizon x action dims), the
        decoding is constrained to a well-formed chunk: a token that would overshoot the remaining count
        is never chosen, the end token is allowed only once the count is exact, and reaching it ends the
        sequence. An unconstrained greedy argmax of a young model stops early or late on most frames.
        """
        fast_ids = slice(self.config.fast_offset, self.config.fast_offset + self.config.fast_vocab)
        allowed = torch.zeros(self.backbone.lm_head.out_features, dtype=torch.bool, device=input_ids.device)
        allowed[fast_ids] = True
        allowed[eos] = True
        lengths = None
        if token_lengths is not None and coefficients is not None:
            lengths = torch.full_like(allowed, 0, dtype=torch.long)
            lengths[fast_ids] = token_lengths.to(input_ids.device)[: self.config.fast_vocab]
        ids, types = input_ids, mm_token_type_ids
        out: list[int] = []
        done = 0
        for _ in range(max_tokens):
            if lengths is not None and done == coefficients:
                break
            mask = allowed
            if lengths is not None:
                assert coefficients is not None
                mask = allowed & (lengths <= coefficients - done) & (lengths > 0)
            hidden = self.hidden_states(ids, torch.ones_like(ids), types, pixel_values, image_grid_thw)
            logits = self.backbone.lm_head(hidden[:, -1]).float().masked_fill(~mask, float("-inf"))
            nxt = int(logits.argmax(-1))
            if nxt == eos:
                break
            out.append(nxt - self.config.fast_offset)
            if lengths is not None:
                done += int(lengths[nxt])
            ids = torch.cat([ids, ids.new_tensor([[nxt]])], dim=1)
            types = torch.cat([types, types.new_zeros((1, 1))], dim=1)
        return out
