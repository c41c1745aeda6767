"""`labc bench`: success rates of a policy on the LabUtopia-style suite, per task and split.

Prints a markdown table (rates with Wilson 95% intervals) and writes it, with every episode's record,
as JSON and markdown into the workspace's `runs/bench/` (or `--out`). Seeds are fixed per (task, robot,
split, episode), so rerunning the same policy gives the same table; `--seed S` starts every cell's
episode seeds at S instead (episode k runs on seed S + k, as `labc run --seed S+k` would), for checks on
seeds not looked at before. `--policy replay|nearest --data DIR` benches the blind validity floors.

`labc bench compare A.json B.json ...` compares result files: every later one against the first, per
cell, with Newcombe 95% intervals for the difference and a two-proportion test.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from labc.commands.options import ACTION_HORIZON_OPTION, SAMPLE_NOISE_OPTION, InputError, workspace_option
from labc.commands.run import DATA_HELP, POLICIES, check_data
from labc.workspace import Workspace, announce_default

if TYPE_CHECKING:
    from robogenesis.bands import Split

MODE_OPTION = click.option(
    "--mode",
    type=click.Choice(["auto", "flow", "fast"]),
    default="auto",
    show_default=True,
    help="LabVLA decoding: flow expert, FAST tokens, or whatever the checkpoint has.",
)


def checkpoint_or_latest(checkpoint: Path | None, ws: Workspace) -> Path:
    """The checkpoint named, else the workspace's latest (announced); a clear error when there is none."""
    from labc.runtime.policies import PolicyLoadError, resolve_checkpoint

    if checkpoint is None:
        announce_default("checkpoint", ws.checkpoints / "latest")
    try:
        return resolve_checkpoint(checkpoint, ws.checkpoints)
    except PolicyLoadError as exc:
        raise InputError(str(exc)) from None


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _splits(value: str) -> list[Split]:
    splits: list[Split] = []
    for name in _csv(value):
        if name == "id":
            splits.append("id")
        elif name == "ood":
            splits.append("ood")
        else:
            raise click.UsageError(f"--split takes id and/or ood, got {value!r}")
    if not splits:
        raise click.UsageError(f"--split takes id and/or ood, got {value!r}")
    return splits


def _levels(value: str) -> list[int]:
    try:
        return [int(v) for v in _csv(value)]
    except ValueError:
        raise click.UsageError(f"--levels takes comma-separated numbers, got {value!r}") from None


@click.group(invoke_without_command=True)
@click.option("--suite", type=click.Choice(["labutopia"]), default="labutopia", show_default=True)
@click.option("--levels", default="1,2,3,4", show_default=True, help="Comma-separated LabUtopia levels.")
@click.option("--tasks", default="", help="Only these tasks (comma-separated protocol names).")
@click.option("--policy", type=click.Choice(POLICIES), default="expert", show_default=True)
@click.option("--server", help="ws://HOST:PORT of an openpi policy server (for --policy openpi).")
@click.option(
    "--checkpoint", type=click.Path(path_type=Path), help="LabVLA checkpoint (default: workspace latest)."
)
@click.option("--data", type=click.Path(path_type=Path), help=DATA_HELP)
@MODE_OPTION
@ACTION_HORIZON_OPTION
@SAMPLE_NOISE_OPTION
@click.option("--episodes", type=click.IntRange(min=1), default=10, show_default=True)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    help="Start seed: episode k of every cell runs on seed SEED+k (default: a fixed hash per episode).",
)
@click.option("--split", "splits", default="id,ood", show_default=True, help="Comma-separated: id, ood.")
@click.option("--robots", default="franka", show_default=True, help="Comma-separated robot profiles.")
@click.option("--max-retries", type=click.IntRange(min=0), default=2, show_default=True)
@click.option(
    "--resolution",
    type=click.IntRange(min=16),
    help="Render size in pixels (default: a LabVLA checkpoint's training images, else 128).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Processes (0 or 1: run in this process).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default: workspace runs/bench).",
)
@click.option("--name", help="Result file stem (default: the policy name).")
@click.option("--quiet", is_flag=True, help="No per-episode progress lines.")
@workspace_option("reads checkpoints/, writes runs/bench/")
def command(
    suite: str,
    levels: str,
    tasks: str,
    policy: str,
    server: str | None,
    checkpoint: Path | None,
    data: Path | None,
    mode: str,
    action_horizon: int | None,
    sample_noise: float | None,
    episodes: int,
    seed: int | None,
    splits: str,
    robots: str,
    max_retries: int,
    resolution: int | None,
    workers: int,
    out: Path | None,
    name: str | None,
    quiet: bool,
    workspace: Path | None,
) -> None:
    """Benchmark a policy on the LabUtopia-style suite (or: bench compare A.json B.json ...)."""
    if click.get_current_context().invoked_subcommand is not None:
        return  # `labc bench compare ...`: the options above are the bench's, not compare's
    from labc.commands.serve import require_server
    from labc.runtime.bench import BenchError, BenchProtocolError, PolicySpec, run_bench
    from labdata.robot_profile import list_profiles
    from labinfra.atomic import write_text
    from labinfra.pool import WorkerCrashed
    from robogenesis.runner.options import RunOptions

    ws = Workspace.resolve(workspace)
    split_list = _splits(splits)
    robot_list = _csv(robots)
    unknown = [r for r in robot_list if r not in list_profiles()]
    if unknown or not robot_list:
        raise click.UsageError(
            f"unknown robot {unknown[0] if unknown else robots!r}; known: {', '.join(list_profiles())}"
        )
    if policy == "labvla":
        checkpoint = checkpoint_or_latest(checkpoint, ws)
        from labvla.checkpoint import read_config, render_size

        if resolution is None:  # render what the policy was trained on, not a default it never saw
            resolution = render_size(checkpoint)
        chunk = read_config(checkpoint).chunk
        if action_horizon is not None and action_horizon > chunk:
            raise click.UsageError(
                f"--action-horizon {action_horizon} exceeds the checkpoint's chunk ({chunk})"
            )
    resolution = resolution or 128
    require_server(policy, server, robot_list, resolution)
    check_data(policy, data)
    spec = PolicySpec(
        name=policy,
        checkpoint=checkpoint,
        mode=mode,
        server=server,
        data=data,
        action_horizon=action_horizon,
        sample_noise=sample_noise,
    )
    if out is None:
        out = ws.runs / "bench"
        announce_default("output folder", out)

    def progress(record, i: int, n: int) -> None:
        if not quiet:
            outcome = "ok" if record.success else f"{record.stop_reason} at {record.failed_node}"
            click.echo(
                f"[{i}/{n}] L{record.level} {record.task} {record.robot} {record.split} #{record.episode}: "
                f"{outcome} ({record.wall_s:.1f} s)",
                err=True,
            )

    try:
        report = run_bench(
            suite,
            _levels(levels),
            split_list,
            robot_list,
            episodes,
            spec,
            RunOptions(max_retries=max_retries),
            tasks=_csv(tasks),
            workers=workers,
            resolution=resolution,
            progress=progress,
            seed=seed,
        )
    except BenchProtocolError as exc:
        raise click.ClickException(str(exc)) from None  # exit 1, like `labc run` on the same protocol
    except BenchError as exc:
        raise click.UsageError(str(exc)) from None
    except WorkerCrashed as exc:
        raise click.ClickException(str(exc)) from None
    stem = name or policy
    write_text(out / f"{stem}.json", report.model_dump_json(indent=2) + "\n")
    write_text(out / f"{stem}.md", report.markdown() + "\n")
    click.echo(report.markdown())
    click.echo(f"results: {out / f'{stem}.json'}")


@command.command("compare")
@click.argument("reports", nargs=-1, required=True, type=click.Path(path_type=Path))
def compare_command(reports: tuple[Path, ...]) -> None:
    """Compare bench result files (JSON from `labc bench`), each against the first, cell by cell."""
    from labc.runtime.compare import CompareError, compare

    try:
        click.echo(compare(list(reports)))
    except CompareError as exc:
        raise click.UsageError(str(exc)) from None
