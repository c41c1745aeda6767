"""Diagnostic codes of symbolic execution, and the `Violation` that carries one.

Codes are stable identifiers a user can search for: `E2xxx` are errors (the protocol cannot run as
written), `W2xxx` warnings (it runs, but probably not as meant). The compiler turns a Violation into a
diagnostic by adding the span of the statement that produced the failing node.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict


class CodeInfo(NamedTuple):
    title: str
    hint: str | None


CODES: dict[str, CodeInfo] = {
    "E2001": CodeInfo("capacity overflow", "use a larger vessel, or move less liquid"),
    "E2002": CodeInfo(
        "not enough liquid in the source", "check the declared contents and the volumes taken earlier"
    ),
    "E2003": CodeInfo(
        "source too shallow for the pipette",
        "the tip cannot reach the dead volume at the bottom; aspirate less or add liquid",
    ),
    "E2004": CodeInfo("volume outside the pipette's range", "choose a pipette whose range covers the volume"),
    "E2005": CodeInfo(
        "the gripper is full", "place what the arm holds before picking or grasping something else"
    ),
    "E2006": CodeInfo(
        "placing into a closed device", "open it first, or write `put X into D`, which opens and closes it"
    ),
    "E2007": CodeInfo(
        "temperature above the instrument's maximum",
        "lower the temperature or use an instrument that goes higher",
    ),
    "E2008": CodeInfo("tips exhausted", "declare another tiprack for this pipette"),
    "E2009": CodeInfo("no such object", "declare it under labware or instruments"),
    "E2010": CodeInfo("the object cannot do this", "check what the object's type affords in `labc labware`"),
    "E2011": CodeInfo("the arm is not holding the object", "pick it up first"),
    "E2012": CodeInfo("the object is already held", "place it before picking it again"),
    "E2013": CodeInfo("no tip on the pipette", "pick up a tip first"),
    "E2014": CodeInfo("a tip is already on the pipette", "drop the tip first"),
    "E2015": CodeInfo("tip does not fit the pipette", "use a tiprack listed in the pipette's tip types"),
    "E2016": CodeInfo("tip position already used", "pick up a tip from a position that still has one"),
    "E2017": CodeInfo(
        "wrong well address", "name a well on labware with wells (plate.A1), and none on a single vessel"
    ),
    "E2018": CodeInfo(
        "already in that state", "remove the step; the door, drawer or lid is already that way"
    ),
    "E2019": CodeInfo("the object is inside a closed device", "open the door, drawer or lid first"),
    "E2020": CodeInfo("no free place on the target", "take something off the target first"),
    "E2021": CodeInfo("dispensing more than the tip holds", "aspirate at least as much as you dispense"),
    "E2022": CodeInfo(
        "wrong temperature setpoint",
        "a heater is switched with `heat X on H to 60 C for 5 min` (it sets the temperature, switches "
        "on, waits, switches off); `press` switches devices that do not heat",
    ),
    "E2023": CodeInfo("switching on with the door open", "close the door or lid first"),
    "E2024": CodeInfo("source and target are the same", "name two different containers"),
    "E2025": CodeInfo("no pipette for this transfer", "declare a pipette whose range covers the volume"),
    "E2026": CodeInfo(
        "no tiprack for the pipette", "declare a tiprack of a type the pipette takes (`using tips`)"
    ),
    "E2027": CodeInfo(
        "source and target wells do not pair",
        "use one source for many targets, many sources for one target, or equal counts",
    ),
    "W2001": CodeInfo("device left on", "switch it off by pressing its button again"),
    "W2002": CodeInfo("door, drawer or lid left open", "close it at the end of the protocol"),
    "W2003": CodeInfo("liquid left in a tip", "dispense the rest or drop the tip"),
    "W2004": CodeInfo("tip reused across liquids", "use `new tip always` to avoid cross-contamination"),
    "W2005": CodeInfo("liquid discarded with a tip", "dispense everything before dropping the tip"),
    "W2006": CodeInfo("object still held at the end", "place it somewhere before the protocol ends"),
}

Severity = Literal["error", "warning"]


class Violation(BaseModel):
    """A broken precondition (error) or a doubtful situation (warning), about `subject` (an object name)."""

    model_config = ConfigDict(frozen=True)

    code: str
    severity: Severity
    message: str
    hint: str | None = None
    subject: str | None = None

    @property
    def title(self) -> str:
        return CODES[self.code].title


def violation(code: str, message: str, *, subject: str | None = None, hint: str | None = None) -> Violation:
    """Build a Violation: severity follows the code's letter, the hint defaults to the table's."""
    info = CODES[code]  # an unknown code is a bug in skills, so let it raise
    severity: Severity = "error" if code.startswith("E") else "warning"
    return Violation(code=code, severity=severity, message=message, hint=hint or info.hint, subject=subject)


def has_errors(violations: list[Violation]) -> bool:
    return any(v.severity == "error" for v in violations)
