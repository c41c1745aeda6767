"""Every scripted expert by skill name (the name `skills` gives as `Skill.expert`)."""

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

EXPERTS: dict[str, Expert] = {cls.name: cls() for cls in EXPERT_TYPES}


def get_expert(name: str, options: ExpertOptions | None = None) -> Expert:
    """The expert for a skill, with default options unless `options` are given."""
    try:
        cls = type(EXPERTS[name])
    except KeyError:
        raise KeyError(f"no expert for skill {name!r}; known: {', '.join(sorted(EXPERTS))}") from None
    return EXPERTS[name] if options is None else cls(options)
