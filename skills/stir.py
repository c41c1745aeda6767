"""stir: stir a container's liquid with a held glass rod (LabUtopia "stir"). Like shake, it has no
symbolic effect on the mixture; it needs the rod in hand and the container reachable."""

from __future__ import annotations

from typing import Literal

from pydantic import PositiveFloat

from skills.base import ArmArgs, Skill, Usage
from skills.codes import Violation, violation
from skills.conditions import arm_exists, can, holding, known, reachable
from skills.state import LabState


class StirParams(ArmArgs):
    skill: Literal["stir"] = "stir"
    container: str
    rod: str
    duration_s: PositiveFloat = 30.0


class Stir(Skill[StirParams]):
    name = "stir"
    params = StirParams
    default_duration_s = 30.0
    summary = "Stir a container with the glass rod held in the gripper."
    templates = (
        "Stir {{ container|noun }} with {{ rod|noun }} for {{ duration_s|duration }}.",
        "Dip {{ rod|noun }} into {{ container|noun }} and stir in circles for {{ duration_s|duration }}.",
        "Use {{ rod|noun }} to stir the liquid in {{ container|noun }} for {{ duration_s|duration }}.",
    )

    def pre(self, state: LabState, params: StirParams) -> list[Violation]:
        problems = arm_exists(state, params.arm) + known(state, params.container, params.rod)
        if problems:
            return problems
        problems = can(state, params.rod, "is_rod", doing="stir") + holding(state, params.arm, params.rod)
        if not state.type_of(params.container).is_vessel:
            problems.append(
                violation(
                    "E2010", f"{params.container} cannot be stirred with a rod", subject=params.container
                )
            )
        return problems + reachable(state, params.container)

    def duration_s(self, params: StirParams) -> float:
        return params.duration_s

    def uses(self, params: StirParams) -> Usage:
        return Usage(objects=frozenset({params.container, params.rod}))


SKILL = Stir()
