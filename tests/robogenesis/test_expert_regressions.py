"""Bench episodes the expert used to fail, run as `labc run --policy expert` runs them (same seeds,
same scene randomization, the safety monitor on), each named for the bug it caught."""

from __future__ import annotations

from pathlib import Path

import pytest

from labc.runtime.episode import EpisodeSpec, run_episode
from robogenesis.runner.options import RunOptions

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "labutopia"


def _run(
    task: str,
    robot: str,
    seed: int,
    split: str = "id",
    placement: dict | None = None,
    yaw: dict | None = None,
):
    """The bench episode at `seed`; with `placement` (and `yaw`), the seed's scene with those items
    moved (and turned): a seed recorded under older ranges or an older sampler draws another scene
    now, and pinning the shift keeps the bug in view."""
    from robogenesis.compose import load_compiled
    from robogenesis.runner.policy import ExpertPolicy

    compiled = load_compiled(EXAMPLES / f"{task}.lab", robot)
    spec = EpisodeSpec(robot=robot, seed=seed, split=split)
    if placement is not None or yaw is not None:
        import numpy as np

        from robogenesis.compose import base_scene
        from robogenesis.randomize import sample_domain

        scene = base_scene(compiled, robot, [], (spec.resolution, spec.resolution))
        drawn = sample_domain(scene, split, np.random.default_rng([seed, 0]))
        spec = spec.model_copy(
            update={
                "domain": drawn.model_copy(
                    update={
                        "placement": {**drawn.placement, **(placement or {})},
                        "yaw": {**drawn.yaw, **(yaw or {})},
                    }
                )
            }
        )
    # A long stall guard: these tests are about what the expert plans, and a plan that takes over 60 s
    # of wall time on a loaded machine (CI beside a bench) is slow, not wrong. (None would call the
    # policy directly, and a PlanningError would then escape the run instead of failing its node.)
    return run_episode(compiled, ExpertPolicy(), spec, RunOptions(max_retries=0, stall_timeout_s=900.0))


def test_ur5_works_door_and_drawer_in_its_own_arm_branch() -> None:
    """A random IK restart put the UR5's elbow down at the door; the free move to the drawer then
    swung the tool round behind the base and the monitor stopped the run (workspace). Under the wide
    ranges the same seed caught a second bug: closing the drawer it had opened, the hand took the
    grasp the other way round, the wrist's half turn beside the handle knocked the drawer 4 cm further
    out, and the fingers then missed the bar."""
    result = _run("level2/open_close", "ur5", 943402008)
    assert result.completed, [(n.id, n.reason, n.detail) for n in result.nodes if not n.success]


@pytest.mark.parametrize(("task", "seed"), [("level1/shake", 1907698653), ("level2/pour_liquid", 139695353)])
def test_ur5_grasp_jitter_keeps_the_fingertips_off_the_rim(task: str, seed: int) -> None:
    """Jitter along the finger axis put an open Robotiq fingertip on a 70 mm beaker's rim; closing
    squeezed the beaker out of the hand."""
    result = _run(task, "ur5", seed)
    assert result.completed, [(n.id, n.reason, n.detail) for n in result.nodes if not n.success]


@pytest.mark.slow
def test_a_rod_goes_back_onto_its_shifted_rest() -> None:
    """Aimed at the nominal bench spot, not at the rest an ood shift had moved 1.5 cm, the rod
    landed on a ridge of its rest and rolled off. Pinned to an ood shift of 12 cm (outside the 5 cm
    within which the rest used to count as "at" its bench spot, so the place goal is the rest's)."""
    result = _run("level2/stir_glassrod", "franka", 1676402287, "ood", placement={"rod": (0.12, 0.0)})
    assert result.completed, [(n.id, n.reason, n.detail) for n in result.nodes if not n.success]


@pytest.mark.slow
def test_a_low_goal_beside_the_base_is_reached_in_the_branch_planned_from_it() -> None:
    """After a free move above the rod's rest beside a Franka's base, the straight way down needed a
    joint flip half way; the descent is now planned upwards from the goal's own solution. Under the
    wide ranges this seed's beaker lies far out (the rod held tip-down put the wrist out of reach:
    the hand now turns about the rod) and its rod rest beside the base (reached there, the arm folded
    link 5 onto its base: such branches are refused and a clear one is searched)."""
    result = _run("level2/stir_glassrod", "franka", 106, "ood")
    assert result.completed, [(n.id, n.reason, n.detail) for n in result.nodes if not n.success]


@pytest.mark.slow
def test_the_hand_leaves_a_rest_beside_the_base_the_way_it_came() -> None:
    """Having let go of the rod on its rest beside a Franka's base, the straight way back up needed
    a joint flip; the hand now backs out along the way it came down."""
    result = _run("level2/stir_glassrod", "franka", 113, "ood")
    assert result.completed, [(n.id, n.reason, n.detail) for n in result.nodes if not n.success]


def test_a_franka_pours_into_a_target_far_out_without_a_finger_under_the_lip() -> None:
    """With the target 6 cm further out, a Franka holding the beaker from above could tip it about
    neither side of the finger axis (elbow straight one way, wrist joint 6 at its limit the other),
    and the only plan left tipped it with a finger under the lip, 10 cm over the rim: the stream ran
    along the finger and every particle landed 4-5 cm beside the target. The carried wrist now turns
    further about the vertical before that axis is tried."""
    result = _run("level1/pour", "franka", 21001)
    assert result.completed, [(n.id, n.reason, n.detail) for n in result.nodes if not n.success]


def test_a_ur5_presses_a_button_beside_its_base_after_placing_on_the_far_side() -> None:
    """A hotplate shifted ood beside a UR5's base: solved from where the arm had just placed the
    beaker, the button's stand-off was found only a shoulder turn away, and the way there needed a
    joint flip or swept the tool behind the base. The press now plans its way with the stand-off,
    solves from home as well, and swings through home when the direct swing leaves the workspace."""
    result = _run("level2/heat_liquid", "ur5", 23008, "ood")
    assert result.completed, [(n.id, n.reason, n.detail) for n in result.nodes if not n.success]


@pytest.mark.slow
def test_a_second_tip_stops_at_the_first_sign_of_flow() -> None:
    """The first tip of a UR5 pour (ood seed 41006) brought 17 of the 20 particles wanted, one short
    of the predicate's 90%; the second tip went quickly back to where the first had flowed and aimed
    at the full amount, and the burst that followed its stop brought 34 (over the 150% allowed). A
    retry now returns slowly over its last 10 degrees and stops at the first sign of flow again."""
    result = _run("level2/pour_liquid", "ur5", 41006, "ood")
    assert result.completed, [(n.id, n.reason, n.detail) for n in result.nodes if not n.success]


@pytest.mark.slow
def test_a_ur5_presses_a_turned_hotplate_button_at_the_edge_of_its_reach() -> None:
    """A hotplate turned 0.44 rad beside a UR5's base (ood seed 41008): the level hand's stand-off
    lies at the edge of the arm's reach, and descent from where the arm placed the beaker, from
    home and from random restarts all missed it by 2 cm or more, though the sampler had solved it
    from its reset pose. The press now also tries the clear branches found about home."""
    result = _run("level2/heat_liquid", "ur5", 41008, "ood")
    assert result.completed, [(n.id, n.reason, n.detail) for n in result.nodes if not n.success]


@pytest.mark.slow
def test_a_rod_that_cannot_turn_where_it_was_lifted_turns_above_the_beaker() -> None:
    """Lifted off its rest beside a Franka's base (ood seed 40016, its draw pinned), the rod could be
    turned tip-down in no wrist turn there (joint flips, the wrist folded onto link 5); it is now
    carried level to above the beaker and turned there."""
    result = _run(
        "level2/stir_glassrod",
        "franka",
        40016,
        "ood",
        placement={"beaker": (0.0156, 0.1245), "rod": (-0.0528, -0.1292)},
        yaw={"rod": 0.5785},
    )
    assert result.completed, [(n.id, n.reason, n.detail) for n in result.nodes if not n.success]


@pytest.mark.slow
def test_a_stirred_rod_goes_back_with_the_hand_straight_down() -> None:
    """Stirred with the hand turned about the vertical rod (ood seed 40028, its draw pinned), the rod
    was laid back with the smallest turn, which kept that roll: the tilted hand near the rest put a
    Franka's wrist on the bench. The hand now rolls about the rod to point straight down."""
    result = _run(
        "level2/stir_glassrod",
        "franka",
        40028,
        "ood",
        placement={"beaker": (0.1183, 0.0770), "rod": (-0.1262, 0.0233)},
        yaw={"rod": 0.5607},
    )
    assert result.completed, [(n.id, n.reason, n.detail) for n in result.nodes if not n.success]


def test_the_hand_rolls_about_a_rod_to_point_down() -> None:
    """Any roll about a level rod comes back to a tool pointing straight down, rod direction kept."""
    import numpy as np

    from robogenesis.experts.motion import rot_about
    from robogenesis.experts.place import hand_down_about_rod

    rod = np.array([np.cos(0.4), np.sin(0.4), 0.05])
    down = np.diag([1.0, -1.0, -1.0])  # tool z straight down
    for roll in (0.3, -1.2, 2.5, np.pi):
        rolled = rot_about(rod, roll) @ down
        back = hand_down_about_rod(rolled, rod)
        assert float(back[:, 2] @ np.array([0.0, 0.0, -1.0])) > 0.998
        assert np.allclose(back @ rolled.T @ rod, rod)


@pytest.mark.slow
def test_franka_picks_a_beaker_beside_its_base_after_opening_a_door() -> None:
    """After opening the drying box the arm could not come down over a beaker 32 cm from the Panda's
    base in its own branch; the descent planned from the grasp up went only to the travel height, in
    a branch that could not rise to the lift's top, and the pick stopped on a PlanningError."""
    result = _run(
        "level4/device_operation",
        "franka",
        75000,
        split="ood",
        placement={"beaker": (-0.132, -0.026), "drying_box": (0.004, 0.127)},
        yaw={"drying_box": 0.184},
    )
    opened, picked = result.nodes[0], result.nodes[1]
    assert opened.success and picked.success, [(n.id, n.reason, n.detail[:200]) for n in result.nodes[:2]]
