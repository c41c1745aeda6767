"""Training you can trust: an episode-level held-out split, validation metrics, and EMA weights.

Frames of one episode are near-duplicates, so a frame-level split would validate on the training set;
whole episodes are held out instead, per dataset and task, chosen by `split_seed` alone so runs with
different training seeds are validated on the same episodes. Validation measures what the policy will
do: teacher-forced FAST cross-entropy, the flow loss at fixed noise and times, and the error of the
chunk the policy would actually send (deterministic Euler integration from the noise mean), all in the
normalized action space. With EMA enabled, the averaged weights are what is validated and saved to act.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from labvla.data.lerobot import LeRobotDataset
from labvla.data.samples import FrameIndex, SampleBuilder
from labvla.model import LabVLA

Episodes = dict[int, set[int]]  # dataset position -> episode indices


def split_episodes(
    datasets: Sequence[LeRobotDataset], fraction: float, seed: int
) -> tuple[Episodes, Episodes]:
    """(train, validation) episodes: floor(fraction x n) of each dataset's n episodes.

    Within a dataset (a robot), episodes are shuffled per task (instruction), then taken round-robin
    over the tasks in a shuffled order, so the held-out ones spread over tasks and instructions instead
    of falling on one; a dataset with fewer than 1 / fraction episodes keeps them all for training."""
    rng = np.random.default_rng(seed)
    train: Episodes = {}
    val: Episodes = {}
    for d, ds in enumerate(datasets):
        by_task: dict[int, list[int]] = {}
        for e in range(len(ds.episodes)):
            start, end = ds.episode_bounds(e)
            if end > start:
                by_task.setdefault(int(ds.task_index[start]), []).append(e)
        groups = [list(rng.permutation(by_task[t])) for t in sorted(by_task)]
        groups = [groups[i] for i in rng.permutation(len(groups))]
        order = [g[k] for k in range(max(map(len, groups), default=0)) for g in groups if k < len(g)]
        n_val = int(fraction * len(order))
        val[d] = {int(e) for e in order[:n_val]}
        train[d] = {int(e) for e in order[n_val:]}
    return train, val


class Validator:
    """Validation metrics on a fixed, evenly spaced selection of held-out frames."""

    def __init__(self, index: FrameIndex, builder: SampleBuilder, frames: int, batch: int) -> None:
        self.index, self.builder, self.batch = index, builder, batch
        n = len(index)
        self.picks = sorted(set(np.linspace(0, n - 1, min(frames, n)).round().astype(int).tolist()))

    def __len__(self) -> int:
        return len(self.picks)

    @torch.no_grad()
    def evaluate(self, model: LabVLA, device: torch.device) -> dict[str, float]:
        """Means over the selection; `val_loss` is the training loss's formula on held-out frames."""
        was_training = model.training
        model.eval()
        sums: dict[str, float] = {}
        count = 0
        for k, start in enumerate(range(0, len(self.picks), self.batch)):
            picks = self.picks[start : start + self.batch]
            batch = self.builder.collate([self.builder.sample(*self.index.raw(i)) for i in picks]).to(device)
            out = model(batch, torch.Generator().manual_seed(1_000 + k))
            metrics = {f"val_{name}": float(v) for name, v in out.items()}
            if model.expert is not None:
                metrics |= _chunk_errors(model, batch)
            for name, v in metrics.items():
                sums[name] = sums.get(name, 0.0) + v * len(picks)
            count += len(picks)
        model.train(was_training)
        return {name: v / count for name, v in sums.items()}


def _chunk_errors(model: LabVLA, batch) -> dict[str, float]:
    """L1 and squared error of the chunk the policy would send, over real dimensions, normalized units.

    The policy clips to the training range [-1, 1] before acting, so the error is of the clipped chunk."""
    ctx = model.hidden_states(
        batch.input_ids,
        batch.attention_mask,
        batch.mm_token_type_ids,
        batch.pixel_values,
        batch.image_grid_thw,
    )
    noise = torch.zeros_like(batch.actions)
    chunk = model.sample_actions(ctx, batch.prefix_mask, batch.state, batch.embodiment, noise, batch.images)
    err = (chunk.float().clamp(-1, 1) - batch.actions.float()) * batch.action_mask
    n = batch.action_mask.sum().clamp(min=1)
    return {"val_chunk_l1": float(err.abs().sum() / n), "val_chunk_mse": float((err**2).sum() / n)}


class EMA:
    """Exponential moving average of a module's floating-point parameters.

    The decay ramps up as min(decay, (1 + k) / (10 + k)) so the average is not dominated by the random
    initialization early in a short run."""

    def __init__(self, module: nn.Module, decay: float) -> None:
        self.decay = decay
        self.shadow = {n: p.detach().clone() for n, p in module.named_parameters() if p.is_floating_point()}

    @torch.no_grad()
    def update(self, module: nn.Module, step: int) -> None:
        d = min(self.decay, (1 + step) / (10 + step))
        for n, p in module.named_parameters():
            if n in self.shadow:
                self.shadow[n].lerp_(p.detach(), 1 - d)

    @torch.no_grad()
    def swap(self, module: nn.Module) -> None:
        """Exchange the module's weights with the average (call twice to restore)."""
        for n, p in module.named_parameters():
            if n in self.shadow:
                tmp = p.detach().clone()
                p.copy_(self.shadow[n])
                self.shadow[n].copy_(tmp)
