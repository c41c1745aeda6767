"""Rendering the skills' instruction templates: jinja2's syntax, with a fast path for what skills use.

The templates are jinja2 and stay jinja2 (`{{ volume_ul|volume }}`, `{% if setpoint_c is not none %}
... {% else %} ... {% endif %}`). But importing jinja2, building its environment and loading 18
compiled templates was about 7% of a cold `labc compile` (issue 15, item 9), for templates that only
print variables through the five filters below and branch on a variable. `fast` turns a template in
that subset into parts that plain Python renders; a template outside it (another filter, a loop, a
literal, whitespace control, a comment) gets None, and so does a render whose context lacks a variable
the template names, so that jinja2 (imported only then) renders it and raises what it raises. Either
way the text is jinja2's: tests/skills/test_templating.py compares the two on every skill and on
generated templates.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2


def noun(name: str) -> str:
    """How an instruction names a declared object: `beaker_1` -> "beaker_1", `sol_a` -> "the sol_a".

    The identifier keeps the user's spelling: it is the name on the bench sheet and in the protocol, and
    "the sol a" would be a name nobody wrote (and two names, `sol_a` and `sol a`, for one thing)."""
    return name if name[-1:].isdigit() else f"the {name}"


def volume(ul: float) -> str:
    if ul >= 1000:
        return f"{ul / 1000:g} mL"
    return f"{ul:g} µL"


def duration(seconds: float) -> str:
    minutes, rest = divmod(seconds, 60)
    if minutes and rest:
        return f"{minutes:g} min {rest:g} s"
    if minutes:
        return f"{minutes:g} min"
    return f"{seconds:g} s"


def celsius(value: float) -> str:
    return f"{value:g} °C"


def upfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


FILTERS: dict[str, Callable[[Any], str]] = {
    "noun": noun,
    "volume": volume,
    "duration": duration,
    "celsius": celsius,
    "upfirst": upfirst,
}

# ---- jinja2, for everything the fast path leaves ---------------------------------------------------


@functools.cache
def _env() -> jinja2.Environment:
    import jinja2

    class SourceLoader(jinja2.BaseLoader):
        """Templates are named by their own source text, so that jinja2's bytecode cache can key them."""

        def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, None, Any]:
            return template, None, lambda: True

    try:  # jinja2's file cache of compiled templates, a private folder under the temp dir
        cache: jinja2.BytecodeCache | None = jinja2.FileSystemBytecodeCache()
    except (OSError, RuntimeError):  # no usable temp dir: compile in memory
        cache = None
    env = jinja2.Environment(
        loader=SourceLoader(),
        bytecode_cache=cache,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
    )
    env.filters.update(FILTERS)
    return env


@functools.cache
def jinja_template(source: str) -> jinja2.Template:
    return _env().get_template(source)


# ---- the fast path --------------------------------------------------------------------------------

# A part is a str (text), a ("print", name, filters) or an ("if", name, test, then, else) tuple.
Part = Any
_OPENING = re.compile(r"\{[{%#]")
_TAG = re.compile(r"\{\{(.*?)\}\}|\{%(.*?)%\}")
_PRINT = re.compile(r"\s*([A-Za-z_]\w*)\s*((?:\|\s*[A-Za-z_]\w*\s*)*)")
_IF = re.compile(
    r"\s*if\s+(?:(?P<negate>not)\s+)?(?P<name>[A-Za-z_]\w*)(?P<is>\s+is\s+(?P<is_not>not\s+)?none)?\s*"
)
# jinja2 reads these as literals or operators, not as variables of the context.
_RESERVED = frozenset(
    {"none", "None", "true", "True", "false", "False", "not", "and", "or", "in", "is", "if"}
)


class _Outside(Exception):
    """The template uses jinja2 beyond the fast path."""


@functools.cache
def fast(source: str) -> tuple[Part, ...] | None:
    """The template as parts the fast path renders, or None when it needs jinja2."""
    # Newlines are jinja2's: it normalises them and trims the last (keep_trailing_newline=False).
    if "\n" in source or "\r" in source:
        return None
    try:
        parts, end = _parse(source, 0, stop=False)
    except _Outside:
        return None
    return tuple(parts) if end == len(source) else None


def _parse(source: str, pos: int, stop: bool) -> tuple[list[Part], int]:
    """Parts from `pos` up to the end (or, with `stop`, up to an `else`/`endif` tag, left unread)."""
    parts: list[Part] = []
    while True:
        opening = _OPENING.search(source, pos)  # the first delimiter, as jinja2's lexer finds it
        match = _TAG.match(source, opening.start()) if opening else None
        if opening and not match:
            raise _Outside  # a comment, or an unclosed tag: jinja2's error to report
        text = source[pos : match.start() if match else len(source)]
        if "}}" in text or "%}" in text:
            raise _Outside  # a stray closing delimiter: text to jinja2, not worth the cases here
        if text:
            parts.append(text)
        if match is None:
            if stop:
                raise _Outside  # `if` without `endif`
            return parts, len(source)
        if match.group(1) is not None:
            parts.append(_print(match.group(1)))
            pos = match.end()
            continue
        tag = match.group(2)
        if tag.startswith(("-", "+")) or tag.endswith(("-", "+")):
            raise _Outside
        word = tag.split()[0] if tag.split() else ""
        if word in ("else", "endif"):
            if not stop or tag.strip() != word:
                raise _Outside
            return parts, match.start()
        condition = _IF.fullmatch(tag)
        if condition is None or condition["name"] in _RESERVED:
            raise _Outside
        name, tested = condition["name"], condition["is"] is not None
        if condition["negate"]:
            if tested:
                raise _Outside  # `not x is none`: not worth copying jinja2's precedence for
            test = "falsy"
        elif tested:
            test = "not none" if condition["is_not"] else "none"
        else:
            test = "truthy"
        then, pos = _parse(source, match.end(), stop=True)
        otherwise: list[Part] = []
        closing = _TAG.match(source, pos)
        assert closing is not None
        if closing.group(2).strip() == "else":
            otherwise, pos = _parse(source, closing.end(), stop=True)
            closing = _TAG.match(source, pos)
            assert closing is not None
            if closing.group(2).strip() != "endif":
                raise _Outside  # a second `else`
        pos = closing.end()
        parts.append(("if", name, test, tuple(then), tuple(otherwise)))


def _print(expression: str) -> Part:
    match = _PRINT.fullmatch(expression)
    if match is None or match.group(1) in _RESERVED:
        raise _Outside
    filters = tuple(f.strip() for f in match.group(2).split("|")[1:])
    if any(f not in FILTERS for f in filters):
        raise _Outside
    return ("print", match.group(1), filters)


class _Missing(Exception):
    """The context lacks a variable the template uses: jinja2's StrictUndefined decides."""


def _emit(parts: tuple[Part, ...], context: dict[str, Any], out: list[str]) -> None:
    for part in parts:
        if isinstance(part, str):
            out.append(part)
            continue
        if part[1] not in context:
            raise _Missing
        value = context[part[1]]
        if part[0] == "print":
            for name in part[2]:
                value = FILTERS[name](value)
            out.append(str(value))
            continue
        test = part[2]
        if test == "none":
            chosen = value is None
        elif test == "not none":
            chosen = value is not None
        elif test == "truthy":
            chosen = bool(value)
        else:
            chosen = not value
        _emit(part[3] if chosen else part[4], context, out)


def render(source: str, context: dict[str, Any]) -> str:
    """The template rendered as jinja2 (StrictUndefined, no autoescape) renders it."""
    parts = fast(source)
    if parts is not None:
        out: list[str] = []
        try:
            _emit(parts, context, out)
            return "".join(out)
        except _Missing:
            pass
    return jinja_template(source).render(context)
