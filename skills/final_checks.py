"""End-of-protocol warnings: what a technician would find left behind on the bench."""

from __future__ import annotations

from skills.codes import Violation, violation
from skills.display import amount
from skills.mixture import total
from skills.state import LabState


def final_checks(state: LabState) -> list[Violation]:
    found: list[Violation] = []
    for name, device in state.devices.items():
        if device.on:
            found.append(violation("W2001", f"{name} is still on at the end of the protocol", subject=name))
        if device.door_open:
            kind = state.type_of(name)
            part = "lid" if kind.has("has_lid") and not kind.has("has_door") else "door"
            found.append(violation("W2002", f"the {part} of {name} is left open", subject=name))
        if device.drawer_open:
            found.append(violation("W2002", f"the drawer of {name} is left open", subject=name))
    for name, pipette in state.pipettes.items():
        left = total(pipette.tip_contents)
        if left > 0:
            found.append(violation("W2003", f"the tip of {name} still holds {amount(left)}", subject=name))
    for index, arm in enumerate(state.arms):
        if arm.holding is not None:
            found.append(violation("W2006", f"arm {index} still holds {arm.holding}", subject=arm.holding))
    return found
