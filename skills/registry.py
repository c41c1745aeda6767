"""The skill library: every atomic skill by name, and the tagged union of their parameters.

Adding a skill is one module exposing `SKILL`, plus one line in `_MODULES` (and its expert and
predicate in robogenesis / labsim under the same name).
"""

from __future__ import annotations

import difflib
from typing import Annotated, Any

from pydantic import Field, TypeAdapter

from labdata.errors import UnknownName
from skills import (
    aspirate,
    close_door,
    close_drawer,
    dispense,
    drop_tip,
    open_door,
    open_drawer,
    pick,
    pick_up_tip,
    place,
    pour,
    press_button,
    shake,
    stir,
    wait,
)
from skills.base import Skill, SkillArgs

_MODULES = (
    pick,
    place,
    open_door,
    close_door,
    open_drawer,
    close_drawer,
    press_button,
    pour,
    shake,
    stir,
    wait,
    pick_up_tip,
    aspirate,
    dispense,
    drop_tip,
)

SkillParams = Annotated[
    pick.PickParams
    | place.PlaceParams
    | open_door.OpenDoorParams
    | close_door.CloseDoorParams
    | open_drawer.OpenDrawerParams
    | close_drawer.CloseDrawerParams
    | press_button.PressButtonParams
    | pour.PourParams
    | shake.ShakeParams
    | stir.StirParams
    | wait.WaitParams
    | pick_up_tip.PickUpTipParams
    | aspirate.AspirateParams
    | dispense.DispenseParams
    | drop_tip.DropTipParams,
    Field(discriminator="skill"),
]

SKILLS: dict[str, Skill[Any]] = {module.SKILL.name: module.SKILL for module in _MODULES}

SKILL_PARAMS_ADAPTER: TypeAdapter[SkillParams] = TypeAdapter(SkillParams)


class UnknownSkill(UnknownName):
    what = "skill"


def get_skill(name: str) -> Skill[Any]:
    try:
        return SKILLS[name]
    except KeyError:
        raise UnknownSkill(name, difflib.get_close_matches(name, SKILLS, n=3, cutoff=0.6)) from None


def skill_of(params: SkillArgs) -> Skill[Any]:
    """The skill a parameter object belongs to (every params model has a `skill` tag)."""
    return SKILLS[params.skill]  # type: ignore[attr-defined]


def parse_params(data: dict[str, Any]) -> SkillParams:
    """Validate a `{"skill": ..., ...}` dict (e.g. from a compiled protocol) into typed params."""
    return SKILL_PARAMS_ADAPTER.validate_python(data)
