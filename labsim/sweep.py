"""Where a device's door or drawer goes when it opens: the bench area its moving part sweeps.

A device's footprint on the bench is its closed box plus a few centimetres for the handle; a door
swinging open reaches a door's width further out. The sampler checks the swept area against the
other items of a draw, since a distractor standing in the arc stopped the door a quarter of the way
open and the expert's hand slid off the handle (2 of 10 ood open_close scenes on a Franka).
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from labsim.query import SimQuery


class BenchBox(BaseModel):
    """An axis-aligned box on the bench: centre and half extents in metres."""

    model_config = ConfigDict(frozen=True)
    x: float
    y: float
    half_x: float
    half_y: float


def swept_boxes(
    env: SimQuery, device: str, part: Literal["door", "drawer"], travel_m: float, steps: int = 6
) -> list[BenchBox]:
    """The xy boxes the moving part of `device` occupies while its handle travels up to `travel_m`
    from closed (an arc for a door, a line for a drawer), at `steps` evenly spaced positions. Solved
    on the simulator's scratch state, so the simulation is not disturbed."""
    asset = env.info.asset(device)
    joint = asset.door_joint if part == "door" else asset.drawer_joint
    if joint is None or asset.handle_site is None:
        raise ValueError(f"{device} has no {part}")
    lo, hi = env.joint_range(joint)
    sign = 1.0 if hi >= abs(lo) else -1.0  # the way the joint opens is the way its range extends
    scratch = env.scratch()
    scratch.move(joint, 0.0)
    if env.joint_is_hinge(joint):
        handle = scratch.site_pos(asset.handle_site)
        anchor, axis = scratch.joint_frame(joint)
        radius = float(np.linalg.norm(np.cross(handle - anchor, axis)))
        full = 2.0 * math.asin(min(1.0, travel_m / (2.0 * radius))) if radius > 1e-6 else 0.0
    else:
        full = travel_m
    geoms = env.moving_geoms(joint)
    boxes = []
    for k in range(1, steps + 1):
        scratch.move(joint, sign * full * k / steps)
        for g in geoms:
            world, extent = scratch.geom_box(g)
            boxes.append(
                BenchBox(
                    x=float(world[0]), y=float(world[1]), half_x=float(extent[0]), half_y=float(extent[1])
                )
            )
    return boxes
