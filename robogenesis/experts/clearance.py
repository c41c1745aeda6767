"""Whether a planned arm configuration runs into the scene or into itself.

The motion planner tracks the tool only; the links behind it can fold onto each other near the base
(a Panda's link 6 on its link 1) or sweep through labware on the way in (a UR5's wrist through a tip
rack while its hand reached level for the pipette). Checked on the IK scratch data with every free
object where it is now, so it costs the simulation nothing.
"""

from __future__ import annotations

from typing import Any

import mujoco
import numpy as np

from robogenesis.experts.cache import per_env

MARGIN_M = 0.004
CHECK_EVERY = 4


def blocked(env: Any, qs: list[np.ndarray], ignore: tuple[str, ...] = (), held: Any = None) -> str | None:
    """What the first blocked configuration along `qs` (every CHECK_EVERY-th and the last) hits, as
    'link on thing', or None. Bodies named in `ignore` (the object being grasped or carried, and
    everything inside it) do not count; nor does the bench, which `Arm.check_bench` already watches.
    With `held` (a `Held`), that object goes along in the hand and may hit neither the scene nor the
    arm's links (a pipette's upper end stands 13 cm above the fingers, beside the wrist)."""
    if not qs:
        return None
    picks = [*qs[::CHECK_EVERY], qs[-1]]
    robot, scene = per_env(env, "clearance_geoms", lambda: _geoms(env))
    pairs = self_pairs(env)
    model, data = env.model, env.ik.data
    skip = {g for g in scene if _owner(env, g) in ignore}
    others = [g for g in scene if g not in skip]
    carried, adr = [], -1
    if held is not None:
        body = model.body(env.asset(held.name).body)
        carried = [g for g in scene if model.geom_bodyid[g] == body.id]
        adr = int(model.jnt_qposadr[body.jntadr[0]])
        gripper = f"{env.info.prefix}gripper/"
        arm_links = [g for g in robot if not model.body(model.geom_bodyid[g]).name.startswith(gripper)]
        others = [g for g in others if model.geom_bodyid[g] != body.id]
    for q in picks:
        tool_pos, tool_quat = env.ik.forward(np.asarray(q, float), qpos_rest=env.data.qpos)
        if adr >= 0:
            rot = np.zeros(9)
            mujoco.mju_quat2Mat(rot, tool_quat)
            rot = rot.reshape(3, 3)
            quat = np.zeros(4)
            mujoco.mju_mat2Quat(quat, np.ascontiguousarray(rot @ held.rot_local).reshape(9))
            data.qpos[adr : adr + 3] = tool_pos + rot @ held.origin_local
            data.qpos[adr + 3 : adr + 7] = quat
            mujoco.mj_kinematics(model, data)
        for a, b in pairs:
            if mujoco.mj_geomDistance(model, data, a, b, MARGIN_M, None) < MARGIN_M:
                return f"{_name(env, a)} on {_name(env, b)}"
        checks = [(a, b) for a in robot for b in others]
        checks += [(a, b) for a in carried for b in [*others, *arm_links]] if adr >= 0 else []
        for a, b in checks:
            reach = model.geom_rbound[a] + model.geom_rbound[b] + MARGIN_M
            if reach > 0 and np.linalg.norm(data.geom_xpos[a] - data.geom_xpos[b]) > reach:
                continue
            if mujoco.mj_geomDistance(model, data, a, b, MARGIN_M, None) < MARGIN_M:
                return f"{_name(env, a)} on {_name(env, b)}"
    return None


def _owner(env: Any, gid: int) -> str:
    """The labware a geom belongs to (its body's name up to the first '/'), '' for the world."""
    body = env.model.body(env.model.geom_bodyid[gid]).name
    return body.split("/")[0] if body != "world" else ""


def _name(env: Any, gid: int) -> str:
    geom = env.model.geom(gid)
    return geom.name or env.model.body(env.model.geom_bodyid[gid]).name


def _geoms(env: Any) -> tuple[list[int], list[int]]:
    """(moving robot geoms that collide, scene geoms they could hit): not the bench, not liquid."""
    model, prefix = env.model, env.info.prefix
    bench = model.geom("bench_top").id
    particles = {p for a in env.info.assets.values() for p in a.particles}
    robot, scene = [], []
    for g in range(model.ngeom):
        if not (model.geom_contype[g] or model.geom_conaffinity[g]) or g == bench:
            continue
        body = model.body(model.geom_bodyid[g]).name
        if body.startswith(prefix):
            if model.body_weldid[model.geom_bodyid[g]] != 0:  # the base does not move
                robot.append(g)
        elif body not in particles:
            scene.append(g)
    return robot, scene


def self_pairs(env: Any) -> list[tuple[int, int]]:
    """Robot geom pairs that may not touch (the base's included: a Panda's link 5 folds onto it
    beside the base): different bodies, neither the other's parent, not both in the gripper (its
    linkage overlaps by design), and apart at the home pose."""
    return per_env(env, "clearance_self_pairs", lambda: _self_pairs(env))


def _self_pairs(env: Any) -> list[tuple[int, int]]:
    model, prefix = env.model, env.info.prefix
    robot = [
        g
        for g in range(model.ngeom)
        if (model.geom_contype[g] or model.geom_conaffinity[g])
        and model.body(model.geom_bodyid[g]).name.startswith(prefix)
    ]
    gripper = f"{prefix}gripper/"
    env.ik.forward(np.asarray(env.robot.home, float))
    pairs = []
    for i, a in enumerate(robot):
        for b in robot[i + 1 :]:
            ba, bb = int(model.geom_bodyid[a]), int(model.geom_bodyid[b])
            if ba == bb or model.body_parentid[ba] == bb or model.body_parentid[bb] == ba:
                continue
            if model.body(ba).name.startswith(gripper) and model.body(bb).name.startswith(gripper):
                continue
            if mujoco.mj_geomDistance(model, env.ik.data, a, b, 0.02, None) < 0.02:
                continue
            pairs.append((a, b))
    return pairs


def folded(env: Any) -> str | None:
    """Which two links touch in the arm configuration last set on the IK scratch data (as 'link on
    link'), or None: a Panda reaching down right beside its base folds link 5 onto link 1 or the base,
    where it jams and the hand lands centimetres off its plan."""
    model, data = env.model, env.ik.data
    for a, b in self_pairs(env):
        if mujoco.mj_geomDistance(model, data, a, b, MARGIN_M, None) < MARGIN_M:
            return f"{_name(env, a)} on {_name(env, b)}"
    return None
