"""Grasp, approach and facing poses from catalog geometry, for any robot profile.

Nothing here names a robot. Each gripper's finger-closing axis is read from its collision geometry
(the tool-frame axis along which the fingers spread), and "natural" wrist yaws come from the
profile's home pose, so the same expert code drives Franka, UR5e and xArm7.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict

from labdata.deck import BENCH_TOP_Z, ROBOT_MOUNT
from robogenesis.experts.base import PlanningError
from robogenesis.experts.cache import per_env
from robogenesis.experts.motion import Pose, rot_about

DOWN = np.array([0.0, 0.0, -1.0])
UP = np.array([0.0, 0.0, 1.0])
SIDE_PITCHES_RAD = (0.0, 0.35, 0.6)
PIPETTE_YAWS_RAD = (0.0, 0.4, -0.4, 0.8, -0.8, 1.2, -1.2, 1.6, -1.6)  # level ways in, around radial
PALM_CLEARANCE_M = 0.045
PAD_BENCH_CLEARANCE_M = 0.003  # fingertip-to-palm depth: below this much object above the grasp, go top-down


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


def finger_axis(env: Any) -> int:
    """0 if the fingers close along the tool's x axis, 1 if along its y axis."""
    return per_env(env, "finger_axis", lambda: _measure_finger_axis(env))


def _measure_finger_axis(env: Any) -> int:
    prefix = f"{env.info.prefix}gripper/"
    rot, origin = env.tool_rot(), env.tool_pos()
    local = []
    for gid in range(env.model.ngeom):
        body = env.model.body(env.model.geom_bodyid[gid]).name
        if body.startswith(prefix) and env.model.geom_contype[gid]:
            local.append(rot.T @ (env.data.geom_xpos[gid] - origin))
    pts = np.array(local)
    spread = pts.max(axis=0) - pts.min(axis=0)
    return int(spread[1] > spread[0])


def pad_depth(env: Any, closed: bool = False) -> tuple[float, float]:
    """(centre, deepest) of the fingertip pads along the tool's approach axis, in metres from the
    tool site (positive: further along the approach), with the gripper open or closed. The pads are
    the gripper's box geoms; a Robotiq's travel 2 cm towards the palm as they close, a Panda's not.
    Measured once per model on a scratch copy of the simulation."""
    centre, deepest, _ = per_env(env, ("pads", closed), lambda: _measure_pads(env, closed))
    return centre, deepest


def _measure_pads(env: Any, closed: bool) -> tuple[float, float, float]:
    """(pad centre, pad deepest, pad offset along the finger axis)."""
    import mujoco

    data = mujoco.MjData(env.model)
    data.qpos[:] = env.data.qpos
    command = np.asarray(env.command(), float)
    command[-1] = 1.0 if closed else 0.0
    scratch = _Scratch(env, data)
    for _ in range(40):
        scratch.step(command)
    tool = env.model.site(f"{env.info.prefix}gripper/{env.robot.gripper.tool_site}").id
    rot, origin = data.site_xmat[tool].reshape(3, 3), data.site_xpos[tool]
    prefix = f"{env.info.prefix}gripper/"
    lows, highs, sides = [], [], []
    for gid in range(env.model.ngeom):
        body = env.model.body(env.model.geom_bodyid[gid]).name
        if not (body.startswith(prefix) and (env.model.geom_contype[gid] or env.model.geom_conaffinity[gid])):
            continue
        local_rot = rot.T @ data.geom_xmat[gid].reshape(3, 3)
        aabb = env.model.geom_aabb[gid]
        centre = rot.T @ (data.geom_xpos[gid] + data.geom_xmat[gid].reshape(3, 3) @ aabb[:3] - origin)
        half = np.abs(local_rot) @ aabb[3:]
        if int(env.model.geom_type[gid]) != int(mujoco.mjtGeom.mjGEOM_BOX) or not env.model.geom_contype[gid]:
            continue
        lows.append(centre[2] - half[2])
        highs.append(centre[2] + half[2])
        sides.append(abs(centre[finger_axis(env)]))
    centre, deepest = ((min(lows) + max(highs)) / 2, max(highs)) if lows else (0.0, 0.0)
    return centre, deepest, float(np.mean(sides)) if sides else 0.0


def open_pad_offset(env: Any) -> float:
    """How far each open fingertip pad sits from the tool site along the finger axis."""
    return per_env(env, ("pads", False), lambda: _measure_pads(env, False))[2]


class _Scratch:
    """Drive a scratch copy of the simulation's data through the profile's actuators (named as
    labsim.robot_model names them), leaving the real simulation untouched."""

    def __init__(self, env: Any, data: Any) -> None:
        p, robot = env.info.prefix, env.robot
        self.model, self.data, self.substeps = env.model, data, robot.substeps
        self.arm = [env.model.actuator(f"{p}{j}_servo").id for j in robot.arm_joints]
        self.grip = [env.model.actuator(f"{p}gripper/{a.name}").id for a in robot.gripper.actuators]
        self.open = np.array([a.open for a in robot.gripper.actuators])
        self.shut = np.array([a.closed for a in robot.gripper.actuators])
        data.ctrl[:] = env.data.ctrl

    def step(self, command: np.ndarray) -> None:
        import mujoco

        self.data.ctrl[self.arm] = command[:-1]
        self.data.ctrl[self.grip] = self.open + command[-1] * (self.shut - self.open)
        for _ in range(self.substeps):
            mujoco.mj_step(self.model, self.data)


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
    from labdata.catalog import load_catalog

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
