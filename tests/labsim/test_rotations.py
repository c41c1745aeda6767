"""labsim.rotations: the conversions experts use instead of calling MuJoCo themselves."""

from __future__ import annotations

import numpy as np

from labsim.rotations import mat_to_quat, quat_to_mat


def test_a_quarter_turn_about_z_maps_x_to_y() -> None:
    half = np.sqrt(0.5)
    rot = quat_to_mat(np.array([half, 0.0, 0.0, half]))
    np.testing.assert_allclose(rot @ [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(rot.T @ rot, np.eye(3), atol=1e-12)


def test_round_trip_keeps_the_rotation() -> None:
    rng = np.random.default_rng(0)
    for _ in range(20):
        q = rng.normal(size=4)
        q /= np.linalg.norm(q)
        back = mat_to_quat(quat_to_mat(q))
        # q and -q are the same rotation
        assert min(np.abs(back - q).max(), np.abs(back + q).max()) < 1e-9
