"""The sampler's feasibility check for devices: the expert's own plan on the moved device."""

from __future__ import annotations

import pytest

from labsim.scene_spec import LabwareSpec, SceneSpec

DOOR = SceneSpec(labware=[LabwareSpec(name="drying_box", type="drying_box")], cameras=[])
WORKED = (("open_door", "drying_box"),)


@pytest.fixture(scope="module")
def door_model():
    from robogenesis.reach import ReachModel

    return ReachModel(DOOR.model_dump_json(), "franka", WORKED)


@pytest.mark.slow
def test_the_door_expert_plans_on_the_nominal_and_a_turned_box(door_model) -> None:
    assert door_model.problem({}, {}) is None
    assert door_model.problem({"drying_box": (0.0, 0.08)}, {"drying_box": 0.2}) is None


@pytest.mark.slow
def test_a_box_pushed_into_the_arm_or_out_of_reach_is_refused(door_model) -> None:
    """10 cm nearer, the box stands where the arm's links are at reset; 60 cm further, the handle is
    out of reach. Both are refused with the reason, and the box is back where it was afterwards."""
    near = door_model.problem({"drying_box": (-0.10, 0.0)}, {})
    assert near is not None and "reset pose touches" in near and "drying_box" in near
    far = door_model.problem({"drying_box": (0.6, 0.0)}, {})
    assert far is not None and far.startswith("drying_box: open_door:")
    assert door_model.problem({}, {}) is None


def test_only_the_devices_the_protocol_works_are_planned() -> None:
    """Without the open_door node the box's door is not the sampler's business: its handle moved 60 cm
    out of reach does not refuse the draw."""
    from robogenesis.reach import ReachModel

    model = ReachModel(DOOR.model_dump_json(), "franka")
    assert model.devices == {}
    assert model.problem({"drying_box": (0.6, 0.0)}, {}) is None
