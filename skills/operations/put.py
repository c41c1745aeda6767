"""put X into D: open D (door, lid or drawer) if closed, place X in, and close D again.

The door is opened before X is picked up because opening needs a free gripper; an X already held
when the statement starts is set down at a free bench site for the opening and picked up again
(`compiler.free_hand`).
"""

from __future__ import annotations

from typing import Literal

from skills.close_door import CloseDoorParams
from skills.close_drawer import CloseDrawerParams
from skills.open_door import OpenDoorParams
from skills.open_drawer import OpenDrawerParams
from skills.operations.common import OpArgs, arm_for
from skills.operations.transport import TransportOp, lower_transport
from skills.registry import SkillParams
from skills.state import LabState


class PutOp(OpArgs):
    op: Literal["put"] = "put"
    object: str
    device: str


def opening_steps(state: LabState, device: str, arm: int) -> tuple[list[SkillParams], list[SkillParams]]:
    """(steps that open `device`, steps that close it again); both empty if nothing needs opening."""
    if device not in state.devices:
        return [], []
    kind, dev = state.type_of(device), state.devices[device]
    if (kind.has("has_door") or kind.has("has_lid")) and not dev.door_open:
        return [OpenDoorParams(device=device, arm=arm)], [CloseDoorParams(device=device, arm=arm)]
    if kind.has("has_drawer") and not dev.drawer_open:
        return [OpenDrawerParams(device=device, arm=arm)], [CloseDrawerParams(device=device, arm=arm)]
    return [], []


def lower_put(op: PutOp, state: LabState) -> list[SkillParams]:
    arm = arm_for(state, op.object, op.arm)
    open_steps, close_steps = opening_steps(state, op.device, arm)
    move = lower_transport(TransportOp(object=op.object, target=op.device, relation="in", arm=arm), state)
    return [*open_steps, *move, *close_steps]
