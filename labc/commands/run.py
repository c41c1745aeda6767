"""`labc run`: execute a compiled protocol with a policy in simulation, node by node, and report.

With no PROTOCOL it runs the built-in level-1 suite; with `--policy labvla` and no `--checkpoint` it
takes the workspace's latest checkpoint, so `labc run --policy labvla` works right after
`labc synthesize` and `labc train`. `--policy replay|nearest --data DIR` runs the blind validity floors
(labc.runtime.floors) from a dataset that `labc synthesize` wrote. The exit code is 0 only when every
protocol completed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from labc.commands.options import (
    ACTION_HORIZON_OPTION,
    SAMPLE_NOISE_OPTION,
    VIDEO_IN_WORKSPACE,
    InputError,
    video_option,
    workspace_option,
)
from labc.workspace import Workspace, announce_default

DEFAULT_ROBOT = "franka"
POLICIES = [
    "expert",
    "labvla",
    "openpi",
    "replay",
    "nearest",
]  # labc.runtime.policies.POLICIES, without its imports
DATA_HELP = "Dataset (or folder of per-robot datasets) for --policy replay|nearest, e.g. labc-out/data."


def check_data(policy: str, data: Path | None) -> None:
    """--data goes with the floors and only with them (a usage error, exit 2, otherwise)."""
    if policy in ("replay", "nearest") and data is None:
        raise click.UsageError(
            f"--policy {policy} needs --data DIR: a dataset from `labc synthesize` (e.g. labc-out/data)"
        )
    if data is not None and policy not in ("replay", "nearest"):
        raise click.UsageError(f"--data is for --policy replay or nearest, not {policy}")


def level1_suite() -> list[Path]:
    from labc.runtime.bench import EXAMPLES

    return sorted((EXAMPLES / "level1").glob("*.yaml"))


@click.command()
@click.argument("protocols", nargs=-1, type=click.Path(path_type=Path))
@click.option("--policy", type=click.Choice(POLICIES), default="expert", show_default=True)
@click.option("--server", help="ws://HOST:PORT of an openpi policy server (for --policy openpi).")
@click.option(
    "--checkpoint", type=click.Path(path_type=Path), help="LabVLA checkpoint (default: workspace latest)."
)
@click.option("--data", type=click.Path(path_type=Path), help=DATA_HELP)
@ACTION_HORIZON_OPTION
@SAMPLE_NOISE_OPTION
@click.option("--robot", help=f"Robot profile (default {DEFAULT_ROBOT}).")
@click.option("--seed", type=int, default=0, show_default=True, help="Scene randomization and reset seed.")
@click.option("--split", type=click.Choice(["id", "ood"]), default="id", show_default=True)
@video_option("the run with the instruction overlaid")
@click.option("--max-retries", type=click.IntRange(min=0), default=2, show_default=True)
@click.option(
    "--stall-timeout",
    type=click.FloatRange(min=0.01),
    default=60.0,
    show_default=True,
    help="Seconds one policy call may take before a safe stop.",
)
@click.option("--resolution", type=click.IntRange(min=16), default=128, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON instead of a table.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for JSON results (default: workspace runs/run).",
)
@workspace_option("reads checkpoints/, writes results and videos to runs/run/")
def command(
    protocols: tuple[Path, ...],
    policy: str,
    server: str | None,
    checkpoint: Path | None,
    data: Path | None,
    action_horizon: int | None,
    sample_noise: float | None,
    robot: str | None,
    seed: int,
    split: str,
    video: str | None,
    max_retries: int,
    stall_timeout: float,
    resolution: int,
    as_json: bool,
    out: Path | None,
    workspace: Path | None,
) -> None:
    """Run PROTOCOL... (default: the level-1 suite) with a policy; report each node's outcome."""
    from labc.commands.serve import require_server
    from labc.runtime.episode import EpisodeSpec, run_episode
    from labc.runtime.floors import FloorPolicy
    from labc.runtime.policies import PolicyLoadError, load_policy
    from labdata.errors import UnknownRobotError
    from labdata.robot_profile import load_profile
    from labinfra.atomic import write_text
    from labsim.errors import SceneError
    from robogenesis.compose import CompositionError, NotAProtocolError, load_compiled
    from robogenesis.runner.options import RunOptions

    ws = Workspace.resolve(workspace)
    if not protocols:
        protocols = tuple(level1_suite())
        announce_default("protocols", f"built-in level-1 suite ({len(protocols)} tasks)")
    for path in protocols:
        if not path.is_file():
            raise click.UsageError(f"no such protocol file: {path}")
    if robot is None:
        robot = DEFAULT_ROBOT
        announce_default("robot", robot)
    try:
        load_profile(robot)
    except UnknownRobotError as exc:
        raise click.UsageError(str(exc)) from None
    if video not in (None, VIDEO_IN_WORKSPACE) and len(protocols) > 1:
        raise click.UsageError(
            "--video PATH records one protocol; name a single PROTOCOL, or give --video alone to "
            "record each protocol into the workspace"
        )
    if policy == "labvla" and checkpoint is None:
        announce_default("checkpoint", ws.checkpoints / "latest")
    require_server(policy, server, [robot], resolution)
    check_data(policy, data)
    try:
        agent = load_policy(
            policy,
            checkpoint=checkpoint,
            checkpoints_root=ws.checkpoints,
            seed=seed,
            server=server,
            data=data,
            action_horizon=action_horizon,
            sample_noise=sample_noise,
        )
    except PolicyLoadError as exc:
        raise InputError(str(exc)) from None
    options = RunOptions(max_retries=max_retries, stall_timeout_s=stall_timeout)
    results = []
    compiled_all = []
    for path in protocols:
        try:
            compiled_all.append(load_compiled(path, robot))
        except NotAProtocolError as exc:
            raise InputError(str(exc)) from None
        except CompositionError as exc:
            raise click.ClickException(str(exc)) from None
        if isinstance(agent, FloorPolicy):  # a floor that has no recording of this task: say so now
            try:
                agent.data.require(compiled_all[-1].protocol.name, robot)
            except PolicyLoadError as exc:
                raise InputError(str(exc)) from None
    for path, compiled in zip(protocols, compiled_all, strict=True):
        folder = out if out is not None else ws.runs / "run"
        stem = f"{compiled.protocol.name}-{robot}-{policy}-s{seed}-{split}"
        video_path = None if video is None else Path(video)
        if video == VIDEO_IN_WORKSPACE:
            video_path = folder / f"{stem}.mp4"
            announce_default("video", video_path)
        spec = EpisodeSpec(robot=robot, seed=seed, split=split, resolution=resolution, video=video_path)
        try:
            result = run_episode(compiled, agent, spec, options, progress=_progress(compiled, robot))
        except SceneError as exc:
            raise click.ClickException(f"{path}: the scene cannot be built: {exc}") from None
        results.append(result)
        target = folder / f"{stem}.json"
        write_text(target, result.model_dump_json(indent=2) + "\n")
        if as_json:
            click.echo(result.model_dump_json(indent=2))
        else:
            click.echo(result.table())
            click.echo(f"result: {target}" + (f"; video: {result.video}" if result.video else ""))
            click.echo()
    done = sum(r.completed for r in results)
    if len(results) > 1 and not as_json:
        click.echo(f"{done}/{len(results)} protocols completed")
    if done < len(results):
        click.get_current_context().exit(1)


def _progress(compiled: Any, robot: str) -> Callable[[str], None]:
    """Per-node progress of long steps on stderr, so stdout stays the result (and `--json` parses)."""
    name = compiled.protocol.name
    return lambda line: click.echo(f"  {name} on {robot}: {line}", err=True)
