"""Grasp, approach and facing poses from catalog geometry, for any robot profile.

Nothing here names a robot. Each gripper's finger-closing axis is read from its collision geometry
(the tool-frame axis along which the fingers spread), and "natural" wrist yaws come from the
profile's home pose, so the same expert code drives Franka, UR5e and xArm7.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict

from labsim.layout import ROBOT_MOUNT
from robogenesis.experts.base import PlanningError
from robogenesis.experts.motion import Pose

DOWN = np.array([0.0, 0.0, -1.0])
UP = np.array([0.0, 0.0, 1.0])
PALM_CLEARANCE_M = 0.045  # fingertip-to-palm depth: below this much object above the grasp, go top-down


class GraspPlan(BaseModel):
    """Where the tool closes on an object and from which direction it comes in."""

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)
    pos: np.ndarray
    rots: list[np.ndarray]  # equivalent orientations (a parallel gripper is symmetric)
    approach: np.ndarray  # unit direction of the final motion into the grasp

    def poses(self, offset: np.ndarray | None = None) -> list[Pose]:
        shift = np.zeros(3) if offset is None else np.asarray(offset, float)
        return [Pose(self.pos + shift, rot) for rot in self.rots]


def _unit(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, float)
    return v / np.linalg.norm(v)


def finger_axis(env: Any) -> int:
    """0 if the fingers close along the tool's x axis, 1 if along its y axis."""
    key = id(env.model)
    cached = _FINGER_AXIS.get(key)
    if cached is not None:
        return cached
    prefix = f"{env.info.prefix}gripper/"
    rot, origin = env.tool_rot(), env.tool_pos()
    local = []
    for gid in range(env.model.ngeom):
        body = env.model.body(env.model.geom_bodyid[gid]).name
        if body.startswith(prefix) and env.model.geom_contype[gid]:
            local.append(rot.T @ (env.data.geom_xpos[gid] - origin))
    pts = np.array(local)
    spread = pts.max(axis=0) - pts.min(axis=0)
    _FINGER_AXIS[key] = int(spread[1] > spread[0])
    return _FINGER_AXIS[key]


_FINGER_AXIS: dict[int, int] = {}


def tool_rot(env: Any, approach: np.ndarray, fingers: np.ndarray) -> np.ndarray:
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


def base_xy(env: Any) -> np.ndarray:
    return np.asarray(ROBOT_MOUNT[:2]) + np.asarray(env.robot.base_pos[:2])


def azimuth(env: Any, point: np.ndarray) -> float:
    d = np.asarray(point[:2]) - base_xy(env)
    return float(np.arctan2(d[1], d[0]))


def _home_yaw(env: Any) -> tuple[float, float]:
    """(finger-axis yaw, tool azimuth) at the profile's home pose."""
    pos, quat = env.ik.forward(np.asarray(env.robot.home, float))
    import mujoco

    rot = np.zeros(9)
    mujoco.mju_quat2Mat(rot, quat)
    f = rot.reshape(3, 3)[:, finger_axis(env)]
    return float(np.arctan2(f[1], f[0])), azimuth(env, pos)


def natural_yaw(env: Any, point: np.ndarray) -> float:
    """The finger-axis yaw the home wrist would have, turned to face `point` from the base."""
    yaw, home_az = _home_yaw(env)
    return yaw + azimuth(env, point) - home_az


def yaw_dir(yaw: float) -> np.ndarray:
    return np.array([np.cos(yaw), np.sin(yaw), 0.0])


def top_down(env: Any, yaw: float) -> list[np.ndarray]:
    """Both top-down orientations with the fingers closing along `yaw` (and its half-turn twin)."""
    return [tool_rot(env, DOWN, yaw_dir(yaw)), tool_rot(env, DOWN, yaw_dir(yaw + np.pi))]


def facing(env: Any, direction: np.ndarray, fingers: np.ndarray) -> list[np.ndarray]:
    """Both orientations pointing the tool along `direction` with fingers along +-`fingers`."""
    return [tool_rot(env, direction, fingers), tool_rot(env, direction, -np.asarray(fingers, float))]


def catalog_kind(env: Any, name: str) -> Any:
    from skills.catalog import load_catalog

    return load_catalog().get(env.asset(name).type)


def grasp_plan(env: Any, name: str) -> GraspPlan:
    """How to grasp a free object: across a rod, from the side for tall tools, else from above."""
    asset = env.asset(name)
    if not asset.free:
        raise PlanningError(f"{name} is fixed to the bench and cannot be picked up")
    geometry = catalog_kind(env, name).geometry
    base = env.body_pos(name)
    if asset.rod_tip_site:
        tip = env.site_pos(asset.rod_tip_site)
        along = _unit(tip - base)
        # Grip a quarter of the way from the centre towards the raised end (the rest), so the
        # fingers neither touch the bench nor the rest block.
        pos = base - along * 0.025
        across = np.cross(UP, along)
        yaw = natural_yaw(env, pos)
        rots = top_down(env, float(np.arctan2(across[1], across[0])))
        rots.sort(key=lambda r: -float(np.dot(r[:, finger_axis(env)], yaw_dir(yaw))))
        return GraspPlan(pos=pos, rots=rots, approach=DOWN)
    height = float(geometry.grasp_height_m or asset.height_m / 2)
    pos = base + np.array([0.0, 0.0, height])
    if asset.height_m - height > PALM_CLEARANCE_M:
        radial = np.append(_unit(pos[:2] - base_xy(env)), 0.0)
        return GraspPlan(pos=pos, rots=facing(env, radial, np.cross(UP, radial)), approach=radial)
    return GraspPlan(pos=pos, rots=top_down(env, natural_yaw(env, pos)), approach=DOWN)
