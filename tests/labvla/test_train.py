"""Training behaviour: overfitting, checkpoint reload, exact resume, the `labc train` command."""

from __future__ import annotations

import itertools
import json
import shutil

import numpy as np
import pytest

from labvla.checkpoint import LATEST, load_checkpoint, save_checkpoint
from labvla.data.lerobot import LeRobotDataset
from labvla.policy import LabVLAPolicy
from labvla.train import lr_factor, train


@pytest.mark.slow
def test_tiny_model_overfits_a_handful_of_episodes(stage1) -> None:
    first, last = np.mean(stage1.losses[:5]), np.mean(stage1.losses[-5:])
    assert last < first / 10, (first, last)


@pytest.mark.slow
def test_stage1_policy_decodes_fast_tokens_near_the_demonstration(stage1, datasets) -> None:
    policy = LabVLAPolicy(stage1.checkpoint)
    assert policy.mode == "fast"
    ds = LeRobotDataset(datasets[0])
    policy.reset(ds.task(0), "franka")
    chunk = policy.act({"images": ds.images(0), "state": ds.state[0]})
    truth, _ = ds.action_chunk(0, 16)
    assert policy.last_error == "" and chunk.shape == (16, 8)
    assert np.abs(chunk - truth).mean() < 0.1


def test_schedule_warms_up_then_decays() -> None:
    lrs = [lr_factor(s, 100, 10) for s in range(100)]
    assert lrs[0] == pytest.approx(0.1) and lrs[9] == pytest.approx(1.0)
    assert all(a >= b for a, b in itertools.pairwise(lrs[9:])) and lrs[-1] < 0.01


@pytest.mark.slow
def test_checkpoint_reload_gives_identical_actions(stage2, datasets, tmp_path) -> None:
    _, result = stage2
    ds = LeRobotDataset(datasets[0])
    obs = {"images": ds.images(3), "state": ds.state[3]}

    def act(path) -> np.ndarray:
        policy = LabVLAPolicy(path, seed=7)
        policy.reset(ds.task(3), "franka")
        return policy.act(obs)

    a = act(result.checkpoint)
    loaded = load_checkpoint(result.checkpoint)
    copy = save_checkpoint(tmp_path / "copy", loaded.model, loaded.stats, loaded.text, loaded.fast)
    np.testing.assert_array_equal(a, act(copy))
    np.testing.assert_array_equal(a, act(result.checkpoint))
    assert sorted(p.name for p in copy.iterdir()) == [
        "config.json",
        "fast_tokenizer.json",
        "model.safetensors",
        "stats.json",
        "text_tokenizer.json",
    ]


@pytest.mark.slow
def test_resume_continues_the_same_loss_curve(stage2, tmp_path) -> None:
    opts, full = stage2
    assert len(full.losses) == 12 and "flow_mse" in (opts.out / "log.jsonl").read_text()
    out = tmp_path / "resumed"
    out.mkdir()
    shutil.copytree(opts.out / "step-000006", out / "step-000006")
    (out / LATEST).write_text("step-000006")
    (out / "log.jsonl").write_text(
        "".join(line + "\n" for line in (opts.out / "log.jsonl").read_text().splitlines()[:6])
        + '{"step": 7, "loss": 99.0}\n'
    )  # a step logged after the checkpoint, then a crash
    resumed = train(opts.model_copy(update={"out": out, "resume": True}))
    np.testing.assert_allclose(resumed.losses, full.losses[6:], rtol=1e-6)
    steps = [json.loads(line)["step"] for line in (out / "log.jsonl").read_text().splitlines()]
    assert steps == list(range(1, 13))


@pytest.mark.slow
def test_labc_train_command(datasets, stage1, tmp_path, capsys) -> None:
    from labc.cli import main

    ws = tmp_path / "ws"
    shutil.copytree(datasets[1], ws / "data" / "ur5")
    shutil.copytree(stage1.checkpoint, ws / "checkpoints" / "stage1" / "step-000150")
    (ws / "checkpoints" / "stage1" / LATEST).write_text("step-000150")
    code = main(["train", "--stage", "flow", "--steps", "2", "--batch", "2", "--workspace", str(ws)])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "default init checkpoint" in err and "default data" in err
    latest = (ws / "checkpoints" / LATEST).read_text().strip()
    assert latest == "stage2/step-000002"
    assert load_checkpoint(ws / "checkpoints").model.expert is not None


def test_labc_train_without_data_is_a_usage_error(tmp_path, capsys) -> None:
    from labc.cli import main

    code = main(["train", "--stage", "fast", "--workspace", str(tmp_path)])
    assert code == 2 and "no LeRobot v3.0 dataset" in capsys.readouterr().err


@pytest.mark.slow
def test_unknown_robot_is_a_clear_error(stage1) -> None:
    policy = LabVLAPolicy(stage1.checkpoint)
    with pytest.raises(ValueError, match="not an embodiment"):
        policy.reset("pick", "kuka")
