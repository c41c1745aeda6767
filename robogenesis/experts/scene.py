"""What experts need to know about the bench around them: safe travel heights."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from labdata.deck import BENCH_TOP_Z

if TYPE_CHECKING:
    from labsim.query import SimQuery

CLEARANCE_M = 0.05
CORRIDOR_M = 0.12
OVERHEAD_LIMIT_M = 0.35  # taller fixtures (drying boxes, cabinets) are walked around, not over


def _near_segment(point: np.ndarray, a: np.ndarray, b: np.ndarray, margin: float) -> bool:
    ab = b - a
    s = float(np.clip(np.dot(point - a, ab) / max(float(np.dot(ab, ab)), 1e-9), 0.0, 1.0))
    return float(np.linalg.norm(point - (a + s * ab))) <= margin


def travel_height(
    env: SimQuery, goal: np.ndarray, carrying_m: float = 0.0, ignore: tuple[str, ...] = ()
) -> float:
    """Tool height for crossing the bench from where the tool is to above `goal`: above every
    labware top near the way (tall fixtures excepted), plus what hangs below the tool."""
    start = env.tool_pos()[:2]
    tops = [BENCH_TOP_Z]
    for asset in env.info.assets.values():
        if asset.name in ignore or asset.height_m >= OVERHEAD_LIMIT_M:
            continue
        pos = env.body_pos(asset.name)
        if _near_segment(pos[:2], start, np.asarray(goal[:2]), CORRIDOR_M + max(asset.half_xy)):
            tops.append(float(pos[2]) + max(asset.top_z_m, asset.height_m))
    return max(max(tops) + carrying_m + CLEARANCE_M, float(goal[2]))
