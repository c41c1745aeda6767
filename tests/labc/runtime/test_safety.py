"""The safety monitor and safe stops: bad actions never reach the simulator, and every stop has a reason."""

from __future__ import annotations

import time

import numpy as np
import pytest

from labc.runtime.episode import EpisodeSpec, run_episode
from robogenesis.runner.options import RunOptions
from robogenesis.runner.safety import SafetyMonitor, SafetyStop
from tests.labc.runtime import policies

FAST = RunOptions(max_retries=1, time_factor=0.25, time_slack_s=0.5, stall_timeout_s=0.5)


def run(compiled_of, policy, task: str = "level1/pick", robot: str = "franka", options: RunOptions = FAST):
    return run_episode(compiled_of(task, robot), policy, EpisodeSpec(robot=robot, seed=3), options)


@pytest.mark.parametrize(
    ("policy", "reason"),
    [
        (policies.NaNPolicy, "nan"),
        (policies.PastLimitPolicy, "joint_limits"),
        (policies.ExplodingPolicy, "exploding"),
        (policies.WrongShapePolicy, "bad_action"),
    ],
)
def test_bad_actions_stop_the_run_before_reaching_the_simulator(compiled_of, policy, reason):
    result = run(compiled_of, policy())
    assert not result.completed and result.safe_stop
    assert result.stop_reason == reason
    first = result.nodes[0]
    assert first.reason == reason and first.retries == 0  # a safety stop is not retried
    assert first.steps == 0 and first.time_s == 0.0  # the very first action was refused
    stops = [e for e in result.safety if e.outcome == "stopped"]
    assert [(e.kind, e.node_id, e.step) for e in stops] == [(reason, "n0001", 0)]


def test_slightly_fast_actions_are_clipped_and_recorded(compiled_of):
    result = run(compiled_of, policies.HurriedPolicy())
    assert not result.safe_stop and result.stop_reason == "timeout"  # it never picks anything up
    clipped = result.safety_counts["joint_speed:clipped"]
    assert clipped == sum(n.steps for n in result.nodes) > 0
    assert all(e.outcome == "clipped" and e.kind == "joint_speed" for e in result.safety)


def test_clipped_step_is_at_the_speed_limit(env_of):
    env = env_of("level1/pick")
    monitor = SafetyMonitor(env)
    start = env.command()
    ask = start.copy()
    ask[1] += 0.3
    out = monitor.filter(ask)
    step_max = min(env.robot.velocity_limits[1], monitor.limits.max_joint_speed_rad_s) / env.robot.control_hz
    assert env.robot.velocity_limits[1] == 2.175  # the Panda's datasheet limit, tighter than the cap
    assert out[1] - start[1] == pytest.approx(step_max)
    np.testing.assert_allclose(np.delete(out, 1), np.delete(start, 1))  # one joint clipped, not rescaled
    # Two joints too fast: the step is scaled as a whole, each joint within its own limit.
    ask[5] += 0.5
    both = SafetyMonitor(env).filter(ask) - start
    limits = np.asarray(env.robot.velocity_limits) / env.robot.control_hz
    assert np.all(np.abs(both[:-1]) <= limits + 1e-9)
    assert both[5] / both[1] == pytest.approx(0.5 / 0.3)


def test_target_a_hair_past_a_limit_is_clipped_not_stopped(env_of):
    env = env_of("level1/pick", "ur5")
    wrist = env.robot.n_arm - 1  # turning the last joint keeps the tool where it is
    hi = env.robot.joint_limits[wrist][1]
    q = env.command()
    q[wrist] = hi - 0.01
    env.set_arm(q[:-1])
    monitor = SafetyMonitor(env)
    ask = q.copy()
    ask[wrist] = hi + 0.02
    assert monitor.filter(ask)[wrist] == pytest.approx(hi)
    assert monitor.counts == {"joint_limits:clipped": 1}


def test_tool_outside_the_workspace_stops(env_of):
    env = env_of("level1/pick")
    q = env.command()
    q[0] = 2.8  # base turned to face away from the bench: the tool is behind the robot
    env.set_arm(q[:-1])
    monitor = SafetyMonitor(env)
    assert env.ik.forward(q[:-1])[0][0] < monitor.limits.workspace_min[0] - 0.03
    with pytest.raises(SafetyStop) as stop:
        monitor.filter(q)
    assert stop.value.event.kind == "workspace"


def test_keep_out_over_a_hotplate_only_while_it_is_on(env_of):
    env = env_of("level2/heat_liquid")
    plate = env.body_pos("hotplate")
    top = plate[2] + env.asset("hotplate").top_z_m
    down = np.array([0.0, 1.0, 0.0, 0.0])  # tool pointing at the bench
    ik = env.ik.solve(np.array([plate[0], plate[1], top + 0.015]), down, q_init=env.command()[:-1])
    assert ik.success, ik.reason
    q = np.array([*ik.qpos, 0.0])
    env.set_arm(q[:-1])
    assert not env.device_on("hotplate")
    SafetyMonitor(env).filter(q)  # off: the plate is cold, the tool may touch it
    button = env.asset("hotplate").button_joint
    env.set_joint_q(button, -env.asset("hotplate").button_travel_m)
    env.step(q)  # the press registers on the next physics step
    assert env.device_on("hotplate")
    monitor = SafetyMonitor(env)
    with pytest.raises(SafetyStop) as stop:
        monitor.filter(q)
    assert stop.value.event.kind == "keep_out" and "hotplate" in stop.value.event.detail
    up = q.copy()
    above = env.ik.solve(np.array([plate[0], plate[1], top + 0.12]), down, q_init=q[:-1])
    up[:-1] = above.qpos
    env.set_arm(up[:-1])
    SafetyMonitor(env).filter(up)  # well above the plate: allowed even when it is on


def test_policy_that_raises_ends_in_a_safe_stop(compiled_of):
    result = run(compiled_of, policies.RaisingPolicy(), task="level1/place")
    assert result.safe_stop and result.stop_reason == "policy_error"
    assert "model weights are corrupt" in result.nodes[0].detail
    assert [n.reason for n in result.nodes] == ["policy_error", "not_run"]


def test_policy_that_stalls_ends_in_a_safe_stop(compiled_of):
    result = run(compiled_of, policies.StallingPolicy())
    assert result.safe_stop and result.stop_reason == "stall"
    assert result.wall_s < 2.5  # the run did not wait for the stalled call


def test_the_policy_thread_ends_with_the_run(compiled_of):
    import threading

    before = sum(t.name == "labc-policy" for t in threading.enumerate())
    for _ in range(3):
        run(compiled_of, policies.NaNPolicy())
    # The threads end on their own once close() is seen; a loaded machine may take a while to schedule
    # them, so wait for that (bounded) instead of sleeping a fixed 50 ms.
    deadline = time.monotonic() + 10.0
    while (
        sum(t.name == "labc-policy" for t in threading.enumerate()) > before and time.monotonic() < deadline
    ):
        time.sleep(0.01)
    assert sum(t.name == "labc-policy" for t in threading.enumerate()) == before
