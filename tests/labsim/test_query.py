"""The query surface (`labsim.query.SimQuery`) reads the world and never moves it: hypothetical
configurations (a door swung open, an arm elsewhere) are solved on scratch state."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.labsim.labsim_scenes import BENCH


@pytest.fixture(scope="module")
def env():
    from labsim.backend import get_backend

    env = get_backend().build(BENCH, "franka")
    yield env
    env.close()


def test_body_rotation_agrees_with_the_pose_and_the_tilt(env) -> None:
    import mujoco

    _, quat = env.object_pose("b1")
    from_quat = np.zeros(9)
    mujoco.mju_quat2Mat(from_quat, quat)
    rot = env.body_rot("b1")
    np.testing.assert_allclose(rot, from_quat.reshape(3, 3), atol=1e-9)
    assert env.tilt_deg("b1") == pytest.approx(math.degrees(math.acos(min(1.0, rot[2, 2]))))
    rot[:] = 0.0  # a copy: writing to it changes nothing
    assert env.body_rot("b1")[2, 2] > 0.99


def test_scratch_moves_a_door_without_moving_the_world(env) -> None:
    door = env.asset("box").door_joint
    handle = env.asset("box").handle_site
    assert env.joint_is_hinge(door)
    lo, hi = env.joint_range(door)
    qpos, time_s = env.data.qpos.copy(), env.time_s
    anchor, axis = env.joint_frame(door)
    start = env.site_pos(handle)

    scratch = env.scratch()
    scratch.move(door, 0.0)
    np.testing.assert_array_equal(scratch.site_pos(handle), start)
    swung = hi if hi >= abs(lo) else lo
    scratch.move(door, swung)
    moved = scratch.site_pos(handle)
    assert np.linalg.norm(moved - start) > 0.05
    # A hinge: the handle keeps its distance from the axis, and the axis stays where it was.
    s_anchor, s_axis = scratch.joint_frame(door)
    np.testing.assert_allclose(s_anchor, anchor, atol=1e-12)
    np.testing.assert_allclose(s_axis, axis, atol=1e-12)
    radius = [np.linalg.norm(np.cross(p - anchor, axis)) for p in (start, moved)]
    assert radius[0] == pytest.approx(radius[1], abs=1e-9)

    np.testing.assert_array_equal(env.data.qpos, qpos)
    assert env.time_s == time_s
    np.testing.assert_array_equal(env.site_pos(handle), start)


def test_the_moving_geoms_of_a_door_are_the_door_and_its_handle(env) -> None:
    door = env.asset("box").door_joint
    names = [env.model.geom(g).name for g in env.moving_geoms(door)]
    bodies = {env.model.body(env.model.geom_bodyid[g]).name for g in env.moving_geoms(door)}
    assert names and all(b.startswith("box/") for b in bodies)
    assert env.asset("box").body not in bodies  # the cabinet itself stays
    scratch = env.scratch()
    scratch.move(door, 0.0)
    for g in env.moving_geoms(door):
        centre, half = scratch.geom_box(g)
        assert np.all(half >= 0.0)
        assert np.all(np.abs(centre - env.data.geom_xpos[g]) <= half + 1e-9)  # the box holds its geom


def test_device_and_pipette_state_read_through_the_surface(env) -> None:
    env.reset(0)
    assert env.device_on("hp") is False
    assert env.last_press_s("hp") == -np.inf
    assert env.tips_left("rack")[0] == "A1"
    assert env.pipette("pip").tip_from is None
    cap = env.joint_body_pos(env.asset("hp").button_joint)
    assert cap[2] > env.body_pos("hp")[2]  # the button's cap stands on the hotplate
    tip = env.asset("rack").tip_geoms["A1"]
    assert np.linalg.norm(env.geom_pos(tip)[:2] - env.body_pos("rack")[:2]) < 0.1
    assert np.all(env.geom_size(tip)[:2] > 0.0)  # a cylinder: radius, half height


def test_scratch_lifts_a_beaker_off_the_bench_without_lifting_it(env) -> None:
    env.reset(0)
    bench = env.model.geom("bench_top").id
    table = env.geoms()
    assert [g.id for g in table] == list(range(len(table)))
    assert table[bench].name == "bench_top" and table[bench].weld_id == 0 and table[bench].solid
    body = env.asset("b1").body
    beaker = [g.id for g in table if g.body == body and g.solid]
    assert beaker
    qpos = env.data.qpos.copy()

    scratch = env.scratch()
    resting = min(scratch.geom_distance(g, bench, 0.5) for g in beaker)
    assert abs(resting) < 0.005
    pos, quat = env.object_pose("b1")
    scratch.place_body(body, pos + np.array([0.0, 0.0, 0.2]), quat)
    lifted = min(scratch.geom_distance(g, bench, 0.5) for g in beaker)
    assert lifted == pytest.approx(resting + 0.2, abs=1e-6)
    np.testing.assert_allclose(
        scratch.geom_pos(beaker[0]), env.geom_pos(beaker[0]) + np.array([0.0, 0.0, 0.2])
    )
    np.testing.assert_array_equal(env.data.qpos, qpos)


def test_kinematics_and_limits_come_from_the_profile(env) -> None:
    lo, hi = env.arm_limits()
    np.testing.assert_array_equal(np.stack([lo, hi], axis=1), np.asarray(env.robot.joint_limits))
    home = np.asarray(env.robot.home, float)
    tool, _ = env.ik.forward(home)
    scratch = env.scratch(from_world=False)  # as the forward solve left it: the arm at home
    np.testing.assert_array_equal(scratch.tool_pos(), tool)
    hand = [g.id for g in env.geoms() if g.body.startswith(f"{env.info.prefix}gripper/") and g.solid]
    np.testing.assert_array_equal(scratch.geom_positions()[hand], [scratch.geom_pos(g) for g in hand])
    assert min(np.linalg.norm(scratch.geom_pos(g) - tool) for g in hand) < 0.15


def test_a_rehearsed_grasp_closes_the_fingers_of_a_copy(env) -> None:
    env.reset(0)
    qpos, opening = env.data.qpos.copy(), env.gripper_opening()
    gripper = f"{env.info.prefix}gripper/"
    fingers = [g.id for g in env.geoms() if g.body.startswith(gripper) and g.contype and g.is_box]
    assert len(fingers) >= 2

    def spread(view) -> float:
        return float(np.ptp([view.geom_pos(g) for g in fingers], axis=0).max())

    command = env.command()
    opened = spread(env.rehearse(command, 40))
    command[-1] = 1.0
    closed = env.rehearse(command, 40)
    assert spread(closed) < opened - 0.02
    tool = env.robot.gripper.tool_site
    np.testing.assert_allclose(closed.site_rot(f"{gripper}{tool}"), env.tool_rot(), atol=0.05)
    np.testing.assert_array_equal(closed.tool_rot(), closed.site_rot(f"{gripper}{tool}"))
    np.testing.assert_array_equal(closed.tool_pos(), closed.site_pos(f"{gripper}{tool}"))
    np.testing.assert_array_equal(env.data.qpos, qpos)
    assert env.gripper_opening() == opening
