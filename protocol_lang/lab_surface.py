"""The `.lab` surface: a whole file parsed by the grammar's `file` rule.

Error recovery: on a syntax error the offending line is blanked (or the whole block it opens) and the
file is parsed again, so one run reports several independent errors. Blanking keeps every offset,
so later errors still point at the right line and column.
"""

from __future__ import annotations

from lark.exceptions import UnexpectedInput

from protocol_lang import ast
from protocol_lang.build import Origin, build
from protocol_lang.diagnostics import Diagnostic
from protocol_lang.grammar import parser
from protocol_lang.span import Span
from protocol_lang.syntax_errors import to_diagnostic
from protocol_lang.trivia import attach

MAX_SYNTAX_ERRORS = 20


def parse_lab(text: str, file: str) -> tuple[ast.Protocol | None, list[Diagnostic]]:
    origin = Origin(file=file)
    current = text if text.endswith("\n") else text + "\n"
    diagnostics: list[Diagnostic] = []
    tree = None
    for _ in range(MAX_SYNTAX_ERRORS):
        try:
            tree = parser().parse(current, start="file")
            break
        except UnexpectedInput as exc:
            diagnostic = to_diagnostic(exc, current, origin)
            diagnostics.append(diagnostic)
            if diagnostic.code == "E0103" or diagnostic.span is None:
                break
            blanked = _blank(current, diagnostic.span.line)
            if blanked == current:
                break
            current = blanked
    if tree is None:
        return None, diagnostics
    items, found = build(tree, origin)
    diagnostics.extend(found)
    protocol, found = _assemble(items, file)
    diagnostics.extend(found)
    if protocol is not None:
        header = {
            _HEADER_LINES[item[0]]: item[2]
            for item in items
            if isinstance(item, tuple) and item[0] in _HEADER_LINES
        }
        protocol = attach(protocol, text, "lab", header)
    return protocol, diagnostics


_HEADER_LINES = {"version": "labc", "protocol": "protocol", "robots": "robots"}


def _blank(text: str, line: int) -> str:
    """Blank line `line` (1-based); when it opens a `{` block, blank through the matching `}`."""
    lines = text.split("\n")
    index = line - 1
    if not 0 <= index < len(lines):
        return text
    depth = lines[index].count("{") - lines[index].count("}")
    lines[index] = " " * len(lines[index])
    # A `{` that is not closed on its line opens a block (`parallel {`, `repeat 2 times {`).
    while depth > 0 and index + 1 < len(lines):
        index += 1
        depth += lines[index].count("{") - lines[index].count("}")
        lines[index] = " " * len(lines[index])
    return "\n".join(lines)


def _assemble(items: list, file: str) -> tuple[ast.Protocol | None, list[Diagnostic]]:
    diagnostics: list[Diagnostic] = []
    header: dict[str, tuple[object, Span | None]] = {}
    params: list[ast.ParamDecl] = []
    labware: list[ast.LabwareDecl] = []
    instruments: list[ast.InstrumentDecl] = []
    steps: list = []
    for item in items:
        if isinstance(item, tuple):
            key, value, span = item
            if key == "param":
                params.append(value)
            elif key == "labware":
                labware.append(value)
            elif key == "instrument":
                instruments.append(value)
            elif key in header:
                diagnostics.append(
                    Diagnostic(code="E0205", message=f"`{key}` is given twice", span=span, hint="keep one")
                )
            else:
                header[key] = (value, span)
        else:
            steps.append(item)
    start = Span.point(file, 1, 1)
    version = 1
    if "version" not in header:
        diagnostics.append(
            Diagnostic(
                code="E0204",
                message="the file does not start with the language version",
                span=start,
                hint="add `labc 1` as the first line",
            )
        )
    else:
        token, span = header["version"]
        if str(token) != "1":
            diagnostics.append(
                Diagnostic(
                    code="E0206",
                    message=f"this labc reads language version 1, the file says `labc {token}`",
                    span=span,
                )
            )
    if "protocol" not in header:
        diagnostics.append(
            Diagnostic(
                code="E0204",
                message="the protocol has no name",
                span=start,
                hint='add a line `protocol my_protocol "what it does"`',
            )
        )
        name, description = "unnamed", None
    else:
        value, _ = header["protocol"]
        if not isinstance(value, tuple):  # the transformer builds (name, description or None)
            raise TypeError(f"the protocol header holds {value!r}, not (name, description)")
        name, description = value
    robots = header.get("robots", ([], None))[0]
    protocol = ast.Protocol(
        version=version, name=name, description=description, robots=robots,
        params=params, labware=labware, instruments=instruments, steps=steps,
        surface="lab", file=file, span=start,
    )  # fmt: skip
    return protocol, diagnostics
