"""transport X to Y: pick X (unless already held) and place it on, in or at Y."""

from __future__ import annotations

from typing import Literal

from skills.operations.common import OpArgs, arm_for, default_relation
from skills.pick import PickParams
from skills.place import PlaceParams
from skills.registry import SkillParams
from skills.state import LabState, Relation


class TransportOp(OpArgs):
    op: Literal["transport"] = "transport"
    object: str
    target: str
    relation: Relation | None = None


def lower_transport(op: TransportOp, state: LabState) -> list[SkillParams]:
    arm = arm_for(state, op.object, op.arm)
    relation = op.relation or default_relation(state, op.target)
    steps: list[SkillParams] = []
    if op.object not in state.objects or state.holder_of(op.object) is None:
        steps.append(PickParams(object=op.object, arm=arm))
    steps.append(PlaceParams(object=op.object, target=op.target, relation=relation, arm=arm))
    return steps
