"""Bench episodes the expert used to fail, run as `labc run --policy expert` runs them (same seeds,
same scene randomization, the safety monitor on), each named for the bug it caught."""

from __future__ import annotations

from pathlib import Path

import pytest

from labc.runtime.episode import EpisodeSpec, run_episode
from labc.runtime.executor import RunOptions

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "labutopia"

# These seeds were recorded under the old 0-3 cm placement; the LabUtopia-scale ranges (20 x 20 cm,
# turned devices, reset noise) draw other scenes at them, where the expert does not yet succeed
# (issue "A bench that needs eyes", item 2). Strict: a pass here means the mark must go.
WIDE_RANGES = pytest.mark.xfail(
    strict=True, reason="the expert does not yet solve this seed's scene under the wide ranges"
)


def _run(task: str, robot: str, seed: int, split: str = "id"):
    from labc.runtime.policies import ExpertPolicy
    from robogenesis.compose import load_compiled

    compiled = load_compiled(EXAMPLES / f"{task}.lab", robot)
    return run_episode(
        compiled, ExpertPolicy(), EpisodeSpec(robot=robot, seed=seed, split=split), RunOptions(max_retries=0)
    )


@WIDE_RANGES  # close_drawer does not hold
def test_ur5_works_door_and_drawer_in_its_own_arm_branch() -> None:
    """A random IK restart put the UR5's elbow down at the door; the free move to the drawer then
    swung the tool round behind the base and the monitor stopped the run (workspace)."""
    result = _run("level2/open_close", "ur5", 943402008)
    assert result.completed, [(n.id, n.reason, n.detail) for n in result.nodes if not n.success]


@pytest.mark.parametrize(("task", "seed"), [("level1/shake", 1907698653), ("level2/pour_liquid", 139695353)])
def test_ur5_grasp_jitter_keeps_the_fingertips_off_the_rim(task: str, seed: int) -> None:
    """Jitter along the finger axis put an open Robotiq fingertip on a 70 mm beaker's rim; closing
    squeezed the beaker out of the hand."""
    result = _run(task, "ur5", seed)
    assert result.completed, [(n.id, n.reason, n.detail) for n in result.nodes if not n.success]


@pytest.mark.slow
@WIDE_RANGES  # the rod slips out of the grasp (pick does not hold)
def test_a_rod_goes_back_onto_its_shifted_rest() -> None:
    """Aimed at the nominal bench spot, not at the rest an ood shift had moved 1.5 cm, the rod
    landed on a ridge of its rest and rolled off."""
    result = _run("level2/stir_glassrod", "franka", 1676402287, "ood")
    assert result.completed, [(n.id, n.reason, n.detail) for n in result.nodes if not n.success]


@pytest.mark.slow
@WIDE_RANGES  # IK misses a stir waypoint by 7 mm
def test_a_low_goal_beside_the_base_is_reached_in_the_branch_planned_from_it() -> None:
    """After a free move above the rod's rest beside a Franka's base, the straight way down needed a
    joint flip half way; the descent is now planned upwards from the goal's own solution."""
    result = _run("level2/stir_glassrod", "franka", 106, "ood")
    assert result.completed, [(n.id, n.reason, n.detail) for n in result.nodes if not n.success]


@pytest.mark.slow
def test_the_hand_leaves_a_rest_beside_the_base_the_way_it_came() -> None:
    """Having let go of the rod on its rest beside a Franka's base, the straight way back up needed
    a joint flip; the hand now backs out along the way it came down."""
    result = _run("level2/stir_glassrod", "franka", 113, "ood")
    assert result.completed, [(n.id, n.reason, n.detail) for n in result.nodes if not n.success]
