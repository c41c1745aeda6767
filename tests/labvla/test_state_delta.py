"""The state delta: the expert also sees how the state changed over the last k frames (issue 13: press)."""

from __future__ import annotations

import numpy as np
import pytest

from labvla.data.lerobot import LeRobotDataset
from labvla.data.samples import FrameIndex
from labvla.policy import LabVLAPolicy


def test_the_past_state_never_reaches_before_its_episode(datasets) -> None:
    ds = LeRobotDataset(datasets[0])
    first, end = ds.episode_bounds(0)
    second, _ = ds.episode_bounds(1)
    assert second == end
    np.testing.assert_array_equal(ds.past_state(first + 2, 4), ds.state[first])
    np.testing.assert_array_equal(ds.past_state(first + 9, 4), ds.state[first + 5])
    np.testing.assert_array_equal(ds.past_state(second + 1, 4), ds.state[second])  # not episode 0's end


@pytest.fixture(scope="module")
def delta_model(datasets, tmp_path_factory: pytest.TempPathFactory):
    from labvla.train import TrainOptions, train

    out = tmp_path_factory.mktemp("delta")
    opts = TrainOptions(
        data=datasets, out=out, stage="flow", state_delta=8, steps=3, batch=4, lr_expert=1e-3, progress=False
    )
    return train(opts)


@pytest.mark.slow
def test_training_feeds_the_normalized_delta_after_the_state(delta_model, datasets) -> None:
    from labvla.checkpoint import load_checkpoint

    loaded = load_checkpoint(delta_model.checkpoint)
    assert loaded.config.state_delta == 8
    stats = loaded.stats.robots["ur5"]
    assert stats.state_delta is not None and len(stats.state_delta.q01) == 7  # 6 joints and the gripper
    ds = LeRobotDataset(datasets[1])
    index = FrameIndex([ds], chunk=loaded.config.chunk)
    index.delta_frames = 8
    sample = loaded.builder().sample(*index.raw(10))
    expected = stats.state_delta.normalize(ds.state[10] - ds.state[2])
    np.testing.assert_allclose(sample.state[7:14], expected, atol=1e-6)
    assert not sample.state[14:].any()
    assert np.abs(expected).max() > 0  # the frame moved: a zero delta would not tell anything here


@pytest.mark.slow
def test_the_policy_forms_the_delta_from_the_states_it_was_shown(delta_model, datasets) -> None:
    ds = LeRobotDataset(datasets[0])
    policy = LabVLAPolicy(delta_model.checkpoint, action_horizon=4)
    policy.reset(ds.task(0), "franka")
    assert policy.past_state() is None
    for step, frame in enumerate((0, 4, 8, 12)):
        policy.act({"images": ds.images(frame), "state": ds.state[frame]})
        if step >= 1:  # at step 4k the state seen 8 steps ago, or the first one while none is that old
            seen = policy.past_state()
            assert seen is not None
            np.testing.assert_array_equal(seen, ds.state[max(0, frame + 4 - 8)])
    policy.reset(ds.task(0), "franka")
    assert policy.past_state() is None  # a new episode forgets the last one's states


@pytest.mark.slow
def test_the_same_observation_after_different_motion_gives_a_different_chunk(delta_model, datasets) -> None:
    ds = LeRobotDataset(datasets[0])
    now = {"images": ds.images(11), "state": ds.state[11]}

    def after(first: int) -> np.ndarray:
        policy = LabVLAPolicy(delta_model.checkpoint)
        policy.reset(ds.task(0), "franka")
        policy.act({"images": ds.images(first), "state": ds.state[first]})
        return policy.act(now)

    assert not np.allclose(after(0), after(11))  # moved since frame 0, against standing still
