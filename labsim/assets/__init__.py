"""Lab assets generated from catalog geometry hints; `build_labware` picks the builder."""

from __future__ import annotations

from typing import Any

import mujoco

from labdata.deck import footprint
from labsim.assets.devices import build_device
from labsim.assets.info import AssetInfo
from labsim.assets.racks import build_plate, build_tip_rack
from labsim.assets.vessels import build_beaker, build_pipette, build_rod


def build_labware(
    world: mujoco.MjsBody,
    name: str,
    kind: Any,
    pos: tuple[float, float, float],
    volume_ul: float,
    yaw_rad: float = 0.0,
) -> AssetInfo:
    """The asset for `kind` at `pos`; `yaw_rad` turns the shapes that have a direction (the rod and
    its rest, devices), the others are built upright and round or aligned with the bench."""
    shape = kind.geometry.shape
    if shape in ("cylinder", "flask"):
        return build_beaker(world, name, kind, pos, volume_ul)
    if shape == "rod":
        return build_rod(world, name, kind, pos, yaw_rad)
    if shape == "pipette":
        return build_pipette(world, name, kind, pos)
    if shape == "rack" and "holds_tips" in kind.affordances and kind.wells is not None:
        return build_tip_rack(world, name, kind, pos)
    if shape in ("plate", "rack"):
        return build_plate(world, name, kind, pos)
    return build_device(world, name, kind, pos, yaw_rad)


__all__ = ["AssetInfo", "build_labware", "footprint"]
