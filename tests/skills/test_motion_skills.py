"""Preconditions and effects of the skills that move things: pick, place, doors, drawers, buttons, wait."""

from __future__ import annotations

import pytest

from skills.close_door import CloseDoorParams
from skills.close_drawer import CloseDrawerParams
from skills.open_door import OpenDoorParams
from skills.open_drawer import OpenDrawerParams
from skills.pick import PickParams
from skills.place import PlaceParams
from skills.press_button import PressButtonParams
from skills.registry import SKILLS
from skills.state import AMBIENT_C, LabState
from skills.wait import WaitParams
from tests.skills.conftest import codes, run


def test_pick_holds_and_lifts(state: LabState) -> None:
    result = run(state, PickParams(object="beaker_1", arm=1))
    assert result.applied and result.violations == []
    assert state.arms[1].holding == "beaker_1" and state.holder_of("beaker_1") == 1
    assert state.objects["beaker_1"].location is None


def test_pick_refuses_a_second_object_and_leaves_state_alone(state: LabState) -> None:
    run(state, PickParams(object="beaker_1"))
    before = state.model_dump()
    result = run(state, PickParams(object="flask_1"))
    assert codes(result) == ["E2005"] and not result.applied
    assert state.model_dump() == before


def test_pick_from_a_missing_arm(state: LabState) -> None:
    assert codes(run(state, PickParams(object="beaker_1", arm=2))) == ["E2009"]


def test_place_on_bench_spot_and_device(state: LabState) -> None:
    run(
        state,
        PickParams(object="beaker_1"),
        PlaceParams(object="beaker_1", target="bench/middle", relation="at"),
    )
    assert state.objects["beaker_1"].location == "bench/middle" and state.arms[0].holding is None
    run(
        state, PickParams(object="beaker_1"), PlaceParams(object="beaker_1", target="hotplate", relation="on")
    )
    assert state.occupants("hotplate") == ["beaker_1"] and state.objects["beaker_1"].relation == "on"


@pytest.mark.parametrize(
    ("target", "relation", "code"),
    [
        ("beaker_2", "on", "E2010"),
        ("bench/x", "in", "E2010"),
        ("beaker_1", "on", "E2024"),
        ("cabinet", "in", "E2006"),
    ],
)
def test_place_refusals(state: LabState, target: str, relation: str, code: str) -> None:
    result = run(
        state, PickParams(object="beaker_1"), PlaceParams(object="beaker_1", target=target, relation=relation)
    )
    assert code in codes(result)


def test_place_into_open_drying_box_and_take_back_out(state: LabState) -> None:
    run(
        state,
        OpenDoorParams(device="oven"),
        PickParams(object="beaker_2"),
        PlaceParams(object="beaker_2", target="oven", relation="in"),
        CloseDoorParams(device="oven"),
    )
    assert state.closed_enclosure("beaker_2") == "oven"
    result = run(state, OpenDoorParams(device="oven"), PickParams(object="beaker_2"))
    assert result.applied and state.arms[0].holding == "beaker_2"


@pytest.mark.parametrize(
    ("opener", "closer", "device", "flag"),
    [
        (OpenDoorParams, CloseDoorParams, "oven", "door_open"),
        (OpenDoorParams, CloseDoorParams, "centrifuge", "door_open"),  # a lid is a door here
        (OpenDrawerParams, CloseDrawerParams, "cabinet", "drawer_open"),
    ],
)
def test_open_and_close(state: LabState, opener, closer, device: str, flag: str) -> None:
    run(state, opener(device=device))
    assert getattr(state.devices[device], flag) is True
    assert codes(run(state, opener(device=device))) == ["E2018"]
    run(state, closer(device=device))
    assert getattr(state.devices[device], flag) is False


def test_working_a_handle_needs_a_free_gripper(state: LabState) -> None:
    """Opening and closing both grasp the handle: a held beaker would be dropped (the compiler sets it
    down first, tests/compiler/test_free_hand.py)."""
    run(state, OpenDoorParams(device="oven"), PickParams(object="beaker_1"))
    assert codes(run(state, CloseDoorParams(device="oven"))) == ["E2005"]
    run(state, PlaceParams(object="beaker_1", target="bench/slot9", relation="at"))
    assert run(state, CloseDoorParams(device="oven")).applied
    run(state, PickParams(object="beaker_1"))
    assert codes(run(state, OpenDoorParams(device="oven"))) == ["E2005"]
    assert codes(run(state, OpenDrawerParams(device="oven"))) == ["E2010"]
    assert codes(run(state, OpenDoorParams(device="cabinet"))) == ["E2010"]


def test_press_button_toggles_with_setpoint(state: LabState) -> None:
    run(state, PressButtonParams(device="hotplate", setpoint_c=80))
    assert state.devices["hotplate"].on and state.devices["hotplate"].setpoint_c == 80
    assert codes(run(state, PressButtonParams(device="hotplate", setpoint_c=90))) == ["E2022"]
    run(state, PressButtonParams(device="hotplate"))
    assert not state.devices["hotplate"].on and state.devices["hotplate"].setpoint_c is None
    run(state, PressButtonParams(device="shaker"))
    assert state.devices["shaker"].on
    assert codes(run(state, PressButtonParams(device="stirrer", setpoint_c=30))) == ["E2022"]
    assert codes(run(state, PressButtonParams(device="cabinet"))) == ["E2010"]


def test_heater_maximum_is_inclusive(state: LabState) -> None:
    assert run(state, PressButtonParams(device="hotplate", setpoint_c=340)).applied
    assert codes(run(state, PressButtonParams(device="oven", setpoint_c=251))) == ["E2007"]


def test_wait_heats_what_sits_on_an_active_heater(state: LabState) -> None:
    run(
        state,
        PickParams(object="beaker_1"),
        PlaceParams(object="beaker_1", target="hotplate"),
        PressButtonParams(device="stirrer"),
        PressButtonParams(device="hotplate", setpoint_c=60),
    )
    assert state.objects["beaker_1"].temperature_c == AMBIENT_C
    run(state, WaitParams(duration_s=300))
    assert state.objects["beaker_1"].temperature_c == 60
    assert state.objects["flask_1"].temperature_c == AMBIENT_C


def test_durations_and_names() -> None:
    assert SKILLS["wait"].duration_s(WaitParams(duration_s=42)) == 42
    assert SKILLS["pick"].duration_s(PickParams(object="x")) == SKILLS["pick"].default_duration_s > 0
    for name, skill in SKILLS.items():
        assert skill.predicate == skill.expert == name
