"""Per-episode history that some predicates need, updated on every control step."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from labsim.query import SimQuery

SHAKE_LIFT_M = 0.05
SHAKE_EXCURSION_M = 0.05
SHAKE_EXCURSIONS = 5
STILL_M = 0.01
STILL_S = 0.5
STIR_XY_M = 0.04


@dataclass
class _Shake:
    start_z: float
    extreme: np.ndarray | None = None
    excursions: int = 0
    still_anchor: np.ndarray | None = None
    still_s: float = 0.0


@dataclass
class Trackers:
    """Shake excursions per free object, rod-in-container time per pair, wait start times."""

    shakes: dict[str, _Shake] = field(default_factory=dict)
    stirs: dict[tuple[str, str], float] = field(default_factory=dict)
    waits: dict[str, float] = field(default_factory=dict)
    time_s: float = 0.0

    def reset(self, env: SimQuery) -> None:
        self.shakes = {a.name: _Shake(env.body_pos(a.name)[2]) for a in env.info.assets.values() if a.free}
        self.stirs = {}
        self.waits = {}
        self.time_s = env.time_s

    def update(self, env: SimQuery, dt: float) -> None:
        self.time_s = env.time_s
        for name, s in self.shakes.items():
            pos = env.body_pos(name)
            if pos[2] - s.start_z < SHAKE_LIFT_M:
                s.extreme, s.still_anchor, s.still_s = None, None, 0.0
                continue
            if s.extreme is None:
                s.extreme = pos.copy()
            elif np.linalg.norm(pos - s.extreme) >= SHAKE_EXCURSION_M:
                s.excursions += 1
                s.extreme = pos.copy()
            if s.still_anchor is None or np.linalg.norm(pos - s.still_anchor) > STILL_M:
                s.still_anchor, s.still_s = pos.copy(), 0.0
            else:
                s.still_s += dt
        rods = [a for a in env.info.assets.values() if a.rod_tip_site]
        containers = [a for a in env.info.assets.values() if a.is_container]
        for rod in rods:
            assert rod.rod_tip_site is not None  # chosen for having one
            tip = env.site_pos(rod.rod_tip_site)
            for box in containers:
                base = env.body_pos(box.name)
                inside = (
                    np.hypot(*(tip[:2] - base[:2])) < min(STIR_XY_M, box.inner_radius_m)
                    and base[2] < tip[2] < base[2] + box.top_z_m
                )
                if inside:
                    key = (rod.name, box.name)
                    self.stirs[key] = self.stirs.get(key, 0.0) + dt

    def shake_done(self, name: str, duration_s: float) -> bool:
        s = self.shakes.get(name)
        return s is not None and s.excursions >= SHAKE_EXCURSIONS and s.still_s >= STILL_S

    def stir_time(self, rod: str, container: str) -> float:
        return self.stirs.get((rod, container), 0.0)

    def waited(self, params: Any) -> float:
        """Seconds since this wait was first checked (the check starts its clock)."""
        key = repr(params)
        start = self.waits.setdefault(key, self.time_s)
        return self.time_s - start
