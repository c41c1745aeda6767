"""Checks that need the whole AST but no catalog: the kind of quantity each slot takes, and names
declared twice. Both surfaces run them, and parameter resolution runs them again on substituted values.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from protocol_lang import ast, units
from protocol_lang.diagnostics import Diagnostic, did_you_mean

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
COUNT_FIELDS: tuple[str, ...] = ("mix_times", "times")  # Transfer.mix_times, Mix.times, Repeat.times
_SLOTS_BY_KIND: dict[str, list[tuple[str, units.Dimension]]] = {}
for (_kind, _field), _dimension in SLOTS.items():
    _SLOTS_BY_KIND.setdefault(_kind, []).append((_field, _dimension))
POSITIVE: frozenset[units.Dimension] = frozenset({"volume", "time"})


def slot_values(protocol: ast.Protocol) -> Iterator[tuple[ast.Quantity | ast.ParamRef, units.Dimension]]:
    """Every quantity-valued slot of the protocol with the kind it must have."""
    for labware in protocol.labware:
        for content in labware.contents:
            yield content.volume, "volume"
    for statement in ast.iter_statements(protocol.steps):
        for field, dimension in _SLOTS_BY_KIND.get(statement.kind, ()):
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
    return check_limit(value, expected)


def check_limit(value: ast.Quantity, kind: units.Dimension) -> list[Diagnostic]:
    """E0407: beyond the largest (or below the smallest) value of its kind labc accepts."""
    base = value.base()
    limit, said = units.LIMITS[kind]
    if base > limit:
        message = f"a {kind} of at most {said} is allowed, found `{value.text()}`"
    elif kind == "temperature" and base < units.ABSOLUTE_ZERO_C:
        message = f"`{value.text()}` is below absolute zero"
    else:
        return []
    return [Diagnostic(code="E0407", message=message, span=value.span, hint=LIMIT_HINT[kind])]


LIMIT_HINT: dict[units.Dimension, str] = {
    "volume": "check the unit (uL, mL, L); no container holds this much",
    "time": "check the unit (s, min, h); split a longer incubation into steps a person resumes",
    "temperature": "check the unit (C, K); no lab instrument goes this far",
    "mass": "check the unit (mg, g, kg)",
    "speed": "check the unit (rpm)",
}


def check_names(protocol: ast.Protocol) -> list[Diagnostic]:
    """Labware and instruments share one namespace; parameters have their own."""
    out: list[Diagnostic] = []
    seen: dict[str, ast.LabwareDecl | ast.InstrumentDecl] = {}
    decls: list[ast.LabwareDecl | ast.InstrumentDecl] = [*protocol.labware, *protocol.instruments]
    for decl in decls:
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


def check_contents(protocol: ast.Protocol) -> list[Diagnostic]:
    """Contents name either the whole vessel (a mixture) or wells, one liquid per well."""
    out: list[Diagnostic] = []
    for labware in protocol.labware:
        welled = [(c, c.well) for c in labware.contents if c.well is not None]
        if welled and len(welled) != len(labware.contents):
            out.append(
                Diagnostic(
                    code="E0403",
                    message=f"the contents of `{labware.name}` mix wells and the whole vessel",
                    span=labware.span,
                    hint="give every entry a well (`A1: 10 mL water`), or none",
                )
            )
        seen: set[str] = set()
        for content, well in welled:
            if well in seen:
                out.append(
                    Diagnostic(
                        code="E0205",
                        message=f"well {well} of `{labware.name}` is filled twice",
                        span=content.span,
                        hint="a well starts with one liquid",
                    )
                )
            seen.add(well)
    return out


def check_param_refs(protocol: ast.Protocol) -> list[Diagnostic]:
    """Every `{name}` must name a declared parameter (`--set` can change a value, not add a name)."""
    declared = [p.name for p in protocol.params]
    out: list[Diagnostic] = []
    counts = (getattr(s, field, None) for s in ast.iter_statements(protocol.steps) for field in COUNT_FIELDS)
    for node in itertools.chain((value for value, _ in slot_values(protocol)), counts):
        if isinstance(node, ast.ParamRef) and node.name not in declared:
            hint = (
                did_you_mean(node.name, declared)
                or "declare it with `param NAME = VALUE` (YAML: under `params:`)"
            )
            out.append(
                Diagnostic(
                    code="E0302", message=f"unknown parameter `{node.name}`", span=node.span, hint=hint
                )
            )
    return out


def check(protocol: ast.Protocol) -> list[Diagnostic]:
    return (
        check_names(protocol) + check_contents(protocol) + check_param_refs(protocol) + check_slots(protocol)
    )
