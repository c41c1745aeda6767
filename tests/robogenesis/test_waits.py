"""Waits that cost nothing: a 30-minute wait synthesizes like a 10-second one (frames, physics steps),
the dataset marks the skipped interval, and the wait's predicate is still judged on simulated time."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import CAPPED
from tests.robogenesis.conftest import slot_job

WAIT = """\
labc: 1
protocol: {name}
robots: [franka, ur5]
labware:
  beaker: {{type: beaker_250ml, at: bench/center{contents}}}
steps:
  - wait {duration}
"""
WATER = ", contains: 50 mL water"  # liquid particles take seconds to settle; an empty beaker does not
HEAT = """\
labc 1
protocol heat_{tag} "Heat the water on the hotplate."
robots franka, ur5

labware beaker: beaker_250ml at bench/center {{ 100 mL water }}
instrument hotplate: hotplate at bench/right

heat beaker on hotplate to 80 C for {duration}
"""


def _job(path: Path, experts: str = "robogenesis.experts.registry:get_expert", cameras=()):
    return slot_job(path, experts=experts, cameras=list(cameras))


@pytest.fixture(scope="module")
def waits(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("waits")
    paths = {}
    for tag, duration in (("short", "10 s"), ("long", "30 min")):
        paths[tag] = root / f"wait_{tag}.yaml"
        paths[tag].write_text(WAIT.format(name=f"wait_{tag}", duration=duration, contents=WATER))
    paths["two"] = root / "wait_two.yaml"
    paths["two"].write_text(WAIT.format(name="wait_two", duration="30 min", contents="") + "  - wait 1 s\n")
    return paths


def _counted(monkeypatch) -> list[int]:
    """Count the control steps the simulator really steps (physics), whatever the clock says."""
    from labsim.mujoco_env import MujocoEnv

    count = [0]
    real = MujocoEnv._physics_step

    def counting(self) -> None:
        count[0] += 1
        real(self)

    monkeypatch.setattr(MujocoEnv, "_physics_step", counting)
    return count


def test_a_30_minute_wait_costs_what_a_10_second_one_does(waits, monkeypatch) -> None:
    from robogenesis.rollout import run_slot

    physics = _counted(monkeypatch)
    results = {}
    for tag in ("short", "long"):
        physics[0] = 0
        results[tag] = (run_slot(_job(waits[tag], cameras=["front"])), physics[0])
    (short, short_steps), (long, long_steps) = results["short"], results["long"]
    assert short.episode is not None and long.episode is not None
    # Same frames: one of the arm holding, one flagged wait frame standing for the rest of the wait.
    assert len(short.episode.state) == len(long.episode.state) == 2
    assert short.episode.images["front"].shape[0] == 2
    # The flagged frame carries the skipped simulated time; the predicate saw all of it.
    assert short.episode.wait_s.tolist() == pytest.approx([0.0, 10.0], abs=0.06)
    assert long.episode.wait_s.tolist() == pytest.approx([0.0, 1800.0], abs=0.06)
    assert long.sim_s == pytest.approx(1800.05, abs=0.06)
    # Physics ran only until the world was at rest (the liquid settles in a few seconds, seed by seed):
    # about the same for both, and fewer steps than the 10 s wait alone would take stepped (200).
    assert long_steps <= 2 * short_steps and long_steps < 200, (short_steps, long_steps)


def test_a_cut_short_wait_still_fails_its_predicate(waits) -> None:
    """The fast-forward advances the clock the wait predicate reads; a wait held for 5 s of 30 min
    is rejected on the predicate, whatever was skipped."""
    from robogenesis.rollout import run_slot

    result = run_slot(_job(waits["long"], experts=CAPPED))
    assert result.episode is None
    assert [(r.reason, r.node_id) for r in result.rejections] == [("predicate:wait", "n0001")]


def test_the_dataset_marks_the_wait_and_chunks_stop_there(waits, tmp_path) -> None:
    from labvla.data.lerobot import LeRobotDataset
    from robogenesis.engine import SynthConfig, synthesize

    config = SynthConfig(
        protocols=[waits["two"]], robots=["franka"], episodes=1, out=tmp_path, workers=0,
        cameras=["front"], resolution=32, max_attempts=1,
    )  # fmt: skip
    report = synthesize(config, quiet=True)
    assert report.complete and report.robots["franka"].frames == 4
    root = tmp_path / "franka"
    info = json.loads((root / "meta/info.json").read_text())
    assert info["features"]["wait_s"]["dtype"] == "float32"
    stats = json.loads((root / "meta/stats.json").read_text())
    assert stats["wait_s"]["max"] == pytest.approx([1800.0], abs=0.06)
    ds = LeRobotDataset(root)
    assert ds.episodes[0]["labc/wait_s"] == pytest.approx(1801.0, abs=0.06)
    assert ds.episodes[0]["labc/wait_frames"] == 2
    assert ds.wait_s.tolist() == pytest.approx([0.0, 1800.0, 0.0, 1.0], abs=0.06)
    assert ds.node_id == ["n0001", "n0001", "n0002", "n0002"]
    # The chunk holds the wait frame's action, then stops: frame 2 comes 30 minutes later.
    chunk, pad = ds.action_chunk(0, 4)
    assert pad.tolist() == [False, False, True, True]
    np.testing.assert_array_equal(chunk, ds.action[[0, 1, 1, 1]])
    assert ds.action_chunk(2, 4)[1].tolist() == [False, False, True, True]
    # The wait regenerates exactly (the skipped seconds included) from the stored seed.
    from labc.runtime.replay_check import replay

    again = replay(root, 0)
    assert again.identical, again.mismatches


@pytest.mark.slow
def test_a_30_minute_heat_synthesizes_like_a_10_second_one(tmp_path, monkeypatch) -> None:
    """The level-2 heat with its hotplate on through the wait: same frames within a few, simulated
    time apart by the difference of the durations, and the switch-off still validates afterwards."""
    from robogenesis.rollout import run_slot

    physics = _counted(monkeypatch)
    runs = {}
    for tag, duration in (("short", "10 s"), ("long", "30 min")):
        path = tmp_path / f"heat_{tag}.lab"
        path.write_text(HEAT.format(tag=tag, duration=duration))
        physics[0] = 0
        result = run_slot(_job(path))
        assert result.episode is not None, [r.model_dump() for r in result.rejections]
        runs[tag] = (result, physics[0])
    (short, short_steps), (long, long_steps) = runs["short"], runs["long"]
    frames_short, frames_long = len(short.episode.state), len(long.episode.state)
    assert abs(frames_long - frames_short) <= 0.25 * frames_short, (frames_short, frames_long)
    assert abs(long_steps - short_steps) <= 0.25 * short_steps, (short_steps, long_steps)
    assert long.sim_s - short.sim_s == pytest.approx(1790.0, abs=30.0)
    assert np.count_nonzero(long.episode.wait_s) == 1
    assert long.episode.wait_s.max() == pytest.approx(1800.0, abs=0.06)
