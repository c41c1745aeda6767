"""Each predicate proven true and false on states set directly, for every robot profile."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import BaseModel

from labsim.errors import UnknownPredicateError
from tests.labsim.labsim_scenes import DRAWER, ROBOTS


class P(BaseModel):
    """Params with the skill registry's field names (skills.registry models work the same)."""

    model_config = {"extra": "allow"}


def _home(env) -> None:
    env.reset(0)
    env.set_arm(np.asarray(env.robot.home), gripper_close=0.0)


def test_pick_and_place(bench_env) -> None:
    env = bench_env
    _home(env)
    assert not env.check("pick", P(object="b2"))
    assert not env.check("place", P(object="b2", target="hp", relation="on"))
    start = env.body_pos("b2")
    env.set_body_pos("b2", start + np.array([0.0, 0.0, 0.15]))
    assert env.check("pick", P(object="b2"))
    top = env.body_pos("hp") + np.array([0.0, 0.0, env.asset("hp").top_z_m])
    env.set_body_pos("b2", top)
    assert env.check("place", P(object="b2", target="hp", relation="on"))
    env.set_body_pos("b2", top + np.array([0.08, 0.0, 0.0]))
    assert not env.check("place", P(object="b2", target="hp", relation="on"))


def test_door_and_button(bench_env) -> None:
    env = bench_env
    _home(env)
    hinge = env.asset("box").door_joint
    assert env.check("close_door", P(device="box")) and not env.check("open_door", P(device="box"))
    env.set_joint_q(hinge, 1.2)
    assert env.check("open_door", P(device="box")) and not env.check("close_door", P(device="box"))
    env.set_joint_q(hinge, 0.0)

    assert not env.check("press_button", P(device="hp", setpoint_c=80))
    assert not env.device_on("hp")
    env.set_joint_q(env.asset("hp").button_joint, -env.asset("hp").button_travel_m)
    assert env.check("press_button", P(device="hp", setpoint_c=80))
    env.step(np.concatenate([env.robot.home, [0.0]]))  # the press latches the plate on
    assert env.device_on("hp")


def test_pour(bench_env) -> None:
    env = bench_env
    _home(env)
    source = env.asset("b1")
    assert len(source.particles) == 12
    assert not env.check("pour", P(source="b1", target="b2", volume_ul=6000))
    floor = env.body_pos("b2") + np.array([0.0, 0.0, 0.01])
    for k, particle in enumerate(source.particles[:6]):
        env.set_body_pos(particle, floor + np.array([0.0, 0.0, 0.01 * k]))
    assert env.check("pour", P(source="b1", target="b2", volume_ul=6000))
    assert not env.check("pour", P(source="b1", target="b2", volume_ul=12000))
    for k, particle in enumerate(source.particles[6:]):  # the whole beaker, when half was asked
        env.set_body_pos(particle, floor + np.array([0.015, 0.0, 0.01 * k]))
    assert not env.check("pour", P(source="b1", target="b2", volume_ul=6000))
    assert env.check("pour", P(source="b1", target="b2", volume_ul=12000))
    for particle in source.particles[6:9]:  # spill three on the bench
        env.set_body_pos(particle, np.array([0.2, 0.5, 0.8]))
    assert not env.check("pour", P(source="b1", target="b2", volume_ul=6000))


def test_stir_wait_shake(bench_env) -> None:
    env = bench_env
    _home(env)
    hold = np.concatenate([env.robot.home, [0.0]])
    stir = P(container="b2", rod="rod", duration_s=0.15)
    wait = P(duration_s=0.2)
    assert not env.check("stir", stir) and not env.check("wait", wait)
    mouth = env.body_pos("b2")
    upright = np.array([0.7071068, 0.0, 0.7071068, 0.0])  # rod tip pointing down
    for _ in range(4):
        env.set_body_pos("rod", mouth + np.array([0.0, 0.0, 0.12]), upright)
        env.step(hold)
    assert env.check("stir", stir) and env.check("wait", wait)
    assert not env.check("stir", P(container="b1", rod="rod", duration_s=0.15))

    roof = env.body_pos("box") + np.array([-0.1, 0.0, env.asset("box").height_m + 0.001])
    assert not env.check("shake", P(object="b2", duration_s=1.0))
    for k in range(6):
        env.set_body_pos("b2", roof + np.array([0.0, 0.06 * (k % 2), 0.0]), np.array([1.0, 0, 0, 0]))
        env.step(hold)
    for _ in range(12):
        env.step(hold)
    assert env.check("shake", P(object="b2", duration_s=1.0))


def test_pipette_tip(bench_env) -> None:
    env = bench_env
    _home(env)
    assert not env.check("pick_up_tip", P(pipette="pip", rack="rack", well="A1"))
    assert not env.check("drop_tip", P(pipette="pip"))
    tip = env.data.geom(env.asset("rack").tip_geoms["A1"]).xpos + np.array([0.0, 0.0, 0.012])
    env.set_body_pos("pip", tip + np.array([0.0, 0.0, 0.002]))
    env.step(np.concatenate([env.robot.home, [0.0]]))
    assert env.check("pick_up_tip", P(pipette="pip", rack="rack", well="A1"))
    assert not env.check("aspirate", P(pipette="pip", source="b1", well=None, volume_ul=100))


def test_unknown_predicate(bench_env) -> None:
    with pytest.raises(UnknownPredicateError):
        bench_env.check("teleport", P())


@pytest.mark.parametrize("robot", ROBOTS)
def test_drawer(robot: str) -> None:
    from labsim.backend import get_backend

    env = get_backend().build(DRAWER, robot)
    slide = env.asset("cab").drawer_joint
    assert env.check("close_drawer", P(device="cab")) and not env.check("open_drawer", P(device="cab"))
    env.set_joint_q(slide, 0.2)
    assert env.check("open_drawer", P(device="cab")) and not env.check("close_drawer", P(device="cab"))
    env.close()
