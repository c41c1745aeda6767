"""aspirate: draw liquid into the tip of the held pipette.

Checks the pipette's range against what the tip will hold (E2004), the source's liquid (E2002) and
the dead volume the tip cannot reach (E2003), and warns when a reused tip carries other liquids
into the source (W2004).
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


class AspirateParams(ArmArgs):
    skill: Literal["aspirate"] = "aspirate"
    pipette: str
    source: str
    well: str | None = None
    volume_ul: PositiveFloat


class Aspirate(Skill[AspirateParams]):
    name = "aspirate"
    params = AspirateParams
    default_duration_s = 4.0
    summary = "Draw a volume of liquid into the pipette's tip."
    templates = (
        "Aspirate {{ volume_ul|volume }} of {{ liquid }} from {{ origin }}.",
        "Lower the tip of {{ pipette|noun }} into {{ origin }} and draw up {{ volume_ul|volume }}.",
        "Take up {{ volume_ul|volume }} of {{ liquid }} from {{ origin }} with {{ pipette|noun }}.",
    )

    def pre(self, state: LabState, params: AspirateParams) -> list[Violation]:
        problems = pipetting(state, params.arm, params.pipette, params.source, params.well)
        if problems:
            return problems
        pipette = state.pipettes[params.pipette]
        low, high = state.type_of(params.pipette).volume_range_ul or (0.0, 0.0)
        in_tip = total(pipette.tip_contents) + params.volume_ul
        if params.volume_ul < low - EPSILON_UL or in_tip > high + EPSILON_UL:
            problems.append(
                violation(
                    "E2004",
                    f"{params.pipette} handles {amount(low)} to {amount(high)}; this aspirate needs {amount(in_tip)} in the tip",
                    subject=params.pipette,
                )
            )
        place = where(params.source, params.well)
        source = state.contents_of(params.source, params.well)
        available, dead = total(source), state.dead_volume_ul(params.source, params.well)
        if params.volume_ul > available + EPSILON_UL:
            problems.append(
                violation(
                    "E2002",
                    f"{place} holds {amount(available)}; cannot aspirate {amount(params.volume_ul)}",
                    subject=params.source,
                )
            )
        elif params.volume_ul > available - dead + EPSILON_UL:
            problems.append(
                violation(
                    "E2003",
                    f"{place} holds {amount(available)}, but the last {amount(dead)} are out of the tip's reach; at most {amount(max(available - dead, 0))} can be aspirated",
                    subject=params.source,
                )
            )
        foreign = pipette.tip_liquids - set(source)
        if foreign and source:
            problems.append(
                violation(
                    "W2004",
                    f"the tip of {params.pipette} carries {describe(dict.fromkeys(foreign, 1.0))} into {place}",
                    subject=params.pipette,
                )
            )
        return problems

    def effect(self, state: LabState, params: AspirateParams) -> None:
        pipette = state.pipettes[params.pipette]
        drawn = take(state.liquid(params.source, params.well), params.volume_ul)
        add(pipette.tip_contents, drawn)
        pipette.tip_liquids.update(drawn)

    def uses(self, params: AspirateParams) -> Usage:
        return Usage(
            objects=frozenset({params.pipette, params.source}),
            liquid_from=frozenset({params.source}),
            liquid_to=frozenset({params.pipette}),
        )

    def context(self, params: AspirateParams, state: LabState) -> dict[str, Any]:
        mixture = state.contents_of(params.source, params.well) if params.source in state.objects else {}
        return {
            **params.model_dump(),
            "liquid": describe(mixture),
            "origin": place_phrase(params.source, params.well),
        }


SKILL = Aspirate()
