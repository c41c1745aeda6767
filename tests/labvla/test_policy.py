"""What the LabVLA policy hands the runner, whatever the network outputs."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from labvla.data.lerobot import LeRobotDataset
from labvla.embodiment import to_relative
from labvla.policy import LabVLAPolicy


@pytest.mark.slow
@pytest.mark.parametrize("scale", [1.0, 50.0])
def test_actions_stay_in_the_training_range_of_relative_motion(stage2, datasets, scale) -> None:
    """Normalized outputs beyond [-1, 1] would unnormalize to deltas past anything in the data."""
    _, result = stage2
    policy = LabVLAPolicy(result.checkpoint, seed=3)
    with torch.no_grad():  # an expert that overshoots wildly, as an untrained one can
        policy.model.expert.action_decoder.weight.mul_(scale)
    ds = LeRobotDataset(datasets[0])
    stats = policy.loaded.stats.robots["franka"].action
    lo, hi = np.asarray(stats.q01, np.float32), np.asarray(stats.q99, np.float32)
    policy.reset(ds.task(0), "franka")
    _, emb = policy.config.embodiment("franka")
    for i in (0, 5, 11):
        chunk = policy.act({"images": ds.images(i), "state": ds.state[i]})
        rel = to_relative(chunk, ds.state[i], emb)
        assert np.all(rel >= lo - 1e-4) and np.all(rel <= hi + 1e-4), (rel.min(0), rel.max(0), lo, hi)
        grip = chunk[:, emb.arm_dim]  # exactly inside the command range: nothing for the monitor to clip
        assert np.all((grip >= 0.0) & (grip <= 1.0)), grip


def _acting(checkpoint, dataset):
    """A function that builds a policy with the given options and acts once on frame 4 of `dataset`."""
    ds = LeRobotDataset(dataset)
    obs = {"images": ds.images(4), "state": ds.state[4]}

    def act(**kwargs) -> np.ndarray:
        policy = LabVLAPolicy(checkpoint, **kwargs)
        policy.reset(ds.task(4), "franka")
        return policy.act(obs)

    return act


@pytest.mark.slow
def test_flow_chunks_start_from_the_noise_mean_unless_asked_to_sample(stage2, datasets) -> None:
    _, result = stage2
    chunk = _acting(result.checkpoint, datasets[0])
    assert LabVLAPolicy(result.checkpoint).sample_noise == 0.0  # the checkpoint's default
    np.testing.assert_array_equal(chunk(seed=1), chunk(seed=2))  # deterministic: no draw enters
    a, b = chunk(seed=1, sample_noise=1.0), chunk(seed=2, sample_noise=1.0)
    assert not np.allclose(a, b)
    np.testing.assert_array_equal(a, chunk(seed=1, sample_noise=1.0))  # seeded


@pytest.mark.slow
def test_action_horizon_returns_the_head_of_the_same_chunk(stage2, datasets) -> None:
    """A receding horizon executes the first actions of the chunk the model predicts, nothing else."""
    _, result = stage2
    act = _acting(result.checkpoint, datasets[0])
    full = act()
    assert len(full) == LabVLAPolicy(result.checkpoint).config.chunk
    head = act(action_horizon=5)
    assert head.shape == (5, full.shape[1])
    np.testing.assert_array_equal(head, full[:5])
    with pytest.raises(ValueError, match="is outside 1"):
        LabVLAPolicy(result.checkpoint, action_horizon=len(full) + 1)
