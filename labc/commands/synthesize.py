"""`labc synthesize`: validated demonstrations from protocols, one LeRobot v3.0 dataset per robot.

With no PROTOCOL it synthesizes the built-in LabUtopia-style suite (level 1 and level 2), and with no
`--out` it writes into the workspace's data folder, so `labc synthesize --robots franka,ur5` works as
is. `--replay DIR EPISODE` regenerates one stored episode and compares it with the dataset.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from labc.commands.options import InputError, workspace_option
from labc.workspace import Workspace, announce_default


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _replay(root: Path, episode: int) -> None:
    from labc.runtime.replay_check import replay
    from robogenesis.replay import ReplayError

    try:
        result = replay(root, episode)
    except ReplayError as exc:  # no such dataset or episode, or one that cannot be regenerated
        raise InputError(str(exc)) from None
    if not result.identical:
        click.echo(f"episode {episode} differs on replay: {'; '.join(result.mismatches)}", err=True)
        click.get_current_context().exit(1)
    click.echo(
        f"episode {episode}: {result.frames} frames regenerated; state, action, task, node id and waits "
        "bit-identical, video within codec loss"
    )


@click.command()
@click.argument("protocols", nargs=-1, type=click.Path(path_type=Path))
@click.option("--robots", default="franka", show_default=True, help="Comma-separated robot profiles.")
@click.option(
    "--episodes", type=click.IntRange(min=1), default=10, show_default=True, help="Per protocol and robot."
)
@click.option("--out", type=click.Path(path_type=Path), help="Output folder (default: workspace data/).")
@click.option("--split", type=click.Choice(["id", "ood"]), default="id", show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--workers", type=click.IntRange(min=0), help="Processes (default: CPU count; 0 runs in this process)."
)
@click.option("--ray-address", help="Run as Ray tasks on this cluster; 'local' starts a local Ray.")
@click.option("--cameras", default="front,side,wrist", show_default=True, help="Comma-separated cameras.")
@click.option("--resolution", type=click.IntRange(min=16), default=128, show_default=True)
@click.option("--max-attempts", type=click.IntRange(min=1), default=3, show_default=True)
@click.option(
    "--dart",
    "dart_sigma",
    type=click.FloatRange(min=0.0, max=0.2),
    default=0.0,
    show_default=True,
    metavar="SIGMA",
    help="DART recovery data: noise (rad, std) on the executed arm joint targets; labels stay the "
    "expert's. Recorded per episode.",
)
@click.option(
    "--replay",
    nargs=2,
    type=(click.Path(exists=True, file_okay=False, path_type=Path), int),
    help="DIR EPISODE: regenerate a stored episode and check it is identical.",
)
@click.option("--quiet", is_flag=True, help="No progress lines.")
@workspace_option("writes datasets to data/<robot>/ unless --out")
def command(
    protocols: tuple[Path, ...],
    robots: str,
    episodes: int,
    out: Path | None,
    split: str,
    seed: int,
    workers: int | None,
    ray_address: str | None,
    cameras: str,
    resolution: int,
    max_attempts: int,
    dart_sigma: float,
    replay: tuple[Path, int] | None,
    quiet: bool,
    workspace: Path | None,
) -> None:
    """Synthesize validated demonstrations of PROTOCOL... (default: the built-in suite)."""
    if replay:
        _replay(*replay)
        return
    from robogenesis.compose import CompositionError, builtin_suite
    from robogenesis.engine import SynthConfig, SynthesisError, SynthesisInputError, synthesize

    if not protocols:
        try:
            protocols = tuple(builtin_suite())
        except CompositionError as exc:
            raise click.ClickException(str(exc)) from None
        announce_default("protocols", f"built-in suite ({len(protocols)} level-1 and level-2 tasks)")
    for path in protocols:
        if not path.is_file():
            raise click.UsageError(f"no such protocol file: {path}")
    if out is None:
        out = Workspace.resolve(workspace).data
        announce_default("output folder", out)
    try:
        config = SynthConfig(
            protocols=list(protocols),
            robots=_csv(robots),
            episodes=episodes,
            out=out,
            split=split,
            seed=seed,
            workers=(os.cpu_count() or 1) if workers is None else workers,
            ray_address=ray_address,
            cameras=_csv(cameras),
            resolution=resolution,
            max_attempts=max_attempts,
            progress=not quiet,
            dart_sigma_rad=dart_sigma,
        )
    except ValueError as exc:
        raise click.UsageError(str(exc).splitlines()[-1]) from None
    _check_choices(config.robots, config.cameras)
    try:
        report = synthesize(config, quiet=quiet)
    except SynthesisInputError as exc:
        raise InputError(str(exc)) from None
    except SynthesisError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(report.render())
    click.echo(f"report: {out / 'report.json'}")
    if not report.complete:
        # A requested slot without its episode is a failed run, whatever else was kept.
        first, why = report.failed[0], ""
        if first.rejections:
            last = first.rejections[-1]
            why = f": {last.reason}" + (f" at node {last.node_id}" if last.node_id else "")
        click.echo(
            f"error: {len(report.failed)} requested slot(s) ended with no episode; first: "
            f"{first.protocol} on {first.robot}, slot {first.slot}{why}",
            err=True,
        )
        click.get_current_context().exit(1)


def _check_choices(robots: list[str], cameras: list[str]) -> None:
    from labdata.robot_profile import list_profiles
    from labsim.scene_spec import SCENE_CAMERAS

    unknown = [r for r in robots if r not in list_profiles()]
    if unknown:
        raise click.UsageError(f"unknown robot {unknown[0]!r}; known: {', '.join(list_profiles())}")
    bad = [c for c in cameras if c not in (*SCENE_CAMERAS, "wrist")]
    if bad:
        raise click.UsageError(
            f"unknown camera {bad[0]!r}; choose from {', '.join([*SCENE_CAMERAS, 'wrist'])}"
        )
