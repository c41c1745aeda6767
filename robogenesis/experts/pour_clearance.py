"""How high the pouring lip must be over the target so that nothing but liquid meets the target.

A vessel held from above has the hand at its mouth: once tipped, fingers and palm sit beside and
below the lip, and a fixed safety height is either too low (the hand knocks the target over) or too
high (the stream splashes out). So the height is measured instead: the gripper's and the held
vessel's collision boxes are sampled in the tool frame as they are now, carried through every planned
tilt with the lip at the rim, and the lip is raised just enough that no sample over the target's
footprint comes below its rim.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import product
from typing import TYPE_CHECKING

import numpy as np

from robogenesis.experts.cache import geom_table
from robogenesis.experts.motion import Pose

if TYPE_CHECKING:
    from labsim.query import SimQuery

RIM_MARGIN_M = 0.012  # between anything solid and the target's rim
FOOTPRINT_MARGIN_M = 0.015  # around the target's outer radius


def solid_points_local(env: SimQuery, tool: Pose, held_body: str) -> np.ndarray:
    """Sample points (3x3x3 per box: corners, edge and face centres) of the gripper's and the held
    body's collision geoms, in the tool frame, as they are at this moment."""
    prefix = f"{env.info.prefix}gripper/"
    grid = np.array(list(product((-1.0, 0.0, 1.0), repeat=3)))
    points = []
    for geom in geom_table(env):
        if not geom.solid or not (geom.body.startswith(prefix) or geom.body == held_body):
            continue
        aabb = geom.aabb
        world = env.geom_pos(geom.id) + (aabb[:3] + grid * aabb[3:]) @ env.geom_rot(geom.id).T
        points.append((world - tool.pos) @ tool.rot)
    return np.concatenate(points) if points else np.zeros((0, 3))


def lip_rise(
    points_local: np.ndarray,
    poses: Iterable[Pose],
    centre_xy: np.ndarray,
    radius: float,
    rim_z: float,
) -> float:
    """How far every pose must be raised so that no sample point over the target's footprint
    (within `radius` plus a margin of its axis) is lower than the rim plus a margin; 0 when clear."""
    need = 0.0
    for pose in poses:
        world = pose.pos + points_local @ pose.rot.T
        over = np.linalg.norm(world[:, :2] - centre_xy, axis=1) <= radius + FOOTPRINT_MARGIN_M
        if np.any(over):
            need = max(need, float(rim_z + RIM_MARGIN_M - world[over, 2].min()))
    return need


def clear_lip_height(
    points_local: np.ndarray,
    tool_at: Callable[[np.ndarray, float], Pose],
    lip: np.ndarray,
    tilts: np.ndarray,
    centre_xy: np.ndarray,
    radius: float,
    rim_z: float,
) -> float:
    """The lowest lip height (from `lip`'s z up) at which tipping through `tilts` about the lip keeps
    the hand and the held vessel off the target. Raising the lip raises every point alike and moves
    none sideways, so one pass gives the answer."""
    poses = [tool_at(lip, float(t)) for t in tilts]
    return float(lip[2]) + lip_rise(points_local, poses, centre_xy, radius, rim_z)
