"""From one AST statement to atomic skill parameters, read against the state before it.

Atomic statements become their skill; `shake`, `stir` and `pour` also pick up (and put back) the
object they need in hand when no arm holds it, since a technician says "shake the flask", not "pick up
the flask, shake it, put it down". Operations go through `skills.operations`. References are checked
first, so a misspelt name gives E1002 at the name, not a failure deep inside a lowering.
"""

from __future__ import annotations

from compiler.limits import expansion_error
from compiler.resolve import check_ref
from labdata.catalog import Affordance, LabwareType
from protocol_lang import ast
from protocol_lang.diagnostics import Diagnostic
from protocol_lang.wells import WellError, expand
from skills.close_door import CloseDoorParams
from skills.close_drawer import CloseDrawerParams
from skills.open_door import OpenDoorParams
from skills.open_drawer import OpenDrawerParams
from skills.operations import (
    ExpansionError,
    HeatOp,
    LoweringError,
    MixOp,
    PutOp,
    TakeOp,
    TransferOp,
    TransportOp,
    lower,
)
from skills.operations.common import arm_for, borrow
from skills.pick import PickParams
from skills.place import PlaceParams
from skills.pour import PourParams
from skills.press_button import PressButtonParams
from skills.registry import SkillParams
from skills.shake import ShakeParams
from skills.state import LabState
from skills.stir import StirParams
from skills.wait import WaitParams


class StatementError(Exception):
    """The statement cannot be lowered; its diagnostics say why."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("; ".join(d.message for d in diagnostics))
        self.diagnostics = diagnostics


def lower_statement(
    stmt: ast.Statement, state: LabState, types: dict[str, LabwareType], arm: int
) -> list[SkillParams]:
    """Atomic skills for one simple statement (blocks are walked by the executor)."""
    problems: list[Diagnostic] = []
    for ref, site_ok in _refs(stmt):
        check_ref(ref, types, problems, site_ok=site_ok)
    if problems:
        raise StatementError(problems)
    try:
        return _lower(stmt, state, types, arm)
    except ExpansionError as exc:
        raise StatementError([expansion_error(exc.steps, stmt.span, "this statement")]) from None
    except LoweringError as exc:
        v = exc.violation
        raise StatementError(
            [Diagnostic(code=v.code, severity=v.severity, message=v.message, span=stmt.span, hint=v.hint)]
        ) from None


def _refs(stmt: ast.Statement) -> list[tuple[ast.Ref, bool]]:
    """Every reference of a statement, and whether it may be a bench location."""
    out: list[tuple[ast.Ref, bool]] = []
    for field in type(stmt).model_fields:
        value = getattr(stmt, field)
        if isinstance(value, ast.Ref):
            out.append((value, field == "target" and isinstance(stmt, (ast.Place, ast.Transport))))
    return out


def _lower(s: ast.Statement, state: LabState, types: dict[str, LabwareType], arm: int) -> list[SkillParams]:
    match s:
        case ast.Pick():
            return [PickParams(object=_whole(s.object), arm=arm)]
        case ast.Place():
            return [
                PlaceParams(
                    object=_whole(s.object),
                    target=_whole(s.target),
                    relation=s.relation,
                    arm=arm_for(state, s.object.name, arm),
                )
            ]
        case ast.Open() | ast.Close():
            return [_opening(s, types)(device=s.target.name, arm=arm)]
        case ast.Press():
            if s.target.part not in (None, "button") or s.target.wells is not None:
                raise _part_error(s.target, "press", "a button")
            _need(s.target, types, "has_button", "has no button to press")
            return [PressButtonParams(device=s.target.name, arm=arm)]
        case ast.Pour():
            source = _whole(s.source)
            hand = arm_for(state, source, arm)
            volume = s.volume.base() if isinstance(s.volume, ast.Quantity) else None
            return borrow(
                state,
                source,
                hand,
                [PourParams(source=source, target=_whole(s.target), volume_ul=volume, arm=hand)],
            )
        case ast.Shake():
            obj = _whole(s.object)
            hand = arm_for(state, obj, arm)
            extra = {"duration_s": _q(s.duration)} if s.duration is not None else {}
            return borrow(state, obj, hand, [ShakeParams(object=obj, arm=hand, **extra)])
        case ast.Stir():
            rod = _whole(s.rod)
            hand = arm_for(state, rod, arm)
            extra = {"duration_s": _q(s.duration)} if s.duration is not None else {}
            return borrow(
                state, rod, hand, [StirParams(container=_whole(s.object), rod=rod, arm=hand, **extra)]
            )
        case ast.Wait():
            return [WaitParams(duration_s=_q(s.duration))]
        case ast.Transport():
            return lower(TransportOp(object=_whole(s.object), target=_whole(s.target), arm=arm), state)
        case ast.Transfer():
            op = TransferOp(
                volume_ul=_q(s.volume),
                source=s.source.name,
                source_wells=_wells(s.source, types),
                target=s.target.name,
                target_wells=_wells(s.target, types),
                mix_times=s.mix_times.value if isinstance(s.mix_times, ast.Count) else 0,
                new_tip=s.new_tip or "once",
                arm=arm,
            )
            return lower(op, state)
        case ast.Heat():
            return lower(
                HeatOp(
                    object=_whole(s.object),
                    heater=_whole(s.heater),
                    temperature_c=_q(s.temperature),
                    duration_s=_q(s.duration),
                    arm=arm,
                ),
                state,
            )
        case ast.Mix():
            times = s.times.value if isinstance(s.times, ast.Count) else None
            return lower(MixOp(container=_whole(s.object), times=times, arm=arm), state)
        case ast.Put():
            return lower(PutOp(object=_whole(s.object), device=_whole(s.device), arm=arm), state)
        case ast.Take():
            return lower(TakeOp(object=_whole(s.object), device=_whole(s.device), arm=arm), state)
    raise TypeError(f"not a simple statement: {s!r}")


def _q(value: ast.Quantity | ast.ParamRef | None) -> float:
    if not isinstance(value, ast.Quantity):
        raise TypeError("parameters are resolved before compiling")
    return value.base()


def _whole(ref: ast.Ref) -> str:
    """A reference to a whole object: a part or wells here is a mistake worth saying."""
    if ref.part is not None or ref.wells is not None:
        raise StatementError(
            [
                Diagnostic(
                    code="E1003",
                    message=f"`{ref.text()}`: this step takes a whole object, not a part or wells",
                    span=ref.span,
                    hint=f"write `{ref.name}`",
                )
            ]
        )
    return ref.name


def _part_error(ref: ast.Ref, verb: str, what: str) -> StatementError:
    return StatementError(
        [
            Diagnostic(
                code="E1003", message=f"cannot {verb} `{ref.text()}`: {verb} takes {what}", span=ref.span
            )
        ]
    )


def _need(ref: ast.Ref, types: dict[str, LabwareType], affordance: Affordance, missing: str) -> None:
    kind = types[ref.name]
    if not kind.has(affordance):
        raise StatementError(
            [Diagnostic(code="E1003", message=f"`{ref.name}` ({kind.name}) {missing}", span=ref.span)]
        )


def _opening(s: ast.Open | ast.Close, types: dict[str, LabwareType]):
    """The skill for `open X[.door|.drawer]`: the part named, else the one the object has."""
    ref = s.target
    kind = types[ref.name]
    is_open = isinstance(s, ast.Open)
    verb = "open" if is_open else "close"
    part = ref.part
    if ref.wells is not None or part == "button":
        raise _part_error(ref, verb, "a door, lid or drawer")
    if part is None:
        if kind.has("has_door") or kind.has("has_lid"):
            part = "door"
        elif kind.has("has_drawer"):
            part = "drawer"
        else:
            raise StatementError(
                [
                    Diagnostic(
                        code="E1003",
                        message=f"`{ref.name}` ({kind.name}) has no door, lid or drawer to {verb}",
                        span=ref.span,
                    )
                ]
            )
    if part == "door":
        if not (kind.has("has_door") or kind.has("has_lid")):
            raise StatementError(
                [
                    Diagnostic(
                        code="E1003", message=f"`{ref.name}` ({kind.name}) has no door or lid", span=ref.span
                    )
                ]
            )
        return OpenDoorParams if is_open else CloseDoorParams
    _need(ref, types, "has_drawer", "has no drawer")
    return OpenDrawerParams if is_open else CloseDrawerParams


def _wells(ref: ast.Ref, types: dict[str, LabwareType]) -> list[str] | None:
    if ref.part is not None:
        raise StatementError(
            [Diagnostic(code="E1003", message=f"cannot pipette from or into `{ref.text()}`", span=ref.span)]
        )
    if ref.wells is None:
        return None
    grid = types[ref.name].wells
    if grid is None:
        raise StatementError(
            [
                Diagnostic(
                    code="E1005",
                    message=f"`{ref.name}` ({types[ref.name].name}) has no wells",
                    span=ref.span,
                    hint=f"write `{ref.name}`",
                )
            ]
        )
    try:
        return expand(ref.wells, grid.rows, grid.cols)
    except WellError as exc:
        raise StatementError(
            [Diagnostic(code="E1005", message=f"`{ref.text()}`: {exc}", span=ref.span)]
        ) from None
