"""The gymnasium environments: registration, the checker, and an expert episode through `step`."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

import labc.gym
from labc.gym import LabEnv, env_name, suite_ids
from robogenesis.runner.policy import ExpertPolicy
from robogenesis.runner.stops import StopReason
from tests.labc.conftest import EXAMPLES

PRESS = EXAMPLES / "level1" / "press.yaml"


def test_every_suite_task_has_an_id_and_level_3_is_level_2_on_ood() -> None:
    ids = suite_ids()
    files = {p.stem for lv in ("level1", "level2", "level4") for p in (EXAMPLES / lv).glob("*.yaml")}
    assert {f"labc/{env_name(s)}-v0" for s in files} <= set(ids)
    assert env_name("open_transport_pour") == "OpenTransportPour"
    assert ids["labc/Pick-v0"]["split"] == "id" and ids["labc/Pick-v0"]["level"] == 1
    level2 = [k for k, v in ids.items() if v["level"] == 2]
    level3 = [k for k, v in ids.items() if v["level"] == 3]
    assert len(level3) == len(level2) > 0
    assert all(ids[k]["split"] == "ood" for k in level3)
    for env_id in [*ids, "labc/Protocol-v0"]:
        assert env_id in gym.registry, env_id
    assert labc.gym.register_all() == labc.gym.ENV_IDS  # idempotent


def test_spaces_follow_the_dataset_features() -> None:
    env = gym.make("labc/Pick-v0", cameras=("front", "wrist"), resolution=32)
    try:
        space = env.observation_space
        assert set(space.spaces) == {
            "observation.images.front",
            "observation.images.wrist",
            "observation.state",
            "task",
        }
        assert space["observation.images.wrist"].shape == (32, 32, 3)
        assert space["observation.images.wrist"].dtype == np.uint8
        assert space["observation.state"].shape == (8,) and space["observation.state"].dtype == np.float32
        assert isinstance(space["task"], gym.spaces.Text)
        assert env.action_space.shape == (8,)
        assert env.action_space.low[-1] == 0.0 and env.action_space.high[-1] == 1.0
    finally:
        env.close()


def test_protocol_id_needs_a_protocol_and_rejects_a_missing_file(tmp_path) -> None:
    with pytest.raises(TypeError):
        gym.make("labc/Protocol-v0")
    with pytest.raises(ValueError, match="no such protocol file"):
        gym.make("labc/Protocol-v0", protocol=tmp_path / "nope.yaml")


@pytest.mark.slow
def test_env_checker_passes() -> None:
    import warnings

    from gymnasium.utils.env_checker import check_env

    made = gym.make("labc/Press-v0", cameras=("front",), resolution=24, render_mode="rgb_array")
    env = made.unwrapped  # the checker wants the environment itself; make() gave it its spec
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            check_env(env)
        # The checker's soft findings count too, except its advice to normalize actions: these are the
        # dataset's absolute joint targets on purpose.
        complaints = [str(w.message) for w in caught if "WARN" in str(w.message)]
        assert [c for c in complaints if "symmetric and normalized" not in c] == []
        frame = env.render()
        assert frame is not None and frame.shape == (24, 24, 3) and frame.dtype == np.uint8
    finally:
        env.close()


def test_a_wild_action_is_a_safe_stop_and_nothing_more_is_sent() -> None:
    env = gym.make("labc/Protocol-v0", protocol=PRESS, cameras=())
    try:
        obs, info = env.reset(seed=3)
        assert info["stop_reason"] is None and info["node_id"] == "n0001"
        wild = np.asarray(obs["observation.state"], dtype=np.float32).copy()
        wild[0] += 2.0  # one control step, far past the speed limit: the monitor's exploding stop
        obs, reward, terminated, truncated, info = env.step(wild)
        assert (terminated, truncated, reward) == (True, False, 0.0)
        assert info["stop_reason"] == "exploding" and not info["is_success"]
        sim = env.unwrapped.sim
        before = sim.time_s
        again = env.step(np.array([*env.unwrapped.profile.home, 0.0], np.float32))
        assert again[2] and sim.time_s == before  # no action reached the simulator after the stop
    finally:
        env.close()


def test_a_node_that_runs_out_of_time_is_retried_then_truncated() -> None:
    from robogenesis.runner.options import RunOptions

    options = RunOptions(max_retries=1, time_factor=0.01, time_slack_s=0.1)
    env = LabEnv(PRESS, cameras=(), options=options)
    try:
        env.reset(seed=0)
        hold = env.sim.command()
        attempts, steps = [], 0
        while True:
            _, _, terminated, truncated, info = env.step(hold)
            attempts.append(info["attempt"])
            steps += 1
            if terminated or truncated:
                break
        assert (terminated, truncated) == (False, True)
        assert info["stop_reason"] == StopReason.TIMEOUT and "press_button" in info["detail"]
        budget = info["step_budget"]
        assert steps == 2 * budget and sorted(set(attempts)) == [0, 1]
    finally:
        env.close()


def run_expert(env: gym.Env, seed: int) -> tuple[float, dict, int]:
    """The executor's expert protocol through the gym interface: bind at every node and retry."""
    obs, info = env.reset(seed=seed)
    expert, bound, total, steps = ExpertPolicy(), None, 0.0, 0
    while True:
        u = env.unwrapped
        if (u.node.id, u.attempt) != bound:
            bound = (u.node.id, u.attempt)
            expert.reset(obs["task"], u.robot)
            expert.bind(u.sim, u.node, np.random.default_rng([u.seed, u.index, u.attempt]))
        chunk = expert.act(obs)
        action = chunk[0] if len(chunk) else u.sim.command()  # done: hold while the predicate settles
        obs, reward, terminated, truncated, info = env.step(action)
        total += reward
        steps += 1
        if terminated or truncated:
            return total, info, steps


@pytest.mark.slow
def test_the_expert_presses_the_button_through_gym() -> None:
    env = gym.make("labc/Press-v0", cameras=("wrist",), resolution=32)
    try:
        total, info, steps = run_expert(env, seed=0)
        assert info["stop_reason"] == StopReason.OK and info["is_success"]
        assert total == pytest.approx(1.0)
        assert info["node_id"] == "n0001" and info["predicate"] == "press_button"
        assert 0 < steps < info["step_budget"]
    finally:
        env.close()


def test_a_vector_of_environments_batches_the_dataset_keys() -> None:
    """LeRobot's evaluation loop steps vectorized environments; the Text task batches as a tuple."""
    envs = gym.make_vec(
        "labc/Press-v0", num_envs=2, vectorization_mode="sync", cameras=("front",), resolution=16
    )
    try:
        obs, info = envs.reset(seed=0)
        assert obs["observation.images.front"].shape == (2, 16, 16, 3)
        assert obs["observation.state"].shape == (2, 8)
        assert obs["task"] == ("Press the button of the stirrer to switch it on.",) * 2
        hold = np.stack([env.unwrapped.sim.command() for env in envs.envs]).astype(np.float32)
        obs, reward, terminated, truncated, info = envs.step(hold)
        assert reward.tolist() == [0.0, 0.0] and not terminated.any() and not truncated.any()
        assert list(info["node_id"]) == ["n0001", "n0001"]
        assert list(info["seed"]) != [info["seed"][0]] * 2  # each copy draws its own scene
    finally:
        envs.close()
