"""The workspace folder that lets commands chain without flags.

`labc compile` writes compiled protocols, `labc synthesize` datasets, `labc train` checkpoints and
`labc run`/`labc bench` results into one folder (default `./labc-out/`), and each reads the previous
step's output from it by default. Every default that is used is announced on stderr so a user always
knows which files a command read or wrote.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

ENV_VAR = "LABC_WORKSPACE"
DEFAULT_DIR = "labc-out"


class Workspace:
    """Paths inside one workspace root; folders are created on first use, not on construction."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def resolve(cls, option: str | os.PathLike[str] | None = None) -> Workspace:
        """The workspace named by `--workspace`, else `$LABC_WORKSPACE`, else `./labc-out`."""
        if option:
            return cls(Path(option))
        env = os.environ.get(ENV_VAR)
        if env:
            return cls(Path(env))
        return cls(Path(DEFAULT_DIR))

    def _sub(self, name: str) -> Path:
        return self.root / name

    @property
    def compiled(self) -> Path:
        return self._sub("compiled")

    @property
    def data(self) -> Path:
        return self._sub("data")

    @property
    def checkpoints(self) -> Path:
        return self._sub("checkpoints")

    @property
    def runs(self) -> Path:
        return self._sub("runs")

    def ensure(self, path: Path) -> Path:
        path.mkdir(parents=True, exist_ok=True)
        return path


def announce_default(what: str, value: object) -> None:
    """Tell the user which default a command fell back to (stderr keeps stdout machine-readable)."""
    click.echo(f"labc: using default {what}: {value}", err=True)
