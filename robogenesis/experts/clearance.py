"""Whether a planned arm configuration runs into the scene or into itself.

The motion planner tracks the tool only; the links behind it can fold onto each other near the base
(a Panda's link 6 on its link 1) or sweep through labware on the way in (a UR5's wrist through a tip
rack while its hand reached level for the pipette). Checked on the simulator's scratch state
(`SimQuery.scratch`) with every free object where it is now, so it costs the simulation nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from labsim.rotations import mat_to_quat, quat_to_mat
from robogenesis.experts.cache import geom_named, geom_table, per_env

if TYPE_CHECKING:
    from labsim.query import GeomInfo, SimQuery
    from robogenesis.experts.held import Held

MARGIN_M = 0.004
CHECK_EVERY = 4


def blocked(
    env: SimQuery, qs: list[np.ndarray], ignore: tuple[str, ...] = (), held: Held | None = None
) -> str | None:
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
    table = geom_table(env)
    skip = {g for g in scene if _owner(table[g]) in ignore}
    others = [g for g in scene if g not in skip]
    carried: list[int] = []
    arm_links: list[int] = []
    carried_body = ""
    if held is not None:
        carried_body = env.asset(held.name).body
        carried = [g for g in scene if table[g].body == carried_body]
        gripper = f"{env.info.prefix}gripper/"
        arm_links = [g for g in robot if not table[g].body.startswith(gripper)]
        others = [g for g in others if table[g].body != carried_body]
    for q in picks:
        scratch = env.scratch()  # every free object where it is now
        tool_pos, tool_quat = env.ik.forward(np.asarray(q, float))
        if held is not None:
            rot = quat_to_mat(tool_quat)
            quat = mat_to_quat(rot @ held.rot_local)
            scratch.place_body(carried_body, tool_pos + rot @ held.origin_local, quat)
        for a, b in pairs:
            if scratch.geom_distance(a, b, MARGIN_M) < MARGIN_M:
                return f"{_name(table[a])} on {_name(table[b])}"
        checks = [(a, b) for a in robot for b in others]
        checks += [(a, b) for a in carried for b in [*others, *arm_links]] if held is not None else []
        where = scratch.geom_positions()
        for a, b in checks:
            reach = table[a].rbound + table[b].rbound + MARGIN_M
            if reach > 0 and np.linalg.norm(where[a] - where[b]) > reach:
                continue
            if scratch.geom_distance(a, b, MARGIN_M) < MARGIN_M:
                return f"{_name(table[a])} on {_name(table[b])}"
    return None


def _owner(geom: GeomInfo) -> str:
    """The labware a geom belongs to (its body's name up to the first '/'), '' for the world."""
    return geom.body.split("/")[0] if geom.body != "world" else ""


def _name(geom: GeomInfo) -> str:
    return geom.name or geom.body


def _geoms(env: SimQuery) -> tuple[list[int], list[int]]:
    """(moving robot geoms that collide, scene geoms they could hit): not the bench, not liquid."""
    prefix = env.info.prefix
    bench = geom_named(env, "bench_top")
    particles = {p for a in env.info.assets.values() for p in a.particles}
    robot, scene = [], []
    for geom in geom_table(env):
        if not geom.solid or geom.id == bench:
            continue
        if geom.body.startswith(prefix):
            if geom.weld_id != 0:  # the base does not move
                robot.append(geom.id)
        elif geom.body not in particles:
            scene.append(geom.id)
    return robot, scene


def self_pairs(env: SimQuery) -> list[tuple[int, int]]:
    """Robot geom pairs that may not touch (the base's included: a Panda's link 5 folds onto it
    beside the base): different bodies, neither the other's parent, not both in the gripper (its
    linkage overlaps by design), and apart at the home pose."""
    return per_env(env, "clearance_self_pairs", lambda: _self_pairs(env))


def _self_pairs(env: SimQuery) -> list[tuple[int, int]]:
    prefix = env.info.prefix
    robot = [g for g in geom_table(env) if g.solid and g.body.startswith(prefix)]
    gripper = f"{prefix}gripper/"
    env.ik.forward(np.asarray(env.robot.home, float))
    scratch = env.scratch(from_world=False)
    pairs = []
    for i, a in enumerate(robot):
        for b in robot[i + 1 :]:
            if a.body_id == b.body_id or a.parent_id == b.body_id or b.parent_id == a.body_id:
                continue
            if a.body.startswith(gripper) and b.body.startswith(gripper):
                continue
            if scratch.geom_distance(a.id, b.id, 0.02) < 0.02:
                continue
            pairs.append((a.id, b.id))
    return pairs


def folded(env: SimQuery) -> str | None:
    """Which two links touch in the arm configuration last set on the IK scratch data (as 'link on
    link'), or None: a Panda reaching down right beside its base folds link 5 onto link 1 or the base,
    where it jams and the hand lands centimetres off its plan."""
    scratch = env.scratch(from_world=False)
    table = geom_table(env)
    for a, b in self_pairs(env):
        if scratch.geom_distance(a, b, MARGIN_M) < MARGIN_M:
            return f"{_name(table[a])} on {_name(table[b])}"
    return None
