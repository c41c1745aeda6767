"""Geometry helpers shared by the asset builders: hollow walls made of primitives.

Everything is primitives (boxes, cylinders, capsules), never meshes: collisions stay cheap and exact,
and the fast render mode costs about 1 ms a frame.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import mujoco

LABWARE_GROUP = 2  # rendered in both modes
LIQUID_GROUP = 3
GLASS_RGBA = (0.78, 0.88, 0.95, 0.28)


def yaw_quat(yaw_rad: float) -> list[float]:
    """MuJoCo (w, x, y, z) quaternion of a turn about world z."""
    return [math.cos(yaw_rad / 2.0), 0.0, 0.0, math.sin(yaw_rad / 2.0)]


def turned_half_xy(half_x: float, half_y: float, yaw_rad: float) -> tuple[float, float]:
    """Half extents of the axis-aligned box around a (half_x, half_y) rectangle turned by `yaw_rad`."""
    c, s = abs(math.cos(yaw_rad)), abs(math.sin(yaw_rad))
    return c * half_x + s * half_y, s * half_x + c * half_y


def add_box(
    body: mujoco.MjsBody,
    half: Sequence[float],
    pos: Sequence[float] = (0.0, 0.0, 0.0),
    rgba: Sequence[float] = (0.7, 0.7, 0.7, 1.0),
    name: str = "",
    collide: bool = True,
    quat: Sequence[float] = (1.0, 0.0, 0.0, 0.0),
    mass: float | None = None,
) -> mujoco.MjsGeom:
    geom = body.add_geom(
        name=name,
        type=mujoco.mjtGeom.mjGEOM_BOX,
        size=list(half),
        pos=list(pos),
        quat=list(quat),
        rgba=list(rgba),
        group=LABWARE_GROUP,
    )
    return _finish(geom, collide, mass)


def _finish(geom: mujoco.MjsGeom, collide: bool, mass: float | None) -> mujoco.MjsGeom:
    """Mass and collision switches shared by every primitive."""
    if mass is not None:
        geom.mass = mass
    if not collide:
        geom.contype = 0
        geom.conaffinity = 0
    return geom


def add_cylinder(
    body: mujoco.MjsBody,
    radius: float,
    half_height: float,
    pos: Sequence[float] = (0.0, 0.0, 0.0),
    rgba: Sequence[float] = (0.7, 0.7, 0.7, 1.0),
    name: str = "",
    collide: bool = True,
    mass: float | None = None,
) -> mujoco.MjsGeom:
    geom = body.add_geom(
        name=name,
        type=mujoco.mjtGeom.mjGEOM_CYLINDER,
        size=[radius, half_height, 0.0],
        pos=list(pos),
        rgba=list(rgba),
        group=LABWARE_GROUP,
    )
    return _finish(geom, collide, mass)


def add_hollow_cylinder(
    body: mujoco.MjsBody,
    outer_radius: float,
    z0: float,
    z1: float,
    wall: float,
    rgba: Sequence[float] = GLASS_RGBA,
    segments: int = 12,
    mass: float = 0.01,
    prefix: str = "",
) -> None:
    """A tube wall between heights z0 and z1, as `segments` boxes tangent to the circle."""
    radius = outer_radius - wall / 2.0
    half_len = radius * math.tan(math.pi / segments) + wall / 2.0
    half_h = (z1 - z0) / 2.0
    for k in range(segments):
        angle = 2.0 * math.pi * k / segments
        quat = (math.cos(angle / 2.0), 0.0, 0.0, math.sin(angle / 2.0))
        add_box(
            body,
            (wall / 2.0, half_len, half_h),
            (radius * math.cos(angle), radius * math.sin(angle), z0 + half_h),
            rgba,
            name=f"{prefix}wall{k}" if prefix else "",
            quat=quat,
            mass=mass / segments,
        )


def add_open_box(
    body: mujoco.MjsBody,
    half: Sequence[float],
    wall: float,
    open_side: str,
    rgba: Sequence[float],
    center: Sequence[float] = (0.0, 0.0, 0.0),
) -> None:
    """Five walls of a box with `open_side` (one of -x, +x, -y, +y, +z) left open."""
    hx, hy, hz = half
    cx, cy, cz = center
    t = wall / 2.0
    walls = {
        "-x": ((t, hy, hz), (cx - hx + t, cy, cz)),
        "+x": ((t, hy, hz), (cx + hx - t, cy, cz)),
        "-y": ((hx, t, hz), (cx, cy - hy + t, cz)),
        "+y": ((hx, t, hz), (cx, cy + hy - t, cz)),
        "-z": ((hx, hy, t), (cx, cy, cz - hz + t)),
        "+z": ((hx, hy, t), (cx, cy, cz + hz - t)),
    }
    for side, (size, pos) in walls.items():
        if side != open_side:
            add_box(body, size, pos, rgba)
