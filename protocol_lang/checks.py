"""Checks that need the whole AST but no catalog: the kind of quantity each slot takes, and names
declared twice. Both surfaces run them, and parameter resolution runs them again on substituted values.
"""

from __future__ import annotations

from collections.abc import Iterator

from protocol_lang import ast, units
from protocol_lang.diagnostics import Diagnostic

# (statement kind, field) -> the kind of quantity the slot takes.
SLOTS: dict[tuple[str, str], units.Dimension] = {
    ("pour", "volume"): "volume",
    ("shake", "duration"): "time",
    ("stir", "duration"): "time",
    ("wait", "duration"): "time",
    ("transfer", "volume"): "volume",
    ("heat", "temperature"): "temperature",
    ("heat", "duration"): "time",
}
POSITIVE: frozenset[units.Dimension] = frozenset({"volume", "time"})


def slot_values(protocol: ast.Protocol) -> Iterator[tuple[ast.Quantity | ast.ParamRef, units.Dimension]]:
    """Every quantity-valued slot of the protocol with the kind it must have."""
    for labware in protocol.labware:
        for content in labware.contents:
            yield content.volume, "volume"
    for statement in ast.iter_statements(protocol.steps):
        for (kind, field), dimension in SLOTS.items():
            if statement.kind == kind:
                value = getattr(statement, field)
                if value is not None:
                    yield value, dimension


def check_slots(protocol: ast.Protocol) -> list[Diagnostic]:
    """A volume slot rejects `5 min`; volumes and durations must be positive."""
    out: list[Diagnostic] = []
    for value, expected in slot_values(protocol):
        if isinstance(value, ast.Quantity):
            out.extend(check_quantity(value, expected))
    return out


def check_quantity(value: ast.Quantity, expected: units.Dimension, origin: str = "") -> list[Diagnostic]:
    try:
        actual = value.dimension
    except units.UnitError:
        return []  # the unknown unit was reported where it was parsed
    if actual != expected:
        return [
            Diagnostic(
                code="E0401",
                message=f"expected a {expected} such as {units.EXAMPLES[expected]}, found a {actual} `{value.text()}`{origin}",
                span=value.span,
            )
        ]
    if expected in POSITIVE and value.value <= 0:
        return [
            Diagnostic(
                code="E0405",
                message=f"a {expected} must be greater than zero, found `{value.text()}`",
                span=value.span,
            )
        ]
    return []


def check_names(protocol: ast.Protocol) -> list[Diagnostic]:
    """Labware and instruments share one namespace; parameters have their own."""
    out: list[Diagnostic] = []
    seen: dict[str, ast.Node] = {}
    for decl in [*protocol.labware, *protocol.instruments]:
        if decl.name in seen:
            first = seen[decl.name].span
            where = f" (first declared at {first})" if first else ""
            out.append(
                Diagnostic(
                    code="E0301",
                    message=f"`{decl.name}` is declared twice{where}",
                    span=decl.span,
                    hint="give each object its own name",
                )
            )
        else:
            seen[decl.name] = decl
    params: set[str] = set()
    for param in protocol.params:
        if param.name in params:
            out.append(
                Diagnostic(
                    code="E0301", message=f"parameter `{param.name}` is declared twice", span=param.span
                )
            )
        params.add(param.name)
    return out


def check(protocol: ast.Protocol) -> list[Diagnostic]:
    return check_names(protocol) + check_slots(protocol)
