"""`labc compile FILE`: check a protocol and emit its skill DAG, instructions and schedule.

The compiled JSON always lands in the workspace (`<workspace>/compiled/<protocol>.json`), where
`labc synthesize` and `labc run` look for it; `-o` writes the chosen format elsewhere too, and
without `-o` a non-JSON format is printed.
"""

from __future__ import annotations

from pathlib import Path

import click

from labc.commands.options import check_robots, workspace_option
from labc.protocol_io import check_path, format_option, report, set_option
from labc.workspace import Workspace
from labinfra import atomic


@click.command("compile")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the output here.",
)
@click.option(
    "--emit",
    "emit",
    type=click.Choice(["json", "dot", "mermaid", "markdown", "text"]),
    default="json",
    show_default=True,
    help="What to emit.",
)
@set_option
@click.option("--robot", default=None, help="Compile for this robot profile (see `labc robots`).")
@click.option("--arms", type=click.IntRange(min=1), default=1, show_default=True, help="Arms to schedule on.")
@workspace_option("writes compiled/<protocol>.json")
@format_option
@click.pass_context
def command(
    ctx: click.Context,
    file: Path,
    output: Path | None,
    emit: str,
    overrides: tuple[str, ...],
    robot: str | None,
    arms: int,
    workspace: Path | None,
    diag_format: str,
) -> None:
    """Compile a protocol into a checked skill DAG with an instruction per node."""
    from compiler import compile_file
    from compiler.emit import EMITTERS

    check_path(file)
    check_robots([robot] if robot else [])
    result = compile_file(file, overrides, robot=robot, arms=arms)
    report(result.diagnostics, result.sources, diag_format)
    if not result.ok:
        ctx.exit(1)
    compiled = result.compiled
    assert compiled is not None
    ws = Workspace.resolve(workspace)
    data = compiled.to_json()
    saved = atomic.write_text(ws.ensure(ws.compiled) / f"{compiled.protocol.name}.json", data)
    if output is not None or emit != "json":
        # The JSON is already made (deterministic: the same bytes): serialising 386 nodes twice
        # cost a cold compile 5 ms for a string it then dropped.
        text = data if emit == "json" else EMITTERS[emit](compiled)
        if output is not None:
            atomic.write_text(output, text)
            click.echo(f"wrote {output}", err=True)
        else:
            click.echo(text, nl=False)
    sched = compiled.schedule
    click.echo(
        f"compiled {compiled.protocol.name}: {len(compiled.nodes)} skill nodes, {len(compiled.edges)} edges, "
        f"makespan {sched.makespan_s:g} s on {sched.arms} arm(s), {len(compiled.warnings)} warning(s) -> {saved}",
        err=True,
    )
