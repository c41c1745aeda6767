"""Options and errors every `labc` command shares, so one mistake gets one message and one exit code.

Exit codes (README "Exit codes"), defined here once:

- 0: success.
- 1 (`EXIT_FAILED`): the protocol has errors, or a run, a replay or a check did not complete.
- 2 (`EXIT_USAGE`): the command was used wrongly, or an input file (protocol path, checkpoint, dataset,
  scene) is missing, unreadable or corrupt: `click.UsageError` for the first, `InputError` for the second.
- 3: a bug in labc ("internal error"); never the answer to anything a user typed or pointed at.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from labc.protocol_io import EXIT_DIAGNOSTICS as EXIT_FAILED
from labc.protocol_io import EXIT_USAGE

F = TypeVar("F", bound=Callable[..., Any])

# What `--video` means when given without a path: write it into the workspace, next to the results.
VIDEO_IN_WORKSPACE = "<workspace>"


ACTION_HORIZON_OPTION = click.option(
    "--action-horizon",
    type=click.IntRange(min=1),
    help="LabVLA: actions of each predicted chunk to execute before predicting again "
    "(default: the checkpoint's setting, else the whole chunk).",
)
SAMPLE_NOISE_OPTION = click.option(
    "--sample-noise",
    type=click.FloatRange(min=0.0),
    help="LabVLA: scale of the noise each chunk's flow starts from; 0 gives one deterministic chunk, "
    "1 samples one of the demonstrations' ways (default: the checkpoint's setting).",
)


class InputError(click.ClickException):
    """An input file exists but cannot be used (corrupt checkpoint, foreign dataset): exit 2, no usage
    banner, since the command line itself was fine."""

    exit_code = EXIT_USAGE


def check_robots(robots: list[str]) -> None:
    """An unknown `--robot`/`--robots` name is a usage error (exit 2) in every command, whether the
    command compiles (where E1006 would make it a protocol error, exit 1) or simulates."""
    if not robots:
        return  # nothing to check, and no profile module to import for it
    import difflib

    from labdata.robot_profile import list_profiles

    known = list_profiles()
    for robot in robots:
        if robot not in known:
            close = difflib.get_close_matches(robot, known, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise click.UsageError(f"unknown robot {robot!r}; {hint}known: {', '.join(known)}")


def workspace_option(use: str | None) -> Callable[[F], F]:
    """`--workspace DIR` for a command. `use` says what the command reads or writes there; None for a
    command that touches no workspace, which accepts the option anyway so that every command takes it."""
    role = (
        f"Workspace folder: {use}"
        if use
        else "Accepted for uniformity with the other commands; this one neither reads nor writes a workspace"
    )
    return click.option(
        "--workspace",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help=f"{role} (default ./labc-out or $LABC_WORKSPACE).",
    )


def video_option(what: str) -> Callable[[F], F]:
    """`--video [PATH]`: with a path, write the MP4 there; alone, into the workspace. The value is optional
    (click's flag_value), so `--video --robot ur5e` no longer takes `--robot` as the path."""
    return click.option(
        "--video",
        is_flag=False,
        flag_value=VIDEO_IN_WORKSPACE,
        default=None,
        metavar="[PATH]",
        help=f"Write an MP4 of {what}; without PATH, into the workspace's runs/ folder.",
    )


__all__ = [
    "EXIT_FAILED",
    "EXIT_USAGE",
    "VIDEO_IN_WORKSPACE",
    "InputError",
    "check_robots",
    "video_option",
    "workspace_option",
]
