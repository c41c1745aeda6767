"""The room around the bench: floor, painted walls, a window, shelving with reagent bottles, a
fume hood, the cabinet under the bench top and (with finishes) the reagent riser behind it.

Without it the scene cameras see a white slab floating in black, which no lab photograph looks like and
which gives a policy no background to be robust to. Everything here is seen, never touched: visual
geoms only (no contacts, no mass), so physics and the experts are exactly as without the room. Walls
stand far enough out that no camera pose of the randomization puts one between a camera and the bench.

Cost: a few dozen boxes and a few cylinders, untextured (a tiled floor texture alone cost 1.5 ms per
three-camera frame); filling the background that was black is most of what remains
(benchmarks/sim_bench.py prints bare bench, plain room and finished lab). The layout's numbers are in
labdata.look, beside the palettes.
"""

from __future__ import annotations

import mujoco
import numpy as np

from labdata.deck import BENCH_CENTER_XY, BENCH_HALF_SIZE, BENCH_TOP_Z
from labdata.look import (
    BOTTLE_RGBA,
    FAR_WALL_X,
    NEAR_WALL_X,
    RISER_SERVICE_Z,
    RISER_SHELF_Z,
    RISER_TOP_Z,
    RISER_X,
    SHELF_HEIGHTS_M,
    SIDE_WALL_Y,
    WALL_GLOW,
    WALL_HEIGHT,
)
from labsim.assets.shapes import add_box, add_cylinder
from labsim.scene_spec import Room


def add_room(spec: mujoco.MjSpec, room: Room, finished: bool = True) -> None:
    """The room for `room`; `finished` adds the bench's reagent riser and lights the paint the way a
    lit room's walls look (without: the room as built before finishes existed, for old replays)."""
    world = spec.worldbody
    if room.bare:
        world.add_geom(
            name="floor",
            type=mujoco.mjtGeom.mjGEOM_PLANE,
            size=[3.0, 3.0, 0.05],
            rgba=[0.55, 0.55, 0.52, 1],
            group=2,
        )
        return
    floor = _plain_material(spec, "room/floor", room.floor_rgba)
    world.add_geom(
        name="floor",
        type=mujoco.mjtGeom.mjGEOM_PLANE,
        size=[3.0, 3.0, 0.05],
        material=floor,
        rgba=[1, 1, 1, 1],
        group=2,
    )
    paint = _plain_material(spec, "room/paint", room.wall_rgba, WALL_GLOW if finished else 0.0)
    half_z = WALL_HEIGHT / 2
    depth = (FAR_WALL_X - NEAR_WALL_X) / 2
    walls = [
        ((0.02, SIDE_WALL_Y, half_z), (FAR_WALL_X, 0.0, half_z)),
        ((0.02, SIDE_WALL_Y, half_z), (NEAR_WALL_X, 0.0, half_z)),
        ((depth, 0.02, half_z), (NEAR_WALL_X + depth, SIDE_WALL_Y, half_z)),
        ((depth, 0.02, half_z), (NEAR_WALL_X + depth, -SIDE_WALL_Y, half_z)),
    ]
    for i, (half, pos) in enumerate(walls):
        _seen(add_box(world, half, pos, (1, 1, 1, 1), name=f"room/wall{i}"), paint)
    _window(world, room)
    _shelves(world, room)
    _fume_hood(world)
    _bench_cabinet(world, room)
    if finished:
        _bench_riser(world, room)


def _window(world: mujoco.MjsBody, room: Room) -> None:
    """A window in the far wall: bright sky behind a frame with a cross bar."""
    x, y, z = FAR_WALL_X - 0.025, room.window_y, 1.75
    _seen(add_box(world, (0.005, 0.6, 0.45), (x, y, z), room.sky_rgba))
    frame = (0.92, 0.92, 0.9, 1.0)
    for dz in (-0.45, 0.0, 0.45):
        _seen(add_box(world, (0.01, 0.62, 0.02), (x - 0.005, y, z + dz), frame))
    for dy in (-0.6, 0.0, 0.6):
        _seen(add_box(world, (0.01, 0.02, 0.47), (x - 0.005, y + dy, z), frame))


def _shelves(world: mujoco.MjsBody, room: Room) -> None:
    """Two wall shelves beside the window: reagent bottles on the lower one, boxes of consumables on
    the upper; the clutter axis sets how many and which (`bottle_seed`). Round things are what costs
    in software GL (a cylinder about 0.15 ms a frame), so bottles are one cylinder each, boxes boxes."""
    y0 = -0.95 if room.window_y > 0 else 0.95
    x = FAR_WALL_X - 0.14
    rng = np.random.default_rng(room.bottle_seed)
    for z in SHELF_HEIGHTS_M:
        _seen(add_box(world, (0.12, 0.55, 0.012), (x, y0, z), (0.55, 0.45, 0.35, 1.0)))
    low, high = SHELF_HEIGHTS_M
    for i in range(room.bottles):
        radius = float(rng.uniform(0.025, 0.045))
        height = float(rng.uniform(0.08, 0.16))
        y = y0 - 0.5 + (i + 0.5) / room.bottles
        rgba = BOTTLE_RGBA[int(rng.integers(len(BOTTLE_RGBA)))]
        _seen(add_cylinder(world, radius, height / 2, (x, y, low + 0.012 + height / 2), rgba))
        box = (float(rng.uniform(0.04, 0.07)), float(rng.uniform(0.05, 0.12)), float(rng.uniform(0.03, 0.08)))
        tone = float(rng.uniform(0.6, 0.95))
        _seen(add_box(world, box, (x, y, high + 0.012 + box[2]), (tone, tone * 0.95, tone * 0.85, 1.0)))


def _fume_hood(world: mujoco.MjsBody) -> None:
    """A fume hood against the right-hand wall (the side camera's backdrop): cabinet, a dark interior
    behind a tinted glass sash, and its base cupboard."""
    y, x = -SIDE_WALL_Y + 0.45, 0.6
    steel = (0.78, 0.8, 0.82, 1.0)
    _seen(add_box(world, (0.6, 0.42, 0.45), (x, y, 0.45), steel))  # base cupboard
    _seen(add_box(world, (0.6, 0.42, 0.02), (x, y, 0.92), (0.2, 0.2, 0.22, 1.0)))  # work top
    _seen(add_box(world, (0.6, 0.02, 0.6), (x, y - 0.4, 1.55), (0.25, 0.26, 0.28, 1.0)))  # inside
    for side in (-1, 1):
        _seen(add_box(world, (0.02, 0.42, 0.6), (x + side * 0.6, y, 1.55), steel))
    _seen(add_box(world, (0.6, 0.42, 0.12), (x, y, 2.27), steel))  # header
    _seen(add_box(world, (0.58, 0.005, 0.35), (x, y + 0.41, 1.5), (0.55, 0.65, 0.7, 0.35)))  # sash
    _seen(add_box(world, (0.58, 0.01, 0.015), (x, y + 0.42, 1.15), (0.3, 0.3, 0.32, 1.0)))  # handle


def _bench_cabinet(world: mujoco.MjsBody, room: Room) -> None:
    """A cupboard front with drawer pulls under the bench top, on the front camera's side."""
    cx, cy = BENCH_CENTER_XY
    hx, hy = BENCH_HALF_SIZE
    front_y = cy - hy + 0.03
    height = BENCH_TOP_Z - 0.12
    _seen(add_box(world, (hx, 0.01, height / 2), (cx - 0.15, front_y, 0.06 + height / 2), room.cabinet_rgba))
    for i in range(4):
        x = cx - 0.15 - hx + (i + 0.5) * hx / 2
        pull = (0.2, 0.2, 0.2, 1.0)
        _seen(add_box(world, (0.05, 0.012, 0.008), (x, front_y - 0.012, BENCH_TOP_Z - 0.12), pull))


def _bench_riser(world: mujoco.MjsBody, room: Room) -> None:
    """The back of a lab bench: a panel rising from the floor behind the bench top's back edge, a
    service strip with gas taps and sockets, and a reagent shelf with bottles on it. It is the front
    camera's backdrop (which otherwise looked over the bench at bare wall and floor), and stands behind
    the bench's back edge, where no labware is placed and no expert moves the tool."""
    x0 = BENCH_CENTER_XY[0] + BENCH_HALF_SIZE[0] + 0.005  # just behind the back edge
    _, hy = BENCH_HALF_SIZE
    shelf_half = (RISER_X - x0) / 2
    panel = room.cabinet_rgba
    _seen(add_box(world, (0.01, hy, RISER_TOP_Z / 2), (RISER_X + 0.01, 0.0, RISER_TOP_Z / 2), panel))
    _seen(add_box(world, (shelf_half, hy, 0.02), (x0 + shelf_half, 0.0, BENCH_TOP_Z - 0.025), panel))
    _seen(add_box(world, (0.02, hy, 0.05), (RISER_X - 0.02, 0.0, RISER_SERVICE_Z), (0.85, 0.85, 0.83, 1.0)))
    for k, y in enumerate((-0.6, -0.2, 0.2, 0.6)):  # sockets (white) and gas taps (yellow)
        rgba = (0.95, 0.95, 0.93, 1.0) if k % 2 else (0.9, 0.75, 0.1, 1.0)
        _seen(add_box(world, (0.012, 0.035, 0.03), (RISER_X - 0.045, y, RISER_SERVICE_Z), rgba))
    _seen(
        add_box(
            world, (shelf_half, hy, 0.012), (x0 + shelf_half, 0.0, RISER_SHELF_Z), (0.55, 0.45, 0.35, 1.0)
        )
    )
    rng = np.random.default_rng([room.bottle_seed, 1])  # the wall shelves keep their own draws
    for i in range(room.bottles):
        radius = float(rng.uniform(0.025, 0.04))
        height = float(rng.uniform(0.09, 0.17))
        y = -hy + 0.1 + (i + float(rng.uniform(0.2, 0.8))) * (2 * hy - 0.2) / room.bottles
        rgba = BOTTLE_RGBA[int(rng.integers(len(BOTTLE_RGBA)))]
        pos = (x0 + shelf_half, y, RISER_SHELF_Z + 0.012 + height / 2)
        _seen(add_cylinder(world, radius, height / 2, pos, rgba))


def _seen(geom: mujoco.MjsGeom, material: str | None = None) -> mujoco.MjsGeom:
    """Visual only: no contacts (a static world geom has no mass to speak of)."""
    geom.contype = 0
    geom.conaffinity = 0
    if material is not None:
        geom.material = material
    return geom


def _plain_material(
    spec: mujoco.MjSpec, name: str, rgba: tuple[float, float, float, float], glow: float = 0.0
) -> str:
    spec.add_material(name=name, rgba=list(rgba), specular=0.1, shininess=0.1, emission=glow)
    return name
