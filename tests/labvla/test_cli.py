"""`labc train`, `labc run` and `labc synthesize` on checkpoints and datasets a user got wrong: a clear
line and exit 2 (README "Exit codes"), and a printed line where a flag silently did something else."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from labvla.checkpoint import CheckpointError, check_checkpoint
from tests.conftest import EXAMPLES
from tests.labvla.conftest import record, writer


@pytest.fixture
def corrupt(stage1, tmp_path):
    """A copy of the stage-1 checkpoint whose weights file `damage` spoils."""

    def make(damage) -> Path:
        copy = tmp_path / "ckpt"
        shutil.copytree(stage1.checkpoint, copy)
        damage(copy / "model.safetensors")
        return copy

    return make


@pytest.mark.slow
@pytest.mark.parametrize(
    "damage",
    [
        lambda p: p.write_bytes(b"not a safetensors file"),
        lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]),
    ],
    ids=["garbage", "truncated"],
)
def test_a_corrupt_weights_file_is_bad_input_in_every_command(corrupt, damage, labc, tmp_path) -> None:
    checkpoint = corrupt(damage)
    with pytest.raises(CheckpointError, match=r"model\.safetensors"):
        check_checkpoint(checkpoint)
    ws = tmp_path / "ws"
    pick = EXAMPLES / "labutopia/level1/pick.yaml"
    for args in (
        ("run", pick, "--policy", "labvla", "--checkpoint", checkpoint),
        ("bench", "--tasks", "pick", "--levels", "1", "--policy", "labvla", "--checkpoint", checkpoint),
        ("train", "--stage", "flow", "--init", checkpoint, "--steps", "1", "--data", tmp_path / "data"),
    ):
        if args[0] == "train" and not (tmp_path / "data").exists():
            writer(tmp_path / "data" / "franka", "franka", 7).append(record(0, "franka", 7, length=6))
        result = labc(*args, "--workspace", ws)
        assert result.code == 2, (args[0], result.err)
        assert "model.safetensors" in result.err and "internal error" not in result.err, result.err


def test_resume_into_an_empty_folder_and_stage2_without_stage1_say_what_they_do(labc, tmp_path) -> None:
    ws = tmp_path / "ws"
    writer(ws / "data" / "franka", "franka", 7).append(record(0, "franka", 7, length=6))
    result = labc("train", "--stage", "flow", "--resume", "--steps", "1", "--batch", "2", "--workspace", ws)
    assert result.code == 0, result.err
    out = ws / "checkpoints" / "stage2"
    assert f"--resume: no checkpoint in {out} yet, so training starts from freshly initialised" in result.err
    assert "no stage-1 checkpoint" in result.err and "labc train --stage fast" in result.err
    again = labc("train", "--stage", "flow", "--resume", "--steps", "2", "--batch", "2", "--workspace", ws)
    assert again.code == 0 and "--resume: no checkpoint" not in again.err and "no stage-1" not in again.err


def test_resynthesizing_with_other_cameras_is_an_error(labc, tmp_path) -> None:
    from labvla.data.synthetic import make_episode
    from robogenesis.export.lerobot_v3 import EpisodeRecord, LeRobotV3Writer

    out = tmp_path / "data"
    names = [f"joint{i}" for i in range(7)] + ["gripper"]
    dataset = LeRobotV3Writer(
        out / "franka",
        fps=10,
        robot_type="franka",
        cameras={"front": (32, 32), "side": (32, 32)},
        state_names=names,
        action_names=names,
    )
    dataset.append(EpisodeRecord(**make_episode(0, length=6, cameras=("front", "side")).__dict__))
    pick = EXAMPLES / "labutopia/level1/pick.yaml"
    result = labc("synthesize", pick, "--out", out, "--cameras", "front,wrist", "--resolution", "32")
    assert result.code == 2, result.err
    assert "the dataset has cameras front 32x32, side 32x32" in result.err
    assert "this run asks for front 32x32, wrist 32x32" in result.err
    other_size = labc("synthesize", pick, "--out", out, "--cameras", "front,side", "--resolution", "64")
    assert other_size.code == 2 and "front 64x64, side 64x64" in other_size.err
    assert (
        dataset.total_episodes == 1 and not (out / "franka" / "videos" / "observation.images.wrist").exists()
    )


@pytest.mark.slow
def test_an_action_horizon_past_the_chunk_is_a_usage_error(stage2, labc, tmp_path) -> None:
    _, result = stage2
    pick = EXAMPLES / "labutopia/level1/pick.yaml"
    policy = ("--policy", "labvla", "--checkpoint", result.checkpoint, "--action-horizon", "99")
    for args in (("run", pick), ("bench", "--tasks", "pick", "--levels", "1")):
        out = labc(*args, *policy, "--workspace", tmp_path / "ws")
        assert out.code == 2, (args[0], out.err)
        assert "99" in out.err and "internal error" not in out.err, out.err


@pytest.mark.slow
def test_sample_noise_reaches_the_policy_and_must_not_be_negative(stage2, labc, tmp_path) -> None:
    """`--sample-noise` overrides the checkpoint's start of the flow on `run` and `bench` alike."""
    from labc.runtime.bench import PolicySpec, _policy
    from labc.runtime.policies import LabVLAAdapter, load_policy

    _, result = stage2
    default = load_policy("labvla", checkpoint=result.checkpoint)
    noisy = _policy(PolicySpec(name="labvla", checkpoint=result.checkpoint, sample_noise=1.0))
    assert isinstance(default, LabVLAAdapter) and isinstance(noisy, LabVLAAdapter)
    assert default.inner.sample_noise == 0.0 and noisy.inner.sample_noise == 1.0
    pick = EXAMPLES / "labutopia/level1/pick.yaml"
    for args in (("run", pick), ("bench", "--tasks", "pick", "--levels", "1")):
        out = labc(*args, "--policy", "labvla", "--checkpoint", result.checkpoint, "--sample-noise", "-1")
        assert out.code == 2 and "--sample-noise" in out.err, (args[0], out.err)
