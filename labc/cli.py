"""The `labc` command line.

Subcommands live one per module in `labc/commands/` and are imported only when invoked, so
`labc compile` never pays for torch, mujoco or ray. To add a command, write
`labc/commands/<name>.py` exposing a click command named `command`, and list it in COMMANDS.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import os
import sys
from typing import NoReturn

import click

# name -> module under labc.commands (each exposes `command`) and its one-line help.
COMMANDS: dict[str, tuple[str, str]] = {
    "parse": ("parse", "Parse a protocol and print its AST as JSON."),
    "compile": ("compile", "Compile a protocol into a checked skill DAG with instructions."),
    "check": ("check", "Check a protocol: diagnostics only."),
    "schema": ("schema", "Print the JSON Schema of compiled protocols."),
    "fmt": ("fmt", "Convert a protocol between the .yaml and .lab surfaces."),
    "train": ("train", "Train LabVLA (stage 1 FAST tokens, stage 2 flow expert) on datasets."),
    "robots": ("robots", "List the robot profiles the simulator can use."),
    "view": ("view", "Render a scene from every camera into a PNG."),
    "skills": ("skills", "List the atomic skills and operations with signatures and examples."),
    "labware": ("labware", "List the labware and instrument types protocols can declare."),
    "deck": ("deck", "Print the bench map (slots, device sites) and what a protocol puts where."),
    "synthesize": ("synthesize", "Synthesize validated demonstrations into LeRobot v3.0 datasets."),
    "run": ("run", "Run a protocol with a policy in simulation, node by node (expert or LabVLA)."),
    "bench": ("bench", "Benchmark a policy on the LabUtopia-style suite (success rates, Wilson 95% CIs)."),
    "serve": ("serve", "Serve a LabVLA checkpoint over openpi's websocket policy protocol."),
}

# Commands that finish in a fraction of a second and leave no cyclic garbage worth reclaiming (parsing
# and compiling already pause the collector: protocol_lang/gc_pause.py). Run as their own process they
# run without the cyclic collector, which would otherwise rescan every class, schema and function that
# importing builds, again and again as the heap grows: 25 ms of a 330 ms cold `labc compile`, for
# 0.2 MB of memory. Long commands (synthesize, train, run, serve) keep it.
BRIEF = frozenset({"parse", "compile", "check", "schema", "fmt"})


def _brief(args: list[str]) -> bool:
    """Whether the command line runs a BRIEF command (the group's own options take no values)."""
    name = next((arg for arg in args if not arg.startswith("-")), None)
    return name in BRIEF


class LazyGroup(click.Group):
    """A click group that imports a subcommand's module only when that subcommand runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module = importlib.import_module(f"labc.commands.{entry[0]}")
        return module.command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Help lists the one-liners without importing every command module.
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="labc")
def cli() -> None:
    """labc: a declarative protocol compiler for laboratory robots."""


def main(argv: list[str] | None = None) -> int:
    """Entry point: click's usage errors exit 2; anything unexpected is reported, not dumped."""
    if argv is None and _brief(sys.argv[1:]):
        _end_brief(_run(argv, brief=True))
    return _run(argv, brief=False)


def _end_brief(code: int) -> NoReturn:
    """End the process of a BRIEF command as soon as its output is out. Interpreter shutdown would
    free, one by one, every object the command and its imports made (1.2% of a cold `labc compile`'s
    instructions, more of its wall time); nothing is left to do that the operating system does not do
    anyway (no atexit work but logging's, and labc configures no logging handler)."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (`labc compile | head`) or stream
            stream.flush()
    os._exit(code)


def _run(argv: list[str] | None, brief: bool) -> int:
    from labsim.gl import prefer_headless

    prefer_headless()  # commands that simulate render offscreen; workers they spawn inherit this
    if brief:
        gc.disable()  # the process ends with the command (see BRIEF)
        # pydantic looks for plugins (observability hooks) by scanning the metadata of every installed
        # distribution when it builds its first model: 2% of a cold `labc compile`, for hooks that
        # would only watch labc validate its own data. Its documented switch turns the scan off; a
        # value the user set (an empty one re-enables plugins) is kept.
        os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        result = cli.main(args=argv, prog_name="labc", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return 2 if isinstance(exc, click.UsageError) else exc.exit_code
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 130
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug in labc, not bad input: say so in one line unless debugging
        if os.environ.get("LABC_DEBUG"):
            raise
        if isinstance(exc, OSError) and exc.filename is not None:
            # A path the user gave that cannot be read or written (permissions, a file where a folder
            # should be, a full disk): exit 2 like any other unusable input, not an "internal error".
            click.echo(f"labc: {exc.filename}: {exc.strerror or exc}", err=True)
            return 2
        click.echo(
            f"labc: internal error: {type(exc).__name__}: {exc} (set LABC_DEBUG=1 for a traceback)", err=True
        )
        return 3
    finally:
        if argv is None:  # the process's own command line: the process ends next
            # Shutdown would otherwise walk every object a compile made (and pydantic's schemas)
            # in a last garbage collection: 70 ms of a 400 ms `labc compile`. Exit handlers run.
            gc.freeze()
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
