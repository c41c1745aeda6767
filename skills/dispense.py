"""dispense: push liquid out of the held pipette's tip into a vessel or well.

The tip touches what is already in the target, so those liquids count as carried by the tip from
then on (W2004 if the tip later goes back into a different source).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import PositiveFloat

from skills.base import ArmArgs, Skill, Usage
from skills.codes import Violation, violation
from skills.conditions import pipetting, place_phrase, where
from skills.display import amount
from skills.mixture import EPSILON_UL, add, describe, take, total
from skills.state import LabState


class DispenseParams(ArmArgs):
    skill: Literal["dispense"] = "dispense"
    pipette: str
    target: str
    well: str | None = None
    volume_ul: PositiveFloat


class Dispense(Skill[DispenseParams]):
    name = "dispense"
    params = DispenseParams
    default_duration_s = 4.0
    summary = "Push a volume of liquid out of the pipette's tip."
    templates = (
        "Dispense {{ volume_ul|volume }} of {{ liquid }} into {{ destination }}.",
        "Move {{ pipette|noun }} over {{ destination }} and push out {{ volume_ul|volume }}.",
        "Release {{ volume_ul|volume }} from the tip of {{ pipette|noun }} into {{ destination }}.",
    )

    def pre(self, state: LabState, params: DispenseParams) -> list[Violation]:
        problems = pipetting(state, params.arm, params.pipette, params.target, params.well)
        if problems:
            return problems
        in_tip = total(state.pipettes[params.pipette].tip_contents)
        if params.volume_ul > in_tip + EPSILON_UL:
            problems.append(
                violation(
                    "E2021",
                    f"the tip of {params.pipette} holds {amount(in_tip)}; cannot dispense {amount(params.volume_ul)}",
                    subject=params.pipette,
                )
            )
        place = where(params.target, params.well)
        capacity = state.capacity_ul(params.target, params.well) or 0.0
        present = total(state.contents_of(params.target, params.well))
        if present + params.volume_ul > capacity + EPSILON_UL:
            problems.append(
                violation(
                    "E2001",
                    f"{place} would hold {amount(present + params.volume_ul)}, more than its {amount(capacity)}",
                    subject=params.target,
                )
            )
        return problems

    def effect(self, state: LabState, params: DispenseParams) -> None:
        pipette = state.pipettes[params.pipette]
        target = state.liquid(params.target, params.well)
        pipette.tip_liquids.update(target)
        add(target, take(pipette.tip_contents, params.volume_ul))

    def uses(self, params: DispenseParams) -> Usage:
        return Usage(
            objects=frozenset({params.pipette, params.target}),
            liquid_from=frozenset({params.pipette}),
            liquid_to=frozenset({params.target}),
        )

    def context(self, params: DispenseParams, state: LabState) -> dict[str, Any]:
        pipette = state.pipettes.get(params.pipette)
        liquid = describe(pipette.tip_contents) if pipette else "liquid"
        return {
            **params.model_dump(),
            "liquid": liquid,
            "destination": place_phrase(params.target, params.well),
        }


SKILL = Dispense()
