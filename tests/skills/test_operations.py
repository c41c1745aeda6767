"""Lowering of each operation: the skills it emits, and that they run cleanly where they should."""

from __future__ import annotations

import pytest

from skills.execution import run_skill
from skills.operations import (
    HeatOp,
    LoweringError,
    MixOp,
    PutOp,
    TakeOp,
    TransferOp,
    TransportOp,
    lower,
)
from skills.pick import PickParams
from skills.state import LabState
from tests.skills.conftest import run


def execute(state: LabState, op) -> list[str]:
    """Lower and run `op`; every node must apply without errors. Returns the skill names."""
    steps = lower(op, state)
    for step in steps:
        result = run_skill(state, step)
        assert result.applied, (step, result.violations)
    return [step.skill for step in steps]


def test_transport_picks_and_places(state: LabState) -> None:
    assert execute(state, TransportOp(object="beaker_1", target="hotplate")) == ["pick", "place"]
    assert state.objects["beaker_1"].location == "hotplate" and state.objects["beaker_1"].relation == "on"
    run(state, PickParams(object="beaker_2"))
    assert execute(state, TransportOp(object="beaker_2", target="bench/far")) == ["place"]
    assert state.objects["beaker_2"].relation == "at"


def test_transfer_once_one_to_many(state: LabState) -> None:
    op = TransferOp(
        volume_ul=50, source="reservoir", source_wells=["A1"], target="plate", target_wells=["A1", "A2", "A3"]
    )
    names = execute(state, op)
    assert names == ["pick", "pick_up_tip"] + ["aspirate", "dispense"] * 3 + ["drop_tip", "place"]
    assert all(state.objects["plate"].wells[w] == {"water": 50} for w in ("A1", "A2", "A3"))
    assert state.objects["pipette"].location == "bench/stand" and state.arms[0].holding is None
    assert state.tipracks["tips"].used == {"A1"}


def test_transfer_always_takes_a_tip_per_target_and_pairs_wells(state: LabState) -> None:
    op = TransferOp(
        volume_ul=30,
        source="reservoir",
        source_wells=["A1", "A2"],
        target="plate",
        target_wells=["B1", "B2"],
        new_tip="always",
    )
    names = execute(state, op)
    assert names.count("pick_up_tip") == 2 and names.count("drop_tip") == 2
    assert state.objects["plate"].wells["B2"] == {"sample": 30}
    assert state.tipracks["tips"].used == {"A1", "A2"}


def test_transfer_never_keeps_the_current_tip(state: LabState) -> None:
    execute(
        state,
        TransferOp(
            volume_ul=50, source="reservoir", source_wells=["A1"], target="plate", target_wells=["C1"]
        ),
    )
    steps = lower(
        TransferOp(volume_ul=50, source="beaker_1", target="plate", target_wells=["C2"], new_tip="never"),
        state,
    )
    assert [s.skill for s in steps] == ["pick", "aspirate", "dispense", "place"]
    assert run_skill(state, steps[0]).applied
    assert [v.code for v in run_skill(state, steps[1]).violations] == ["E2013"]  # the tip was dropped before


def test_transfer_splits_volumes_above_the_pipette_maximum(state: LabState) -> None:
    op = TransferOp(
        volume_ul=500, source="reservoir", source_wells=["A1"], target="beaker_2", pipette="pipette"
    )
    steps = lower(op, state)
    aspirates = [s for s in steps if s.skill == "aspirate"]
    assert len(aspirates) == 3 and all(s.volume_ul == pytest.approx(500 / 3) for s in aspirates)
    execute(state, op)
    assert state.objects["beaker_2"].contents == pytest.approx({"water": 500})


def test_transfer_chooses_the_pipette_that_fits(state: LabState) -> None:
    def pipette_for(volume: float) -> str:
        steps = lower(TransferOp(volume_ul=volume, source="beaker_1", target="beaker_2"), state)
        return next(s.pipette for s in steps if s.skill == "aspirate")

    assert pipette_for(5) == "p20"
    assert pipette_for(20) == "p20"  # both p20 and p200 cover 20 uL: the more precise one
    assert pipette_for(150) == "pipette"
    assert pipette_for(800) == "p1000"
    assert pipette_for(5000) == "p1000"
    assert pipette_for(1) == "p20"  # too small for all: aspirate will report E2004


def test_transfer_moves_to_the_next_rack_when_one_runs_out(state: LabState) -> None:
    state.pipettes["p20"].tips = None
    state.objects["tips_b"] = state.objects["tips"].clone()
    state.tipracks["tips_b"] = state.tipracks["tips"].clone()
    state.tipracks["tips"].used = set(state.type_of("tips").wells.names()[:-1])  # one tip left
    op = TransferOp(
        volume_ul=10,
        source="beaker_1",
        target="plate",
        target_wells=["A1", "A2"],
        new_tip="always",
        pipette="p20",
    )
    racks = [s.rack for s in lower(op, state) if s.skill == "pick_up_tip"]
    assert racks == ["tips", "tips_b"]


def test_transfer_mixing_cycles_in_the_target(state: LabState) -> None:
    op = TransferOp(
        volume_ul=100,
        source="reservoir",
        source_wells=["A2"],
        target="plate",
        target_wells=["D1"],
        mix_times=3,
    )
    steps = lower(op, state)
    mixing = [
        s
        for s in steps
        if getattr(s, "source", None) == "plate" or (s.skill == "dispense" and s.volume_ul == 50)
    ]
    assert len(mixing) == 6 and all(s.well == "D1" and s.volume_ul == 50 for s in mixing)
    execute(state, op)
    assert state.objects["plate"].wells["D1"] == pytest.approx({"sample": 100})


@pytest.mark.parametrize(
    ("op", "code"),
    [
        (
            TransferOp(
                volume_ul=5,
                source="plate",
                source_wells=["A1", "A2"],
                target="plate",
                target_wells=["B1", "B2", "B3"],
            ),
            "E2027",
        ),
        (TransferOp(volume_ul=5, source="beaker_1", target="beaker_2", pipette="beaker_1"), "E2010"),
        (MixOp(container="beaker_1", tool="nothing"), "E2009"),
        (MixOp(container="beaker_1", tool="hotplate"), "E2010"),
    ],
)
def test_lowering_errors(state: LabState, op, code: str) -> None:
    with pytest.raises(LoweringError) as info:
        lower(op, state)
    assert info.value.violation.code == code


def test_heat_on_a_hotplate(state: LabState) -> None:
    names = execute(state, HeatOp(object="beaker_1", heater="hotplate", temperature_c=60, duration_s=300))
    assert names == ["pick", "place", "press_button", "wait", "press_button"]
    assert state.objects["beaker_1"].temperature_c == 60 and not state.devices["hotplate"].on
    again = lower(HeatOp(object="beaker_1", heater="hotplate", temperature_c=80, duration_s=60), state)
    assert [s.skill for s in again] == ["press_button", "wait", "press_button"]  # already on the plate


def test_heat_switches_a_running_heater_off_first(state: LabState) -> None:
    run(state, PickParams(object="beaker_1"))
    state.devices["hotplate"].on, state.devices["hotplate"].setpoint_c = True, 40.0
    steps = lower(HeatOp(object="beaker_1", heater="hotplate", temperature_c=90, duration_s=60), state)
    assert [s.skill for s in steps] == ["place", "press_button", "press_button", "wait", "press_button"]
    assert steps[2].setpoint_c == 90 and steps[1].setpoint_c is None


def test_heat_in_a_drying_box_opens_and_closes_it(state: LabState) -> None:
    names = execute(state, HeatOp(object="beaker_2", heater="oven", temperature_c=105, duration_s=600))
    assert names == ["open_door", "pick", "place", "close_door", "press_button", "wait", "press_button"]
    assert state.objects["beaker_2"].temperature_c == 105


def test_heat_above_the_maximum_fails_at_the_button(state: LabState) -> None:
    steps = lower(HeatOp(object="beaker_1", heater="hotplate", temperature_c=400, duration_s=60), state)
    for step in steps[:2]:
        run_skill(state, step)
    assert [v.code for v in run_skill(state, steps[2]).violations] == ["E2007"]


def test_mix_stirs_with_the_declared_rod(state: LabState) -> None:
    names = execute(state, MixOp(container="beaker_1", times=4))
    assert names == ["pick", "stir", "place"]
    assert state.objects["rod"].location == "bench/rod_stand"
    assert lower(MixOp(container="beaker_1", times=4), state)[1].duration_s == 8


def test_mix_shakes_by_hand_without_a_rod(state: LabState) -> None:
    del state.objects["rod"]
    assert execute(state, MixOp(container="flask_1", duration_s=20)) == ["pick", "shake", "place"]
    assert state.objects["flask_1"].location == "bench/back"


def test_mix_on_a_device(state: LabState) -> None:
    names = execute(state, MixOp(container="flask_1", tool="shaker", duration_s=60))
    assert names == ["pick", "place", "press_button", "wait", "press_button", "pick", "place"]
    assert state.objects["flask_1"].location == "bench/back" and not state.devices["shaker"].on


def test_put_and_take(state: LabState) -> None:
    assert execute(state, PutOp(object="beaker_2", device="cabinet")) == [
        "open_drawer",
        "pick",
        "place",
        "close_drawer",
    ]
    assert state.closed_enclosure("beaker_2") == "cabinet"
    names = execute(state, TakeOp(object="beaker_2", device="cabinet", target="bench/center"))
    assert names == ["open_drawer", "pick", "place", "close_drawer"]
    assert state.objects["beaker_2"].location == "bench/center"
    assert execute(state, PutOp(object="tube_1", device="centrifuge")) == [
        "open_door",
        "pick",
        "place",
        "close_door",
    ]
    # With nothing to put it on, the tube is still in hand at the door: the compiler sets it down for
    # the closing (tests/compiler/test_free_hand.py); the lowering alone leaves that to it.
    steps = lower(TakeOp(object="tube_1", device="centrifuge"), state)
    assert [s.skill for s in steps] == ["open_door", "pick", "close_door"]


def test_put_with_the_object_already_in_hand_fails_at_the_door(state: LabState) -> None:
    run(state, PickParams(object="beaker_2"))
    steps = lower(PutOp(object="beaker_2", device="oven"), state)
    assert [s.skill for s in steps] == ["open_door", "place", "close_door"]
    assert [v.code for v in run_skill(state, steps[0]).violations] == ["E2005"]
