"""shake: shake the held container to mix it (LabUtopia "shake"). No symbolic effect: the mixture
model is already homogeneous; the node exists for the robot and for time."""

from __future__ import annotations

from typing import Literal

from pydantic import PositiveFloat

from skills.base import ArmArgs, Skill, Usage
from skills.codes import Violation
from skills.conditions import arm_exists, can, holding, known
from skills.state import LabState


class ShakeParams(ArmArgs):
    skill: Literal["shake"] = "shake"
    object: str
    duration_s: PositiveFloat = 10.0


class Shake(Skill[ShakeParams]):
    name = "shake"
    params = ShakeParams
    default_duration_s = 10.0
    summary = "Shake the held container side to side."
    templates = (
        "Shake {{ object|noun }} for {{ duration_s|duration }}.",
        "Hold {{ object|noun }} up and shake it from side to side for {{ duration_s|duration }}.",
        "Swirl {{ object|noun }} back and forth for {{ duration_s|duration }}, then hold it still.",
    )

    def pre(self, state: LabState, params: ShakeParams) -> list[Violation]:
        problems = arm_exists(state, params.arm) + known(state, params.object)
        if problems:
            return problems
        return can(state, params.object, "graspable", doing="be shaken") + holding(
            state, params.arm, params.object
        )

    def duration_s(self, params: ShakeParams) -> float:
        return params.duration_s

    def uses(self, params: ShakeParams) -> Usage:
        return Usage(objects=frozenset({params.object}))


SKILL = Shake()
