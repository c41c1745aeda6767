"""Reading a protocol for a command: parse, resolve `--set`, report diagnostics, pick the exit code.

Every command that takes a protocol file goes through `load_protocol`, so they all print the same
diagnostics the same way: human text on stderr, or JSON on stdout with `--format json`.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import click

from protocol_lang import ast
from protocol_lang.diagnostics import Diagnostic, has_errors, render_json, render_text, sort_key
from protocol_lang.loader import ParseResult, parse_file, surface_of
from protocol_lang.params import parse_overrides, resolve
from protocol_lang.span import Source

EXIT_OK = 0
EXIT_DIAGNOSTICS = 1
EXIT_USAGE = 2

protocol_argument = click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
set_option = click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a parameter, e.g. --set volume=40uL.",
)
format_option = click.option(
    "--format",
    "diag_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="How diagnostics are printed.",
)


@dataclass
class Loaded:
    """`protocol` has its parameters replaced by their values; `written` is the protocol as written
    (references, comments), which `labc fmt` writes back."""

    protocol: ast.Protocol | None
    diagnostics: list[Diagnostic]
    sources: dict[str, Source]
    written: ast.Protocol | None = None

    @property
    def ok(self) -> bool:
        return self.protocol is not None and not has_errors(self.diagnostics)


def check_path(path: Path) -> None:
    """Usage errors (exit 2) for files that are not protocols at all."""
    if not path.exists():
        raise click.UsageError(f"no such file: {path}")
    if path.is_dir():
        raise click.UsageError(f"{path} is a folder, not a protocol file")
    if surface_of(path) is None:
        raise click.UsageError(
            f"cannot tell the language surface of {path.name}: protocol files end in .yaml, .yml or .lab"
        )


def load_protocol(path: Path, overrides: tuple[str, ...] = ()) -> Loaded:
    check_path(path)
    try:
        result: ParseResult = parse_file(path)
    except OSError as exc:
        raise click.UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    diagnostics = list(result.diagnostics)
    protocol = result.protocol
    if protocol is not None and not has_errors(diagnostics):
        values, found = parse_overrides(list(overrides))
        diagnostics += found
        protocol, found = resolve(protocol, values)
        diagnostics += found
    diagnostics.sort(key=sort_key)
    return Loaded(protocol, diagnostics, result.sources, result.protocol)


def report(diagnostics: list[Diagnostic], sources: dict[str, Source], diag_format: str) -> None:
    if diag_format == "json":
        sys.stdout.write(render_json(diagnostics))
    elif diagnostics:
        sys.stderr.write(render_text(diagnostics, sources))


def exit_code(diagnostics: list[Diagnostic]) -> int:
    return EXIT_DIAGNOSTICS if has_errors(diagnostics) else EXIT_OK
