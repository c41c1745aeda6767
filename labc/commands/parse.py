"""`labc parse FILE`: the AST as JSON, for tools and for checking what the parser understood."""

from __future__ import annotations

import json
from pathlib import Path

import click

from labc.commands.options import workspace_option
from labc.protocol_io import format_option, load_protocol, protocol_argument, report, set_option


@click.command("parse")
@protocol_argument
@set_option
@click.option("--resolve/--no-resolve", default=False, help="Substitute parameters before printing.")
@format_option
@workspace_option(None)
@click.pass_context
def command(
    ctx: click.Context,
    file: Path,
    overrides: tuple[str, ...],
    resolve: bool,
    diag_format: str,
    workspace: Path | None,
) -> None:
    """Parse a protocol (.yaml or .lab) and print its AST as JSON."""
    loaded = load_protocol(file, overrides if resolve or overrides else ())
    if not loaded.ok:
        report(loaded.diagnostics, loaded.sources, diag_format)
        ctx.exit(1)
    assert loaded.protocol is not None
    if diag_format == "json":
        payload = {
            "ast": loaded.protocol.model_dump(mode="json"),
            "diagnostics": [d.model_dump(mode="json") for d in loaded.diagnostics],
        }
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        report(loaded.diagnostics, loaded.sources, diag_format)
        click.echo(loaded.protocol.model_dump_json(indent=2))
