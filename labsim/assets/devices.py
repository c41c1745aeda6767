"""Instruments fixed to the bench: hotplates, stirrers, shakers, drying boxes, cabinets.

A device's front faces the robot (-x). Catalog extents are (width, depth, height), so width runs
along world y and depth along world x. Parts are added by affordance, so a drying box with a door and
a button, or a cabinet with a drawer, come from the same code.
"""

from __future__ import annotations

from typing import Any

import mujoco

from labsim.assets.info import AssetInfo
from labsim.assets.shapes import add_box, add_cylinder, add_open_box, turned_half_xy, yaw_quat
from labsim.assets.vessels import kind_name

BODY_RGBA = (0.82, 0.84, 0.86, 1.0)
DOOR_RGBA = (0.6, 0.75, 0.85, 0.55)
HANDLE_RGBA = (0.15, 0.15, 0.17, 1.0)
BUTTON_RGBA = (0.85, 0.15, 0.12, 1.0)
PLATE_OFF_RGBA = (0.22, 0.22, 0.24, 1.0)
PLATE_ON_RGBA = (0.9, 0.25, 0.1, 1.0)
BUTTON_TRAVEL_M = 0.006
DOOR_OPEN_RAD = 1.75


def _handle_bar(body: mujoco.MjsBody, name: str, pos: tuple[float, float, float], vertical: bool) -> str:
    """A pull bar standing 3 cm proud of a front face, with a site at its middle."""
    x, y, z = pos
    half = (0.006, 0.006, 0.04) if vertical else (0.006, 0.04, 0.006)
    add_box(body, half, (x - 0.03, y, z), HANDLE_RGBA)
    along = (0.0, 0.0, 0.03) if vertical else (0.0, 0.03, 0.0)
    for sign in (-1.0, 1.0):
        add_box(
            body,
            (0.015, 0.005, 0.005),
            (x - 0.015, y + sign * along[1], z + sign * along[2]),
            HANDLE_RGBA,
        )
    site = f"{name}/handle"
    body.add_site(name=site, pos=[x - 0.03, y, z], size=[0.005, 0.0, 0.0], group=4)
    return site


def _add_door(dev: mujoco.MjsBody, name: str, kind: Any, hx: float, hy: float, hz: float) -> tuple[str, str]:
    handle = kind.geometry.handle
    hinge_y = -hy if handle.side == "left" else hy  # handle on the robot's left (+y) -> hinge on the right
    if handle.side in ("front", "top"):
        hinge_y = hy
    width = 2 * hy
    door = dev.add_body(name=f"{name}/door", pos=[-hx - 0.009, hinge_y, hz])  # 1 mm off the walls
    direction = -1.0 if hinge_y > 0 else 1.0  # the panel extends from the hinge across the opening
    door.add_joint(
        name=f"{name}/door_hinge",
        type=mujoco.mjtJoint.mjJNT_HINGE,
        axis=[0.0, 0.0, direction],  # positive angles swing the panel out, towards the robot
        range=[0.0, DOOR_OPEN_RAD],
        damping=0.4,
        frictionloss=0.02,
    )
    # 4 mm short of the bench and the roof: a panel dragging on the bench top would not swing.
    add_box(door, (0.008, width / 2, hz - 0.004), (0.0, direction * width / 2, 0.0), DOOR_RGBA, mass=0.4)
    offset = min(max(handle.offset_m, 0.05), width - 0.02)
    site = _handle_bar(door, name, (0.0, direction * offset, 0.0), vertical=True)
    return f"{name}/door_hinge", site


def _add_drawer(
    dev: mujoco.MjsBody, name: str, kind: Any, hx: float, hy: float, hz: float
) -> tuple[str, str]:
    drawer_h = min(hz * 0.8, 0.06)
    drawer = dev.add_body(name=f"{name}/drawer", pos=[0.0, 0.0, 2 * hz - 0.012 - drawer_h - 0.005])
    drawer.add_joint(
        name=f"{name}/drawer_slide",
        type=mujoco.mjtJoint.mjJNT_SLIDE,
        axis=[-1.0, 0.0, 0.0],
        range=[0.0, 1.6 * hx * 0.8],
        damping=2.0,
        # Runners hold an open drawer where it was left: with 0.05 N a Robotiq's fingertips, opening
        # as they let go, kicked it 6 cm back in and it coasted below the opened mark.
        frictionloss=0.6,
    )
    add_open_box(drawer, (hx * 0.9, hy * 0.9, drawer_h), 0.006, "+z", (0.7, 0.7, 0.72, 1.0))
    # The front fits inside the cabinet's walls (0.012 m thick) so the drawer slides free.
    add_box(drawer, (0.008, hy - 0.014, drawer_h + 0.004), (-hx, 0.0, 0.0), BODY_RGBA, mass=0.3)
    site = _handle_bar(drawer, name, (-hx - 0.008, 0.0, 0.0), vertical=False)
    return f"{name}/drawer_slide", site


def _add_button(
    dev: mujoco.MjsBody,
    name: str,
    at: tuple[float, float, float],
    hx: float,
    hy: float,
    height: float,
    covered: bool = False,
) -> str:
    """A spring-loaded push button: on the front face when the catalog puts it below the top
    (pressed along +x), otherwise on the top (pressed down). Catalog (x width, y depth, -y = front)
    maps to world (y = -x, x = y)."""
    bx, by, bz = at
    y = min(max(-bx, -hy + 0.02), hy - 0.02)
    # A front button would sit under a door panel and hold the door ajar: doored devices get it on top.
    on_front = bz < height - 0.01 and not covered
    if on_front:
        pos, axis = [-hx - 0.006, y, min(max(bz, 0.015), height - 0.015)], [-1.0, 0.0, 0.0]
        quat = [0.7071068, 0.0, 0.7071068, 0.0]
    else:
        pos, axis = [min(max(by, -hx + 0.02), hx - 0.02), y, height + 0.006], [0.0, 0.0, 1.0]
        quat = [1.0, 0.0, 0.0, 0.0]
    button = dev.add_body(name=f"{name}/button", pos=pos, gravcomp=1.0)
    button.add_joint(
        name=f"{name}/button_slide",
        type=mujoco.mjtJoint.mjJNT_SLIDE,
        axis=axis,
        range=[-BUTTON_TRAVEL_M, 0.0],
        stiffness=80.0,
        springref=0.0,
        damping=0.5,
    )
    geom = add_cylinder(button, 0.012, 0.006, (0.0, 0.0, 0.0), BUTTON_RGBA, mass=0.01)
    geom.quat = quat
    return f"{name}/button_slide"


def build_device(
    world: mujoco.MjsBody, name: str, kind: Any, pos: tuple[float, float, float], yaw_rad: float = 0.0
) -> AssetInfo:
    """A device whose front faces -x turned by `yaw_rad`; every part is in the device's own frame, so
    doors, drawers and buttons turn with it."""
    geo = kind.geometry
    width, depth, height = geo.outer_size_m
    hx, hy, hz = depth / 2, width / 2, height / 2
    dev = world.add_body(name=name, pos=list(pos), quat=yaw_quat(yaw_rad))
    affordances = set(kind.affordances)
    parts: dict[str, Any] = {}
    if "has_door" in affordances or "has_lid" in affordances:
        add_open_box(dev, (hx, hy, hz), 0.012, "-x", BODY_RGBA, (0.0, 0.0, hz))
        add_box(dev, (hx * 0.9, hy * 0.95, 0.004), (0.0, 0.0, hz), (0.7, 0.7, 0.72, 1.0))  # shelf
        parts["door_joint"], parts["handle_site"] = _add_door(dev, name, kind, hx, hy, hz)
    elif "has_drawer" in affordances:
        add_open_box(dev, (hx, hy, hz), 0.012, "-x", BODY_RGBA, (0.0, 0.0, hz))
        parts["drawer_joint"], parts["handle_site"] = _add_drawer(dev, name, kind, hx, hy, hz)
    else:
        add_box(dev, (hx, hy, hz), (0.0, 0.0, hz), BODY_RGBA, name=f"{name}/housing")
    if "heats" in affordances or "stirs" in affordances:
        add_cylinder(
            dev, min(hx, hy) * 0.8, 0.003, (0.0, 0.0, height + 0.003), PLATE_OFF_RGBA, name=f"{name}/plate"
        )
    if "shakes" in affordances:
        platform = dev.add_body(name=f"{name}/platform", pos=[0.0, 0.0, height + 0.01])
        platform.add_joint(
            name=f"{name}/platform_slide",
            type=mujoco.mjtJoint.mjJNT_SLIDE,
            axis=[0.0, 1.0, 0.0],
            range=[-0.02, 0.02],
            damping=5.0,
        )
        add_box(platform, (hx * 0.85, hy * 0.85, 0.006), (0.0, 0.0, 0.0), (0.3, 0.5, 0.35, 1.0), mass=0.5)
        parts["platform_joint"] = f"{name}/platform_slide"
    top = height + (0.016 if "shakes" in affordances else 0.006 if {"heats", "stirs"} & affordances else 0.0)
    if "has_button" in affordances:
        parts["button_joint"] = _add_button(
            dev, name, geo.button_m, hx, hy, height, covered="door_joint" in parts
        )
        parts["button_travel_m"] = BUTTON_TRAVEL_M
    return AssetInfo(
        name=name,
        type=kind_name(kind),
        shape=geo.shape,
        affordances=frozenset(affordances),
        body=name,
        free=False,
        height_m=height,
        top_z_m=top,
        half_xy=turned_half_xy(hx + (0.04 if parts.get("handle_site") else 0.0), hy, yaw_rad),
        **parts,
    )
