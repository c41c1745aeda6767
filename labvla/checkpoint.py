"""Checkpoints: safetensors weights + JSON config, stats, tokenizers, optimizer state; no pickle.

A checkpoint folder is assembled under a temporary name and renamed into place, so a crash never leaves
a half-written checkpoint where a loader would find it.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

import torch

from labinfra.atomic import write_text
from labvla.backbone import build_backbone, image_geometry
from labvla.config import LabVLAConfig
from labvla.data.samples import SampleBuilder
from labvla.fast import FastTokenizer
from labvla.model import LabVLA
from labvla.normalize import NormStats
from labvla.prompt import TextTokenizer, load_text_tokenizer

T = TypeVar("T")
LATEST = "latest"  # a text file naming the newest checkpoint folder (portable where symlinks are not)
BEST = "best"  # the checkpoint folder of the lowest validation loss, next to the step folders
TRAIN_WEIGHTS = "train_weights.safetensors"  # raw weights beside EMA ones, for resuming


@dataclass
class Loaded:
    model: LabVLA
    config: LabVLAConfig
    stats: NormStats
    text: TextTokenizer
    fast: FastTokenizer
    path: Path

    def builder(self) -> SampleBuilder:
        return SampleBuilder(self.config, self.text, self.fast, self.stats, image_geometry(self.config))


def save_checkpoint(
    folder: Path,
    model: LabVLA,
    stats: NormStats,
    text: TextTokenizer,
    fast: FastTokenizer,
    trainer: dict[str, Any] | None = None,
    optimizer: torch.optim.Optimizer | None = None,
    train_weights: dict[str, torch.Tensor] | None = None,
) -> Path:
    """`train_weights`: when the model holds EMA weights (what acts), the raw ones a resume continues."""
    from safetensors.torch import save_file, save_model

    folder.parent.mkdir(parents=True, exist_ok=True)
    # Not mkdtemp (always 0700): a plain mkdir under a unique name honours the umask on shared machines.
    tmp = folder.parent / f".{folder.name}.{uuid.uuid4().hex[:12]}"
    tmp.mkdir()
    try:
        save_model(model, str(tmp / "model.safetensors"))
        (tmp / "config.json").write_text(model.config.model_dump_json(indent=2))
        (tmp / "stats.json").write_text(stats.model_dump_json(indent=2))
        fast.save(tmp / "fast_tokenizer.json")
        text.save(tmp)
        if trainer is not None:
            (tmp / "trainer.json").write_text(json.dumps(trainer, indent=2))
        if train_weights is not None:
            save_file({k: v.contiguous() for k, v in train_weights.items()}, str(tmp / TRAIN_WEIGHTS))
        if optimizer is not None:
            tensors, groups = _flatten_optimizer(optimizer)
            save_file(tensors, str(tmp / "optimizer.safetensors"))
            (tmp / "optimizer.json").write_text(json.dumps(groups))
        _follow_umask(tmp)
        if folder.exists():
            old = folder.with_name(f".{folder.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(folder, old)
            os.replace(tmp, folder)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return folder


def _umask() -> int:
    """The process umask, read without changing it where Linux allows (os.umask can only set it)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _follow_umask(folder: Path) -> None:
    """safetensors writes its files 0600 whatever the umask; give every file the umask's mode so a
    checkpoint on a shared machine is readable by whoever may read the folder."""
    file_mode = 0o666 & ~_umask()
    for entry in folder.iterdir():
        if entry.is_file():
            entry.chmod(file_mode)


def mark_latest(root: Path, folder: Path) -> None:
    """Point `root/latest` at `folder` (stored relative to `root`)."""
    write_text(root / LATEST, os.path.relpath(folder, root))


def resolve_checkpoint(path: str | Path) -> Path:
    """A checkpoint folder, or a training output folder whose `latest` names one."""
    p = Path(path)
    if (p / "config.json").exists():
        return p
    if (p / LATEST).exists():
        return p / (p / LATEST).read_text().strip()
    raise FileNotFoundError(f"{p} is neither a LabVLA checkpoint nor a folder with a '{LATEST}' checkpoint")


class CheckpointError(ValueError):
    """A checkpoint folder that cannot be used: a missing or corrupt file, or weights that do not fit its
    config. Bad input, not a bug: commands report it in one line (exit 2)."""


def _read(folder: Path, name: str, parse: Callable[[Path], T]) -> T:
    """`parse(folder / name)`, any failure reported as a CheckpointError naming the file. Parsing is pure
    reading of a file the user pointed at (JSON, tokenizers, safetensors, each with its own exception
    types), so whatever it raises means the file is missing or corrupt."""
    try:
        return parse(folder / name)
    except Exception as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CheckpointError(f"{folder}: cannot read {name}: {reason}") from None


def check_checkpoint(path: str | Path) -> Path:
    """The checkpoint folder `path` names, after reading its config, stats, tokenizer and the weights'
    header (not the tensors): a command fails on a corrupt checkpoint before it starts work or workers."""
    from safetensors import safe_open

    folder = resolve_checkpoint(path)
    _read(folder, "config.json", lambda p: LabVLAConfig.model_validate_json(p.read_text()))
    _read(folder, "stats.json", lambda p: NormStats.model_validate_json(p.read_text()))
    _read(folder, "fast_tokenizer.json", FastTokenizer.load)

    def header(p: Path) -> None:
        with safe_open(str(p), framework="pt") as weights:
            weights.keys()

    _read(folder, "model.safetensors", header)
    return folder


def read_config(path: str | Path) -> LabVLAConfig:
    """The checkpoint's config.json alone, so a bench can choose its renderer and check its options
    before loading any weights."""
    return LabVLAConfig.model_validate_json((resolve_checkpoint(path) / "config.json").read_text())


def render_size(path: str | Path) -> int:
    """Pixels to render for this checkpoint: its training images' size (else its model input size)."""
    config = read_config(path)
    return config.data_resolution or config.image_size


def load_checkpoint(
    path: str | Path, *, stage: Literal["fast", "flow"] | None = None, device: str | torch.device = "cpu"
) -> Loaded:
    """Load a checkpoint; `stage="flow"` on a stage-1 checkpoint adds a fresh action expert."""
    from safetensors.torch import load_file

    folder = resolve_checkpoint(path)
    config = _read(folder, "config.json", lambda p: LabVLAConfig.model_validate_json(p.read_text()))
    stats = _read(folder, "stats.json", lambda p: NormStats.model_validate_json(p.read_text()))
    fast = _read(folder, "fast_tokenizer.json", FastTokenizer.load)
    text = _read(
        folder,
        "text_tokenizer.json",
        lambda p: load_text_tokenizer(folder, config.preset, config.backbone_path),
    )
    weights = _read(folder, "model.safetensors", lambda p: load_file(str(p)))
    saved_stage = config.stage
    if stage is not None:
        config.stage = stage
    backbone = build_backbone(config, text.vocab_size, text.special, pretrained=False)
    model = LabVLA(config, backbone)
    try:
        missing, unexpected = model.load_state_dict(weights, strict=False)
    except RuntimeError as exc:  # a tensor whose shape is not the config's: config.json was edited
        raise CheckpointError(
            f"{folder}: model.safetensors does not fit config.json: {str(exc).splitlines()[-1].strip()}"
        ) from None
    ok_missing = {"backbone.lm_head.weight"} if backbone.config.tie_word_embeddings else set()
    if saved_stage == "fast":  # stage 2 starting from stage 1: the expert is new
        ok_missing |= {k for k in missing if k.startswith("expert.")}
    ok_unexpected = {k for k in unexpected if k.startswith("expert.")} if config.stage == "fast" else set()
    bad = (set(missing) - ok_missing) | (set(unexpected) - ok_unexpected)
    if bad:
        raise CheckpointError(f"{folder}: checkpoint does not match the model (e.g. {sorted(bad)[:3]})")
    model.to(device)
    return Loaded(model, config, stats, text, fast, folder)


def _flatten_optimizer(opt: torch.optim.Optimizer) -> tuple[dict[str, torch.Tensor], list[dict[str, Any]]]:
    sd = opt.state_dict()
    tensors = {
        f"{i}.{k}": v.detach().cpu().contiguous() for i, st in sd["state"].items() for k, v in st.items()
    }
    return tensors, sd["param_groups"]


def load_optimizer(opt: torch.optim.Optimizer, folder: Path) -> None:
    from safetensors.torch import load_file

    groups = json.loads((folder / "optimizer.json").read_text())
    state: dict[int, dict[str, torch.Tensor]] = {}
    for key, value in load_file(str(folder / "optimizer.safetensors")).items():
        idx, name = key.split(".", 1)
        state.setdefault(int(idx), {})[name] = value
    opt.load_state_dict({"state": state, "param_groups": groups})
