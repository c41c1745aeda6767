"""What a policy sends when its network is young: well-formed FAST chunks, and a hold that holds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from labvla.data.lerobot import LeRobotDataset
from labvla.policy import LabVLAPolicy
from tests.labvla.conftest import writer


@pytest.mark.slow
def test_fast_decoding_is_well_formed_from_an_untrained_backbone(young, datasets) -> None:
    """Greedy decoding of a young model ends early or late; constrained decoding emits chunk x dims."""
    ds = LeRobotDataset(datasets[0])
    policy = LabVLAPolicy(young.checkpoint)
    policy.reset(ds.task(0), "franka")
    for i in (0, 9):
        chunk = policy.act({"images": ds.images(i), "state": ds.state[i]})
        assert policy.last_error == "", policy.last_error
        assert chunk.shape == (16, 8)


@pytest.fixture(scope="module")
def inverted_gripper(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Franka data whose gripper speaks two languages: the state is the opening (1 = open), the action
    a command (1 = closed), as in the simulator's robot profiles."""
    from labvla.data.synthetic import make_episode
    from labvla.train import TrainOptions, train
    from robogenesis.export.lerobot_v3 import EpisodeRecord

    root = tmp_path_factory.mktemp("inverted")
    w = writer(root / "franka", "franka", 7)
    for seed in (0, 1):
        ep = make_episode(seed, robot="franka", arm_joints=7, length=12, cameras=("scene_left", "wrist"))
        ep.state, ep.action = ep.state.copy(), ep.action.copy()  # views of one trajectory
        ep.action[:, -1] = 1.0 - ep.action[:, -1]
        w.append(EpisodeRecord(**ep.__dict__))
    out = root / "model"
    train(TrainOptions(data=[root / "franka"], out=out, stage="fast", steps=1, batch=2, progress=False))
    return out


def test_hold_commands_what_keeps_the_gripper_open(inverted_gripper) -> None:
    policy = LabVLAPolicy(inverted_gripper)
    policy.reset("pick up the beaker from the rack", "franka")
    state = np.array([0.1, -0.2, 0.3, 0.0, 0.5, 0.1, 0.0, 0.79], np.float32)  # nearly open
    chunk = policy.hold(state)
    assert chunk.shape == (16, 8)
    np.testing.assert_allclose(chunk[:, :7], np.tile(state[:7], (16, 1)))
    assert np.all(chunk[:, 7] < 0.5), chunk[0, 7]  # an open command, not 79% closed
    closed = policy.hold(np.concatenate([state[:7], [0.02]]).astype(np.float32))
    assert np.all(closed[:, 7] > 0.5)


def test_steps_past_the_end_are_trained_to_hold(young, datasets) -> None:
    """The policy executes whole chunks, so the steps past an episode's end carry a target: hold."""
    from labvla.checkpoint import load_checkpoint
    from labvla.data.samples import FrameIndex

    loaded = load_checkpoint(young.checkpoint)
    ds = LeRobotDataset(datasets[0])
    index = FrameIndex([ds], chunk=16)
    _, end = ds.episode_bounds(0)
    images, state, task, robot, chunk, past_end, _ = index.raw(end - 3)
    assert past_end.sum() == 13
    sample = loaded.builder().sample(images, state, task, robot, chunk, past_end)
    assert sample.action_mask[:, :8].all() and not sample.action_mask[:, 8:].any()
    np.testing.assert_array_equal(sample.actions[3:], np.tile(sample.actions[2], (13, 1)))


def test_a_bench_renders_at_the_checkpoint_training_size(young) -> None:
    from labvla.checkpoint import render_size

    assert render_size(young.checkpoint) == 32  # the fixture's 32 px images, not the bench's 128
