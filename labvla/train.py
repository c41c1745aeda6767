"""The LabVLA trainer for stage 1 (FAST) and stage 2 (flow + KI), single or multi-process.

Every random draw of step k (which frames, flow noise and time) comes from generators seeded by
(seed, k, rank), so resuming from a checkpoint at step k replays exactly the loss curve an uninterrupted
run would have produced. Multi-process runs use torch.distributed (gloo on CPU, nccl on CUDA) under
torchrun or `accelerate launch`, both of which set the usual RANK/WORLD_SIZE variables.
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import torch
from pydantic import BaseModel

from labinfra.atomic import write_text
from labinfra.lerobot import ACTION_KEY, IMAGE_PREFIX, STATE_KEY
from labvla.backbone import build_backbone, image_geometry
from labvla.checkpoint import (
    BEST,
    LATEST,
    TRAIN_WEIGHTS,
    load_checkpoint,
    load_optimizer,
    mark_latest,
    save_checkpoint,
)
from labvla.config import LabVLAConfig, preset_config
from labvla.data.lerobot import LeRobotDataset
from labvla.data.samples import FrameIndex, SampleBuilder, fit_state_delta, fit_stats_and_fast
from labvla.embodiment import Embodiment
from labvla.model import LabVLA
from labvla.prompt import TextTokenizer
from labvla.validation import EMA, Validator, split_episodes

STAGE_LR = {"fast": 5e-5, "flow": 1e-5}  # backbone learning rate per stage (FACTS: LabVLA paper)


class TrainOptions(BaseModel):
    data: list[Path]
    out: Path
    stage: Literal["fast", "flow"] = "fast"
    preset: Literal["tiny", "cpu", "qwen3-vl-4b"] = "tiny"
    backbone_path: str | None = None
    init: Path | None = None
    resume: bool = False
    steps: int = 1000
    batch: int = 8
    lr_backbone: float | None = None
    lr_expert: float = 1e-4
    warmup: int | None = None
    weight_decay: float = 0.01
    clip: float = 1.0
    seed: int = 0
    # Episode-level validation: this fraction of each dataset's episodes of each task is held out (chosen
    # by split_seed, the same for every training seed); validated every val_every steps (default: ten
    # times a run) on up to val_frames evenly spaced held-out frames; the best is kept in out/best.
    val_fraction: float = 0.1
    split_seed: int = 0
    val_every: int | None = None
    val_frames: int = 256
    save_every: int | None = None
    insulation: bool = True
    # Feed the state delta over this many frames (`LabVLAConfig.state_delta`); None keeps the preset's
    # (or the initial checkpoint's) choice.
    state_delta: int | None = None
    chunk: int | None = None
    image_size: int | None = None
    workers: int = 0
    # Torch CPU threads; None: 1 for the tiny and cpu presets (their small matrices lose more to thread
    # synchronisation than they gain: a cpu-preset step took 0.16 s on 1 thread and 0.8-4 s on 2 on the
    # shared 2-core machine), torch's default for the 4B preset. Ignored on a GPU.
    threads: int | None = None
    progress: bool = True


class TrainResult(BaseModel):
    checkpoint: Path
    steps: int
    losses: list[float]
    param_checksum: float  # sum of all weights: equal on every rank when data parallelism keeps them in sync


def lr_factor(step: int, total: int, warmup: int) -> float:
    """Linear warmup to 1, then cosine decay to 0 at `total`."""
    if step < warmup:
        return (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return 0.5 * (1.0 + math.cos(math.pi * min(progress, 1.0)))


def _dist() -> tuple[int, int]:
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world > 1 and not torch.distributed.is_initialized():
        backend = "nccl" if torch.cuda.is_available() else "gloo"
        torch.distributed.init_process_group(backend)
    return (torch.distributed.get_rank() if world > 1 else 0), world


def _embodiments(datasets: list[LeRobotDataset]) -> list[Embodiment]:
    found: dict[str, Embodiment] = {}
    for ds in datasets:
        s = ds.info["features"][STATE_KEY]["shape"][0]
        a = ds.info["features"][ACTION_KEY]["shape"][0]
        for robot in ds.robots:
            emb = Embodiment(name=robot, state_dim=s, action_dim=a)
            if found.setdefault(robot, emb) != emb:
                raise ValueError(f"robot {robot} appears with different state/action sizes across datasets")
    return sorted(found.values(), key=lambda e: e.name)


def _fresh(opts: TrainOptions, datasets: list[LeRobotDataset], index: FrameIndex) -> tuple:
    config = preset_config(opts.preset, backbone_path=opts.backbone_path)
    config.stage = opts.stage
    config.insulation = opts.insulation
    config.chunk = opts.chunk or config.chunk
    config.image_size = opts.image_size or config.image_size
    config.cameras = datasets[0].cameras
    for ds in datasets[1:]:
        if ds.cameras != config.cameras:
            raise ValueError(f"{ds.root}: cameras {ds.cameras} differ from {config.cameras}")
    config.embodiments = _embodiments(datasets)
    config.data_resolution = _resolution(datasets)
    index.chunk = config.chunk
    stats, fast = fit_stats_and_fast(index, config, seed=opts.seed)
    if config.tiny_backbone:
        text = TextTokenizer.fit_tiny((t for ds in datasets for t in ds.tasks), config.state_bins)
    else:
        text = TextTokenizer.from_qwen(config.backbone_path or "")
    model = LabVLA(config, build_backbone(config, text.vocab_size, text.special))
    return model, stats, text, fast


class _Frames(torch.utils.data.Dataset):
    def __init__(self, index: FrameIndex, builder: SampleBuilder) -> None:
        self.index, self.builder = index, builder

    def __len__(self) -> int:
        return len(self.index)

    def __getitem__(self, k: int):
        return self.builder.sample(*self.index.raw(k))


def train(opts: TrainOptions, on_step: Callable[[dict], None] | None = None) -> TrainResult:
    rank, world = _dist()
    device = (
        torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0)))
        if torch.cuda.is_available()
        else torch.device("cpu")
    )
    torch.manual_seed(opts.seed)
    if device.type == "cpu" and (opts.threads or opts.preset != "qwen3-vl-4b"):
        torch.set_num_threads(opts.threads or 1)
    if not opts.data:
        raise ValueError("no dataset given")
    datasets = [LeRobotDataset(p) for p in opts.data]
    train_eps, val_eps = split_episodes(datasets, opts.val_fraction, opts.split_seed)
    index = FrameIndex(datasets, chunk=16, episodes=train_eps)
    val_index = FrameIndex(datasets, chunk=16, episodes=val_eps)
    if len(index) == 0:
        raise ValueError("no training frames left after the validation split")
    out = opts.out
    start, resume_from = 0, None
    if opts.resume and (out / LATEST).exists():
        resume_from = out / (out / LATEST).read_text().strip()
    if resume_from is not None:
        loaded = load_checkpoint(resume_from, device=device)
        model, stats, text, fast = loaded.model, loaded.stats, loaded.text, loaded.fast
        start = json.loads((resume_from / "trainer.json").read_text())["step"]
    elif opts.init is not None:
        loaded = load_checkpoint(opts.init, stage=opts.stage, device=device)
        model, stats, text, fast = loaded.model, loaded.stats, loaded.text, loaded.fast
        model.config.insulation = opts.insulation
        _check_init(opts, model.config)
    else:
        model, stats, text, fast = _fresh(opts, datasets, index)
    config: LabVLAConfig = model.config
    index.chunk = val_index.chunk = config.chunk
    if resume_from is None and opts.state_delta is not None:
        config.state_delta = opts.state_delta
        fit_state_delta(index, config, stats.robots)
    index.delta_frames = val_index.delta_frames = config.state_delta
    for emb in _embodiments(datasets):
        if config.embodiment(emb.name)[1] != emb:
            raise ValueError(f"robot {emb.name}: sizes differ from the model's embodiment")
    model.to(device)
    if device.type == "cuda":
        model.backbone.gradient_checkpointing_enable()
    builder = SampleBuilder(config, text, fast, stats, image_geometry(config))
    ema = EMA(model, config.ema_decay) if config.ema_decay else None
    if ema is not None and resume_from is not None and (resume_from / TRAIN_WEIGHTS).exists():
        from safetensors.torch import load_file  # the checkpoint's weights are the average; train on

        model.load_state_dict(load_file(str(resume_from / TRAIN_WEIGHTS), device=str(device)), strict=False)
    validator = Validator(val_index, builder, opts.val_frames, opts.batch) if len(val_index) else None
    # The same chunk error on training frames, next to the held-out one: a policy that fails in closed
    # loop even on its own training scenes underfits (measured: 0.041 on training frames, 0.094 held
    # out, after 2.4 passes), and this tells that apart from overfitting without another tool.
    probe = Validator(index, builder, opts.val_frames, opts.batch) if validator is not None else None

    lr_bb = opts.lr_backbone if opts.lr_backbone is not None else STAGE_LR[config.stage]
    groups = [{"params": model.backbone_parameters(), "lr": lr_bb, "base_lr": lr_bb}]
    if model.expert is not None:
        groups.append({"params": model.expert_parameters(), "lr": opts.lr_expert, "base_lr": opts.lr_expert})
    optimizer = torch.optim.AdamW(groups, betas=(0.9, 0.95), weight_decay=opts.weight_decay)
    if resume_from is not None:
        load_optimizer(optimizer, resume_from)
    net: torch.nn.Module = model
    if world > 1:
        net = torch.nn.parallel.DistributedDataParallel(model, find_unused_parameters=True)

    # Batches are fixed per step (not per epoch), so the step number alone determines them.
    def step_indices(step: int) -> list[int]:
        g = torch.Generator().manual_seed(opts.seed * 1_000_003 + step)
        picks = torch.randint(len(index), (opts.batch * world,), generator=g).tolist()
        return picks[rank * opts.batch : (rank + 1) * opts.batch]

    loader = torch.utils.data.DataLoader(
        _Frames(index, builder),
        batch_sampler=[step_indices(s) for s in range(start, opts.steps)],
        collate_fn=builder.collate,
        num_workers=opts.workers,
    )
    warmup = opts.warmup if opts.warmup is not None else max(1, opts.steps // 20)
    save_every = opts.save_every or opts.steps
    val_every = opts.val_every or max(1, opts.steps // 10)
    best_by = selection_metric(model)
    best = _best_so_far(out / BEST, best_by) if resume_from is not None else math.inf
    log_path = out / "log.jsonl"
    if rank == 0:
        out.mkdir(parents=True, exist_ok=True)
        _truncate_log(log_path, start)
        _write_split(out / "split.json", datasets, train_eps, val_eps)
    losses: list[float] = []
    checkpoint = resume_from or out
    bar = None
    if rank == 0 and opts.progress:
        from tqdm import tqdm

        # mininterval keeps logs readable when stderr is a file or a CI pipe rather than a terminal.
        interactive = sys.stderr.isatty()
        bar = tqdm(
            total=opts.steps,
            initial=start,
            desc=f"labvla {config.stage}",
            unit="step",
            mininterval=0.1 if interactive else 30.0,
            dynamic_ncols=interactive,
        )
    t0 = time.perf_counter()
    net.train()
    for step, batch in enumerate(loader, start=start):
        for group in optimizer.param_groups:
            group["lr"] = group["base_lr"] * lr_factor(step, opts.steps, warmup)
        gen = torch.Generator().manual_seed(opts.seed * 7_919 + step * world + rank + 1)
        batch = batch.to(device)
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda"):
            out_losses = net(batch, gen)
        optimizer.zero_grad(set_to_none=True)
        out_losses["loss"].backward()
        norms = _clip_per_group(optimizer, opts.clip, config.flow_weight)
        optimizer.step()
        if ema is not None:
            ema.update(model, step)
        record = {"step": step + 1, **{k: float(v.detach()) for k, v in out_losses.items()}}
        record |= {"lr_backbone": optimizer.param_groups[0]["lr"], **norms}
        record["samples_per_s"] = (step + 1 - start) * opts.batch * world / (time.perf_counter() - t0)
        losses.append(record["loss"])
        if rank == 0:
            with log_path.open("a") as handle:
                handle.write(json.dumps(record) + "\n")
            if bar is not None:
                bar.update(1)
                bar.set_postfix(loss=f"{record['loss']:.4f}")
            if on_step is not None:
                on_step(record)
        last = step + 1 == opts.steps
        validate = validator is not None and ((step + 1) % val_every == 0 or last)
        if (step + 1) % save_every == 0 or last or validate:
            if rank == 0:
                if ema is not None:
                    ema.swap(model)  # the average acts and is validated; the raw weights train on
                trainer: dict[str, float | str] = {"step": step + 1}  # plus val_loss, best_by, val_score
                score = math.inf
                if validate:
                    assert validator is not None
                    val = {"step": step + 1, **validator.evaluate(model, device)}
                    if probe is not None and model.expert is not None:
                        seen = probe.evaluate(model, device)
                        val |= {f"train_{k[4:]}": seen[k] for k in ("val_chunk_l1", "val_chunk_mse")}
                    with log_path.open("a") as handle:
                        handle.write(json.dumps(val) + "\n")
                    trainer["val_loss"] = val["val_loss"]
                    score = val[best_by]
                    trainer["best_by"], trainer["val_score"] = best_by, score
                    if on_step is not None:
                        on_step(val)
                raw = ema.shadow if ema is not None else None
                if (step + 1) % save_every == 0 or last:
                    checkpoint = save_checkpoint(
                        out / f"step-{step + 1:06d}", model, stats, text, fast, trainer, optimizer, raw
                    )
                    mark_latest(out, checkpoint)
                if validate and score < best:
                    best = score
                    save_checkpoint(out / BEST, model, stats, text, fast, trainer)
                if ema is not None:
                    ema.swap(model)
            if world > 1:
                torch.distributed.barrier()
    if bar is not None:
        bar.close()
    checksum = float(sum(p.detach().double().sum() for p in model.parameters()))
    return TrainResult(checkpoint=checkpoint, steps=opts.steps, losses=losses, param_checksum=checksum)


def _check_init(opts: TrainOptions, config: LabVLAConfig) -> None:
    """Sizes fixed by an init checkpoint cannot change; asking for others is an error, not ignored."""
    for name, asked, has in (
        ("chunk", opts.chunk, config.chunk),
        ("image-size", opts.image_size, config.image_size),
    ):
        if asked is not None and asked != has:
            raise ValueError(
                f"--{name} {asked} conflicts with the init checkpoint's {name} {has}: "
                f"drop --{name}, or train from scratch without --init"
            )


def _clip_per_group(optimizer: torch.optim.Optimizer, clip: float, flow_weight: float) -> dict[str, float]:
    """Clip the backbone's and the expert's gradients separately; return their norms before clipping.

    One global norm let the expert's gradient (of `flow_weight` x the flow MSE, 14-19 in the tiny stage 2)
    scale down every backbone update by a factor that changed from step to step, and clipped every step.
    The expert's threshold is in units of its weighted loss (clip x flow_weight), so the weight that
    balances the two losses in a shared backbone does not turn into permanent clipping of the expert."""
    norms: dict[str, float] = {}
    total = 0.0
    for group, name in zip(optimizer.param_groups, ("backbone", "expert"), strict=False):
        params = [p for p in group["params"] if p.grad is not None]
        if not params:
            continue
        limit = clip * (flow_weight if name == "expert" else 1.0)
        norm = float(torch.nn.utils.clip_grad_norm_(params, limit))
        norms[f"grad_norm_{name}"] = norm
        total += norm**2
    norms["grad_norm"] = math.sqrt(total)
    return norms


def _resolution(datasets: list[LeRobotDataset]) -> int | None:
    """The training images' size (square renders), for a bench to render at the same size."""
    for ds in datasets:
        for key, feat in ds.info["features"].items():
            if key.startswith(IMAGE_PREFIX) and feat.get("shape"):
                return int(feat["shape"][0])
    return None


def selection_metric(model: LabVLA) -> str:
    """What `best/` is chosen by. With an action expert, the held-out error of the chunk it executes
    (`val_chunk_mse`): the validation loss adds the backbone's FAST cross-entropy, which knowledge
    insulation keeps training and which kept falling while the executed chunks got no better (a 12,000-step
    cpu run picked step 9,000 by loss, where the chunk error was 7% lower at 12,000). Without one
    (stage 1), the loss, whose FAST term is what that stage trains."""
    return "val_chunk_mse" if model.expert is not None else "val_loss"


def _best_so_far(folder: Path, metric: str) -> float:
    """The kept best's score, if it was chosen by the same metric (older checkpoints: by val_loss)."""
    trainer = folder / "trainer.json"
    if not trainer.exists():
        return math.inf
    saved = json.loads(trainer.read_text())
    if saved.get("best_by", "val_loss") != metric:
        return math.inf
    return float(saved.get("val_score", saved.get("val_loss", math.inf)))


def _write_split(path: Path, datasets: list[LeRobotDataset], train_eps: dict, val_eps: dict) -> None:
    """Which episodes trained and which validated, for anyone checking a result."""
    split = {
        str(ds.root): {"train": sorted(train_eps[d]), "validation": sorted(val_eps[d])}
        for d, ds in enumerate(datasets)
    }
    write_text(path, json.dumps(split, indent=2))


def _truncate_log(path: Path, step: int) -> None:
    """Keep the log lines of steps up to `step`, so a resumed run continues one curve."""
    if not path.exists():
        return
    keep = [line for line in path.read_text().splitlines() if line and json.loads(line)["step"] <= step]
    path.write_text("".join(line + "\n" for line in keep))
