"""From dataset frames (or live observations) to model batches.

One `SampleBuilder` serves training and inference, so the prompt, normalization and relative-action
layout cannot drift apart between the two.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from labvla.config import LabVLAConfig
from labvla.data.lerobot import LeRobotDataset
from labvla.embodiment import pad, to_relative
from labvla.fast import FastTokenizer
from labvla.model import Batch
from labvla.normalize import GripperHold, NormStats, Quantiles, RobotStats
from labvla.prompt import ImageGeometry, TextTokenizer, patchify, prompt_ids, resized, state_text


@dataclass
class Sample:
    ids: list[int]
    types: list[int]
    labels: list[int]
    prompt_len: int
    images: list[np.ndarray]
    state: np.ndarray
    actions: np.ndarray
    action_mask: np.ndarray
    embodiment: int


class SampleBuilder:
    def __init__(
        self,
        config: LabVLAConfig,
        text: TextTokenizer,
        fast: FastTokenizer,
        stats: NormStats,
        geometry: ImageGeometry,
    ) -> None:
        self.config, self.text, self.fast, self.stats, self.geo = config, text, fast, stats, geometry

    def sample(
        self,
        images: dict[str, np.ndarray],
        state: np.ndarray,
        instruction: str,
        robot: str,
        chunk: np.ndarray | None = None,
        past_end: np.ndarray | None = None,
        past_state: np.ndarray | None = None,
    ) -> Sample:
        """`past_state`: the state `config.state_delta` frames earlier (None: none seen yet, a zero delta)."""
        cfg = self.config
        eid, emb = cfg.embodiment(robot)
        rs = self.stats.robots[robot]
        s_norm = rs.state.normalize(np.asarray(state, np.float32)[: emb.state_dim])
        s_in = s_norm
        if cfg.state_delta is not None:
            if rs.state_delta is None:
                raise ValueError(
                    f"robot {robot}: the model is fed a state delta but has no statistics for it"
                )
            now = np.asarray(state, np.float32)[: emb.state_dim]
            then = now if past_state is None else np.asarray(past_state, np.float32)[: emb.state_dim]
            s_in = np.concatenate([s_norm, rs.state_delta.normalize(now - then)])
        ids, types = prompt_ids(
            self.text,
            len(cfg.cameras),
            self.geo.tokens_per_image,
            instruction,
            state_text(s_norm, cfg.state_bins),
        )
        prompt_len = len(ids)
        labels = [-100] * prompt_len
        actions = np.zeros((cfg.chunk, cfg.pad_dim), np.float32)
        action_mask = np.zeros((cfg.chunk, cfg.pad_dim), bool)
        if chunk is not None:
            a_norm = rs.action.normalize(to_relative(chunk, state, emb))
            fast = [cfg.fast_offset + i for i in self.fast.encode(a_norm)][: cfg.fast_max_tokens]
            ids = ids + fast + [self.text.special.eos]
            types = types + [0] * (len(fast) + 1)
            labels = labels + fast + [self.text.special.eos]
            actions, dim_mask = pad(a_norm, cfg.pad_dim)
            # Steps past the episode's end repeat its last action (`action_chunk`): the policy executes a
            # whole chunk, so it is trained to hold the final pose there rather than left untrained on
            # steps it will run. `past_end` stays in the signature for callers that report it.
            action_mask = np.broadcast_to(dim_mask[None], (cfg.chunk, cfg.pad_dim)).copy()
        state_pad, _ = pad(s_in, cfg.pad_dim)
        missing = [c for c in cfg.cameras if c not in images]
        if missing:
            raise ValueError(f"observation lacks camera(s) {', '.join(missing)}")
        return Sample(
            ids,
            types,
            labels,
            prompt_len,
            [images[c] for c in cfg.cameras],
            state_pad,
            actions,
            action_mask,
            eid,
        )

    def collate(self, samples: Sequence[Sample]) -> Batch:
        length = max(len(s.ids) for s in samples)
        b = len(samples)
        input_ids = torch.full((b, length), self.text.special.pad, dtype=torch.long)
        attention = torch.zeros((b, length), dtype=torch.long)
        types = torch.zeros((b, length), dtype=torch.long)
        labels = torch.full((b, length), -100, dtype=torch.long)
        prefix = torch.zeros((b, length), dtype=torch.bool)
        for i, s in enumerate(samples):
            n = len(s.ids)
            input_ids[i, :n] = torch.tensor(s.ids)
            attention[i, :n] = 1
            types[i, :n] = torch.tensor(s.types)
            labels[i, :n] = torch.tensor(s.labels)
            prefix[i, : s.prompt_len] = True
        flat = [img for s in samples for img in s.images]
        pixel_values, grid = patchify(flat, self.geo)
        images = None
        if self.config.expert.vision is not None and self.config.stage == "flow":
            size = self.config.image_size
            images = resized(flat, size).view(b, len(self.config.cameras), 3, size, size)
        return Batch(
            input_ids=input_ids,
            attention_mask=attention,
            mm_token_type_ids=types,
            labels=labels,
            prefix_mask=prefix,
            pixel_values=pixel_values,
            image_grid_thw=grid,
            state=torch.from_numpy(np.stack([s.state for s in samples])),
            actions=torch.from_numpy(np.stack([s.actions for s in samples])),
            action_mask=torch.from_numpy(np.stack([s.action_mask for s in samples])),
            embodiment=torch.tensor([s.embodiment for s in samples], dtype=torch.long),
            images=images,
        )


class FrameIndex:
    """All frames of several datasets, addressable by one global index."""

    def __init__(
        self,
        datasets: Sequence[LeRobotDataset],
        chunk: int,
        episodes: dict[int, set[int]] | None = None,
    ) -> None:
        """`episodes` (dataset position -> episode indices) keeps only those episodes' frames."""
        self.datasets = list(datasets)
        self.chunk = chunk
        self.delta_frames: int | None = None  # the model's `state_delta`, set by whoever builds samples
        self.entries = [
            (d, i)
            for d, ds in enumerate(self.datasets)
            for i in range(len(ds))
            if episodes is None or int(ds.episode_index[i]) in episodes.get(d, set())
        ]

    def __len__(self) -> int:
        return len(self.entries)

    def raw(
        self, k: int
    ) -> tuple[dict[str, np.ndarray], np.ndarray, str, str, np.ndarray, np.ndarray, np.ndarray | None]:
        """`SampleBuilder.sample`'s arguments for frame k (the past state only with `delta_frames`)."""
        d, i = self.entries[k]
        ds = self.datasets[d]
        chunk, past_end = ds.action_chunk(i, self.chunk)
        past = None if self.delta_frames is None else ds.past_state(i, self.delta_frames)
        return ds.images(i), ds.state[i], ds.task(i), ds.robot[i], chunk, past_end, past

    def robot_arrays(
        self, robot: str, limit: int, seed: int
    ) -> tuple[np.ndarray, np.ndarray, list[np.ndarray], list[np.ndarray]]:
        """States and actions of every frame of `robot`, plus (chunk, state) pairs of up to `limit`
        sampled frames."""
        picks = [(self.datasets[d], i) for d, i in self.entries if self.datasets[d].robot[i] == robot]
        states = np.stack([ds.state[i] for ds, i in picks])
        actions = np.stack([ds.action[i] for ds, i in picks])
        rng = np.random.default_rng(seed)
        chosen = rng.choice(len(picks), size=min(limit, len(picks)), replace=False)
        chunks = [picks[j][0].action_chunk(picks[j][1], self.chunk)[0] for j in sorted(chosen)]
        at = [picks[j][0].state[picks[j][1]] for j in sorted(chosen)]
        return states, actions, chunks, at


def fit_stats_and_fast(
    index: FrameIndex, config: LabVLAConfig, *, limit: int = 20000, seed: int = 0
) -> tuple[NormStats, FastTokenizer]:
    """Quantile stats per robot (state, relative action) and the FAST BPE fitted on normalized chunks."""
    robots: dict[str, RobotStats] = {}
    normalized: list[np.ndarray] = []
    for emb in config.embodiments:
        states, actions, chunks, at = index.robot_arrays(emb.name, limit, seed)
        rel = np.stack([to_relative(c, s, emb) for c, s in zip(chunks, at, strict=True)])
        hold = GripperHold.of(states[:, emb.arm_dim], actions[:, emb.arm_dim])
        rs = RobotStats(
            state=Quantiles.of(states[:, : emb.state_dim]), action=Quantiles.of(rel), gripper_hold=hold
        )
        robots[emb.name] = rs
        normalized += [rs.action.normalize(r) for r in rel]
    if config.state_delta is not None:
        fit_state_delta(index, config, robots)
    fast = FastTokenizer(scale=config.fast_scale, vocab_size=config.fast_vocab).fit(normalized)
    config.fast_vocab = fast.vocab_size
    return NormStats(robots=robots), fast


def fit_state_delta(index: FrameIndex, config: LabVLAConfig, robots: dict[str, RobotStats]) -> None:
    """Quantiles of state(t) - state(t - `config.state_delta`) per robot, into `robots` (in place), over
    every indexed frame: a stage-2 run started from a checkpoint without them fits them here too."""
    assert config.state_delta is not None
    for emb in config.embodiments:
        if 2 * emb.state_dim > config.pad_dim:
            raise ValueError(
                f"robot {emb.name}: state and its delta need {2 * emb.state_dim} > {config.pad_dim} dims"
            )
        deltas = [
            ds.state[i, : emb.state_dim] - ds.past_state(i, config.state_delta)[: emb.state_dim]
            for d, i in index.entries
            if (ds := index.datasets[d]).robot[i] == emb.name
        ]
        robots[emb.name] = robots[emb.name].model_copy(update={"state_delta": Quantiles.of(np.stack(deltas))})
