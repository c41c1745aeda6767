"""`labc serve`: a LabVLA checkpoint behind openpi's websocket policy protocol.

Any openpi client (`openpi_client.websocket_client_policy.WebsocketClientPolicy`, LabUtopia's evaluation
scripts, `labc run --policy openpi`) connects to ws://HOST:PORT, reads the metadata (cameras, robots,
action horizon, an example observation) and gets action chunks. With no CHECKPOINT it serves the
workspace's latest. It listens on 127.0.0.1 unless told otherwise: the protocol has no authentication.
"""

from __future__ import annotations

from pathlib import Path

import click

from labc.commands.bench import MODE_OPTION, checkpoint_or_latest
from labc.commands.options import InputError, workspace_option
from labc.workspace import Workspace


class ServerError(InputError):
    """The openpi server is unreachable or does not follow the protocol: the run cannot start (exit 2)."""


def require_server(policy: str, server: str | None, robots: list[str], resolution: int) -> None:
    """For `run`/`bench --policy openpi`: the server must be given, up, and answer with the right shapes."""
    if policy != "openpi":
        if server is not None:
            raise click.UsageError("--server is for --policy openpi")
        return
    if server is None:
        raise click.UsageError("--policy openpi needs --server ws://HOST:PORT")
    from labc.openpi.client import OpenpiError, check_server

    for robot in robots:
        try:
            check_server(server, robot, resolution)
        except OpenpiError as exc:
            raise ServerError(str(exc)) from None


@click.command()
@click.argument("checkpoint", required=False, type=click.Path(path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="0: any free port."
)
@click.option("--robot", help="Robot for requests that do not name one (default: franka if trained on).")
@MODE_OPTION
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the flow's noise draws.")
@workspace_option("reads checkpoints/latest when no CHECKPOINT is named")
def command(
    checkpoint: Path | None,
    host: str,
    port: int,
    robot: str | None,
    mode: str,
    seed: int,
    workspace: Path | None,
) -> None:
    """Serve a LabVLA CHECKPOINT over openpi's websocket policy protocol until interrupted."""
    from labc.openpi.server import LabVLAService, serve

    path = checkpoint_or_latest(checkpoint, Workspace.resolve(workspace))
    from labvla.checkpoint import CheckpointError

    try:
        service = LabVLAService(path, robot=robot, mode=mode, seed=seed)
    except CheckpointError as exc:
        raise InputError(str(exc)) from None
    except ValueError as exc:  # a --robot or --mode the checkpoint cannot serve
        raise click.UsageError(str(exc)) from None

    def ready(address: str) -> None:
        cameras = ", ".join(service.cameras) or "none"
        click.echo(f"serving {path} on {address} (cameras {cameras}; robots {service.known})", err=True)
        click.echo(address)  # on stdout alone, for scripts that start the server with --port 0

    try:
        serve(service, host, port, ready)
    except OSError as exc:
        raise ServerError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
