"""wait: let time pass. Symbolically, this is when heating happens: everything standing on or in a
heater that is on reaches the heater's setpoint. `wait` touches no object, so the compiler must keep
it in statement order (an order edge) rather than rely on resource edges."""

from __future__ import annotations

from typing import Literal

from pydantic import PositiveFloat

from skills.base import Skill, SkillArgs, Usage
from skills.state import LabState


class WaitParams(SkillArgs):
    skill: Literal["wait"] = "wait"
    duration_s: PositiveFloat


class Wait(Skill[WaitParams]):
    name = "wait"
    params = WaitParams
    default_duration_s = 60.0
    summary = "Hold still while time passes (heating, settling)."
    templates = (
        "Wait for {{ duration_s|duration }}.",
        "Hold position and let {{ duration_s|duration }} pass.",
        "Do nothing for {{ duration_s|duration }}, then continue.",
    )

    def duration_s(self, params: WaitParams) -> float:
        return params.duration_s

    def effect(self, state: LabState, params: WaitParams) -> None:
        for name, device in state.devices.items():
            if device.on and device.setpoint_c is not None and state.type_of(name).has("heats"):
                for occupant in state.occupants(name):
                    state.objects[occupant].temperature_c = device.setpoint_c

    def uses(self, params: WaitParams) -> Usage:
        return Usage(objects=frozenset())


SKILL = Wait()
