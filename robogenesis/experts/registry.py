"""Every scripted expert, keyed by its skill's params model, and by the skill's name (the name a
compiled node gives as its expert). Adding an expert is its class with `params` set, and one line in
`EXPERT_TYPES`; tests/test_skill_parity.py checks that every skill has one and no expert lacks a skill."""

from __future__ import annotations

from robogenesis.experts.articulation import (
    CloseDoorExpert,
    CloseDrawerExpert,
    OpenDoorExpert,
    OpenDrawerExpert,
)
from robogenesis.experts.base import Expert, ExpertOptions
from robogenesis.experts.pick import PickExpert
from robogenesis.experts.pipetting import AspirateExpert, DispenseExpert, DropTipExpert, PickUpTipExpert
from robogenesis.experts.place import PlaceExpert
from robogenesis.experts.pour import PourExpert
from robogenesis.experts.press import PressExpert
from robogenesis.experts.shake import ShakeExpert
from robogenesis.experts.stir import StirExpert
from robogenesis.experts.wait import WaitExpert
from skills.base import SkillArgs

EXPERT_TYPES: tuple[type[Expert], ...] = (
    PickExpert,
    PlaceExpert,
    OpenDoorExpert,
    CloseDoorExpert,
    OpenDrawerExpert,
    CloseDrawerExpert,
    PressExpert,
    PourExpert,
    ShakeExpert,
    StirExpert,
    WaitExpert,
    PickUpTipExpert,
    AspirateExpert,
    DispenseExpert,
    DropTipExpert,
)

EXPERTS_BY_PARAMS: dict[type[SkillArgs], Expert] = {cls.params: cls() for cls in EXPERT_TYPES}
EXPERTS: dict[str, Expert] = {expert.name: expert for expert in EXPERTS_BY_PARAMS.values()}


def get_expert(name: str, options: ExpertOptions | None = None) -> Expert:
    """The expert for a skill, with default options unless `options` are given."""
    try:
        cls = type(EXPERTS[name])
    except KeyError:
        raise KeyError(f"no expert for skill {name!r}; known: {', '.join(sorted(EXPERTS))}") from None
    return EXPERTS[name] if options is None else cls(options)
