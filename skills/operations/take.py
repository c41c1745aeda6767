"""take X out of D [to Y]: open D if closed, pick X, place X at Y when one is given, close D again.

Closing needs the hand free: with no Y the compiler sets X down at a free bench site for it and picks X
up again (`compiler.free_hand`), so X is in hand after the statement."""

from __future__ import annotations

from typing import Literal

from skills.operations.common import OpArgs, default_relation
from skills.operations.put import opening_steps
from skills.pick import PickParams
from skills.place import PlaceParams
from skills.registry import SkillParams
from skills.state import LabState, Relation


class TakeOp(OpArgs):
    op: Literal["take"] = "take"
    object: str
    device: str
    target: str | None = None
    relation: Relation | None = None


def lower_take(op: TakeOp, state: LabState) -> list[SkillParams]:
    open_steps, close_steps = opening_steps(state, op.device, op.arm)
    steps: list[SkillParams] = [*open_steps, PickParams(object=op.object, arm=op.arm)]
    if op.target is not None:
        relation = op.relation or default_relation(state, op.target)
        steps.append(PlaceParams(object=op.object, target=op.target, relation=relation, arm=op.arm))
    return steps + close_steps
