"""The compiler's entry points: AST (or file) -> `CompiledProtocol` plus diagnostics."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from compiler.dag import build_dag, edges_of
from compiler.execute import Executor
from compiler.free_hand import Deck
from compiler.limits import check_limits
from compiler.model import CompiledProtocol, ProtocolInfo
from compiler.resolve import resolve
from compiler.schedule import schedule
from labdata.catalog import load_catalog
from protocol_lang import ast
from protocol_lang.diagnostics import Diagnostic, has_errors, sort_key
from protocol_lang.gc_pause import paused_gc
from protocol_lang.loader import parse_file
from protocol_lang.params import parse_overrides
from protocol_lang.params import resolve as resolve_params
from protocol_lang.span import Source
from skills.codes import Violation
from skills.final_checks import final_checks
from skills.state import DeclarationError, LabState


@dataclass
class CompileResult:
    compiled: CompiledProtocol | None
    diagnostics: list[Diagnostic]
    sources: dict[str, Source] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.compiled is not None and not has_errors(self.diagnostics)


def compile_protocol(
    protocol: ast.Protocol, source_text: str, robot: str | None = None, arms: int = 1
) -> tuple[CompiledProtocol | None, list[Diagnostic]]:
    """Compile a parsed protocol whose parameters are resolved."""
    with paused_gc():
        return _compile(protocol, source_text, robot, arms)


def _compile(
    protocol: ast.Protocol, source_text: str, robot: str | None, arms: int
) -> tuple[CompiledProtocol | None, list[Diagnostic]]:
    if arms < 1:
        raise ValueError("arms must be at least 1")
    catalog = load_catalog()
    res = resolve(protocol, catalog, robot)
    diagnostics = list(res.diagnostics) + check_limits(protocol, catalog)
    if has_errors(diagnostics):
        return None, _sorted(diagnostics)
    try:
        state = LabState.initial(res.declarations, catalog, arms=arms)
    except DeclarationError as exc:
        diagnostics += [_at_subject(v, res.spans, protocol) for v in exc.violations]
        return None, _sorted(diagnostics)
    initial = state.copy()
    run = Executor(state, res.types, arms, res.spans, Deck(res.placements, res.types)).run(protocol.steps)
    diagnostics += run.diagnostics
    if has_errors(diagnostics):
        return None, _sorted(diagnostics)
    diagnostics += [_at_subject(v, res.spans, protocol) for v in final_checks(state)]
    ids = [n.id for n in run.nodes]
    graph = build_dag(ids, run.structure, run.usages)
    info = ProtocolInfo(
        name=protocol.name,
        description=protocol.description,
        source=protocol.file,
        source_sha256=hashlib.sha256(source_text.encode("utf-8")).hexdigest(),
        surface=protocol.surface,
        robots=protocol.robots,
        robot=robot,
        params={p.name: p.value.text() for p in protocol.params},
    )
    compiled = CompiledProtocol(
        protocol=info,
        objects=res.objects,
        nodes=run.nodes,
        edges=edges_of(graph, ids),
        schedule=schedule(graph, run.nodes, arms),
        initial_state=initial,
        final_state=state,
        warnings=_sorted([d for d in diagnostics if not d.is_error]),
    )
    return compiled, _sorted(diagnostics)


def compile_file(
    path: str | Path, overrides: tuple[str, ...] | list[str] = (), robot: str | None = None, arms: int = 1
) -> CompileResult:
    """Parse, resolve `--set` overrides, and compile. Raises OSError for an unreadable file."""
    parsed = parse_file(path)
    diagnostics = list(parsed.diagnostics)
    protocol = parsed.protocol
    if protocol is None or has_errors(diagnostics):
        return CompileResult(None, _sorted(diagnostics), parsed.sources)
    values, found = parse_overrides(list(overrides))
    diagnostics += found
    protocol, found = resolve_params(protocol, values)
    diagnostics += found
    if has_errors(diagnostics):
        return CompileResult(None, _sorted(diagnostics), parsed.sources)
    compiled, found = compile_protocol(protocol, parsed.source.text, robot=robot, arms=arms)
    return CompileResult(compiled, _sorted(diagnostics + found), parsed.sources)


def _at_subject(violation: Violation, spans: dict, protocol: ast.Protocol) -> Diagnostic:
    """Declaration-level findings point at the declaration of the object they are about."""
    span = spans.get(violation.subject) if violation.subject else None
    return Diagnostic(
        code=violation.code,
        severity=violation.severity,
        message=violation.message,
        span=span or protocol.span,
        hint=violation.hint,
    )


def _sorted(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return sorted(diagnostics, key=sort_key)
