from __future__ import annotations

import numpy as np
import pytest

from labdata.errors import UnknownRobotError
from labdata.robot_profile import list_profiles, load_profile
from labsim.scene_spec import SceneSpec
from tests.labsim.labsim_scenes import ROBOTS


def test_profiles_listed_and_valid() -> None:
    assert set(ROBOTS) <= set(list_profiles())
    for name in ROBOTS:
        p = load_profile(name)
        assert p.state_names[-1] == "gripper_opening" and len(p.state_names) == p.n_arm + 1
        assert len(p.action_names) == p.n_arm + 1
        assert p.substeps * 0.002 * p.control_hz == pytest.approx(1.0)
        assert all(0.0 < v <= 3.1416 for v in p.velocity_limits)  # 180 deg/s is the fastest of the three
    assert load_profile("franka").velocity_limits[:4] == [2.175] * 4  # Panda joints 1-4: 150 deg/s
    with pytest.raises(UnknownRobotError, match="unknown robot"):
        load_profile("nope")
    bad = load_profile("franka").model_dump()
    bad["velocity_limits"] = bad["velocity_limits"][:-1]
    with pytest.raises(ValueError, match="velocity_limits has 6 entries, arm has 7 joints"):
        type(load_profile("franka")).model_validate(bad)


@pytest.fixture(scope="module", params=ROBOTS)
def empty_env(request: pytest.FixtureRequest):
    from labsim.backend import get_backend

    env = get_backend().build(SceneSpec(cameras=[]), request.param)
    yield env
    env.close()


def test_ik_reaches_reachable_poses(empty_env) -> None:
    rng = np.random.default_rng(0)
    home = np.asarray(empty_env.robot.home)
    for _ in range(4):
        q_true = np.clip(home + rng.uniform(-0.4, 0.4, len(home)), empty_env.ik.lo, empty_env.ik.hi)
        pos, quat = empty_env.ik.forward(q_true)
        result = empty_env.ik.solve(pos, quat)
        assert result.success, result.reason
        assert result.pos_error_m <= 1e-3 and result.rot_error_deg <= 1.0
        got_pos, got_quat = empty_env.ik.forward(np.asarray(result.qpos))
        assert np.linalg.norm(got_pos - pos) <= 1e-3
        assert abs(abs(float(np.dot(got_quat, quat))) - 1.0) < 1e-4


def test_ik_reports_unreachable(empty_env) -> None:
    result = empty_env.ik.solve(np.array([2.5, 0.0, 0.9]), np.array([0.0, 1.0, 0.0, 0.0]), restarts=2)
    assert not result.success
    assert "unreachable" in result.reason and result.pos_error_m > 0.5


def test_state_and_action_layout(empty_env) -> None:
    obs = empty_env.reset(0)
    assert obs.state.dtype == np.float32 and obs.state.shape == (empty_env.robot.n_arm + 1,)
    np.testing.assert_allclose(obs.state[:-1], empty_env.robot.home, atol=1e-3)
    target = np.asarray(empty_env.robot.home) + 0.1
    for _ in range(15):
        obs = empty_env.step(np.concatenate([target, [1.0]]))
    np.testing.assert_allclose(obs.state[:-1], target, atol=0.02)
    assert obs.state[-1] < 0.7  # closing
    with pytest.raises(ValueError, match="action must have shape"):
        empty_env.step(np.zeros(3))
