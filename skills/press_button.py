"""press_button: press a device's power button, which toggles it (LabUtopia "press").

Switching a heater on needs a setpoint within the instrument's maximum (E2022, E2007); a device with
a door or lid must be closed to start (E2023). Pressing again switches it off.
"""

from __future__ import annotations

from typing import Any, Literal

from skills.base import ArmArgs, Skill, Usage
from skills.codes import Violation, violation
from skills.conditions import arm_exists, can, known
from skills.state import LabState


class PressButtonParams(ArmArgs):
    skill: Literal["press_button"] = "press_button"
    device: str
    setpoint_c: float | None = None


class PressButton(Skill[PressButtonParams]):
    name = "press_button"
    params = PressButtonParams
    default_duration_s = 4.0
    summary = "Press the power button; a heater switched on takes a setpoint."
    templates = (
        "Press the button of {{ device|noun }} to switch it {{ switch }}{% if setpoint_c is not none %} at {{ setpoint_c|celsius }}{% endif %}.",
        "Push the power button on {{ device|noun }}{% if setpoint_c is not none %} with the temperature set to {{ setpoint_c|celsius }}{% endif %}.",
        "Switch {{ device|noun }} {{ switch }} with its button{% if setpoint_c is not none %}, set to {{ setpoint_c|celsius }}{% endif %}.",
    )

    def pre(self, state: LabState, params: PressButtonParams) -> list[Violation]:
        problems = arm_exists(state, params.arm) + known(state, params.device)
        if problems:
            return problems
        problems = can(state, params.device, "has_button", doing="be switched with a button")
        if problems:
            return problems
        device, kind = state.devices[params.device], state.type_of(params.device)
        if device.on:
            if params.setpoint_c is not None:
                problems.append(
                    violation(
                        "E2022",
                        f"{params.device} is on; this press switches it off, so no setpoint",
                        subject=params.device,
                    )
                )
            return problems
        if kind.has("heats"):
            if params.setpoint_c is None:
                problems.append(
                    violation(
                        "E2022",
                        f"{params.device} heats, and `press` cannot set its temperature",
                        subject=params.device,
                    )
                )
            elif kind.max_temperature_c is not None and params.setpoint_c > kind.max_temperature_c:
                problems.append(
                    violation(
                        "E2007",
                        f"{params.device} reaches at most {kind.max_temperature_c:g} C, not {params.setpoint_c:g} C",
                        subject=params.device,
                    )
                )
        elif params.setpoint_c is not None:
            problems.append(
                violation(
                    "E2022",
                    f"{params.device} ({kind.name}) does not heat; it takes no setpoint",
                    subject=params.device,
                )
            )
        if (kind.has("has_door") or kind.has("has_lid")) and device.door_open:
            problems.append(
                violation(
                    "E2023",
                    f"{params.device} is open; close it before switching it on",
                    subject=params.device,
                )
            )
        return problems

    def effect(self, state: LabState, params: PressButtonParams) -> None:
        device = state.devices[params.device]
        device.on = not device.on
        device.setpoint_c = params.setpoint_c if device.on else None

    def uses(self, params: PressButtonParams) -> Usage:
        return Usage(objects=frozenset({params.device}))

    def context(self, params: PressButtonParams, state: LabState) -> dict[str, Any]:
        device = state.devices.get(params.device)
        switch = "off" if device is not None and device.on else "on"
        return {**params.model_dump(), "switch": switch}


SKILL = PressButton()
