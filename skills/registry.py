"""The skill library: every atomic skill by name and by params model, and the tagged union of their
parameters, derived from the list below.

Adding a skill is one module exposing `SKILL` plus one line in `_MODULES`; robogenesis registers its
expert under the skill's params model, labsim its success predicate under the skill's name (labsim may
not import skills), and tests/test_skill_parity.py fails until both exist.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias, Union

from pydantic import ConfigDict, Field, TypeAdapter

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

SKILLS: dict[str, Skill[Any]] = {module.SKILL.name: module.SKILL for module in _MODULES}
SKILLS_BY_PARAMS: dict[type[SkillArgs], Skill[Any]] = {
    module.SKILL.params: module.SKILL for module in _MODULES
}

if TYPE_CHECKING:
    # To a type checker, any skill's params (narrow with isinstance); the union below is built at run
    # time from the registered models, which a static checker cannot evaluate.
    SkillParams: TypeAlias = SkillArgs
else:
    # A pydantic union tagged by `skill`, in `_MODULES` order (the order the JSON Schema lists them).
    SkillParams = Annotated[Union[tuple(SKILLS_BY_PARAMS)], Field(discriminator="skill")]  # noqa: UP007

# Built on first use (reading a compiled protocol back), not by every import: `labc compile` never uses it.
SKILL_PARAMS_ADAPTER: TypeAdapter[SkillParams] = TypeAdapter(SkillParams, config=ConfigDict(defer_build=True))


class UnknownSkill(UnknownName):
    what = "skill"


def get_skill(name: str) -> Skill[Any]:
    try:
        return SKILLS[name]
    except KeyError:
        raise UnknownSkill(name, difflib.get_close_matches(name, SKILLS, n=3, cutoff=0.6)) from None


def skill_of(params: SkillArgs) -> Skill[Any]:
    """The skill a parameter object belongs to."""
    return SKILLS_BY_PARAMS[type(params)]


def parse_params(data: dict[str, Any]) -> SkillParams:
    """Validate a `{"skill": ..., ...}` dict (e.g. from a compiled protocol) into typed params."""
    return SKILL_PARAMS_ADAPTER.validate_python(data)
