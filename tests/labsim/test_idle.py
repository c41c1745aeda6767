"""`Env.idle`: a world at rest is fast-forwarded (the clock and what reads it jump, positions stay), a
world in motion is simulated, and `until` stops the hold on the control step it comes true."""

from __future__ import annotations

import numpy as np
import pytest

from labsim.scene_spec import LabwareSpec, SceneSpec

SCENE = SceneSpec(
    labware=[
        LabwareSpec(name="b1", type="beaker_250ml", site="bench/center", volume_ul=50000),
        LabwareSpec(name="shaker", type="shaker", site="bench/right"),
    ],
    cameras=[],
)


@pytest.fixture
def env(monkeypatch):
    from labsim.backend import get_backend
    from labsim.mujoco_env import MujocoEnv

    env = get_backend().build(SCENE, "franka")
    env.physics_steps = 0
    real = MujocoEnv._physics_step

    def counting(self) -> None:
        self.physics_steps += 1
        real(self)

    monkeypatch.setattr(MujocoEnv, "_physics_step", counting)
    yield env
    env.close()


def _drops(env) -> np.ndarray:
    return np.stack([env.data.body(b).xpos for b in env.asset("b1").particles])


def test_a_still_world_jumps_and_stays_put(env) -> None:
    env.idle(5.0)  # let the liquid settle
    env.physics_steps = 0
    before, t0 = _drops(env), env.time_s
    assert env.idle(1800.0) == pytest.approx(1800.0)
    assert env.time_s == pytest.approx(t0 + 1800.0)
    assert env.physics_steps <= 10  # at most one rest window (0.5 s at 20 Hz) before the jump
    np.testing.assert_allclose(_drops(env), before, atol=5e-3)
    assert env.particles_inside(env.asset("b1").particles, "b1") == env.initial_particles("b1")
    env.step(env.command())  # the physics goes on from where it was
    assert env.particles_inside(env.asset("b1").particles, "b1") == env.initial_particles("b1")


def test_until_stops_on_the_step_it_comes_true_and_the_wait_clock_reads_the_jump(env) -> None:
    wait = type("WaitParams", (), {"duration_s": 600.0, "__repr__": lambda self: "wait 600"})()
    assert not env.check("wait", wait)  # the wait's clock starts at its first check
    seconds = env.idle(3600.0, until=lambda: env.check("wait", wait))
    assert seconds == pytest.approx(600.0)
    assert env.check("wait", wait)


def test_a_running_shaker_is_simulated_not_skipped(env) -> None:
    env.devices.power["shaker"] = True  # as its button would: the platform is driven from now on
    joint = env.asset("shaker").platform_joint
    seen = []
    env.idle(0.2)
    env.physics_steps = 0
    for _ in range(6):
        env.idle(0.25)
        seen.append(env.joint_q(joint))
    assert env.physics_steps == 30  # every control step of 1.5 s
    assert np.ptp(seen) > 0.005  # the platform kept moving
