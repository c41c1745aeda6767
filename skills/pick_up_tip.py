"""pick_up_tip: press the held pipette onto a fresh tip in a tiprack.

With `well=None`, `resolve` takes the first unused position row-major (A1, A2, ...), so the node
records which tip was used and the simulator knows where to go.
"""

from __future__ import annotations

from typing import Any, Literal

from labdata.wells import WellError
from skills.base import ArmArgs, Skill, Usage
from skills.codes import Violation, violation
from skills.conditions import arm_exists, can, known, pipette_in_hand, place_phrase, reachable
from skills.state import LabState


class PickUpTipParams(ArmArgs):
    skill: Literal["pick_up_tip"] = "pick_up_tip"
    pipette: str
    rack: str
    well: str | None = None


def next_tip(state: LabState, rack: str) -> str | None:
    """The first unused tip position of `rack`, row-major, or None when the rack is empty."""
    grid = state.type_of(rack).wells
    used = state.tipracks[rack].used
    return next((well for well in grid.names() if well not in used), None) if grid else None


class PickUpTip(Skill[PickUpTipParams]):
    name = "pick_up_tip"
    params = PickUpTipParams
    default_duration_s = 6.0
    summary = "Attach a fresh tip from a tiprack to the held pipette."
    templates = (
        "Pick up a new tip from {{ tip_place }} with {{ pipette|noun }}.",
        "Press {{ pipette|noun }} down onto a fresh tip in {{ tip_place }}.",
        "Fit a clean tip from {{ tip_place }} onto {{ pipette|noun }}.",
    )

    def pre(self, state: LabState, params: PickUpTipParams) -> list[Violation]:
        problems = arm_exists(state, params.arm) + known(state, params.pipette, params.rack)
        if problems:
            return problems
        problems = pipette_in_hand(state, params.arm, params.pipette, tip=False)
        problems += can(state, params.rack, "holds_tips", doing="supply tips")
        if problems:
            return problems
        pipette_type, rack_type = state.type_of(params.pipette), state.type_of(params.rack)
        if rack_type.name not in pipette_type.tip_types:
            problems.append(
                violation(
                    "E2015",
                    f"{params.pipette} ({pipette_type.name}) does not take {rack_type.name} tips",
                    subject=params.rack,
                )
            )
        grid = rack_type.wells
        assert grid is not None  # holds_tips guarantees a grid (catalog validation)
        if params.well is None:
            problems.append(violation("E2008", f"{params.rack} has no tips left", subject=params.rack))
        else:
            try:
                grid.index(params.well)
            except WellError as exc:
                problems.append(violation("E2017", f"{params.rack}: {exc}", subject=params.rack))
            else:
                if params.well in state.tipracks[params.rack].used:
                    problems.append(
                        violation(
                            "E2016",
                            f"the tip at {params.rack}.{params.well} was already used",
                            subject=params.rack,
                        )
                    )
        return problems + reachable(state, params.rack)

    def resolve(self, state: LabState, params: PickUpTipParams) -> PickUpTipParams:
        if params.well is not None or params.rack not in state.tipracks:
            return params
        well = next_tip(state, params.rack)
        return params if well is None else params.model_copy(update={"well": well})

    def effect(self, state: LabState, params: PickUpTipParams) -> None:
        assert params.well is not None  # resolved, or pre reported E2008
        state.tipracks[params.rack].used.add(params.well)
        pipette = state.pipettes[params.pipette]
        pipette.tip = (params.rack, params.well)
        pipette.tip_contents = {}
        pipette.tip_liquids = set()

    def uses(self, params: PickUpTipParams) -> Usage:
        return Usage(objects=frozenset({params.pipette, params.rack}))

    def context(self, params: PickUpTipParams, state: LabState) -> dict[str, Any]:
        return {
            **params.model_dump(),
            "tip_place": place_phrase(params.rack, params.well).replace("well ", "position "),
        }


SKILL = PickUpTip()
