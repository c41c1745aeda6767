"""`{name}` parameters: declared with defaults, overridden with `--set name=value`, substituted in place.

Substitution keeps the span of the `{name}` reference, so a wrong-kind value is reported where it is
used ("expected a volume ... found a time `5 min` (parameter `volume`)").
"""

from __future__ import annotations

from typing import Any

from lark.exceptions import UnexpectedInput
from pydantic import BaseModel

from protocol_lang import ast
from protocol_lang.build import Origin, build
from protocol_lang.checks import COUNT_FIELDS, SLOTS, check_quantity
from protocol_lang.diagnostics import Diagnostic, did_you_mean
from protocol_lang.grammar import parser


def parse_value(text: str, origin: Origin) -> tuple[ast.Quantity | ast.Count | None, list[Diagnostic]]:
    """A parameter value (`50 uL`, `3`) parsed by the grammar's `param_value` rule."""
    from protocol_lang.syntax_errors import to_diagnostic

    try:
        tree = parser().parse(text, start="param_value")
    except UnexpectedInput as exc:
        return None, [to_diagnostic(exc, text, origin)]
    value, diagnostics = build(tree, origin)
    return value, diagnostics


def parse_overrides(pairs: list[str]) -> tuple[dict[str, ast.Quantity | ast.Count], list[Diagnostic]]:
    """`--set volume=40uL` pairs; each value goes through the grammar like a declared default."""
    values: dict[str, ast.Quantity | ast.Count] = {}
    diagnostics: list[Diagnostic] = []
    for pair in pairs:
        name, sep, text = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            diagnostics.append(
                Diagnostic(
                    code="E0303",
                    message=f"`--set {pair}` is not of the form name=value",
                    hint="for example `--set volume=40uL`",
                )
            )
            continue
        value, found = parse_value(text.strip(), Origin(file=f"--set {name}"))
        if value is None or found:
            diagnostics.append(
                Diagnostic(
                    code="E0303",
                    message=f"`--set {pair}`: the value must be a quantity such as `40 uL` or a whole number",
                    hint=found[0].message if found else None,
                )
            )
            continue
        values[name] = value
    return values, diagnostics


def resolve(
    protocol: ast.Protocol, overrides: dict[str, ast.Quantity | ast.Count] | None = None
) -> tuple[ast.Protocol, list[Diagnostic]]:
    """The protocol with every `{name}` replaced; overrides win over declared defaults."""
    declared = {p.name: p.value for p in protocol.params}
    diagnostics: list[Diagnostic] = []
    for name in overrides or {}:
        if name not in declared:
            hint = did_you_mean(name, declared) or (
                f"declared parameters: {', '.join(declared)}"
                if declared
                else "this protocol declares no parameters"
            )
            diagnostics.append(
                Diagnostic(
                    code="E0302", message=f"`--set {name}`: the protocol has no parameter `{name}`", hint=hint
                )
            )
    values = {**declared, **(overrides or {})}
    resolver = _Resolver(values, diagnostics)
    resolved = resolver.visit(protocol, None)
    return resolved, diagnostics


class _Resolver:
    def __init__(self, values: dict[str, ast.Quantity | ast.Count], diagnostics: list[Diagnostic]) -> None:
        self.values = values
        self.diagnostics = diagnostics

    def visit(self, node: Any, slot: tuple[str, str] | None) -> Any:
        if isinstance(node, ast.ParamRef):
            return self._substitute(node, slot)
        if isinstance(node, list):
            return [self.visit(item, slot) for item in node]
        if isinstance(node, BaseModel) and not isinstance(node, ast.ParamDecl):
            kind = getattr(node, "kind", type(node).__name__)
            updates = {}
            for field in type(node).model_fields:
                value = getattr(node, field)
                if isinstance(value, (BaseModel, list)):
                    new = self.visit(value, (kind, field))
                    if new is not value:
                        updates[field] = new
            return node.model_copy(update=updates) if updates else node
        return node

    def _substitute(self, ref: ast.ParamRef, slot: tuple[str, str] | None) -> Any:
        value = self.values.get(ref.name)
        if value is None:
            hint = (
                did_you_mean(ref.name, self.values)
                or "declare it with `param NAME = VALUE` (YAML: under `params:`)"
            )
            self.diagnostics.append(
                Diagnostic(code="E0302", message=f"unknown parameter `{ref.name}`", span=ref.span, hint=hint)
            )
            return ref
        wants_count = slot is not None and slot[1] in COUNT_FIELDS
        if wants_count and not isinstance(value, ast.Count):
            self.diagnostics.append(
                Diagnostic(
                    code="E0404",
                    message=f"parameter `{ref.name}` is `{value.text()}`, but a whole number is needed here",
                    span=ref.span,
                )
            )
            return ref
        if not wants_count and isinstance(value, ast.Count):
            self.diagnostics.append(
                Diagnostic(
                    code="E0401",
                    message=f"parameter `{ref.name}` is the number `{value.text()}`, but a quantity with a unit is needed here",
                    span=ref.span,
                )
            )
            return ref
        placed = value.model_copy(update={"span": ref.span})
        if isinstance(placed, ast.Quantity):
            expected = SLOTS.get(slot) if slot else None
            if slot is not None and slot[1] == "volume" and slot[0] in ("Content", "content"):
                expected = "volume"
            if expected is not None:
                self.diagnostics.extend(check_quantity(placed, expected, f" (parameter `{ref.name}`)"))
        return placed
