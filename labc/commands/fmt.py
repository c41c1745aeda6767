"""`labc fmt FILE --to lab|yaml`: convert between the two surfaces, or normalise one."""

from __future__ import annotations

from pathlib import Path

import click

from labc.commands.options import workspace_option
from labc.protocol_io import format_option, load_protocol, protocol_argument, report
from labinfra import atomic
from protocol_lang.formatter import to_lab, to_yaml
from protocol_lang.loader import surface_of


@click.command("fmt")
@protocol_argument
@click.option(
    "--to",
    "target",
    type=click.Choice(["lab", "yaml"]),
    default=None,
    help="Surface to write (default: the file's own).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write here instead of stdout.",
)
@click.option("--check", is_flag=True, help="Exit 1 if the file is not already formatted; write nothing.")
@format_option
@workspace_option(None)
@click.pass_context
def command(
    ctx: click.Context,
    file: Path,
    target: str | None,
    output: Path | None,
    check: bool,
    diag_format: str,
    workspace: Path | None,
) -> None:
    """Convert a protocol between .yaml and .lab, or normalise it; parameters and comments are kept."""
    loaded = load_protocol(file)
    report(loaded.diagnostics, loaded.sources, diag_format)
    if not loaded.ok:
        ctx.exit(1)
    assert loaded.written is not None
    surface = target or surface_of(file) or "lab"
    # The protocol as written, not with parameters resolved: `{volume}` stays `{volume}`.
    text = to_lab(loaded.written) if surface == "lab" else to_yaml(loaded.written)
    if check:
        if file.read_text(encoding="utf-8") != text:
            click.echo(f"{file} is not formatted", err=True)
            ctx.exit(1)
        return
    if output is None:
        click.echo(text, nl=False)
    else:
        atomic.write_text(output, text)
        click.echo(f"wrote {output}", err=True)
