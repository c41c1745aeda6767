"""drop_tip: eject the tip of the held pipette into the waste; any liquid still in it goes along
(counted in `LabState.waste`, warned as W2005)."""

from __future__ import annotations

from typing import Literal

from skills.base import ArmArgs, Skill, Usage
from skills.codes import Violation, violation
from skills.conditions import arm_exists, known, pipette_in_hand
from skills.display import amount
from skills.mixture import add, total
from skills.state import LabState


class DropTipParams(ArmArgs):
    skill: Literal["drop_tip"] = "drop_tip"
    pipette: str


class DropTip(Skill[DropTipParams]):
    name = "drop_tip"
    params = DropTipParams
    default_duration_s = 4.0
    summary = "Eject the pipette's tip into the waste."
    templates = (
        "Drop the tip of {{ pipette|noun }} into the waste.",
        "Press the ejector on {{ pipette|noun }} over the waste bin to discard the tip.",
        "Eject the used tip from {{ pipette|noun }} into the waste.",
    )

    def pre(self, state: LabState, params: DropTipParams) -> list[Violation]:
        problems = arm_exists(state, params.arm) + known(state, params.pipette)
        if problems:
            return problems
        problems = pipette_in_hand(state, params.arm, params.pipette, tip=True)
        if not problems:
            left = total(state.pipettes[params.pipette].tip_contents)
            if left > 0:
                problems.append(
                    violation(
                        "W2005",
                        f"{amount(left)} are discarded with the tip of {params.pipette}",
                        subject=params.pipette,
                    )
                )
        return problems

    def effect(self, state: LabState, params: DropTipParams) -> None:
        pipette = state.pipettes[params.pipette]
        add(state.waste, pipette.tip_contents)
        pipette.tip = None
        pipette.tip_contents = {}
        pipette.tip_liquids = set()

    def uses(self, params: DropTipParams) -> Usage:
        return Usage(objects=frozenset({params.pipette}))


SKILL = DropTip()
