"""Where a device's door or drawer goes when it opens: the bench area its moving part sweeps.

A device's footprint on the bench is its closed box plus a few centimetres for the handle; a door
swinging open reaches a door's width further out. The sampler checks the swept area against the
other items of a draw, since a distractor standing in the arc stopped the door a quarter of the way
open and the expert's hand slid off the handle (2 of 10 ood open_close scenes on a Franka).
"""

from __future__ import annotations

import math
from typing import Literal

import mujoco
import numpy as np
from pydantic import BaseModel, ConfigDict

from labsim.mujoco_env import MujocoEnv


class BenchBox(BaseModel):
    """An axis-aligned box on the bench: centre and half extents in metres."""

    model_config = ConfigDict(frozen=True)
    x: float
    y: float
    half_x: float
    half_y: float


def swept_boxes(
    env: MujocoEnv, device: str, part: Literal["door", "drawer"], travel_m: float, steps: int = 6
) -> list[BenchBox]:
    """The xy boxes the moving part of `device` occupies while its handle travels up to `travel_m`
    from closed (an arc for a door, a line for a drawer), at `steps` evenly spaced positions. Solved
    on the IK's private data, so the simulation is not disturbed."""
    model, data = env.model, env.ik.data
    asset = env.info.asset(device)
    joint = asset.door_joint if part == "door" else asset.drawer_joint
    if joint is None or asset.handle_site is None:
        raise ValueError(f"{device} has no {part}")
    jid = model.joint(joint).id
    adr = int(model.jnt_qposadr[jid])
    lo, hi = (float(v) for v in model.jnt_range[jid])
    sign = 1.0 if hi >= abs(lo) else -1.0  # the way the joint opens is the way its range extends
    data.qpos[:] = env.data.qpos
    data.qpos[adr] = 0.0
    mujoco.mj_kinematics(model, data)
    if int(model.jnt_type[jid]) == int(mujoco.mjtJoint.mjJNT_HINGE):
        handle = data.site_xpos[model.site(asset.handle_site).id]
        axis, anchor = data.xaxis[jid].copy(), data.xanchor[jid].copy()
        radius = float(np.linalg.norm(np.cross(handle - anchor, axis)))
        full = 2.0 * math.asin(min(1.0, travel_m / (2.0 * radius))) if radius > 1e-6 else 0.0
    else:
        full = travel_m
    moving = _subtree(model, int(model.jnt_bodyid[jid]))
    geoms = [g for g in range(model.ngeom) if int(model.geom_bodyid[g]) in moving]
    boxes = []
    for k in range(1, steps + 1):
        data.qpos[adr] = sign * full * k / steps
        mujoco.mj_kinematics(model, data)
        for g in geoms:
            centre, half = model.geom_aabb[g][:3], model.geom_aabb[g][3:]
            rot = data.geom_xmat[g].reshape(3, 3)
            world = data.geom_xpos[g] + rot @ centre
            extent = np.abs(rot) @ half
            boxes.append(
                BenchBox(
                    x=float(world[0]), y=float(world[1]), half_x=float(extent[0]), half_y=float(extent[1])
                )
            )
    return boxes


def _subtree(model: mujoco.MjModel, root: int) -> set[int]:
    bodies = {root}
    for b in range(root + 1, model.nbody):  # MuJoCo numbers a parent before its children
        if int(model.body_parentid[b]) in bodies:
            bodies.add(b)
    return bodies
