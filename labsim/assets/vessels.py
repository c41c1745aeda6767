"""Free-standing, graspable labware: beakers, flasks, the glass rod and the pipette tool."""

from __future__ import annotations

import math
from typing import Any

import mujoco

from labsim.assets.info import AssetInfo
from labsim.assets.liquid import fit_particles, particle_budget, spawn_particles
from labsim.assets.shapes import (
    GLASS_RGBA,
    add_box,
    add_cylinder,
    add_hollow_cylinder,
    turned_half_xy,
    yaw_quat,
)

GLASS_MASS_KG = 0.12
ROD_REST_M = 0.05
STAND_GAP_M = 0.003  # pipette stand: play of the nozzle in its slot, each side
GRIP_ABOVE_NOZZLE_M = 0.045  # pipette: the gripper holds the barrel this far above its lower end
ROD_GROOVE_PLAY_M = 0.012  # how far the rod may roll either way before a ridge stops it
ROD_RIDGE_HALF_W_M = 0.003


def _free_body(world: mujoco.MjsBody, name: str, pos: tuple[float, float, float]) -> mujoco.MjsBody:
    body = world.add_body(name=name, pos=list(pos))
    body.add_freejoint(name=f"{name}/free")
    return body


def build_beaker(
    world: mujoco.MjsBody, name: str, kind: Any, pos: tuple[float, float, float], volume_ul: float
) -> AssetInfo:
    """A hollow glass cylinder; with a flask shape the top narrows to a neck of the opening radius."""
    geo = kind.geometry
    sx, _, height = geo.outer_size_m
    radius = sx / 2.0
    wall = max(geo.wall_m or 0.003, 0.002)
    body = _free_body(world, name, pos)
    add_cylinder(body, radius, wall / 2.0, (0.0, 0.0, wall / 2.0), GLASS_RGBA, mass=GLASS_MASS_KG * 0.4)
    inner = radius - wall
    if geo.shape == "flask":
        neck = max(min(geo.opening_radius_m or radius * 0.45, radius * 0.8), 0.012)
        shoulder = height * 0.6
        add_hollow_cylinder(body, radius, wall, shoulder, wall, mass=GLASS_MASS_KG * 0.4, prefix=f"{name}/")
        # The shoulder: a ring of plates closing the body down to the neck.
        ring_w = radius - neck
        for k in range(8):
            angle = 2.0 * math.pi * k / 8.0
            r_mid = neck + ring_w / 2.0
            quat = (math.cos(angle / 2.0), 0.0, 0.0, math.sin(angle / 2.0))
            add_box(
                body,
                (ring_w / 2.0, r_mid * math.tan(math.pi / 8.0) + wall, wall / 2.0),
                (r_mid * math.cos(angle), r_mid * math.sin(angle), shoulder),
                GLASS_RGBA,
                quat=quat,
                mass=0.002,
            )
        add_hollow_cylinder(body, neck, shoulder, height, wall, segments=8, mass=GLASS_MASS_KG * 0.2)
    else:
        add_hollow_cylinder(body, radius, wall, height, wall, mass=GLASS_MASS_KG * 0.6, prefix=f"{name}/")
    body.add_site(name=f"{name}/mouth", pos=[0.0, 0.0, height], size=[0.004, 0.0, 0.0], group=4)
    count, ul_each = particle_budget(volume_ul, fit_particles(inner, height - wall))
    particles = spawn_particles(world, f"{name}/", count, (pos[0], pos[1], pos[2] + wall), inner)
    return AssetInfo(
        name=name,
        type=kind_name(kind),
        shape=geo.shape,
        affordances=frozenset(kind.affordances),
        body=name,
        free=True,
        height_m=height,
        top_z_m=height,
        half_xy=(radius, radius),
        inner_radius_m=inner,
        capacity_ul=float(kind.capacity_ul or 0.0),
        ul_per_particle=ul_each,
        particles=particles,
    )


def build_rod(
    world: mujoco.MjsBody, name: str, kind: Any, pos: tuple[float, float, float], yaw_rad: float = 0.0
) -> AssetInfo:
    """A glass rod lying level on a rest of two blocks, high enough that any gripper's fingertips
    can close around its middle without touching the bench (a Robotiq's pads rise 2 cm as they
    close). Each block has a ridge on either side of the rod: a rod let go by opening fingers spins,
    and on flat blocks it rolled off the rest. The groove between the ridges is wider than a place's
    jitter, and the fingers close between the blocks, clear of the ridges. `yaw_rad` turns rod and
    rest together about the rest's centre."""
    sx, _, length = kind.geometry.outer_size_m
    radius = max(sx / 2.0, 0.003)
    rest_h = ROD_REST_M
    c, s = math.cos(yaw_rad), math.sin(yaw_rad)
    turn = yaw_quat(yaw_rad)

    def at(dx: float, dy: float, z: float) -> list[float]:
        return [pos[0] + c * dx - s * dy, pos[1] + s * dx + c * dy, z]

    for side in (-1.0, 1.0):
        dx = side * length * 0.3
        world.add_geom(
            type=mujoco.mjtGeom.mjGEOM_BOX,
            size=[0.015, 0.03, rest_h / 2.0],
            pos=at(dx, 0.0, pos[2] + rest_h / 2.0),
            quat=turn,
            rgba=[0.3, 0.3, 0.32, 1.0],
            group=2,
        )
        for across in (-1.0, 1.0):
            world.add_geom(
                type=mujoco.mjtGeom.mjGEOM_BOX,
                size=[0.015, ROD_RIDGE_HALF_W_M, radius / 2.0],
                pos=at(dx, across * (radius + ROD_GROOVE_PLAY_M), pos[2] + rest_h + radius / 2.0),
                quat=turn,
                rgba=[0.3, 0.3, 0.32, 1.0],
                group=2,
            )
    body = _free_body(world, name, (pos[0], pos[1], pos[2] + rest_h + radius))
    body.quat = turn
    geom = body.add_geom(
        type=mujoco.mjtGeom.mjGEOM_CAPSULE,
        size=[radius, length / 2.0 - radius, 0.0],
        quat=[0.7071068, 0.0, 0.7071068, 0.0],
        rgba=[0.85, 0.92, 0.97, 0.6],
        group=2,
    )
    geom.mass = 0.02
    body.add_site(name=f"{name}/tip", pos=[length / 2.0, 0.0, 0.0], size=[0.003, 0.0, 0.0], group=4)
    return AssetInfo(
        name=name,
        type=kind_name(kind),
        shape="rod",
        affordances=frozenset(kind.affordances),
        body=name,
        free=True,
        height_m=2 * radius,
        top_z_m=radius,
        half_xy=turned_half_xy(length / 2.0, 0.03, yaw_rad),
        rod_tip_site=f"{name}/tip",
    )


def build_pipette(world: mujoco.MjsBody, name: str, kind: Any, pos: tuple[float, float, float]) -> AssetInfo:
    """An upright single-channel pipette in a stand: a grip barrel, a nozzle, and a tip shown once
    one is picked up (the rack's tip disappears at the same moment, see labsim.pipetting)."""
    sx, _, height = kind.geometry.outer_size_m
    radius = max(sx / 2.0, 0.012)
    nozzle_len = height * 0.3
    tip_len = 0.05
    lift = tip_len + 0.01  # the stand holds it with room for a tip below
    stand_r = radius + 0.02
    world.add_geom(
        type=mujoco.mjtGeom.mjGEOM_BOX,
        size=[stand_r, stand_r, 0.005],
        pos=[pos[0], pos[1], pos[2] + 0.005],
        rgba=[0.25, 0.25, 0.28, 1.0],
        group=2,
    )
    # Two rails cradle the nozzle and carry the barrel by its shoulder, the nozzle hanging free
    # above the base plate with room for a tip. (Rails only as tall as the nozzle's lowest point let
    # the nozzle slip down between them: the pipette stood on its 7 mm nozzle end, tipping over at a
    # nudge and 6 cm lower than the stand was meant to hold it.) The slot is wider than the nozzle by
    # GAP_M a side, so a pipette set down a few millimetres off still drops in.
    rail_in = radius * 0.4 + STAND_GAP_M
    rail_w = (radius - rail_in) * 0.5 + 0.002
    rail_h = lift + nozzle_len
    for side in (-1.0, 1.0):
        world.add_geom(
            type=mujoco.mjtGeom.mjGEOM_BOX,
            size=[rail_w, stand_r, rail_h / 2.0],
            pos=[pos[0] + side * (rail_in + rail_w), pos[1], pos[2] + 0.01 + rail_h / 2.0],
            rgba=[0.25, 0.25, 0.28, 1.0],
            group=2,
        )
    body = _free_body(world, name, (pos[0], pos[1], pos[2] + 0.01 + lift))
    add_cylinder(
        body, radius * 0.4, nozzle_len / 2.0, (0.0, 0.0, nozzle_len / 2.0), (0.9, 0.9, 0.9, 1), mass=0.02
    )
    barrel_h = height - nozzle_len
    add_cylinder(
        body,
        radius,
        barrel_h / 2.0,
        (0.0, 0.0, nozzle_len + barrel_h / 2.0),
        (0.95, 0.55, 0.15, 1),
        mass=0.08,
    )
    tip = body.add_geom(
        name=f"{name}/tip",
        type=mujoco.mjtGeom.mjGEOM_CYLINDER,
        size=[0.003, tip_len / 2.0, 0.0],
        pos=[0.0, 0.0, -tip_len / 2.0],
        rgba=[0.95, 0.95, 0.85, 0.0],
        group=2,
        contype=0,
        conaffinity=0,
    )
    tip.mass = 0.0005
    body.add_site(name=f"{name}/nozzle", pos=[0.0, 0.0, 0.0], size=[0.003, 0.0, 0.0], group=4)
    body.add_site(name=f"{name}/tip_end", pos=[0.0, 0.0, -tip_len], size=[0.002, 0.0, 0.0], group=4)
    # Where a parallel gripper holds it: low on the barrel, just under its centre of mass (a person
    # holds a pipette near the top, but every centimetre of pipette under the hand is a centimetre
    # higher the arm must reach over the tips and wells, and a grip near the centre of mass lets
    # accelerations twist it least).
    body.add_site(
        name=f"{name}/grip", pos=[0.0, 0.0, nozzle_len + GRIP_ABOVE_NOZZLE_M], size=[0.004, 0.0, 0.0], group=4
    )
    return AssetInfo(
        name=name,
        type=kind_name(kind),
        shape="pipette",
        affordances=frozenset(kind.affordances),
        body=name,
        free=True,
        height_m=height,
        top_z_m=height,
        half_xy=(stand_r, stand_r),
        tip_site=f"{name}/tip_end",
        pipette_tip_geom=f"{name}/tip",
        grip_site=f"{name}/grip",
    )


def kind_name(kind: Any) -> str:
    return str(getattr(kind, "name", None) or getattr(kind, "type_name", None) or kind.kind)
