"""pick: grasp an object and lift it (LabUtopia level-1 "pick")."""

from __future__ import annotations

from typing import Any, Literal

from skills.base import ArmArgs, Skill, Usage, noun
from skills.codes import Violation, violation
from skills.conditions import arm_exists, arm_free, can, known, reachable
from skills.state import LabState


class PickParams(ArmArgs):
    skill: Literal["pick"] = "pick"
    object: str


class Pick(Skill[PickParams]):
    name = "pick"
    params = PickParams
    default_duration_s = 8.0
    summary = "Grasp an object and lift it clear of where it stands."
    templates = (
        "Pick up {{ object|noun }}.",
        "Grasp {{ object|noun }} and lift it off {{ origin }}.",
        "Take hold of {{ object|noun }} and raise it about ten centimetres.",
    )

    def pre(self, state: LabState, params: PickParams) -> list[Violation]:
        problems = arm_exists(state, params.arm) + known(state, params.object)
        if problems:
            return problems
        problems = can(state, params.object, "graspable", doing="be picked up")
        holder = state.holder_of(params.object)
        if holder is not None:
            problems.append(
                violation("E2012", f"{params.object} is already held by arm {holder}", subject=params.object)
            )
        else:
            problems += arm_free(state, params.arm, f"pick up {params.object}")
        return problems + reachable(state, params.object)

    def effect(self, state: LabState, params: PickParams) -> None:
        state.arms[params.arm].holding = params.object
        obj = state.objects[params.object]
        obj.location = None
        obj.relation = None

    def uses(self, params: PickParams) -> Usage:
        return Usage(objects=frozenset({params.object}))

    def context(self, params: PickParams, state: LabState) -> dict[str, Any]:
        location = state.objects[params.object].location if params.object in state.objects else None
        origin = noun(location) if location in state.objects else "the bench"
        return {**params.model_dump(), "origin": origin}


SKILL = Pick()
