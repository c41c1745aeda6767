"""`labc schema`: the JSON Schema of `CompiledProtocol` (labc.compiled/1), for other tools."""

from __future__ import annotations

import json

import click


@click.command("schema")
def command() -> None:
    """Print the JSON Schema of the compiled protocol format."""
    from compiler.model import CompiledProtocol

    schema = CompiledProtocol.model_json_schema(by_alias=True, mode="serialization")
    click.echo(json.dumps(schema, indent=2, sort_keys=True))
