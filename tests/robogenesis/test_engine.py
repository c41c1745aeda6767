"""End-to-end runs of the engine on a two-wait protocol with the test experts (tiny images, 3 episodes)."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from labc.runtime.replay_check import replay
from labinfra.lerobot import EPISODES_PATH
from labvla.data.lerobot import LeRobotDataset
from robogenesis.engine import REPORT_NAME, SynthesisError, SynthesisInputError, synthesize
from robogenesis.replay import regenerate
from tests.helpers import TINY
from tests.robogenesis.conftest import tiny_config

ROOT = Path(__file__).resolve().parents[2]


def _episodes(root: Path) -> list[dict]:
    return pq.read_table(root / EPISODES_PATH).to_pylist()


def _same_dataset(a: Path, b: Path) -> None:
    da, db = LeRobotDataset(a), LeRobotDataset(b)
    np.testing.assert_array_equal(da.state, db.state)
    np.testing.assert_array_equal(da.action, db.action)
    assert da.node_id == db.node_id and da.tasks == db.tasks
    for ea, eb in zip(_episodes(a), _episodes(b), strict=True):
        for key in ["labc/seed", "labc/randomization", "labc/protocol_hash", "length"]:
            assert ea[key] == eb[key]


def test_layout_schema_and_frame_for_frame_reload(reference_run) -> None:
    out, report = reference_run
    root = out / "franka"
    info = json.loads((root / "meta/info.json").read_text())
    assert info["codebase_version"] == "v3.0" and info["robot_type"] == "franka"
    assert info["total_episodes"] == 3 and info["fps"] == 20
    for key in ["observation.images.front", "observation.images.wrist", "observation.state", "action"]:
        assert key in info["features"]
    assert info["features"]["observation.state"]["shape"] == [8]
    assert {"node_id", "robot", "task_index", "frame_index", "episode_index", "index", "timestamp"} <= set(
        info["features"]
    )
    stats = json.loads((root / "meta/stats.json").read_text())
    for q in ["min", "max", "mean", "std", "q01", "q10", "q50", "q90", "q99"]:
        assert q in stats["action"] and q in stats["observation.images.front"]
    assert (root / "meta/tasks.parquet").exists()
    assert (root / "data/chunk-000/file-000.parquet").exists()
    for cam in ["front", "wrist"]:
        assert (root / f"videos/observation.images.{cam}/chunk-000/file-000.mp4").exists()
    episodes = _episodes(root)
    keys = [json.loads(e["labc/provenance"])["key"] for e in episodes]
    assert len(set(keys)) == 3
    sample = json.loads(episodes[0]["labc/randomization"])
    assert {"placement", "clutter", "cameras", "appearance", "lighting", "bench", "phrasing"} <= set(sample)
    assert report.accepted == 3 and report.rejected == {}
    assert json.loads((out / REPORT_NAME).read_text())["accepted"] == 3
    # reload frame for frame: the regenerated episode equals what the reader returns
    ds = LeRobotDataset(root)
    for index in range(3):
        start, stop = ds.episode_bounds(index)
        record = regenerate(root, index)
        np.testing.assert_array_equal(ds.state[start:stop], record.state)
        np.testing.assert_array_equal(ds.action[start:stop], record.action)
        assert [ds.task(i) for i in range(start, stop)] == record.tasks
        assert ds.node_id[start:stop] == record.node_ids
        assert set(record.node_ids) == {"n0001", "n0002"}
        for cam in ["front", "wrist"]:
            frames = ds.episode_images(cam, index)
            assert frames.shape == record.images[cam].shape
            assert np.abs(frames.astype(int) - record.images[cam]).mean() < 8


def test_replay_is_bit_identical(reference_run) -> None:
    root = reference_run[0] / "franka"
    first, second = regenerate(root, 1), regenerate(root, 1)
    for cam in first.images:
        np.testing.assert_array_equal(first.images[cam], second.images[cam])  # raw renders, not video
    result = replay(root, 1)
    assert result.identical, result.mismatches
    # episodes differ from each other: the seed and sample matter
    assert not np.array_equal(regenerate(root, 0).action, first.action)


@pytest.mark.slow  # worker processes (pool, Ray, a killed CLI) each import the simulator
def test_process_pool_gives_the_same_episodes(reference_run, hold_protocol, tmp_path) -> None:
    report = synthesize(tiny_config(hold_protocol, tmp_path, workers=2), quiet=True)
    assert report.backend == "process-pool" and report.accepted == 3
    _same_dataset(reference_run[0] / "franka", tmp_path / "franka")


@pytest.mark.slow  # worker processes (pool, Ray, a killed CLI) each import the simulator
def test_ray_gives_the_same_episodes(reference_run, hold_protocol, tmp_path) -> None:
    import ray

    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        runtime_env={"env_vars": {"PYTHONPATH": str(ROOT), "MUJOCO_GL": "egl"}},
    )
    try:
        report = synthesize(tiny_config(hold_protocol, tmp_path, ray_address="local"), quiet=True)
    finally:
        ray.shutdown()
    assert report.backend == "ray" and report.accepted == 3
    _same_dataset(reference_run[0] / "franka", tmp_path / "franka")


@pytest.mark.slow  # worker processes (pool, Ray, a killed CLI) each import the simulator
def test_resume_after_kill_mid_run(reference_run, hold_protocol, tmp_path) -> None:
    args = [sys.executable, "-m", "tests.helpers.experts", f"{TINY}:get_expert"]  # labc, tiny experts
    args += ["synthesize", str(hold_protocol), "--robots", "franka"]
    args += ["--episodes", "3", "--out", str(tmp_path), "--workers", "0", "--cameras", "front,wrist"]
    args += ["--resolution", "32", "--max-attempts", "2", "--quiet"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    committed = tmp_path / "franka" / EPISODES_PATH
    deadline = time.monotonic() + 120
    while not committed.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = len(_episodes(tmp_path / "franka"))
    assert 1 <= done < 3, "the kill should land mid-run"
    rerun = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    report = json.loads((tmp_path / REPORT_NAME).read_text())
    assert report["robots"]["franka"]["skipped"] == done
    _same_dataset(reference_run[0] / "franka", tmp_path / "franka")


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ("nan", "nan"),
        ("limits", "joint_limits"),
        ("lazy", "predicate:wait"),
        ("planning", "planning:wait"),
        ("knock", "knocked_off"),
        ("spill", "spill"),
        ("fast", "joint_speed"),  # the deployment safety monitor would clip it
    ],
)
def test_broken_expert_is_rejected_with_its_reason(hold_protocol, tmp_path, fault, reason) -> None:
    from robogenesis.runner.stops import StopReason

    assert reason.split(":")[0] in set(StopReason)  # one vocabulary, whatever the path
    config = tiny_config(hold_protocol, tmp_path, episodes=1, experts=f"{TINY}:broken_{fault}", cameras=[])
    report = synthesize(config, quiet=True)
    assert report.accepted == 0 and report.attempted == 2
    assert report.rejected == {reason: 2}
    assert report.robots["franka"].failed_slots == 1
    assert not (tmp_path / "franka" / EPISODES_PATH).exists()


def test_crashed_worker_is_a_clear_error(hold_protocol, tmp_path) -> None:
    # In a spawned worker: the experts travel with the job, so the engine is called with them.
    config = tiny_config(hold_protocol, tmp_path, episodes=1, workers=1, experts=f"{TINY}:broken_crash")
    with pytest.raises(SynthesisError, match=r"worker process died.*rerun the same command to resume"):
        synthesize(config, quiet=True)


def test_full_disk_keeps_a_consistent_dataset_and_resumes(
    reference_run, hold_protocol, tmp_path, monkeypatch
):
    import robogenesis.export.lerobot_v3 as writer_module

    real = writer_module._write_parquet
    commits = []

    def fill_up(path: Path, table) -> None:
        if path.name == "file-000.parquet" and path.parent.parent.name == "episodes":
            commits.append(path)
            if len(commits) == 2:
                raise OSError(errno.ENOSPC, "No space left on device")
        real(path, table)

    monkeypatch.setattr(writer_module, "_write_parquet", fill_up)
    with pytest.raises(SynthesisError, match=r"disk is full.*keeps 1 committed episodes.*resume"):
        synthesize(tiny_config(hold_protocol, tmp_path), quiet=True)
    ds = LeRobotDataset(tmp_path / "franka")  # data of episode 2 was written, its commit was not
    assert len(ds.episodes) == 1 and len(ds) == ds.episodes[0]["length"]
    monkeypatch.setattr(writer_module, "_write_parquet", real)
    synthesize(tiny_config(hold_protocol, tmp_path), quiet=True)
    _same_dataset(reference_run[0] / "franka", tmp_path / "franka")


def test_cli_errors_are_one_line(labc, hold_protocol, tmp_path) -> None:
    missing = labc("synthesize", tmp_path / "nope.yaml", "--out", tmp_path)
    assert missing.code == 2 and "no such protocol file" in missing.err
    robot = labc("synthesize", hold_protocol, "--robots", "franka,r2d2", "--out", tmp_path)
    assert robot.code == 2 and "unknown robot 'r2d2'" in robot.err
    bad = tmp_path / "bad.yaml"
    bad.write_text("labc: 1\nprotocol: x\nsteps:\n  - pick ghost\n")
    broken = labc("synthesize", bad, "--out", tmp_path)
    assert broken.code == 1 and "does not compile" in broken.err
    for result in (missing, robot, broken):
        assert "Traceback" not in result.err
    with pytest.raises(SynthesisInputError, match=r"cannot load the experts 'no\.such:thing'"):
        synthesize(tiny_config(hold_protocol, tmp_path, experts="no.such:thing"), quiet=True)
