"""Bounds on what one protocol may ask of the compiler (issue 15: "numbers without limits").

The language bounds each number (protocol_lang: E0406-E0408); these are the bounds that need the
catalog or the whole protocol: a volume no container in the catalog could hold (E1010), and a
protocol that unrolls to more skill steps than `MAX_NODES` (E1009). The unrolled size is counted
before symbolic execution, so `repeat 10000 times { repeat 10000 times { ... } }` is refused at the
outer `repeat` in microseconds instead of after three seconds of compiling.
"""

from __future__ import annotations

from labdata.catalog import Catalog
from protocol_lang import ast
from protocol_lang.checks import slot_values
from protocol_lang.diagnostics import Diagnostic
from protocol_lang.span import Span
from skills.base import volume as volume_text
from skills.operations import MAX_NODES

__all__ = ["MAX_NODES", "check_limits", "expansion_error", "unrolled"]


def unrolled(statements: list[ast.Statement]) -> int:
    """How many statements the protocol executes once every `repeat` is unrolled."""
    return sum(_weight(s) for s in statements)


def _weight(statement: ast.Statement) -> int:
    if isinstance(statement, ast.Repeat):
        times = statement.times.value if isinstance(statement.times, ast.Count) else 1
        return times * unrolled(statement.body)
    if isinstance(statement, ast.Parallel):
        return unrolled(statement.branches)
    return 1


def expansion_error(steps: int, span: Span | None, what: str) -> Diagnostic:
    return Diagnostic(
        code="E1009",
        message=f"{what} unrolls to at least {steps} skill steps; a protocol compiles to at most {MAX_NODES}",
        span=span,
        hint="repeat fewer times, transfer to fewer wells, or split the protocol into several",
    )


def check_limits(protocol: ast.Protocol, catalog: Catalog) -> list[Diagnostic]:
    return _check_volumes(protocol, catalog) + _check_expansion(protocol)


def _check_expansion(protocol: ast.Protocol) -> list[Diagnostic]:
    total = unrolled(protocol.steps)
    if total <= MAX_NODES:
        return []
    # Blame the repeat that unrolls the most (each statement is at least one step), else the
    # statement at which the count passes the limit.
    repeats = [s for s in ast.iter_statements(protocol.steps) if isinstance(s, ast.Repeat)]
    if repeats:
        worst = max(repeats, key=_weight)
        if _weight(worst) > MAX_NODES:
            return [expansion_error(_weight(worst), worst.span, "this `repeat`")]
    return [
        expansion_error(total, protocol.steps[0].span if protocol.steps else protocol.span, "the protocol")
    ]


def _check_volumes(protocol: ast.Protocol, catalog: Catalog) -> list[Diagnostic]:
    """A volume in a step larger than the largest container of the catalog cannot be right."""
    largest = max(
        [t.capacity_ul for t in catalog.types.values() if t.capacity_ul]
        + [t.wells.well_capacity_ul for t in catalog.types.values() if t.wells]
    )
    out: list[Diagnostic] = []
    for value, kind in slot_values(protocol):
        if kind == "volume" and isinstance(value, ast.Quantity) and value.base() > largest:
            out.append(
                Diagnostic(
                    code="E1010",
                    message=f"`{value.text()}` is more than any container in the catalog holds (at most {volume_text(largest)})",
                    span=value.span,
                    hint="check the unit (uL, mL, L); `labc skills` lists the containers",
                )
            )
    return out
