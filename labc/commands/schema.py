"""`labc schema`: the JSON Schema of `CompiledProtocol` (labc.compiled/1), for other tools."""

from __future__ import annotations

import json
from pathlib import Path

import click

from labc.commands.options import workspace_option


@click.command("schema")
@workspace_option(None)
def command(workspace: Path | None) -> None:
    """Print the JSON Schema of the compiled protocol format."""
    from compiler.model import CompiledProtocol

    schema = CompiledProtocol.model_json_schema(by_alias=True, mode="serialization")
    click.echo(json.dumps(schema, indent=2, sort_keys=True))
