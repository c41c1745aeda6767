"""Lark's parse errors, said in human words.

Lark reports the terminals it expected (`NUMBER`, `LBRACE`, `FROM`...). A scientist needs "expected a
quantity such as `50 uL`". This module turns an expected-terminal set into that sentence and points
the span at the offending token.
"""

from __future__ import annotations

from typing import cast

from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from protocol_lang.build import Origin
from protocol_lang.diagnostics import Diagnostic, did_you_mean, name_hint
from protocol_lang.grammar import DECLARATION_KEYWORDS, STEP_KEYWORDS, parser

_NAMED = {
    "NAME": "a name",
    "NUMBER": "a number",
    "STRING": 'a quoted text such as "buffer"',
    "_NL": "the end of the line",
    "$END": "the end of the file",
    "TIP_POLICY": "`always`, `once` or `never`",
}


def _literals() -> dict[str, str]:
    """Terminal name -> its literal text, for keywords and punctuation."""
    out: dict[str, str] = {}
    for terminal in parser().terminals:
        pattern = terminal.pattern
        if pattern.type == "str":
            out[terminal.name] = pattern.value
    return out


def describe_expected(expected: set[str], after_number: bool) -> str:
    """One phrase for what the parser would have accepted at this point."""
    literals = _literals()
    if "_NL" in expected:  # "the end of the line" already says it; the file end is implied
        expected = expected - {"$END"}
    words = {literals.get(name, name) for name in expected}
    if after_number and expected <= {"NAME"}:
        return "a unit such as `uL`, `mL`, `s`, `min` or `C`"
    if len(words & set(STEP_KEYWORDS)) >= 5:
        if words & set(DECLARATION_KEYWORDS):
            return "a declaration (`labware`, `instrument`, `param`...) or a step (`pick`, `transfer`, `heat`...)"
        return "a step such as `pick`, `place`, `transfer` or `heat`"
    phrases: list[str] = []
    if {"NUMBER", "LBRACE"} <= expected:
        phrases.append("a quantity such as `50 uL` or a parameter such as `{volume}`")
        expected = expected - {"NUMBER", "LBRACE"}
    for name in sorted(expected, key=lambda n: (n.startswith("_") or n == "$END", n)):
        if name in _NAMED:
            phrases.append(_NAMED[name])
        elif name in literals:
            phrases.append(f"`{literals[name]}`")
        else:
            phrases.append(name.lower())
    if not phrases:
        return "something else"
    if len(phrases) == 1:
        return phrases[0]
    return ", ".join(phrases[:-1]) + " or " + phrases[-1]


def _found(token_type: str, value: str) -> str:
    if token_type == "_NL" or value.startswith(("\n", "\r")):
        return "the end of the line"
    if token_type == "$END":
        return "the end of the file"
    return f"`{value}`"


def _word_at(text: str, pos: int) -> str:
    """The run of letters, digits and `_` around `pos` (a name the user wrote with a non-ASCII letter)."""
    start, end = pos, pos
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    while end < len(text) and (text[end].isalnum() or text[end] == "_"):
        end += 1
    return text[start:end]


def to_diagnostic(exc: UnexpectedInput, text: str, origin: Origin) -> Diagnostic:
    """A diagnostic for a lark error raised while parsing `text`, which starts at `origin`."""
    if isinstance(exc, UnexpectedToken) and exc.token.type != "$END":
        token = exc.token
        after_number = _previous_char(text, token.start_pos).isdigit()
        expected = describe_expected(set(exc.expected), after_number)
        hint = None
        if token.type == "NAME" and len(exc.expected) > 5:
            hint = did_you_mean(str(token), STEP_KEYWORDS + DECLARATION_KEYWORDS)
        width = 1 if token.type == "_NL" else max(1, len(str(token)))
        line, column = token.line, token.column
        span = origin.span(line, column, line, column + width)
        return Diagnostic(
            code="E0101",
            message=f"expected {expected}, found {_found(token.type, str(token))}",
            span=span,
            hint=hint,
        )
    if isinstance(exc, UnexpectedCharacters):
        # lark declares the offset None on the base class; UnexpectedCharacters always sets it
        pos = cast(int, exc.pos_in_stream)
        char = text[pos] if pos < len(text) else ""
        after_number = _previous_char(text, pos).isdigit()
        expected = describe_expected(set(exc.allowed or ()), after_number)
        span = origin.span(exc.line, exc.column, exc.line, exc.column + 1)
        shown = repr(char)[1:-1] if not char.isprintable() else char
        return Diagnostic(
            code="E0102",
            message=f"unexpected character `{shown}`: expected {expected}",
            span=span,
            hint=name_hint(_word_at(text, pos)) if not char.isascii() and char.isalnum() else None,
        )
    # End of input: either UnexpectedEOF or an UnexpectedToken whose token is $END.
    expected_set = set(getattr(exc, "expected", ()) or ())
    stripped = text.rstrip()
    line = stripped.count("\n") + 1
    column = len(stripped) - (stripped.rfind("\n") + 1) + 1
    span = origin.span(line, column, line, column + 1)
    message = "unexpected end of file"
    if "RBRACE" in expected_set:
        message += ": a `{` block is not closed"
        opened = _unclosed_brace(text)
        if opened is not None:
            line, column = opened
            span = origin.span(line, column, line, column + 1)
    elif expected_set:
        message += (
            f": expected {describe_expected(expected_set, _previous_char(text, len(stripped)).isdigit())}"
        )
    return Diagnostic(
        code="E0103",
        message=message,
        span=span,
        hint="close every `{` with a `}` on its own line" if "RBRACE" in expected_set else None,
    )


def _unclosed_brace(text: str) -> tuple[int, int] | None:
    """(line, column) of the last `{` that no `}` closes, outside comments and strings."""
    stack: list[tuple[int, int]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        in_string = False
        for column, char in enumerate(line, start=1):
            if char == '"':
                in_string = not in_string
            elif in_string:
                continue
            elif char == "#":
                break
            elif char == "{":
                stack.append((number, column))
            elif char == "}" and stack:
                stack.pop()
    return stack[-1] if stack else None


def _previous_char(text: str, pos: int) -> str:
    """The last non-blank character before `pos` (a unit is expected right after a number)."""
    i = pos - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return text[i] if i >= 0 else ""


__all__ = ["UnexpectedEOF", "describe_expected", "to_diagnostic"]
