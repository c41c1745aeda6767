from __future__ import annotations

import numpy as np

from labvla.embodiment import Embodiment, pad, to_absolute, to_relative
from labvla.normalize import Quantiles


def test_quantile_normalization_round_trip_and_constant_guard() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(500, 3)).astype(np.float32)
    x[:, 2] = 0.25  # a joint that never moves
    q = Quantiles.of(x)
    y = q.normalize(x)
    assert np.isfinite(y).all() and np.all(y[:, 2] == 0)
    assert -1.05 < np.quantile(y[:, 0], 0.01) < -0.95 and 0.95 < np.quantile(y[:, 0], 0.99) < 1.05
    np.testing.assert_allclose(q.unnormalize(y), x, atol=1e-5)


def test_relative_arm_absolute_gripper() -> None:
    emb = Embodiment(name="ur5", state_dim=7, action_dim=7)
    state = np.arange(7, dtype=np.float32)
    chunk = np.tile(state + 0.5, (4, 1))
    rel = to_relative(chunk, state, emb)
    np.testing.assert_allclose(rel[:, :6], 0.5)
    np.testing.assert_allclose(rel[:, 6], 6.5)  # gripper stays absolute
    np.testing.assert_allclose(to_absolute(rel, state, emb), chunk)
    padded, mask = pad(rel, 32)
    assert padded.shape == (4, 32) and mask.sum() == 7 and np.all(padded[:, 7:] == 0)
