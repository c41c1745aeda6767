"""Diagnostics: what labc says about a protocol, rendered like a modern compiler or as JSON.

Every code has a title: the language's own are in CODES here, and `compiler.codes.all_codes()` joins
them with the compiler's and the skills' into the one table that the docs and the tests read. Families: E00xx reading files, E01xx
syntax, E02xx YAML structure, E03xx names and parameters, E04xx quantities, counts and wells (all
owned by protocol_lang); E1xxx name resolution and structure (compiler); E2xxx/W2xxx symbolic
execution (skills).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict

from protocol_lang.span import Source, Span

Severity = Literal["error", "warning", "note"]

CODES: dict[str, str] = {
    "E0001": "file is not UTF-8 text",
    "E0002": "file is empty",
    "E0101": "syntax error",
    "E0102": "unexpected character",
    "E0103": "unexpected end of file",
    "E0201": "invalid YAML",
    "E0202": "wrong YAML shape",
    "E0203": "unknown key",
    "E0204": "missing required entry",
    "E0205": "duplicate key",
    "E0206": "unsupported language version",
    "E0301": "name declared twice",
    "E0302": "unknown parameter",
    "E0303": "invalid parameter override",
    "E0304": "unknown part of an object",
    "E0305": "invalid name",
    "E0401": "quantity of the wrong kind",
    "E0402": "unknown unit",
    "E0403": "invalid well address or range",
    "E0404": "expected a whole number",
    "E0405": "value must be greater than zero",
    "E0406": "number too large to be finite",
    "E0407": "quantity beyond the limit of its kind",
    "E0408": "count above the maximum",
}


class Diagnostic(BaseModel):
    """One finding about a protocol. `span` is None only for findings about no place in a file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    severity: Severity = "error"
    message: str
    span: Span | None = None
    hint: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class DiagnosticError(Exception):
    """Raised where processing cannot go on; carries every diagnostic found so far."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = list(diagnostics)
        super().__init__("; ".join(d.message for d in self.diagnostics))


NAME_RULE = "names use ASCII letters, digits and `_`, and start with a letter"


def ascii_identifier(name: str) -> str:
    """An ASCII identifier close to `name`: accents dropped (`bécher` -> `becher`), other characters
    turned into `_`; empty when nothing Latin is left (`溶液`)."""
    import re
    import unicodedata

    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    words = re.sub(r"[^A-Za-z0-9_]+", "_", plain).strip("_")
    return words.lstrip("0123456789_")


def name_hint(name: str) -> str:
    """The hint for a name that is not an identifier; a non-ASCII name gets an ASCII spelling to use,
    since identifiers reach robot instructions, dataset columns and file names."""
    if name.isascii():
        return NAME_RULE
    suggestion = ascii_identifier(name)
    if suggestion:
        return f"{NAME_RULE}: write `{suggestion}` instead of `{name}`"
    return f"{NAME_RULE}: spell `{name}` in ASCII, e.g. `solution_1`"


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """A hint naming the closest candidate, or None when nothing is close."""
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"did you mean `{matches[0]}`?" if matches else None


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.is_error for d in diagnostics)


def sort_key(diagnostic: Diagnostic) -> tuple[str, int, int, str]:
    span = diagnostic.span
    if span is None:
        return ("", 0, 0, diagnostic.code)
    return (span.file, span.line, span.column, diagnostic.code)


def render_text(diagnostics: Sequence[Diagnostic], sources: dict[str, Source] | None = None) -> str:
    """Human rendering: `error[E0101]: message`, the location, the source line and a caret."""
    sources = sources or {}
    blocks = [_render_one(d, sources.get(d.span.file) if d.span else None) for d in diagnostics]
    errors = sum(1 for d in diagnostics if d.is_error)
    warnings = sum(1 for d in diagnostics if d.severity == "warning")
    if errors or warnings:
        parts = []
        if errors:
            parts.append(f"{errors} error{'s' if errors != 1 else ''}")
        if warnings:
            parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
        blocks.append(", ".join(parts) + " found")
    return "\n\n".join(blocks) + "\n"


def _render_one(diagnostic: Diagnostic, source: Source | None) -> str:
    head = f"{diagnostic.severity}[{diagnostic.code}]: {diagnostic.message}"
    span = diagnostic.span
    if span is None:
        lines = [head]
    else:
        gutter = " " * len(str(span.line))
        lines = [head, f"{gutter}--> {span}"]
        text = source.line(span.line) if source else ""
        if text:
            width = (
                span.end_column - span.column if span.end_line == span.line else len(text) - span.column + 1
            )
            shown, start, width = _window(text.expandtabs(1), span.column - 1, max(1, width))
            caret = " " * start + "^" * width
            lines += [f"{gutter} |", f"{span.line} | {shown}", f"{gutter} | {caret}"]
    if diagnostic.hint:
        lines.append(f"  = hint: {diagnostic.hint}")
    return "\n".join(lines)


SHOWN_COLUMNS = 100


def _window(text: str, start: int, width: int) -> tuple[str, int, int]:
    """At most SHOWN_COLUMNS of a source line around the span, `...` where cut: a 5000-digit
    number should not print 5000 digits twice (E0406)."""
    if len(text) <= SHOWN_COLUMNS:
        return text, start, width
    left = max(0, min(start - 20, len(text) - SHOWN_COLUMNS))
    right = left + SHOWN_COLUMNS
    prefix = "..." if left > 0 else ""
    suffix = "..." if right < len(text) else ""
    caret_start = start - left + len(prefix)
    return prefix + text[left:right] + suffix, caret_start, max(1, min(width, right - start))


def render_json(diagnostics: Sequence[Diagnostic]) -> str:
    """Machine rendering: one object per diagnostic, flat positions, for editors and LLM loops."""
    rows = []
    for d in diagnostics:
        row: dict[str, object] = {"code": d.code, "severity": d.severity, "message": d.message}
        if d.span is not None:
            row.update(
                file=d.span.file,
                line=d.span.line,
                column=d.span.column,
                end_line=d.span.end_line,
                end_column=d.span.end_column,
            )
        row["hint"] = d.hint
        rows.append(row)
    return json.dumps({"diagnostics": rows}, indent=2, ensure_ascii=False) + "\n"
