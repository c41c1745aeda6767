"""Pipette mechanics: tips move from rack to pipette by contact, liquid moves by dwell.

A parallel gripper holding the pipette cannot work its plunger, so the plunger is modelled as a dial
(`PipetteState.dial_ul`, settable by the expert like a person turning the volume knob): dipping a
tipped, empty pipette into a well or vessel with liquid for `DWELL_S` aspirates the dial volume;
dipping a loaded one into another well or vessel dispenses it all; one transfer per dip, and a dip
lasts until the tip end comes up out of the labware (DIP_CLEAR_M above its top). Tips attach when the nozzle
touches a tip in the rack and detach when the tip is pushed back into an empty rack position.
Well volumes are bookkeeping; vessel volumes are particles plus a bookkeeping offset.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:  # scene_builder imports mujoco
    from labsim.scene_builder import SceneInfo

DWELL_S = 0.3
ATTACH_RADIUS_M = 0.006
DIP_CLEAR_M = 0.005  # a dip ends when the tip end is this far above the labware's top


@dataclass
class PipetteState:
    dial_ul: float
    tip_from: tuple[str, str] | None = None  # (rack, well)
    had_tip: bool = False
    armed: bool = False  # the tip has left its rack position, so pushing it back there ejects it
    loaded_ul: float = 0.0
    loaded_from: tuple[str, str | None] | None = None
    dwell_s: float = 0.0
    dipped: tuple[str, str | None] | None = None  # the well of the last transfer, until the tip leaves it
    aspirated: list[tuple[str, str | None, float]] = field(default_factory=list)
    dispensed: list[tuple[str, str | None, float]] = field(default_factory=list)


@dataclass
class LiquidLocation:
    """Where a tip end currently is: a labware name and a well (None for a vessel)."""

    labware: str
    well: str | None


class Bench(Protocol):
    """What `locate_tip` reads of an environment: the built scene and where each body stands."""

    @property
    def info(self) -> SceneInfo: ...

    def body_pos(self, name: str) -> np.ndarray: ...


def locate_tip(tip_end: np.ndarray, env: Bench) -> LiquidLocation | None:
    """The well or vessel interior containing the tip end, if any."""
    for asset in env.info.assets.values():
        origin = env.body_pos(asset.name)
        local = tip_end - origin
        if asset.wells is not None and not asset.tip_geoms:
            grid = asset.wells
            if not (asset.top_z_m - grid.well_depth_m - 0.002 <= local[2] <= asset.top_z_m + 0.004):
                continue
            for well in grid.names():
                wx, wy = grid.offset(well)
                if np.hypot(local[0] - wx, local[1] - wy) <= grid.pitch_m * 0.45:
                    return LiquidLocation(asset.name, well)
        elif (
            asset.is_container
            and np.hypot(local[0], local[1]) < asset.inner_radius_m
            and 0 < local[2] < asset.top_z_m
        ):
            return LiquidLocation(asset.name, None)
    return None
