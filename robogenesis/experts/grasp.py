"""Grasp, approach and facing poses from catalog geometry, for any robot profile.

Nothing here names a robot. Each gripper's finger-closing axis is read from its collision geometry
(the tool-frame axis along which the fingers spread), and "natural" wrist yaws come from the
profile's home pose, so the same expert code drives Franka, UR5e and xArm7.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel, ConfigDict

from labdata.deck import BENCH_TOP_Z, ROBOT_MOUNT
from labsim.rotations import quat_to_mat
from robogenesis.experts.base import PlanningError
from robogenesis.experts.cache import geom_table, per_env
from robogenesis.experts.motion import Pose, rot_about

if TYPE_CHECKING:
    from labsim.query import SimQuery

DOWN = np.array([0.0, 0.0, -1.0])
UP = np.array([0.0, 0.0, 1.0])
SIDE_PITCHES_RAD = (0.0, 0.35, 0.6)
PIPETTE_YAWS_RAD = (0.0, 0.4, -0.4, 0.8, -0.8, 1.2, -1.2, 1.6, -1.6)  # level ways in, around radial
PALM_CLEARANCE_M = 0.045
PAD_BENCH_CLEARANCE_M = 0.003  # fingertip-to-palm depth: below this much object above the grasp, go top-down
PAD_REHEARSAL_STEPS = 40  # control steps in which the fingers open or close fully


class GraspPlan(BaseModel):
    """Where the tool closes on an object, and the equivalent ways in: each a tool orientation with
    the direction of the final motion into the grasp (a parallel gripper is symmetric, and a side
    grasp may come in level or pitched down)."""

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)
    pos: np.ndarray
    rots: list[np.ndarray]
    approaches: list[np.ndarray]
    depth: float = 0.0  # the tool goes this much further along each approach than `pos`
    name: str = ""
    check_clearance: bool = False  # reject ways in on which the arm's links hit labware or each other

    def poses(self, offset: np.ndarray | None = None, stand_off: float = 0.0) -> list[Pose]:
        shift = np.zeros(3) if offset is None else np.asarray(offset, float)
        return [
            Pose(self.pos + shift - a * stand_off, r) for r, a in zip(self.rots, self.approaches, strict=True)
        ]


def _unit(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, float)
    return v / np.linalg.norm(v)


def finger_axis(env: SimQuery) -> int:
    """0 if the fingers close along the tool's x axis, 1 if along its y axis."""
    return per_env(env, "finger_axis", lambda: _measure_finger_axis(env))


def _measure_finger_axis(env: SimQuery) -> int:
    prefix = f"{env.info.prefix}gripper/"
    rot, origin = env.tool_rot(), env.tool_pos()
    local = []
    for geom in geom_table(env):
        if geom.body.startswith(prefix) and geom.contype:
            local.append(rot.T @ (env.geom_pos(geom.id) - origin))
    pts = np.array(local)
    spread = pts.max(axis=0) - pts.min(axis=0)
    return int(spread[1] > spread[0])


def pad_depth(env: SimQuery, closed: bool = False) -> tuple[float, float]:
    """(centre, deepest) of the fingertip pads along the tool's approach axis, in metres from the
    tool site (positive: further along the approach), with the gripper open or closed. The pads are
    the gripper's box geoms; a Robotiq's travel 2 cm towards the palm as they close, a Panda's not.
    Measured once per model on a rehearsal (`SimQuery.rehearse`), so the simulation is untouched."""
    centre, deepest, _ = per_env(env, ("pads", closed), lambda: _measure_pads(env, closed))
    return centre, deepest


def _measure_pads(env: SimQuery, closed: bool) -> tuple[float, float, float]:
    """(pad centre, pad deepest, pad offset along the finger axis)."""
    command = np.asarray(env.command(), float)
    command[-1] = 1.0 if closed else 0.0
    scratch = env.rehearse(command, PAD_REHEARSAL_STEPS)
    rot, origin = scratch.tool_rot(), scratch.tool_pos()
    prefix = f"{env.info.prefix}gripper/"
    lows, highs, sides = [], [], []
    for geom in geom_table(env):
        if not (geom.body.startswith(prefix) and geom.solid):
            continue
        if not geom.is_box or not geom.contype:
            continue
        geom_rot = scratch.geom_rot(geom.id)
        local_rot = rot.T @ geom_rot
        aabb = geom.aabb
        centre = rot.T @ (scratch.geom_pos(geom.id) + geom_rot @ aabb[:3] - origin)
        half = np.abs(local_rot) @ aabb[3:]
        lows.append(centre[2] - half[2])
        highs.append(centre[2] + half[2])
        sides.append(abs(centre[finger_axis(env)]))
    centre, deepest = ((min(lows) + max(highs)) / 2, max(highs)) if lows else (0.0, 0.0)
    return centre, deepest, float(np.mean(sides)) if sides else 0.0


def open_pad_offset(env: SimQuery) -> float:
    """How far each open fingertip pad sits from the tool site along the finger axis."""
    return per_env(env, ("pads", False), lambda: _measure_pads(env, False))[2]


def tool_rot(env: SimQuery, approach: np.ndarray, fingers: np.ndarray) -> np.ndarray:
    """Tool rotation whose z axis points along `approach` and whose finger-closing axis lies along
    `fingers` (made orthogonal to the approach)."""
    z = _unit(approach)
    f = np.asarray(fingers, float)
    f = _unit(f - z * float(np.dot(f, z)))
    if finger_axis(env) == 0:
        x, y = f, np.cross(z, f)
    else:
        y = f
        x = np.cross(y, z)
    return np.column_stack([x, y, z])


def base_xy(env: SimQuery) -> np.ndarray:
    return np.asarray(ROBOT_MOUNT[:2]) + np.asarray(env.robot.base_pos[:2])


def azimuth(env: SimQuery, point: np.ndarray) -> float:
    d = np.asarray(point[:2]) - base_xy(env)
    return float(np.arctan2(d[1], d[0]))


def _home_yaw(env: SimQuery) -> tuple[float, float]:
    """(finger-axis yaw, tool azimuth) at the profile's home pose."""
    pos, quat = env.ik.forward(np.asarray(env.robot.home, float))
    f = quat_to_mat(quat)[:, finger_axis(env)]
    return float(np.arctan2(f[1], f[0])), azimuth(env, pos)


def natural_yaw(env: SimQuery, point: np.ndarray) -> float:
    """The finger-axis yaw the home wrist would have, turned to face `point` from the base."""
    yaw, home_az = _home_yaw(env)
    return yaw + azimuth(env, point) - home_az


def yaw_dir(yaw: float) -> np.ndarray:
    return np.array([np.cos(yaw), np.sin(yaw), 0.0])


def top_down(env: SimQuery, yaw: float) -> list[np.ndarray]:
    """Both top-down orientations with the fingers closing along `yaw` (and its half-turn twin)."""
    return [tool_rot(env, DOWN, yaw_dir(yaw)), tool_rot(env, DOWN, yaw_dir(yaw + np.pi))]


def facing(env: SimQuery, direction: np.ndarray, fingers: np.ndarray) -> list[np.ndarray]:
    """Both orientations pointing the tool along `direction` with fingers along +-`fingers`."""
    return [tool_rot(env, direction, fingers), tool_rot(env, direction, -np.asarray(fingers, float))]


def catalog_kind(env: SimQuery, name: str) -> Any:
    from labdata.catalog import load_catalog

    return load_catalog().get(env.asset(name).type)


def grasp_plan(env: SimQuery, name: str) -> GraspPlan:
    """How to grasp a free object: across a rod, from the side for tall tools, else from above."""
    asset = env.asset(name)
    if not asset.free:
        raise PlanningError(f"{name} is fixed to the bench and cannot be picked up")
    geometry = catalog_kind(env, name).geometry
    base = env.body_pos(name)
    if asset.rod_tip_site:
        tip = env.site_pos(asset.rod_tip_site)
        along = _unit(tip - base)
        # Grip at the middle: the rest block under the raised end is 4.5 cm away, wider fingers
        # (Robotiq) would land on it nearer that end.
        # Pads centred on the rod, unless that would put their lower edge on the bench.
        centre, _ = pad_depth(env, closed=True)
        _, deepest = pad_depth(env, closed=False)
        pos = base.copy()
        pos[2] = max(base[2] + centre, BENCH_TOP_Z + PAD_BENCH_CLEARANCE_M + deepest)
        across = np.cross(UP, along)
        yaw = natural_yaw(env, pos)
        rots = top_down(env, float(np.arctan2(across[1], across[0])))
        rots.sort(key=lambda r: -float(np.dot(r[:, finger_axis(env)], yaw_dir(yaw))))
        return GraspPlan(pos=pos, rots=rots, approaches=[DOWN] * len(rots))
    height = float(geometry.grasp_height_m or asset.height_m / 2)
    if asset.grip_site:  # a pipette: where a gripper holds it (labsim.assets.vessels.build_pipette)
        height = float(env.site_pos(asset.grip_site)[2] - base[2])
    pos = base + np.array([0.0, 0.0, height])
    if asset.height_m - height > PALM_CLEARANCE_M:
        # Tall tools. Low on the bench a level hand can put the wrist on the bench: pitched
        # approaches follow.
        radial = np.append(_unit(pos[:2] - base_xy(env)), 0.0)
        rots, approaches = [], []
        if asset.grip_site:
            # A pipette is taken level, from whichever side the arm reaches: a hand pitched down
            # squeezes the barrel against its palm at the pitch (a Robotiq drew it 20 deg off upright),
            # and a round barrel in a stand open at the sides can be taken from any of them.
            ways = [rot_about(UP, yaw) @ radial for yaw in PIPETTE_YAWS_RAD]
        else:
            ways = [radial * np.cos(pitch) + DOWN * np.sin(pitch) for pitch in SIDE_PITCHES_RAD]
        for approach in ways:
            for rot in facing(env, approach, np.cross(UP, approach)):
                rots.append(rot)
                approaches.append(approach)
        # A pipette goes in as deep as the closed pads meet: a Robotiq's pads travel 3.5 cm towards
        # its palm as they close and draw what they hold along, so a barrel taken at the fingertips
        # crept 4 cm through the hand (and tilted) while it was carried; taken there, it stays put.
        depth = -pad_depth(env, closed=True)[0] if asset.grip_site else 0.0
        return GraspPlan(
            pos=pos,
            rots=rots,
            approaches=approaches,
            depth=depth,
            name=name,
            check_clearance=bool(asset.grip_site),
        )
    rots = top_down(env, natural_yaw(env, pos))
    return GraspPlan(pos=pos, rots=rots, approaches=[DOWN] * len(rots))
