"""Preconditions and effects of the skills that move liquid: pour, shake, stir and pipetting."""

from __future__ import annotations

import pytest

from skills.aspirate import AspirateParams
from skills.close_drawer import CloseDrawerParams
from skills.dispense import DispenseParams
from skills.drop_tip import DropTipParams
from skills.open_drawer import OpenDrawerParams
from skills.pick import PickParams
from skills.pick_up_tip import PickUpTipParams
from skills.place import PlaceParams
from skills.pour import PourParams
from skills.registry import SKILLS
from skills.shake import ShakeParams
from skills.state import LabState
from skills.stir import StirParams
from tests.skills.conftest import codes, run

HOLD_PIPETTE = (PickParams(object="pipette"), PickUpTipParams(pipette="pipette", rack="tips"))


def test_pour_moves_a_volume_and_everything_when_unspecified(state: LabState) -> None:
    run(
        state,
        PickParams(object="beaker_1"),
        PourParams(source="beaker_1", target="beaker_2", volume_ul=30000),
    )
    assert state.objects["beaker_1"].contents == {"water": 70000}
    assert state.objects["beaker_2"].contents == {"water": 30000}
    result = run(state, PourParams(source="beaker_1", target="flask_1"))
    assert result.params.volume_ul == 70000  # resolved from the state
    assert state.objects["beaker_1"].contents == {}
    assert state.objects["flask_1"].contents == pytest.approx({"buffer": 80000, "water": 70000})


@pytest.mark.parametrize(
    ("target", "volume", "code"),
    [("flask_1", 180000.0, "E2001"), ("plate", 1000.0, "E2010"), ("beaker_2", 200000.0, "E2002")],
)
def test_pour_refusals(state: LabState, target: str, volume: float, code: str) -> None:
    result = run(
        state, PickParams(object="beaker_1"), PourParams(source="beaker_1", target=target, volume_ul=volume)
    )
    assert code in codes(result) and state.objects["beaker_1"].contents == {"water": 100000}


def test_pour_needs_the_source_in_hand(state: LabState) -> None:
    assert codes(run(state, PourParams(source="beaker_1", target="beaker_2"))) == ["E2011"]
    result = run(state, PickParams(object="rod"), PourParams(source="rod", target="beaker_2"))
    assert "E2010" in codes(result)


def test_shake_needs_the_object_in_hand_and_changes_no_liquid(state: LabState) -> None:
    assert codes(run(state, ShakeParams(object="flask_1"))) == ["E2011"]
    before = state.model_dump()
    result = run(state, PickParams(object="flask_1"), ShakeParams(object="flask_1", duration_s=30))
    assert result.applied and state.objects["flask_1"].contents == before["objects"]["flask_1"]["contents"]
    assert SKILLS["shake"].duration_s(result.params) == 30


def test_stir_needs_a_held_rod_and_a_vessel(state: LabState) -> None:
    assert codes(run(state, StirParams(container="beaker_1", rod="rod"))) == ["E2011"]
    assert run(state, PickParams(object="rod"), StirParams(container="beaker_1", rod="rod")).applied
    assert codes(run(state, StirParams(container="plate", rod="rod"))) == ["E2010"]
    run(state, PlaceParams(object="rod", target="bench/x", relation="at"), PickParams(object="pipette"))
    assert "E2010" in codes(run(state, StirParams(container="beaker_1", rod="pipette")))


def test_pick_up_tip_takes_the_next_free_position(state: LabState) -> None:
    result = run(state, *HOLD_PIPETTE)
    assert result.params.well == "A1" and state.pipettes["pipette"].tip == ("tips", "A1")
    run(state, DropTipParams(pipette="pipette"))
    state.tipracks["tips"].used.add("A2")
    assert run(state, PickUpTipParams(pipette="pipette", rack="tips")).params.well == "A3"
    assert state.tipracks["tips"].used == {"A1", "A2", "A3"}


def test_pick_up_tip_needs_the_pipette_in_hand(state: LabState) -> None:
    assert codes(run(state, PickUpTipParams(pipette="pipette", rack="tips"))) == ["E2011"]
    assert "E2010" in codes(
        run(state, PickParams(object="beaker_1"), PickUpTipParams(pipette="beaker_1", rack="tips"))
    )


def test_aspirate_and_dispense_move_liquid_through_the_tip(state: LabState) -> None:
    run(state, *HOLD_PIPETTE, AspirateParams(pipette="pipette", source="reservoir", well="A1", volume_ul=120))
    pipette = state.pipettes["pipette"]
    assert pipette.tip_contents == {"water": 120} and pipette.tip_dirty
    assert state.objects["reservoir"].wells["A1"] == {"water": 9880}
    run(state, DispenseParams(pipette="pipette", target="plate", well="H12", volume_ul=100))
    assert state.objects["plate"].wells["H12"] == pytest.approx({"dye": 15, "water": 100})
    assert pipette.tip_contents == pytest.approx({"water": 20})
    assert pipette.tip_liquids == {"water", "dye"}  # the tip touched the dye while dispensing


def test_aspirate_into_a_partly_filled_tip_respects_the_range(state: LabState) -> None:
    water = AspirateParams(pipette="pipette", source="reservoir", well="A1", volume_ul=150)
    run(state, *HOLD_PIPETTE, water)
    assert codes(run(state, water)) == ["E2004"]


def test_pipetting_from_a_vessel_needs_no_well(state: LabState) -> None:
    run(state, *HOLD_PIPETTE, AspirateParams(pipette="pipette", source="beaker_1", volume_ul=200))
    assert state.pipettes["pipette"].tip_contents == {"water": 200}
    assert codes(
        run(state, DispenseParams(pipette="pipette", target="beaker_2", well="A1", volume_ul=10))
    ) == ["E2017"]
    assert run(state, DispenseParams(pipette="pipette", target="beaker_2", volume_ul=200)).applied


def test_drop_tip_discards_into_waste(state: LabState) -> None:
    run(state, *HOLD_PIPETTE, AspirateParams(pipette="pipette", source="reservoir", well="A2", volume_ul=40))
    result = run(state, DropTipParams(pipette="pipette"))
    assert codes(result) == ["W2005"] and result.applied
    pipette = state.pipettes["pipette"]
    assert pipette.tip is None and pipette.tip_contents == {} and not pipette.tip_dirty
    assert state.waste == {"sample": 40}
    assert codes(run(state, DropTipParams(pipette="pipette"))) == ["E2013"]


def test_closed_device_hides_its_contents_from_pipetting(state: LabState) -> None:
    run(
        state,
        OpenDrawerParams(device="cabinet"),
        PickParams(object="beaker_2"),
        PlaceParams(object="beaker_2", target="cabinet", relation="in"),
        CloseDrawerParams(device="cabinet"),
        *HOLD_PIPETTE,
    )
    result = run(state, DispenseParams(pipette="pipette", target="beaker_2", volume_ul=20))
    assert codes(result) == ["E2019"]


def test_usage_names_objects_and_liquid_flow() -> None:
    usage = SKILLS["aspirate"].uses(AspirateParams(pipette="p", source="r", well="A1", volume_ul=5))
    assert usage.objects == {"p", "r"} and usage.liquid_from == {"r"} and usage.liquid_to == {"p"}
    usage = SKILLS["pour"].uses(PourParams(source="a", target="b"))
    assert usage.liquid_from == {"a"} and usage.liquid_to == {"b"}
    assert SKILLS["place"].uses(PlaceParams(object="a", target="bench/x")).objects == {"a"}
    assert SKILLS["place"].uses(PlaceParams(object="a", target="hotplate")).objects == {"a", "hotplate"}
