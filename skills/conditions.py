"""Precondition checks shared by several skills; each returns the violations it finds (maybe none)."""

from __future__ import annotations

from labdata.catalog import Affordance
from labdata.wells import WellError
from skills.base import noun
from skills.codes import Violation, violation
from skills.state import LabState


def known(state: LabState, *names: str) -> list[Violation]:
    """Names not declared (E2009); checked first so later checks can index the state freely."""
    return [
        violation("E2009", f"`{name}` is not declared", subject=name)
        for name in names
        if name not in state.objects
    ]


def can(state: LabState, name: str, *affordances: Affordance, doing: str) -> list[Violation]:
    """E2010 unless `name`'s type has at least one of `affordances`."""
    kind = state.type_of(name)
    if any(kind.has(a) for a in affordances):
        return []
    return [violation("E2010", f"{name} ({kind.name}) cannot {doing}", subject=name)]


def arm_exists(state: LabState, arm: int) -> list[Violation]:
    if arm < len(state.arms):
        return []
    return [violation("E2009", f"arm {arm} does not exist; this robot has {len(state.arms)} arm(s)")]


def arm_free(state: LabState, arm: int, doing: str) -> list[Violation]:
    held = state.arms[arm].holding
    if held is None:
        return []
    return [violation("E2005", f"arm {arm} is holding {held} and cannot {doing}", subject=held)]


def holding(state: LabState, arm: int, name: str) -> list[Violation]:
    if state.arms[arm].holding == name:
        return []
    return [violation("E2011", f"arm {arm} is not holding {name}", subject=name)]


def reachable(state: LabState, name: str) -> list[Violation]:
    enclosure = state.closed_enclosure(name)
    if enclosure is None:
        return []
    return [violation("E2019", f"{name} is inside {enclosure}, which is closed", subject=name)]


def well_address(state: LabState, name: str, well: str | None) -> list[Violation]:
    """E2017 for a well on a single vessel, a missing well on a plate, or an address off the grid."""
    kind = state.type_of(name)
    if kind.wells is None or kind.has("holds_tips"):
        if well is None and kind.capacity_ul is not None:
            return []
        if well is None:
            return [violation("E2010", f"{name} ({kind.name}) holds no liquid", subject=name)]
        return [
            violation("E2017", f"{name} ({kind.name}) has no wells, but well {well} was named", subject=name)
        ]
    if well is None:
        return [violation("E2017", f"{name} ({kind.name}) has wells; name one, e.g. {name}.A1", subject=name)]
    try:
        kind.wells.index(well)
    except WellError as exc:
        return [violation("E2017", f"{name}: {exc}", subject=name)]
    return []


def where(name: str, well: str | None) -> str:
    return name if well is None else f"{name}.{well}"


def pipette_in_hand(state: LabState, arm: int, pipette: str, tip: bool | None) -> list[Violation]:
    """The pipette is a pipette held by `arm`; `tip` True/False requires a tip on/off (None: either)."""
    problems = can(state, pipette, "aspirates", doing="pipette")
    if problems:
        return problems
    problems = holding(state, arm, pipette)
    attached = state.pipettes[pipette].tip
    if tip is True and attached is None:
        problems.append(violation("E2013", f"{pipette} has no tip", subject=pipette))
    elif tip is False and attached is not None:
        problems.append(
            violation(
                "E2014", f"{pipette} already carries a tip from {attached[0]}.{attached[1]}", subject=pipette
            )
        )
    return problems


def pipetting(state: LabState, arm: int, pipette: str, vessel: str, well: str | None) -> list[Violation]:
    """Everything aspirate and dispense need before volumes matter: a held pipette with a tip over a
    reachable, correctly addressed vessel or well."""
    problems = arm_exists(state, arm) + known(state, pipette, vessel)
    if problems:
        return problems
    problems = pipette_in_hand(state, arm, pipette, tip=True)
    return problems + well_address(state, vessel, well) + reachable(state, vessel)


def place_phrase(name: str, well: str | None) -> str:
    """ "well A1 of the reservoir" or "beaker 1": where a technician says liquid is taken or put."""
    return noun(name) if well is None else f"well {well} of {noun(name)}"
