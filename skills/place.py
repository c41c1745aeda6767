"""place: set a held object down on a bench spot, on an instrument or into a device.

A target containing `/` is a bench spot (`bench/left`); anything else must be a declared object
that holds objects (hotplate, rack, drying box...). Placing *in* a device needs its door, lid or
drawer open (E2006) and a free slot (E2020).
"""

from __future__ import annotations

from typing import Any, Literal

from skills.base import ArmArgs, Skill, Usage, noun
from skills.codes import Violation, violation
from skills.conditions import arm_exists, can, holding, known, reachable
from skills.state import LabState, Relation


def is_spot(target: str) -> bool:
    return "/" in target


def where_phrase(target: str, relation: Relation) -> str:
    """ "on the bench at slot_1" for a spot `bench/slot_1`, "in the drying_box" for an object (names are
    kept as written, see `noun`)."""
    if is_spot(target):
        area, _, spot = target.partition("/")
        return f"on the {area} at {spot.replace('/', ' ')}"
    return f"{relation} {noun(target)}"


class PlaceParams(ArmArgs):
    skill: Literal["place"] = "place"
    object: str
    target: str
    relation: Relation = "on"


class Place(Skill[PlaceParams]):
    name = "place"
    params = PlaceParams
    default_duration_s = 8.0
    summary = "Set the held object down on, in or at a target and let go."
    templates = (
        "Place {{ object|noun }} {{ where }}.",
        "Put {{ object|noun }} down {{ where }} and release it.",
        "Set {{ object|noun }} {{ where }}, then open the gripper.",
    )

    def pre(self, state: LabState, params: PlaceParams) -> list[Violation]:
        targets = () if is_spot(params.target) else (params.target,)
        problems = arm_exists(state, params.arm) + known(state, params.object, *targets)
        if problems:
            return problems
        problems = holding(state, params.arm, params.object)
        if is_spot(params.target):
            if params.relation == "in":
                problems.append(
                    violation(
                        "E2010",
                        f"{params.target} is a bench spot; place things on or at it",
                        subject=params.object,
                    )
                )
            return problems
        target = params.target
        if target == params.object:
            return [
                *problems,
                violation("E2024", f"{params.object} cannot be placed on itself", subject=target),
            ]
        problems += can(state, target, "holds_objects", doing="hold other objects")
        if problems:
            return problems
        device = state.devices.get(target)
        kind = state.type_of(target)
        if params.relation == "in" and device is not None:
            door_closed = (kind.has("has_door") or kind.has("has_lid")) and not device.door_open
            if door_closed or (kind.has("has_drawer") and not device.drawer_open):
                problems.append(
                    violation("E2006", f"{target} is closed; {params.object} cannot go in", subject=target)
                )
        occupied = len(state.occupants(target))
        if kind.slots is not None and occupied >= kind.slots:
            problems.append(
                violation(
                    "E2020", f"{target} already holds {occupied} object(s), its maximum", subject=target
                )
            )
        return problems + reachable(state, target)

    def effect(self, state: LabState, params: PlaceParams) -> None:
        state.arms[params.arm].holding = None
        obj = state.objects[params.object]
        obj.location = params.target
        obj.relation = "at" if is_spot(params.target) else params.relation

    def uses(self, params: PlaceParams) -> Usage:
        targets = set() if is_spot(params.target) else {params.target}
        return Usage(objects=frozenset({params.object, *targets}))

    def context(self, params: PlaceParams, state: LabState) -> dict[str, Any]:
        return {**params.model_dump(), "where": where_phrase(params.target, params.relation)}


SKILL = Place()
