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


def _overlaps(a, b) -> bool:
    return abs(a.x - b.x) < a.half_x + b.half_x and abs(a.y - b.y) < a.half_y + b.half_y


def test_an_opening_door_sweeps_a_door_width_in_front_of_its_box(door_model) -> None:
    """The swept boxes reach further towards the arm than the closed box's footprint (which allows
    5 cm for the handle), and further the more the handle travels."""
    from labsim.scene_builder import lay_out
    from labsim.sweep import swept_boxes

    closed = lay_out(DOOR)[0]
    short = swept_boxes(door_model.env, "drying_box", "door", 0.05)
    long = swept_boxes(door_model.env, "drying_box", "door", 0.20)
    front = closed.x - closed.half_x  # the arm stands at x = 0, the box's front faces it
    assert min(b.x - b.half_x for b in long) < min(b.x - b.half_x for b in short) < front + 0.01
    assert min(b.x - b.half_x for b in long) < front - 0.10


@pytest.mark.parametrize("split", ["id", "ood"])
def test_distractors_are_laid_out_clear_of_the_door_arc(split: str) -> None:
    """Distractors used to take the first free sites, the same in every draw, and a tube rack there
    stopped a drying box's door a quarter open (2 in 10 ood open_close scenes on a Franka). Now every
    draw's distractors stand clear of where the worked door swings, which the first free sites do not
    in some of the same draws."""
    import numpy as np

    from labsim.scene_builder import lay_out
    from robogenesis.arrangement import _reach
    from robogenesis.randomize import apply_domain, sample_domain

    scene = SceneSpec(
        labware=[LabwareSpec(name="drying_box", type="drying_box")], cameras=[], robots=["franka"]
    )
    blocked_before = 0
    for seed in range(8):
        sample = sample_domain(scene, split, np.random.default_rng([seed, 0]), worked=WORKED)
        arc = _reach(scene, WORKED).swept(sample.placement, sample.yaw)
        placed = {p.name: p for p in lay_out(apply_domain(scene, sample))}
        for d in sample.clutter:
            assert d.site is not None
            assert not any(_overlaps(placed[d.name], box) for box in arc), (seed, d)
        first_free = apply_domain(
            scene,
            sample.model_copy(
                update={"clutter": [d.model_copy(update={"site": None}) for d in sample.clutter]}
            ),
        )
        old = {p.name: p for p in lay_out(first_free)}
        blocked_before += any(_overlaps(old[d.name], box) for d in sample.clutter for box in arc)
    assert blocked_before > 0


@pytest.mark.parametrize(
    ("robot", "labware", "shifts", "yaws", "refused"),
    [
        # A beaker 0.88 m from a UR5's base: grasp and 10 cm above it in reach, its 15-17 cm lift not.
        ("ur5", [("beaker", "beaker_250ml", "bench/left")], {"beaker": (0.132, 0.132)}, {}, "beaker"),
        # A rod 24 cm from a Franka's base: reached only folded so far that the arm cannot rise.
        (
            "franka",
            [("beaker", "beaker_250ml", "bench/center"), ("rod", "glass_rod", "bench/rack")],
            {"beaker": (-0.007, 0.112), "rod": (-0.120, 0.102)},
            {"rod": -0.549},
            "rod",
        ),
        # The same rod on a UR5: its grasp has a clear branch, 4 mm nearer the base (the expert's
        # grasp jitter) none.
        (
            "ur5",
            [("beaker", "beaker_250ml", "bench/center"), ("rod", "glass_rod", "bench/rack")],
            {"beaker": (-0.007, 0.112), "rod": (-0.120, 0.102)},
            {"rod": -0.549},
            "rod",
        ),
    ],
)
def test_a_grasp_the_arm_cannot_lift_from_is_refused(robot, labware, shifts, yaws, refused) -> None:
    """Draws the sampler used to keep (ood transport_beaker seed 40071 on a UR5, ood stir_glassrod
    seed 40008 on a Franka and on a UR5); the pick expert then found no way to lift, or (the UR5's
    rod) no way down. The nominal layout still passes."""
    from robogenesis.reach import ReachModel

    scene = SceneSpec(
        labware=[LabwareSpec(name=n, type=t, site=site) for n, t, site in labware], cameras=[], robots=[robot]
    )
    model = ReachModel(scene.model_dump_json(), robot)
    problem = model.problem(shifts, yaws)
    assert problem is not None and problem.startswith(f"{refused}: the arm cannot lift"), problem
    assert model.problem({}, {}) is None


def test_labware_under_the_open_hand_at_reset_is_refused() -> None:
    """A UR5's hand rests 15 cm above the bench; a beaker whose top comes within a few cm of the open
    fingers, right under them, is refused (a 100 mL distractor there was carried off between the
    fingers and dropped onto the beaker to pick, ood pour_liquid seed 74007). A low item under the hand,
    or a tall one 20 cm aside, is not; a reset pose that lowers the hand can make the same beaker a
    problem."""
    from labdata.deck import BENCH_TOP_Z, Placement
    from robogenesis.reach import ReachModel

    model = ReachModel(SceneSpec(labware=[], cameras=[]).model_dump_json(), "ur5")
    tool = model._tool_at(())

    def beaker(dx: float) -> list[Placement]:
        return [Placement(name="b", site="", x=tool[0] + dx, y=tool[1], half_x=0.035, half_y=0.035)]

    tall, low = {"b": float(tool[2]) - 0.03}, {"b": BENCH_TOP_Z + 0.03}
    found = model.hand_problem(beaker(0.0), tall)
    assert found is not None and "over b" in found
    assert model.hand_problem(beaker(0.0), low) is None
    assert model.hand_problem(beaker(0.20), tall) is None
    lowered = (0.0, 0.12, 0.12, 0.0, 0.0, 0.0)  # shoulder and elbow bent: the hand drops ~10 cm
    assert float(model._tool_at(lowered)[2]) < float(tool[2]) - 0.05
    clear_at_home = {"b": float(tool[2]) - 0.07}
    assert model.hand_problem(beaker(0.0), clear_at_home) is None
    assert model.hand_problem(beaker(0.0), clear_at_home, lowered) is not None
