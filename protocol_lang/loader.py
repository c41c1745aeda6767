"""Entry points: read a protocol file of either surface into an AST plus diagnostics."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from protocol_lang import ast
from protocol_lang.checks import check
from protocol_lang.diagnostics import Diagnostic, has_errors, sort_key
from protocol_lang.gc_pause import paused_gc
from protocol_lang.span import Source, Span

Surface = Literal["yaml", "lab"]
SUFFIXES: dict[str, Surface] = {".yaml": "yaml", ".yml": "yaml", ".lab": "lab"}


@dataclass
class ParseResult:
    """The AST when one could be built (also with errors, as far as it goes), and every diagnostic."""

    protocol: ast.Protocol | None
    diagnostics: list[Diagnostic]
    source: Source
    sources: dict[str, Source] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.protocol is not None and not has_errors(self.diagnostics)


def surface_of(path: str | Path) -> Surface | None:
    return SUFFIXES.get(Path(path).suffix.lower())


def parse_text(text: str, file: str = "<memory>", surface: Surface | None = None) -> ParseResult:
    surface = surface or surface_of(file) or "lab"
    source = Source(file, text)
    if not text.strip():
        diagnostic = Diagnostic(
            code="E0002",
            message="the file is empty",
            span=Span.point(file, 1, 1),
            hint="start with `labc 1` (.lab) or `labc: 1` (.yaml)",
        )
        return ParseResult(None, [diagnostic], source, {file: source})
    # Each surface's module only when it is read: the YAML one imports PyYAML, which a `.lab` file
    # does not need (5% of a cold `labc compile`).
    if surface == "yaml":
        from protocol_lang.yaml_surface import parse_yaml as reader
    else:
        from protocol_lang.lab_surface import parse_lab as reader
    with paused_gc():
        protocol, diagnostics = reader(text, file)
    if protocol is not None:
        diagnostics = diagnostics + check(protocol)
    diagnostics.sort(key=sort_key)
    return ParseResult(protocol, diagnostics, source, {file: source})


def parse_file(path: str | Path) -> ParseResult:
    """Parse a file; unreadable bytes are a diagnostic (E0001), a missing file an OSError."""
    path = Path(path)
    data = path.read_bytes()
    name = str(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        source = Source(name, data.decode("utf-8", errors="replace"))
        span = source.span_at(len(data[: exc.start].decode("utf-8", errors="replace")))
        diagnostic = Diagnostic(
            code="E0001",
            message=f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x})",
            span=span,
            hint="save the file as UTF-8",
        )
        return ParseResult(None, [diagnostic], source, {name: source})
    if text.startswith("\ufeff"):
        text = text[1:]
    return parse_text(text, name, surface_of(path))
