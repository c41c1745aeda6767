"""`labc check FILE`: diagnostics only (parse, names, units, symbolic execution); exit 0 or 1."""

from __future__ import annotations

from pathlib import Path

import click

from labc.commands.options import check_robots, workspace_option
from labc.protocol_io import check_path, format_option, report, set_option
from protocol_lang.diagnostics import has_errors


@click.command("check")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@set_option
@click.option("--robot", default=None, help="Check for this robot profile.")
@click.option("--arms", type=click.IntRange(min=1), default=1, show_default=True)
@format_option
@workspace_option(None)
@click.pass_context
def command(
    ctx: click.Context,
    file: Path,
    overrides: tuple[str, ...],
    robot: str | None,
    arms: int,
    diag_format: str,
    workspace: Path | None,
) -> None:
    """Check a protocol without writing anything."""
    from compiler import compile_file

    check_path(file)
    check_robots([robot] if robot else [])
    result = compile_file(file, overrides, robot=robot, arms=arms)
    report(result.diagnostics, result.sources, diag_format)
    if has_errors(result.diagnostics) or result.compiled is None:
        ctx.exit(1)
    if diag_format == "text":
        click.echo(f"{file}: ok ({len(result.compiled.nodes)} skill nodes)", err=True)
