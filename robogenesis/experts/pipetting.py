"""pick_up_tip, aspirate, dispense, drop_tip: the held pipette moved so its nozzle or tip end dips
where labsim's pipette mechanics act (see labsim.pipetting).

A parallel gripper cannot work a plunger, so aspirate sets the pipette's volume dial (as a person
turns the knob) before dipping; dwelling in the well then draws that volume, and dwelling in the next
well delivers it. The pipette stays upright in the hand: every move keeps the tool's orientation.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator
from typing import Any, ClassVar

import numpy as np

from robogenesis.experts.base import Expert, PlanningError
from robogenesis.experts.grasp import UP
from robogenesis.experts.held import Held
from robogenesis.experts.motion import Arm
from robogenesis.experts.scene import travel_height

ABOVE_M = 0.05
DWELL_S = 0.5  # labsim needs 0.3 s in the liquid
WELL_DIP_M = 0.003  # tip end this far below a well's opening


class PipetteExpert(Expert):
    """Dip a point of the held pipette (nozzle or tip end) to a target, dwell, and come back up."""

    point: ClassVar[str]  # "nozzle" or "tip"

    @abstractmethod
    def target(self, env: Any, params: Any) -> np.ndarray:
        """Where the dipped point goes (a well, a vessel, the tip's own rack slot)."""

    def before(self, env: Any, params: Any) -> None:
        """Set up the pipette before the dip (the volume dial)."""

    def actions(self, env: Any, params: Any, rng: np.random.Generator) -> Iterator[np.ndarray]:
        arm = Arm(env, self.options, rng)
        pipette = env.asset(params.pipette)
        if pipette.tip_site is None:
            raise PlanningError(f"{params.pipette} is not a pipette")
        here = arm.planned()
        held = Held(env, pipette.name, here)
        site = f"{pipette.name}/nozzle" if self.point == "nozzle" else pipette.tip_site
        local = held.local(env.site_pos(site))
        goal = self.target(env, params)
        goal[:2] += arm.jitter(0.0008, 2)  # wells are 9 mm apart and tips attach within 6 mm
        lowest = min(env.site_pos(pipette.tip_site)[2], env.site_pos(f"{pipette.name}/nozzle")[2])
        hang = here.pos[2] - lowest
        dip = held.tool_for(local, goal, here.rot)
        above = dip.moved(UP * (ABOVE_M + float(arm.jitter(0.01, 1)[0])))
        self.before(env, params)
        yield from arm.transit(above, travel_height(env, above.pos, carrying_m=hang, ignore=(pipette.name,)))
        yield from arm.line_to(dip, seconds=0.8)
        yield from arm.hold(DWELL_S)
        yield from arm.line_to(above, seconds=0.8)


def _well_mouth(env: Any, labware: str, well: str | None) -> np.ndarray:
    asset = env.asset(labware)
    base = env.body_pos(labware)
    if asset.wells is None or asset.tip_geoms:
        raise PlanningError(f"{labware} has no wells to pipette from")
    if well is None:
        well = asset.wells.names()[0]
    x, y = asset.wells.offset(well)
    return base + np.array([x, y, asset.wells.top_z_m - WELL_DIP_M])


class PickUpTipExpert(PipetteExpert):
    name = "pick_up_tip"
    point = "nozzle"

    def target(self, env: Any, params: Any) -> np.ndarray:
        if env.pipette(params.pipette).tip_from is not None:
            raise PlanningError(f"{params.pipette} already carries a tip")
        left = env.tips_left(params.rack)
        well = params.well or (left[0] if left else None)
        if well is None or well not in left:
            raise PlanningError(f"no tip at {params.rack}.{params.well or '*'}")
        geom = env.asset(params.rack).tip_geoms[well]
        return env.data.geom_xpos[env.model.geom(geom).id] + np.array([0.0, 0.0, 0.002])


class AspirateExpert(PipetteExpert):
    name = "aspirate"
    point = "tip"

    def before(self, env: Any, params: Any) -> None:
        env.set_pipette_volume(params.pipette, params.volume_ul)

    def target(self, env: Any, params: Any) -> np.ndarray:
        return _well_mouth(env, params.source, params.well)


class DispenseExpert(PipetteExpert):
    name = "dispense"
    point = "tip"

    def target(self, env: Any, params: Any) -> np.ndarray:
        return _well_mouth(env, params.target, params.well)


class DropTipExpert(PipetteExpert):
    """Push the tip back into the rack position it came from (labsim ejects it there)."""

    name = "drop_tip"
    point = "tip"

    def target(self, env: Any, params: Any) -> np.ndarray:
        origin = env.pipette(params.pipette).tip_from
        if origin is None:
            raise PlanningError(f"{params.pipette} has no tip to drop")
        rack, well = origin
        geom = env.asset(rack).tip_geoms[well]
        return env.data.geom_xpos[env.model.geom(geom).id] - np.array([0.0, 0.0, 0.014])
