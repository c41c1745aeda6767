"""Training you can trust: held-out episodes, validation in the log, the best checkpoint, clipping,
EMA weights, and sizes an init checkpoint fixes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from labvla.checkpoint import BEST, TRAIN_WEIGHTS, load_checkpoint
from labvla.data.lerobot import LeRobotDataset
from labvla.data.samples import FrameIndex
from labvla.train import TrainOptions, _clip_per_group, train
from labvla.validation import split_episodes
from tests.labvla.conftest import writer

INSTRUCTION = "press the button of the hot plate"


@pytest.fixture(scope="module")
def one_task(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five franka episodes of one task: enough to hold some out."""
    from labvla.data.synthetic import make_episode
    from robogenesis.export.lerobot_v3 import EpisodeRecord

    root = tmp_path_factory.mktemp("one_task") / "franka"
    w = writer(root, "franka", 7)
    for seed in range(5):
        ep = make_episode(seed, robot="franka", arm_joints=7, length=12, instruction=INSTRUCTION)
        ep.images = {k: v for k, v in ep.images.items() if k in ("scene_left", "wrist")}
        w.append(EpisodeRecord(**ep.__dict__))
    return root


@pytest.fixture(scope="module")
def cpu_run(one_task: Path, tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("cpu_run")
    opts = TrainOptions(
        data=[one_task], out=out, stage="flow", preset="cpu", image_size=32, steps=6, batch=4,
        val_fraction=0.4, val_every=2, val_frames=8, save_every=3, progress=False,
    )  # fmt: skip
    return opts, train(opts)


def test_split_holds_out_whole_episodes_per_task(one_task) -> None:
    ds = LeRobotDataset(one_task)
    train_eps, val_eps = split_episodes([ds], 0.4, seed=0)
    assert len(val_eps[0]) == 2 and len(train_eps[0]) == 3 and not train_eps[0] & val_eps[0]
    assert split_episodes([ds], 0.4, seed=0) == (train_eps, val_eps)  # fixed by the split seed alone
    train_frames = FrameIndex([ds], 16, episodes=train_eps)
    assert {int(ds.episode_index[i]) for _, i in train_frames.entries} == train_eps[0]


@pytest.mark.slow
def test_validation_is_logged_and_the_best_checkpoint_kept(cpu_run) -> None:
    opts, _ = cpu_run
    log = [json.loads(line) for line in (opts.out / "log.jsonl").read_text().splitlines()]
    val = [r for r in log if "val_loss" in r]
    assert [r["step"] for r in val] == [2, 4, 6]
    for r in val:
        assert {"val_fast_ce", "val_flow_mse", "val_chunk_l1", "val_chunk_mse"} <= set(r)
        assert np.isfinite(r["val_chunk_l1"]) and r["val_chunk_l1"] > 0
        # The chunk error on training frames too (underfitting or overfitting), on other frames.
        assert np.isfinite(r["train_chunk_mse"]) and r["train_chunk_mse"] != r["val_chunk_mse"]
    best = json.loads((opts.out / BEST / "trainer.json").read_text())
    # Kept by the held-out error of the chunk the expert executes, not by the loss, whose FAST term the
    # backbone keeps lowering whether or not the actions improve.
    assert best["best_by"] == "val_chunk_mse"
    assert best["val_score"] == min(r["val_chunk_mse"] for r in val)
    assert best["step"] == min(val, key=lambda r: r["val_chunk_mse"])["step"]
    split = json.loads((opts.out / "split.json").read_text())
    assert len(next(iter(split.values()))["validation"]) == 2
    steps = [r for r in log if "loss" in r]
    assert all({"grad_norm", "grad_norm_backbone", "grad_norm_expert"} <= set(r) for r in steps)


@pytest.mark.slow
def test_ema_weights_act_and_raw_weights_resume(cpu_run) -> None:
    from safetensors.torch import load_file

    _opts, result = cpu_run
    acting = load_file(str(result.checkpoint / "model.safetensors"))
    raw = load_file(str(result.checkpoint / TRAIN_WEIGHTS))
    key = "expert.action_decoder.weight"
    assert not torch.equal(acting[key], raw[key])  # an average, not the last step's weights
    assert load_checkpoint(result.checkpoint).model.expert.vision is not None


@pytest.mark.slow
def test_cpu_preset_resume_is_exact(cpu_run, tmp_path) -> None:
    import shutil

    from labvla.checkpoint import LATEST

    opts, full = cpu_run
    out = tmp_path / "resumed"
    out.mkdir()
    shutil.copytree(opts.out / "step-000003", out / "step-000003")
    (out / LATEST).write_text("step-000003")
    resumed = train(opts.model_copy(update={"out": out, "resume": True}))
    np.testing.assert_allclose(resumed.losses, full.losses[3:], rtol=1e-5)


def test_each_group_is_clipped_on_its_own() -> None:
    """A large expert gradient must not shrink the backbone's update (one global norm did)."""
    backbone, expert = torch.nn.Parameter(torch.zeros(3)), torch.nn.Parameter(torch.zeros(3))
    opt = torch.optim.AdamW([{"params": [backbone]}, {"params": [expert]}])
    backbone.grad = torch.tensor([0.3, 0.4, 0.0])  # norm 0.5, under the clip
    expert.grad = torch.tensor([30.0, 40.0, 0.0])  # norm 50
    norms = _clip_per_group(opt, clip=1.0, flow_weight=10.0)
    assert norms["grad_norm_backbone"] == pytest.approx(0.5)
    assert norms["grad_norm_expert"] == pytest.approx(50.0)
    torch.testing.assert_close(backbone.grad, torch.tensor([0.3, 0.4, 0.0]))
    assert float(expert.grad.norm()) == pytest.approx(10.0, rel=1e-4)  # clip x flow weight


@pytest.mark.slow
@pytest.mark.parametrize("update", [{"chunk": 8}, {"image_size": 64}])
def test_init_refuses_sizes_it_cannot_honour(young, datasets, tmp_path, update) -> None:
    opts = TrainOptions(
        data=datasets, out=tmp_path, stage="flow", init=young.checkpoint, steps=1, progress=False, **update
    )
    with pytest.raises(ValueError, match="conflicts with the init checkpoint"):
        train(opts)
