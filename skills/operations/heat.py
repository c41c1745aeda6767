"""heat X on H to T for D: bring X onto (or into) the heater, switch it on at T, wait D, switch off.

X stays on the heater afterwards (a later `transport` or `take` moves it). A heater that is already
on is switched off and on again so the new setpoint takes effect.
"""

from __future__ import annotations

from typing import Literal

from pydantic import PositiveFloat

from skills.operations.common import OpArgs, arm_for
from skills.operations.put import PutOp, lower_put
from skills.operations.transport import TransportOp, lower_transport
from skills.press_button import PressButtonParams
from skills.registry import SkillParams
from skills.state import LabState
from skills.wait import WaitParams


class HeatOp(OpArgs):
    op: Literal["heat"] = "heat"
    object: str
    heater: str
    temperature_c: float
    duration_s: PositiveFloat


def lower_heat(op: HeatOp, state: LabState) -> list[SkillParams]:
    arm = arm_for(state, op.object, op.arm)
    steps: list[SkillParams] = []
    already_there = op.object in state.objects and state.objects[op.object].location == op.heater
    if not already_there:
        enclosed = op.heater in state.objects and any(
            state.type_of(op.heater).has(a) for a in ("has_door", "has_lid", "has_drawer")
        )
        if enclosed:
            steps += lower_put(PutOp(object=op.object, device=op.heater, arm=arm), state)
        else:
            steps += lower_transport(
                TransportOp(object=op.object, target=op.heater, relation="on", arm=arm), state
            )
    device = state.devices.get(op.heater)
    if device is not None and device.on:
        steps.append(PressButtonParams(device=op.heater, arm=arm))
    steps += [
        PressButtonParams(device=op.heater, setpoint_c=op.temperature_c, arm=arm),
        WaitParams(duration_s=op.duration_s),
        PressButtonParams(device=op.heater, arm=arm),
    ]
    return steps
