"""Flat labware on the bench: well plates, reservoirs and tip racks.

Wells are drawn (dark discs) but not hollowed: 96 hollow wells would cost hundreds of contacts.
Their liquid is bookkept per well by labsim.pipetting; a reservoir (one big well) is a real trough.
"""

from __future__ import annotations

from typing import Any

import mujoco

from labsim.assets.info import AssetInfo
from labsim.assets.shapes import add_box, add_cylinder, add_open_box
from labsim.assets.vessels import kind_name

PLATE_RGBA = (0.92, 0.92, 0.95, 1.0)
WELL_RGBA = (0.35, 0.38, 0.45, 1.0)
RACK_RGBA = (0.2, 0.45, 0.75, 1.0)
TIP_RGBA = (0.95, 0.95, 0.85, 1.0)


def build_plate(world: mujoco.MjsBody, name: str, kind: Any, pos: tuple[float, float, float]) -> AssetInfo:
    sx, sy, height = kind.geometry.outer_size_m
    body = world.add_body(name=name, pos=list(pos))
    grid = kind.wells
    if grid is not None and grid.rows * grid.cols == 1:
        # Reservoir: a real open trough.
        add_open_box(body, (sx / 2, sy / 2, height / 2), 0.004, "+z", PLATE_RGBA, (0.0, 0.0, height / 2))
    else:
        add_box(body, (sx / 2, sy / 2, height / 2), (0.0, 0.0, height / 2), PLATE_RGBA)
        if grid is not None:
            for well in grid.names():
                x, y = grid.offset(well)
                add_cylinder(
                    body,
                    grid.pitch_m * 0.4,
                    0.0006,
                    (x, y, height),
                    WELL_RGBA,
                    name=f"{name}/{well}",
                    collide=False,
                )
    return AssetInfo(
        name=name,
        type=kind_name(kind),
        shape=kind.geometry.shape,
        affordances=frozenset(kind.affordances),
        body=name,
        free=False,
        height_m=height,
        top_z_m=height,
        half_xy=(sx / 2, sy / 2),
        capacity_ul=float(kind.capacity_ul or 0.0),
        wells=grid,
    )


def build_tip_rack(world: mujoco.MjsBody, name: str, kind: Any, pos: tuple[float, float, float]) -> AssetInfo:
    sx, sy, height = kind.geometry.outer_size_m
    body = world.add_body(name=name, pos=list(pos))
    add_box(body, (sx / 2, sy / 2, height / 2), (0.0, 0.0, height / 2), RACK_RGBA)
    grid = kind.wells
    tips: dict[str, str] = {}
    for well in grid.names():
        x, y = grid.offset(well)
        geom = f"{name}/tip_{well}"
        # Tips stand in the rack; they collide with nothing, so a pipette nozzle can enter them.
        add_cylinder(body, 0.0035, 0.012, (x, y, height + 0.012), TIP_RGBA, name=geom, collide=False)
        tips[well] = geom
    return AssetInfo(
        name=name,
        type=kind_name(kind),
        shape="rack",
        affordances=frozenset(kind.affordances),
        body=name,
        free=False,
        height_m=height,
        top_z_m=height,
        half_xy=(sx / 2, sy / 2),
        wells=grid,
        tip_geoms=tips,
    )
