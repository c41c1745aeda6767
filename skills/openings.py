"""The shared behaviour of open_door, close_door, open_drawer and close_drawer.

A lid (the centrifuge's) is a door for these skills: same motion, same state bit. Opening and closing
both need a free gripper, because the arm grasps the handle either way (a held beaker would be dropped);
the compiler sets down what the arm holds first (`compiler.free_hand`), which is how `take X out of D`
closes the door behind it.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from labdata.catalog import Affordance
from skills.base import ArmArgs, Skill, Usage
from skills.codes import Violation, violation
from skills.conditions import arm_exists, arm_free, can, known
from skills.state import LabState


class OpeningArgs(ArmArgs):
    device: str


class Opening(Skill[OpeningArgs]):
    part: ClassVar[Literal["door", "drawer"]]
    opens: ClassVar[bool]

    @property
    def _affordances(self) -> tuple[Affordance, ...]:
        return ("has_door", "has_lid") if self.part == "door" else ("has_drawer",)

    def _is_open(self, state: LabState, device: str) -> bool:
        dev = state.devices[device]
        return dev.door_open if self.part == "door" else dev.drawer_open

    def pre(self, state: LabState, params: OpeningArgs) -> list[Violation]:
        problems = arm_exists(state, params.arm) + known(state, params.device)
        if problems:
            return problems
        problems = can(
            state,
            params.device,
            *self._affordances,
            doing=f"{'open' if self.opens else 'close'} a {self.part}",
        )
        if problems:
            return problems
        if self._is_open(state, params.device) == self.opens:
            already = "open" if self.opens else "closed"
            problems.append(
                violation(
                    "E2018", f"the {self.part} of {params.device} is already {already}", subject=params.device
                )
            )
        problems += arm_free(state, params.arm, f"grasp the {self.part} handle of {params.device}")
        return problems

    def effect(self, state: LabState, params: OpeningArgs) -> None:
        dev = state.devices[params.device]
        if self.part == "door":
            dev.door_open = self.opens
        else:
            dev.drawer_open = self.opens

    def uses(self, params: OpeningArgs) -> Usage:
        return Usage(objects=frozenset({params.device}))

    def context(self, params: OpeningArgs, state: LabState) -> dict[str, Any]:
        part: str = self.part  # a door-kind device may have a lid instead
        if part == "door" and params.device in state.objects:
            kind = state.type_of(params.device)
            part = "lid" if kind.has("has_lid") and not kind.has("has_door") else "door"
        return {**params.model_dump(), "part": part}
