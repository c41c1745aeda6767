"""Pipette tip mechanics on the simulated bench: tips attach to a nozzle pushed into them and eject
when pushed back into an empty rack position; a tipped pipette dwelling in a well aspirates or
dispenses (the rules are in `labsim.pipetting`); well volumes are kept as bookkeeping.

Composed into the environment (`env.tips`) rather than mixed in, because it owns per-episode state
(each pipette's `PipetteState`, the tips left in each rack, every well's volume) that `reset` rebuilds
and the control loop advances once per control step with `update`. It reads the world through the
query surface and writes only tip visibility (geom alpha) into the model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mujoco
import numpy as np

from labsim.errors import SceneError
from labsim.pipetting import ATTACH_RADIUS_M, DIP_CLEAR_M, DWELL_S, PipetteState, locate_tip

if TYPE_CHECKING:
    from labsim.query import SimQuery
    from labsim.scene_builder import SceneInfo

EJECT_ARM_M = 0.03  # a tip lifted this far above its rack position may be pushed back in to eject it


class Tips:
    """Pipettes, tip racks and well volumes of one scene."""

    def __init__(self, model: mujoco.MjModel, data: mujoco.MjData, info: SceneInfo, sim: SimQuery) -> None:
        self._model, self._data, self._info, self._sim = model, data, info, sim
        self.pipettes: dict[str, PipetteState] = {}
        self.wells: dict[str, dict[str, float]] = {}
        self.racks: dict[str, set[str]] = {}  # rack -> positions still holding a tip
        self.reset()

    def reset(self) -> None:
        """Full racks, dials at each pipette's maximum, wells at the scene's volumes."""
        assets = self._info.assets
        self.pipettes = {
            n: PipetteState(dial_ul=self._pipette_max(n)) for n, a in assets.items() if a.tip_site
        }
        self.wells = {
            n: dict.fromkeys(a.wells.names(), self._info.scene.item(n).volume_ul)
            for n, a in assets.items()
            if a.wells is not None and not a.tip_geoms
        }
        self.racks = {n: set(a.tip_geoms) for n, a in assets.items() if a.tip_geoms}

    def pipette(self, name: str) -> PipetteState:
        try:
            return self.pipettes[name]
        except KeyError:
            raise SceneError(f"{name} is not a pipette in this scene") from None

    def well_volume(self, labware: str, well: str) -> float:
        return self.wells[labware][well]

    def tips_left(self, rack: str) -> list[str]:
        """Rack positions still holding a tip, row-major (the order `skills` hands tips out)."""
        remaining = self.racks.get(rack, set())
        grid = self._info.assets[rack].wells
        return [w for w in grid.names() if w in remaining] if remaining and grid is not None else []

    def _pipette_max(self, name: str) -> float:
        from labdata.catalog import load_catalog

        kind = load_catalog().get(self._info.asset(name).type)
        return float(kind.volume_range_ul[1]) if kind.volume_range_ul else 1000.0

    def update(self, dt: float) -> None:
        """Advance every pipette by one control step of `dt` seconds: attach, arm, eject, dwell, transfer."""
        for name, state in self.pipettes.items():
            asset = self._info.assets[name]
            assert asset.tip_site is not None  # every pipette asset has one
            nozzle = self._sim.site_pos(f"{name}/nozzle")
            tip_end = self._sim.site_pos(asset.tip_site)
            if state.tip_from is None:
                self._try_attach(name, state, nozzle)
                continue
            if not state.armed:
                rack, well = state.tip_from
                home = self._tip_slot(rack, well)
                state.armed = bool(tip_end[2] - home[2] > EJECT_ARM_M)
            self._try_eject(name, state, tip_end)
            if state.tip_from is None:
                continue
            where = locate_tip(tip_end, self._sim)
            if state.dipped is not None:
                # One transfer per dip, and a dip lasts until the tip comes up out of the well: a tip
                # that slides a millimetre past a well's edge while it dwells (a pipette wobbling in
                # the fingers) has not been taken out and put back in, so it must not transfer again.
                lab = state.dipped[0]
                out = tip_end[2] > self._sim.body_pos(lab)[2] + self._info.assets[lab].top_z_m + DIP_CLEAR_M
                if out or (where is not None and (where.labware, where.well) != state.dipped):
                    state.dipped, state.dwell_s = None, 0.0
                else:
                    continue
            if where is None:
                state.dwell_s = 0.0
                continue
            state.dwell_s += dt
            if state.dwell_s < DWELL_S:
                continue
            key = (where.labware, where.well)
            state.dipped, state.dwell_s = key, 0.0
            if (
                state.loaded_ul <= 0.0
                and where.well is not None
                and self.wells[where.labware][where.well] > 0
            ):
                take = min(state.dial_ul, self.wells[where.labware][where.well])
                self.wells[where.labware][where.well] -= take
                state.loaded_ul, state.loaded_from = take, key
                state.aspirated.append((where.labware, where.well, take))
            elif state.loaded_ul > 0.0:  # back into the same well too: that is how mixing works
                if where.well is not None:
                    self.wells[where.labware][where.well] += state.loaded_ul
                state.dispensed.append((where.labware, where.well, state.loaded_ul))
                state.loaded_ul, state.loaded_from = 0.0, None

    def _show_tip(self, pipette: str, alpha: float) -> None:
        """Show (1) or hide (0) the tip drawn on the pipette."""
        self._model.geom_rgba[self._model.geom(self._info.assets[pipette].pipette_tip_geom).id, 3] = alpha

    def _try_attach(self, name: str, state: PipetteState, nozzle: np.ndarray) -> None:
        for rack, remaining in self.racks.items():
            asset = self._info.assets[rack]
            for well in sorted(remaining):
                gid = self._model.geom(asset.tip_geoms[well]).id
                center = self._data.geom_xpos[gid]
                # The nozzle is pushed into the tip: within its radius sideways, inside its height.
                inserted = -0.014 <= nozzle[2] - center[2] <= 0.012 + ATTACH_RADIUS_M
                if inserted and np.hypot(*(nozzle[:2] - center[:2])) < ATTACH_RADIUS_M:
                    remaining.discard(well)
                    self._model.geom_rgba[gid, 3] = 0.0
                    self._show_tip(name, 1.0)
                    state.tip_from, state.had_tip, state.armed = (rack, well), True, False
                    return

    def _tip_slot(self, rack: str, well: str) -> np.ndarray:
        """Where a tip's end sits when pushed into rack position `well` (the rack's top surface)."""
        geom = self._info.assets[rack].tip_geoms[well]
        return self._data.geom_xpos[self._model.geom(geom).id] - np.array([0.0, 0.0, 0.012])

    def _try_eject(self, name: str, state: PipetteState, tip_end: np.ndarray) -> None:
        for rack, remaining in self.racks.items():
            asset = self._info.assets[rack]
            for well in asset.tip_geoms:
                if well in remaining:
                    continue
                slot = self._tip_slot(rack, well)
                back_home = (rack, well) == state.tip_from and state.armed
                if np.linalg.norm(slot - tip_end) < ATTACH_RADIUS_M and (
                    back_home or (rack, well) != state.tip_from
                ):
                    self._show_tip(name, 0.0)
                    state.tip_from = None
                    return
