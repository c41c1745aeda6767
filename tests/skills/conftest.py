"""A bench with one of nearly everything, and helpers to run skills on it."""

from __future__ import annotations

import pytest

from skills.execution import StepResult, run_skill
from skills.registry import SkillParams
from skills.state import Declaration, LabState

BENCH = [
    Declaration(name="tips", type="tiprack_200ul", location="bench/slot1"),
    Declaration(name="big_tips", type="tiprack_1000ul", location="bench/slot4"),
    Declaration(
        name="reservoir",
        type="reservoir_12",
        location="bench/slot2",
        contents={"A1": {"water": 10000.0}, "A2": {"sample": 2000.0}},
    ),
    Declaration(name="plate", type="plate_96", location="bench/slot3", contents={"H12": {"dye": 15.0}}),
    Declaration(
        name="beaker_1", type="beaker_250ml", location="bench/left", contents={None: {"water": 100000.0}}
    ),
    Declaration(name="beaker_2", type="beaker_250ml", location="bench/center"),
    Declaration(
        name="flask_1", type="flask_250ml", location="bench/back", contents={None: {"buffer": 80000.0}}
    ),
    Declaration(name="tube_1", type="test_tube", location="rack", contents={None: {"serum": 5000.0}}),
    Declaration(name="rack", type="tube_rack", location="bench/front"),
    Declaration(name="rod", type="glass_rod", location="bench/rod_stand"),
    Declaration(name="pipette", type="pipette_p200", location="bench/stand", tips="tips"),
    Declaration(name="p1000", type="pipette_p1000", location="bench/stand_2"),
    Declaration(name="p20", type="pipette_p20", location="bench/stand_3"),
    Declaration(name="hotplate", type="hotplate", location="bench/right"),
    Declaration(name="stirrer", type="magnetic_stirrer", location="bench/right_2"),
    Declaration(name="shaker", type="shaker", location="bench/right_3"),
    Declaration(name="oven", type="drying_box", location="bench/far_left"),
    Declaration(name="cabinet", type="cabinet", location="bench/under"),
    Declaration(name="centrifuge", type="centrifuge", location="bench/far_right"),
]


@pytest.fixture
def state() -> LabState:
    return LabState.initial(BENCH, arms=2)


def run(state: LabState, *steps: SkillParams) -> StepResult:
    """Run steps in order; every step but the last must apply cleanly. Returns the last result."""
    result = None
    for index, params in enumerate(steps):
        result = run_skill(state, params)
        if index < len(steps) - 1:
            assert result.applied and not result.violations, (params, result.violations)
    assert result is not None
    return result


def codes(result: StepResult) -> list[str]:
    return [v.code for v in result.violations]
