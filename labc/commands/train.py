"""`labc train`: train LabVLA stage 1 (FAST tokens) or stage 2 (flow-matching expert) on datasets.

Defaults chain through the workspace: datasets from `<ws>/data`, checkpoints into
`<ws>/checkpoints/stage1|stage2`, stage 2 starting from the workspace's stage-1 checkpoint, and
`<ws>/checkpoints/latest` naming the newest result. Each default is announced on stderr.
"""

from __future__ import annotations

from pathlib import Path

import click

from labc.commands.options import InputError, workspace_option
from labc.workspace import Workspace, announce_default
from labinfra.lerobot import dataset_roots

STAGE_DIRS = {"fast": "stage1", "flow": "stage2"}


def _say_where_training_starts(stage: str, out: Path, init: Path | None, resume: bool, stage1: Path) -> None:
    """Print what a run starts from when that is not what the flags suggest: `--resume` with nothing to
    resume, or stage 2 with no stage-1 checkpoint (both train from scratch rather than fail)."""
    start = f"--init {init}" if init is not None else "freshly initialised weights"
    if resume and (out / "latest").exists():
        folder = out / (out / "latest").read_text().strip()
        click.echo(f"labc: --resume: continuing from {folder}", err=True)
    if resume and not (out / "latest").exists():
        click.echo(f"labc: --resume: no checkpoint in {out} yet, so training starts from {start}", err=True)
    if stage == "flow" and init is None and not (resume and (out / "latest").exists()):
        click.echo(
            f"labc: no stage-1 checkpoint ({stage1} has none, and no --init): stage 2 starts from a backbone "
            "without stage-1 training; run `labc train --stage fast` first to start from one",
            err=True,
        )


@click.command()
@click.option(
    "--data",
    "data",
    multiple=True,
    type=click.Path(path_type=Path),
    help="LeRobot v3.0 dataset folder (repeatable).",
)
@click.option(
    "--stage", type=click.Choice(["fast", "flow"]), required=True, help="fast: stage 1; flow: stage 2."
)
@click.option("--init", type=click.Path(path_type=Path), help="Checkpoint to start from.")
@click.option(
    "--preset", type=click.Choice(["tiny", "cpu", "qwen3-vl-4b"]), default="tiny", show_default=True
)
@click.option("--backbone-path", type=click.Path(path_type=Path), help="Local Qwen3-VL-4B-Instruct folder.")
@click.option("--steps", type=click.IntRange(min=1), default=1000, show_default=True)
@click.option("--batch", type=click.IntRange(min=1), default=8, show_default=True, help="Batch per process.")
@click.option("--out", type=click.Path(path_type=Path), help="Output folder for checkpoints and log.jsonl.")
@click.option("--resume", is_flag=True, help="Continue from the output folder's latest checkpoint.")
@click.option(
    "--lr-backbone", type=float, help="Backbone learning rate (default 5e-5 stage 1, 1e-5 stage 2)."
)
@click.option("--lr-expert", type=float, default=1e-4, show_default=True)
@click.option("--no-insulation", is_flag=True, help="Let the flow loss train the backbone (ablation).")
@click.option("--chunk", type=click.IntRange(min=1), help="Action chunk length (preset default).")
@click.option(
    "--state-delta",
    type=click.IntRange(min=1),
    metavar="FRAMES",
    help="Also feed the expert the state's change over this many frames (tells approach from retreat).",
)
@click.option("--image-size", type=click.IntRange(min=16), help="Model input image size (preset default).")
@click.option(
    "--save-every", type=click.IntRange(min=1), help="Checkpoint period in steps (default: at the end)."
)
@click.option("--seed", type=int, default=0, show_default=True, help="Training seed (batches, noise, init).")
@click.option(
    "--val-fraction",
    type=click.FloatRange(min=0.0, max=0.9),
    default=0.1,
    show_default=True,
    help="Fraction of each dataset's episodes held out for validation (chosen by --split-seed).",
)
@click.option("--split-seed", type=int, default=0, show_default=True, help="Seed of the held-out episodes.")
@click.option(
    "--val-every", type=click.IntRange(min=1), help="Validation period in steps (default: steps/10)."
)
@click.option(
    "--workers", type=click.IntRange(min=0), default=0, show_default=True, help="Data loader processes."
)
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    help="Torch CPU threads (default: 1 for the tiny and cpu presets, whose small matrices run faster "
    "on one thread; torch's default for qwen3-vl-4b).",
)
@workspace_option("reads datasets from data/, writes checkpoints/")
def command(
    data: tuple[Path, ...],
    stage: str,
    init: Path | None,
    preset: str,
    backbone_path: Path | None,
    steps: int,
    batch: int,
    out: Path | None,
    resume: bool,
    lr_backbone: float | None,
    lr_expert: float,
    no_insulation: bool,
    chunk: int | None,
    state_delta: int | None,
    image_size: int | None,
    save_every: int | None,
    seed: int,
    val_fraction: float,
    split_seed: int,
    val_every: int | None,
    workers: int,
    threads: int | None,
    workspace: Path | None,
) -> None:
    """Train LabVLA (stage 1 FAST or stage 2 flow) on LeRobot v3.0 datasets."""
    ws = Workspace.resolve(workspace)
    roots = list(data)
    if not roots:
        roots = [ws.data]
        announce_default("data", ws.data)
    datasets = [d for r in roots for d in dataset_roots(r)]
    if not datasets:
        raise click.UsageError(
            f"no LeRobot v3.0 dataset under {', '.join(map(str, roots))} (run `labc synthesize`)"
        )
    if out is None:
        out = ws.checkpoints / STAGE_DIRS[stage]
        announce_default("output", out)
    stage1 = ws.checkpoints / STAGE_DIRS["fast"]
    if (
        stage == "flow"
        and init is None
        and not (resume and (out / "latest").exists())
        and (stage1 / "latest").exists()
    ):
        init = stage1
        announce_default("init checkpoint", stage1)
    _say_where_training_starts(stage, out, init, resume, stage1)
    if preset == "qwen3-vl-4b" and backbone_path is None and init is None:
        raise click.UsageError(
            "--preset qwen3-vl-4b needs --backbone-path (a local Qwen3-VL-4B-Instruct folder)"
        )

    from labvla.checkpoint import mark_latest
    from labvla.train import TrainOptions, train

    opts = TrainOptions(
        data=datasets,
        out=out,
        stage=stage,
        preset=preset,
        backbone_path=str(backbone_path) if backbone_path else None,
        init=init,
        resume=resume,
        steps=steps,
        batch=batch,
        lr_backbone=lr_backbone,
        lr_expert=lr_expert,
        insulation=not no_insulation,
        chunk=chunk,
        state_delta=state_delta,
        image_size=image_size,
        save_every=save_every,
        seed=seed,
        val_fraction=val_fraction,
        split_seed=split_seed,
        val_every=val_every,
        workers=workers,
        threads=threads,
    )
    try:
        result = train(opts)
    except (FileNotFoundError, ValueError) as exc:  # a dataset or checkpoint that cannot be used
        raise InputError(str(exc)) from None
    if result.checkpoint.resolve().is_relative_to(ws.checkpoints.resolve()):
        mark_latest(ws.checkpoints, result.checkpoint)
    click.echo(f"checkpoint: {result.checkpoint}")
