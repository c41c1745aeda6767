"""mix X [N times] [with T]: stir with a rod, run a stirrer or shaker, or shake by hand.

With T named, T decides (a rod stirs, a magnetic stirrer or shaker runs for the duration). Without
it, the first declared glass rod stirs; with no rod, the arm shakes X by hand. One "time" is one
mixing cycle of `SECONDS_PER_CYCLE`. Whatever is borrowed (rod, X) is put back where it was.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, PositiveFloat

from skills.codes import violation
from skills.operations.common import LoweringError, OpArgs, arm_for, borrow
from skills.operations.transport import TransportOp, lower_transport
from skills.press_button import PressButtonParams
from skills.registry import SkillParams
from skills.shake import ShakeParams
from skills.state import LabState
from skills.stir import StirParams
from skills.wait import WaitParams

SECONDS_PER_CYCLE = 2.0
DEFAULT_TIMES = 5


class MixOp(OpArgs):
    op: Literal["mix"] = "mix"
    container: str
    times: int | None = Field(default=None, ge=1)
    duration_s: PositiveFloat | None = None
    tool: str | None = None


def _tool(op: MixOp, state: LabState) -> str | None:
    if op.tool is not None:
        if op.tool not in state.objects:
            raise LoweringError(violation("E2009", f"`{op.tool}` is not declared", subject=op.tool))
        return op.tool
    return next((name for name in state.objects if state.type_of(name).has("is_rod")), None)


def lower_mix(op: MixOp, state: LabState) -> list[SkillParams]:
    duration = op.duration_s or (op.times or DEFAULT_TIMES) * SECONDS_PER_CYCLE
    tool = _tool(op, state)
    if tool is None:
        arm = arm_for(state, op.container, op.arm)
        return borrow(
            state, op.container, arm, [ShakeParams(object=op.container, duration_s=duration, arm=arm)]
        )
    kind = state.type_of(tool)
    if kind.has("is_rod"):
        arm = arm_for(state, tool, op.arm)
        return borrow(
            state, tool, arm, [StirParams(container=op.container, rod=tool, duration_s=duration, arm=arm)]
        )
    if kind.has("stirs") or kind.has("shakes"):
        arm = arm_for(state, op.container, op.arm)
        obj = state.objects.get(op.container)
        onto = lower_transport(TransportOp(object=op.container, target=tool, relation="on", arm=arm), state)
        run: list[SkillParams] = [
            PressButtonParams(device=tool, arm=arm),
            WaitParams(duration_s=duration),
            PressButtonParams(device=tool, arm=arm),
        ]
        if obj is None or obj.location is None:
            return [*onto, *run]
        back = TransportOp(object=op.container, target=obj.location, relation=obj.relation, arm=arm)
        return [*onto, *run, *lower_transport(back, state)]
    raise LoweringError(violation("E2010", f"{tool} ({kind.name}) cannot mix", subject=tool))
