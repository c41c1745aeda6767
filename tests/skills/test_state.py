from __future__ import annotations

import pytest

from labdata.catalog import UnknownType
from skills.pick import PickParams
from skills.state import Declaration, DeclarationError, LabState
from tests.skills.conftest import BENCH, run


def test_initial_state_from_declarations(state: LabState) -> None:
    assert len(state.arms) == 2 and all(arm.holding is None for arm in state.arms)
    assert state.objects["beaker_1"].contents == {"water": 100000.0}
    assert state.objects["reservoir"].wells["A2"] == {"sample": 2000.0}
    assert state.objects["beaker_1"].location == "bench/left" and state.objects["beaker_1"].relation == "at"
    assert state.objects["tube_1"].location == "rack" and state.objects["tube_1"].relation == "on"
    assert state.occupants("rack") == ["tube_1"]
    assert set(state.devices) == {"hotplate", "stirrer", "shaker", "oven", "cabinet", "centrifuge"}
    assert set(state.pipettes) == {"pipette", "p1000", "p20"} and state.pipettes["pipette"].tips == "tips"
    assert set(state.tipracks) == {"tips", "big_tips"}
    assert state.total_liquid_ul() == pytest.approx(10000 + 2000 + 15 + 100000 + 80000 + 5000)


def test_state_serializes_to_json(state: LabState) -> None:
    data = state.model_dump(mode="json")
    assert data["objects"]["reservoir"]["wells"]["A1"] == {"water": 10000.0}
    assert LabState.model_validate(data).objects["beaker_1"].contents == {"water": 100000.0}


def test_copy_is_independent(state: LabState) -> None:
    snapshot = state.copy()
    run(state, PickParams(object="beaker_1"))
    state.liquid("beaker_1")["water"] = 1.0
    state.liquid("plate", "A1")["water"] = 5.0
    state.tipracks["tips"].used.add("A1")
    state.devices["hotplate"].on = True
    assert snapshot.arms[0].holding is None and snapshot.objects["beaker_1"].location == "bench/left"
    assert snapshot.objects["beaker_1"].contents == {"water": 100000.0}
    assert "A1" not in snapshot.objects["plate"].wells and not snapshot.tipracks["tips"].used
    assert not snapshot.devices["hotplate"].on
    assert snapshot.catalog is state.catalog


@pytest.mark.parametrize(
    ("declaration", "code"),
    [
        (Declaration(name="b", type="beaker_50ml", contents={None: {"water": 60000.0}}), "E2001"),
        (Declaration(name="p", type="plate_96", contents={"A1": {"water": 400.0}}), "E2001"),
        (Declaration(name="p", type="plate_96", contents={None: {"water": 10.0}}), "E2017"),
        (Declaration(name="p", type="plate_96", contents={"Z9": {"water": 10.0}}), "E2017"),
        (Declaration(name="b", type="beaker_50ml", contents={"A1": {"water": 10.0}}), "E2017"),
        (Declaration(name="r", type="glass_rod", contents={None: {"water": 10.0}}), "E2010"),
        (Declaration(name="b", type="beaker_50ml", contents={None: {"water": -1.0}}), "E2002"),
        (Declaration(name="b", type="beaker_50ml", location="beaker_1"), "E2010"),
        (Declaration(name="q", type="pipette_p200", tips="nowhere"), "E2009"),
        (Declaration(name="q", type="pipette_p200", tips="big_tips"), "E2015"),
    ],
)
def test_declaration_problems(declaration: Declaration, code: str) -> None:
    with pytest.raises(DeclarationError) as info:
        LabState.initial([*BENCH, declaration])
    assert [v.code for v in info.value.violations] == [code]


def test_two_beakers_on_a_one_slot_hotplate() -> None:
    on_plate = [Declaration(name=n, type="beaker_50ml", location="hotplate") for n in ("a", "b")]
    with pytest.raises(DeclarationError) as info:
        LabState.initial([*BENCH, *on_plate])
    assert [(v.code, v.subject) for v in info.value.violations] == [("E2020", "hotplate")]


def test_unknown_type_raises_with_suggestions() -> None:
    with pytest.raises(UnknownType) as info:
        LabState.initial([Declaration(name="x", type="hot_plate")])
    assert info.value.suggestions == ["hotplate"]


def test_object_in_a_closed_drawer_is_enclosed() -> None:
    state = LabState.initial(
        [
            Declaration(name="cab", type="cabinet"),
            Declaration(name="rack", type="tube_rack", location="cab"),
            Declaration(name="tube", type="test_tube", location="rack"),
        ]
    )
    assert state.objects["rack"].relation == "in"
    assert state.closed_enclosure("tube") == "cab"
    state.devices["cab"].drawer_open = True
    assert state.closed_enclosure("tube") is None
