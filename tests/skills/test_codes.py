"""Every code in skills/codes.py, triggered by a fixture and asserted."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from skills.aspirate import AspirateParams
from skills.close_door import CloseDoorParams
from skills.codes import CODES, Violation
from skills.dispense import DispenseParams
from skills.drop_tip import DropTipParams
from skills.final_checks import final_checks
from skills.open_door import OpenDoorParams
from skills.operations import LoweringError, TransferOp, lower
from skills.pick import PickParams
from skills.pick_up_tip import PickUpTipParams
from skills.place import PlaceParams
from skills.pour import PourParams
from skills.press_button import PressButtonParams
from skills.state import Declaration, LabState
from tests.skills.conftest import run

PIPETTE = PickParams(object="pipette")
TIP = PickUpTipParams(pipette="pipette", rack="tips")


def water(volume: float) -> AspirateParams:
    return AspirateParams(pipette="pipette", source="reservoir", well="A1", volume_ul=volume)


def into_a1(volume: float) -> DispenseParams:
    return DispenseParams(pipette="pipette", target="plate", well="A1", volume_ul=volume)


def steps(*params) -> Callable[[LabState], list[Violation]]:
    return lambda state: run(state, *params).violations


def at_end(*params) -> Callable[[LabState], list[Violation]]:
    def check(state: LabState) -> list[Violation]:
        for p in params:
            run(state, p)
        return final_checks(state)

    return check


def lowering(op, declarations: list[Declaration] | None = None) -> Callable[[LabState], list[Violation]]:
    def check(state: LabState) -> list[Violation]:
        target = LabState.initial(declarations) if declarations is not None else state
        with pytest.raises(LoweringError) as info:
            lower(op, target)
        return [info.value.violation]

    return check


def exhausted(state: LabState) -> list[Violation]:
    state.tipracks["tips"].used = set(state.type_of("tips").wells.names())
    return run(state, PIPETTE, TIP).violations


P1000_ONLY = [
    Declaration(name="p1000", type="pipette_p1000", location="bench/a"),
    Declaration(name="tips", type="tiprack_200ul", location="bench/b"),
    Declaration(name="beaker", type="beaker_250ml", location="bench/c", contents={None: {"water": 5000.0}}),
]

FIXTURES: dict[str, Callable[[LabState], list[Violation]]] = {
    "E2001": steps(PIPETTE, TIP, water(200), into_a1(200), water(200), into_a1(200)),
    "E2002": steps(PickParams(object="beaker_2"), PourParams(source="beaker_2", target="beaker_1")),
    "E2003": steps(
        PickParams(object="p20"),
        PickUpTipParams(pipette="p20", rack="tips"),
        AspirateParams(pipette="p20", source="plate", well="H12", volume_ul=10),
    ),
    "E2004": steps(PIPETTE, TIP, water(10)),
    "E2005": steps(PickParams(object="beaker_1"), PickParams(object="beaker_2")),
    "E2006": steps(
        PickParams(object="beaker_2"), PlaceParams(object="beaker_2", target="oven", relation="in")
    ),
    "E2007": steps(PressButtonParams(device="hotplate", setpoint_c=400)),
    "E2008": exhausted,
    "E2009": steps(PickParams(object="beakr_1")),
    "E2010": steps(PickParams(object="hotplate")),
    "E2011": steps(PlaceParams(object="beaker_1", target="hotplate")),
    "E2012": steps(PickParams(object="beaker_1"), PickParams(object="beaker_1", arm=1)),
    "E2013": steps(PIPETTE, water(50)),
    "E2014": steps(PIPETTE, TIP, TIP),
    "E2015": steps(PIPETTE, PickUpTipParams(pipette="pipette", rack="big_tips")),
    "E2016": steps(
        PIPETTE,
        TIP,
        DropTipParams(pipette="pipette"),
        PickUpTipParams(pipette="pipette", rack="tips", well="A1"),
    ),
    "E2017": steps(PIPETTE, TIP, AspirateParams(pipette="pipette", source="reservoir", volume_ul=50)),
    "E2018": steps(CloseDoorParams(device="oven")),
    "E2019": steps(
        OpenDoorParams(device="oven"),
        PickParams(object="beaker_2"),
        PlaceParams(object="beaker_2", target="oven", relation="in"),
        CloseDoorParams(device="oven"),
        PickParams(object="beaker_2"),
    ),
    "E2020": steps(
        PickParams(object="beaker_1"),
        PlaceParams(object="beaker_1", target="hotplate"),
        PickParams(object="beaker_2"),
        PlaceParams(object="beaker_2", target="hotplate"),
    ),
    "E2021": steps(PIPETTE, TIP, water(50), into_a1(100)),
    "E2022": steps(PressButtonParams(device="hotplate")),
    "E2023": steps(OpenDoorParams(device="oven"), PressButtonParams(device="oven", setpoint_c=100)),
    "E2024": steps(PickParams(object="beaker_1"), PourParams(source="beaker_1", target="beaker_1")),
    "E2025": lowering(
        TransferOp(volume_ul=50, source="beaker_1", target="beaker_2"),
        [Declaration(name="b", type="beaker_50ml")],
    ),
    "E2026": lowering(TransferOp(volume_ul=500, source="beaker", target="beaker"), P1000_ONLY),
    "E2027": lowering(
        TransferOp(
            volume_ul=50,
            source="plate",
            source_wells=["A1", "A2"],
            target="plate",
            target_wells=["B1", "B2", "B3"],
        )
    ),
    "W2001": at_end(PressButtonParams(device="stirrer")),
    "W2002": at_end(OpenDoorParams(device="oven")),
    "W2003": at_end(PIPETTE, TIP, water(50)),
    "W2004": steps(
        PIPETTE,
        TIP,
        water(50),
        into_a1(50),
        AspirateParams(pipette="pipette", source="reservoir", well="A2", volume_ul=50),
    ),
    "W2005": steps(PIPETTE, TIP, water(50), DropTipParams(pipette="pipette")),
    "W2006": at_end(PickParams(object="beaker_1")),
}


def test_every_code_has_a_fixture() -> None:
    assert set(FIXTURES) == set(CODES)


@pytest.mark.parametrize("code", sorted(FIXTURES))
def test_code_is_raised_by_its_fixture(code: str, state: LabState) -> None:
    found = FIXTURES[code](state)
    matching = [v for v in found if v.code == code]
    assert matching, f"{code} not raised; got {[(v.code, v.message) for v in found]}"
    expected = "error" if code.startswith("E") else "warning"
    assert all(v.severity == expected and v.message and v.hint == CODES[code].hint for v in matching)
