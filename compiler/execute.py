"""Symbolic execution: lower each statement against the current state, check every node's
preconditions, apply its effects, and record what it needed and changed.

The walk keeps the block structure (`Seq` of items, `Par` of branches) so the DAG can order nodes
the way the protocol does. Parallel branches run on arms `i mod arms`; an object used by two branches
is an error (E1004), which is what makes running them at the same time safe.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from compiler.free_hand import Deck, with_free_hand
from compiler.limits import MAX_NODES, expansion_error
from compiler.lowering import StatementError, lower_statement
from compiler.model import SkillNode, StateChange
from labdata.catalog import LabwareType
from protocol_lang import ast
from protocol_lang.diagnostics import Diagnostic
from protocol_lang.formatter import statement_text
from protocol_lang.span import Span
from protocol_lang.units import UnitError
from skills.base import Skill, SkillArgs, Usage
from skills.codes import Violation
from skills.display import volume_unit
from skills.registry import SkillParams, skill_of
from skills.state import LabState

MAX_ERRORS = 50


@dataclass
class Seq:
    items: list[Any] = field(default_factory=list)  # node ids (str), Seq or Par


@dataclass
class Par:
    branches: list[Seq] = field(default_factory=list)


@dataclass
class Execution:
    nodes: list[SkillNode] = field(default_factory=list)
    usages: dict[str, Usage] = field(default_factory=dict)
    structure: Seq = field(default_factory=Seq)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def error_count(self) -> int:
        return sum(1 for d in self.diagnostics if d.is_error)


class Executor:
    def __init__(
        self,
        state: LabState,
        types: dict[str, LabwareType],
        arms: int,
        spans: dict[str, Span | None],
        deck: Deck | None = None,
    ) -> None:
        self.state = state
        self.deck = deck or Deck([], types)
        self.types = types
        self.arms = arms
        self.decl_spans = spans
        self.out = Execution()
        self.stopped = False  # the protocol passed MAX_NODES: nothing after it is executed
        self.steps = 0  # skill steps executed, nodes or not (after an error no node is recorded)
        self.reported: set[tuple[str, Span | None]] = set()
        self.step_usages: list[Usage] = []  # of every applied step, for the parallel-branch check

    def run(self, statements: list[ast.Statement]) -> Execution:
        self._block(statements, self.out.structure, arm=0, branch="")
        return self.out

    # ---- structure ---------------------------------------------------------------------------------
    def _block(self, statements: list[ast.Statement], into: Seq, arm: int, branch: str) -> None:
        for statement in statements:
            if self.stopped or self.out.error_count >= MAX_ERRORS:
                return
            if isinstance(statement, ast.Repeat):
                times = statement.times.value if isinstance(statement.times, ast.Count) else 1
                for _ in range(times):
                    self._block(statement.body, into, arm, branch)
            elif isinstance(statement, ast.Parallel):
                self._parallel(statement, into, branch)
            else:
                self._statement(statement, into, arm, branch)

    def _parallel(self, statement: ast.Parallel, into: Seq, branch: str) -> None:
        par = Par()
        owners: dict[str, tuple[int, ast.Statement]] = {}
        for index, child in enumerate(statement.branches):
            seq = Seq()
            start = len(self.step_usages)
            path = f"{branch}.{index}" if branch else str(index)
            self._block([child], seq, arm=index % self.arms, branch=path)
            used = set().union(*(u.objects for u in self.step_usages[start:]))
            for name in sorted(used):
                if name in owners and owners[name][0] != index:
                    first = owners[name][1]
                    where = f" (line {first.span.line})" if first.span else ""
                    self._report(
                        [
                            Diagnostic(
                                code="E1004",
                                message=f"`{name}` is used by two parallel branches{where}",
                                span=child.span,
                                hint="parallel branches must not share an object; move the shared step out of the `parallel` block",
                            )
                        ]
                    )
                owners.setdefault(name, (index, child))
            par.branches.append(seq)
        into.items.append(par)

    # ---- one statement -----------------------------------------------------------------------------
    def _statement(self, statement: ast.Statement, into: Seq, arm: int, branch: str) -> None:
        try:
            lowered = lower_statement(statement, self.state, self.types, arm)
        except StatementError as exc:
            self._report(exc.diagnostics)
            return
        self.steps += len(lowered)
        if self.steps > MAX_NODES:
            self._report([expansion_error(self.steps, statement.span, "the protocol, here,")])
            self.stopped = True
            return
        text = statement_text(statement)
        refused = False
        with volume_unit(_volume_unit(statement)):
            for lowered_params in lowered:
                # Steps are wrapped as they come: whether the hand is full depends on the steps before.
                for params in with_free_hand(lowered_params, self.state, self.deck):
                    if not self._step(params, statement, text, branch, into, report=not refused):
                        refused = True

    def _step(
        self, params: SkillParams, statement: ast.Statement, text: str, branch: str, into: Seq, report: bool
    ) -> bool:
        """Check and apply one skill step; False when its preconditions refuse it.

        After a refusal the rest of the statement still runs, unreported: what fails there follows
        from the refused step (no tip, so no aspirate), and what succeeds (putting the beaker back)
        leaves the state as the statement's author meant it, so later statements are not blamed
        for this one (a failed pour used to leave the beaker in hand: a false E2005 on the next
        pick). The refused step itself changes nothing: effects presume their preconditions (a
        pour of more than the source holds would leave a negative volume).
        """
        skill = skill_of(params)
        resolved = skill.resolve(self.state, params)
        violations = skill.pre(self.state, resolved)
        if report:
            self._report([self._diagnostic(v, statement.span) for v in violations])
        if any(v.severity == "error" for v in violations):
            return False
        usage = skill.uses(resolved)
        self.step_usages.append(usage)
        if self.out.error_count:  # no compiled output will be made: only the state matters now
            skill.effect(self.state, resolved)
            return True
        into.items.append(self._node(skill, resolved, usage, statement, text, branch).id)
        return True

    def _node(
        self,
        skill: Skill,
        resolved: SkillArgs,
        usage: Usage,
        statement: ast.Statement,
        text: str,
        branch: str,
    ) -> SkillNode:
        instructions = skill.instructions(resolved, self.state)
        before = touched(self.state, usage)
        skill.effect(self.state, resolved)
        after = touched(self.state, usage)
        node = SkillNode(
            id=f"n{len(self.out.nodes) + 1:04d}",
            skill=skill.name,
            args=resolved,
            arm=getattr(resolved, "arm", None),
            statement=text,
            span=statement.span,
            instruction=instructions[0],
            paraphrases=instructions[1:],
            duration_s=skill.duration_s(resolved),
            predicate=skill.predicate,
            expert=skill.expert,
            changes=diff(before, after),
            branch=branch,
        )
        self.out.nodes.append(node)
        self.out.usages[node.id] = usage
        return node

    def _report(self, diagnostics: list[Diagnostic]) -> None:
        """Each root cause once: a statement inside `repeat` fails the same way in every iteration."""
        for diagnostic in diagnostics:
            key = (diagnostic.code, diagnostic.span)
            if key not in self.reported:
                self.reported.add(key)
                self.out.diagnostics.append(diagnostic)

    def _diagnostic(self, violation: Violation, span: Span | None) -> Diagnostic:
        return Diagnostic(
            code=violation.code,
            severity=violation.severity,
            message=violation.message,
            span=span,
            hint=violation.hint,
        )


def _volume_unit(statement: ast.Statement) -> str | None:
    """The volume unit the statement is written in (`pour 250 mL` -> mL), for its messages."""
    value = getattr(statement, "volume", None)
    if isinstance(value, ast.Quantity):
        try:
            return value.unit if value.dimension == "volume" else None
        except UnitError:
            return None
    return None


# ---- state changes ---------------------------------------------------------------------------------

_SECTIONS = ("objects", "devices", "pipettes", "tipracks")


def touched(state: LabState, usage: Usage) -> dict[str, Any]:
    """The parts of the state a node can change, keyed by `section.name` (entries as JSON values).

    Entries are kept whole: `diff` flattens only the ones that changed, which is most of the cost
    saved on a long protocol (a node changes one or two of the entries it touches)."""
    names = sorted(usage.objects | usage.liquid_from | usage.liquid_to)
    parts: dict[str, Any] = {}
    for section in _SECTIONS:
        entries = getattr(state, section)
        for name in names:
            if name in entries:
                entry = entries[name]
                # model_dump(mode="json") without its Python wrapper (two thirds of a small entry's dump)
                parts[f"{section}.{name}"] = entry.__pydantic_serializer__.to_python(entry, mode="json")
    for index, arm in enumerate(state.arms):
        parts[f"arms.{index}.holding"] = arm.holding
    parts["waste"] = dict(state.waste)
    return parts


def _flatten(prefix: str, value: Any, into: dict[str, Any]) -> None:
    if isinstance(value, dict) and value:
        for key, item in value.items():
            _flatten(f"{prefix}.{key}", item, into)
    else:
        into[prefix] = value


_MISSING: Any = object()


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[StateChange]:
    """Leaf-level changes (`objects.b1.contents.water`) between two `touched` snapshots."""
    changes: list[StateChange] = []
    for key in before.keys() | after.keys():
        _changes(key, before.get(key, _MISSING), after.get(key, _MISSING), changes)
    changes.sort(key=lambda change: change.path)
    return changes


def _changes(prefix: str, old: Any, new: Any, out: list[StateChange]) -> None:
    """Descend only where the two sides differ: a dispense changes one well of 96."""
    if old is not _MISSING and new is not _MISSING and old == new:
        return
    if isinstance(old, dict) and old and isinstance(new, dict) and new:
        # The keys whose values differ, found in one comprehension: a plate's 96 wells are compared
        # on every dispense. (A missing key's _MISSING is unequal to any JSON value.)
        if old.keys() == new.keys():
            keys = [key for key in old if old[key] != new[key]]
        else:
            keys = [
                key for key in old.keys() | new.keys() if old.get(key, _MISSING) != new.get(key, _MISSING)
            ]
        for key in keys:
            _changes(f"{prefix}.{key}", old.get(key, _MISSING), new.get(key, _MISSING), out)
        return
    if not isinstance(old, dict) and not isinstance(new, dict):  # two leaves (or one and _MISSING)
        a, b = (None if old is _MISSING else old), (None if new is _MISSING else new)
        if a != b:
            out.append(StateChange(path=prefix, before=_round(a), after=_round(b)))
        return
    old_flat: dict[str, Any] = {}
    new_flat: dict[str, Any] = {}
    if old is not _MISSING:
        _flatten(prefix, old, old_flat)
    if new is not _MISSING:
        _flatten(prefix, new, new_flat)
    for path in old_flat.keys() | new_flat.keys():
        a, b = old_flat.get(path), new_flat.get(path)
        if a != b:
            out.append(StateChange(path=path, before=_round(a), after=_round(b)))


def _round(value: Any) -> Any:
    """Volumes after proportional splits carry float noise; 1e-6 uL is far below any pipette."""
    return round(value, 6) if isinstance(value, float) else value
