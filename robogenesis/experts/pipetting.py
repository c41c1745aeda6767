"""pick_up_tip, aspirate, dispense, drop_tip: the held pipette moved so its nozzle or tip end dips
where labsim's pipette mechanics act (see labsim.pipetting).

A parallel gripper cannot work a plunger, so aspirate sets the pipette's volume dial (as a person
turns the knob) before dipping; dwelling in the well then draws that volume, and dwelling in the next
well delivers it. The pipette stays upright in the hand: every move only turns the tool about the
vertical, and the wrist faces the target from the robot's base (the arm keeps reaching the way it
grasped; a tool still facing the stand is out of reach high above a tip rack near the base).

The last centimetres are closed-loop, as a person watches the tip: the arm stops above the target,
the dipped point is measured where it really is (servo sag, a pipette that slipped or tilted a few
millimetres in the fingers), the tool is moved by the error, measured again just above the target,
and only then goes straight down. Wells are 9 mm apart and a tip sits on the nozzle within a few
millimetres, so planning from where the pipette was at the grasp is not enough.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from robogenesis.experts.base import Expert, ExpertEnv, PlanningError
from robogenesis.experts.clearance import blocked
from robogenesis.experts.grasp import UP, azimuth
from robogenesis.experts.held import Held
from robogenesis.experts.motion import Arm, Pose, above_at, rot_about
from robogenesis.experts.scene import travel_height
from skills.aspirate import AspirateParams
from skills.dispense import DispenseParams
from skills.drop_tip import DropTipParams
from skills.pick_up_tip import PickUpTipParams

if TYPE_CHECKING:
    from labsim.query import SimQuery

ABOVE_M = 0.05
NEAR_M = 0.03  # second look this far above the target: above where a tip attaches (18 mm)
SETTLE_S = 0.2  # still before a measurement
LOOKS = 2  # corrections on the way down
MAX_CORRECTION_M = 0.025  # more than this off, the pipette was knocked or is slipping out: stop
DIP_S = 0.8
DWELL_S = 0.5  # labsim needs 0.3 s in the liquid
WELL_DIP_M = 0.003  # tip end this far below a well's opening
# Joints this near their range's ends chatter against the stop: 0.12-0.2 rad from a Panda's joint-4
# stop the tip still swung +-4 mm during a dip, into the next well
LIMIT_MARGIN_RAD = 0.25
DIP_SPARE_M = 0.01  # the straight way down is planned this much deeper than the target
OBSTACLE_MARGIN_M = 0.01  # the pipette keeps this far clear of labware crossing the bench
# Wrist yaws tried, around the one facing the goal from the base; a half turn reaches in from outside
# (near the base, reaching outwards folds the arm onto itself).
YAW_TRIES_RAD = (0.0, 0.35, -0.35, 0.7, -0.7, 1.2, -1.2, 1.9, -1.9, 2.6, -2.6, np.pi)


class PipetteExpert(Expert):
    """Dip a point of the held pipette (nozzle or tip end) to a target, dwell, and come back up."""

    point: ClassVar[str]  # "nozzle" or "tip"

    @abstractmethod
    def target(self, env: SimQuery, params: Any) -> np.ndarray:
        """Where the dipped point goes (a well, a vessel, the tip's own rack slot)."""

    def before(self, env: ExpertEnv, params: Any) -> None:
        """Set up the pipette before the dip (the volume dial)."""

    def rise_extra(self, env: SimQuery, pipette: Any) -> float:
        """How much higher than it came down the tool goes back up after the dip."""
        return 0.0

    def actions(self, env: ExpertEnv, params: Any, rng: np.random.Generator) -> Iterator[np.ndarray]:
        arm = Arm(env, self.options, rng)
        pipette = env.asset(params.pipette)
        if pipette.tip_site is None:
            raise PlanningError(f"{params.pipette} is not a pipette")
        site = f"{pipette.name}/nozzle" if self.point == "nozzle" else pipette.tip_site
        goal = self.target(env, params)
        goal[:2] += arm.jitter(0.0008, 2)  # wells are 9 mm apart and tips attach within 6 mm
        above_m = ABOVE_M + float(arm.jitter(0.01, 1)[0])
        qs, rot = self._plan_transit(arm, env, pipette, site, goal, above_m)
        self.before(env, params)
        yield from arm.follow(qs)
        # Closed loop: look, correct, look again just above, then straight down.
        tool = arm.planned()
        for k, height in enumerate((NEAR_M, 0.0)[:LOOKS]):
            yield from arm.hold(SETTLE_S)
            aim = goal + UP * (above_m if k == 0 else NEAR_M)
            error = aim - env.site_pos(site)
            if np.linalg.norm(error) > MAX_CORRECTION_M:
                raise PlanningError(
                    f"{pipette.name} has moved {1000 * np.linalg.norm(error):.0f} mm in the hand; not chasing it"
                )
            tool = Pose(tool.pos + error + UP * (height - (above_m if k == 0 else NEAR_M)), rot)
            yield from arm.line_to(tool, seconds=DIP_S if height == 0.0 else None)
        yield from arm.hold(DWELL_S)
        # Back up until the lowest real point (a tip just picked up hangs 5 cm lower) is as high over
        # the target as the dip started.
        lowest = env.site_pos(f"{pipette.name}/nozzle")[2]
        if env.pipette(pipette.name).tip_from is not None:
            lowest = min(lowest, env.site_pos(pipette.tip_site)[2])
        rise = max(above_m, goal[2] + above_m - lowest)
        yield from arm.line_to(tool.moved(UP * rise), seconds=DIP_S * rise / above_m)

    def _plan_transit(
        self, arm: Arm, env: SimQuery, pipette: Any, site: str, target: np.ndarray, above_m: float
    ) -> tuple[list[np.ndarray], np.ndarray]:
        """Joint targets that carry the pipette upright over the bench until `site` is at
        `point_goal`, and the tool rotation they end in: the wrist turned about the vertical to face
        the goal from the base (or near that), on a path where the pipette never dips below its
        start and goal (a joint-space fallback between unreachable straight lines can swing it
        through labware)."""
        point_goal = target + UP * above_m
        here = arm.planned()
        held = Held(env, pipette.name, here)
        local = held.local(env.site_pos(site))
        # The points of the pipette that can hit something: the nozzle, and the tip end with a tip.
        ends = [held.local(env.site_pos(f"{pipette.name}/nozzle"))]
        if env.pipette(pipette.name).tip_from is not None:
            ends.append(held.local(env.site_pos(pipette.tip_site)))
        hang = max(float(-(here.rot @ e)[2]) for e in ends)
        facing = azimuth(env, point_goal) - azimuth(env, here.pos)
        boxes = _obstacles(env, pipette.name)
        reasons = []
        for way in (_line_transit, _swing_transit):
            for yaw in [facing + d for d in YAW_TRIES_RAD]:
                rot = rot_about(UP, yaw) @ here.rot
                goal = held.tool_for(local, point_goal, rot)
                travel_z = travel_height(env, goal.pos, carrying_m=hang, ignore=(pipette.name,))
                try:
                    qs = way(arm, goal, travel_z)
                    # The dip must be reachable too, with room for the corrections ...
                    dip_qs = arm.plan_line(goal.moved(-UP * (above_m + DIP_SPARE_M)), start_q=qs[-1])
                    # ... and the way back up, a tip's length higher with a tip just picked up.
                    dip_qs += arm.plan_line(
                        goal.moved(UP * self.rise_extra(env, pipette)), start_q=dip_qs[-1]
                    )
                except PlanningError as exc:
                    reasons.append(exc.reason)
                    continue
                hit = _first_hit(arm, qs, ends, boxes)
                if hit is not None:
                    reasons.append(
                        f"the way at yaw {np.degrees(yaw):.0f} deg takes the pipette through {hit}"
                    )
                    continue
                if _at_limit(env, [qs[-1], *dip_qs]):
                    reasons.append(f"the dip at yaw {np.degrees(yaw):.0f} deg needs a joint at its limit")
                    continue
                bump = blocked(env, [*qs, *dip_qs], ignore=(pipette.name,), held=held)
                if bump is not None:
                    reasons.append(f"the way at yaw {np.degrees(yaw):.0f} deg puts {bump}")
                    continue
                return qs, rot
        raise PlanningError(f"no way to carry {pipette.name} there: {' | '.join(reasons)}")


def _at_limit(env: SimQuery, qs: list[np.ndarray]) -> bool:
    """Whether any of `qs` has a joint within LIMIT_MARGIN_RAD of its range: a Panda's elbow held
    against its stop chatters there, and the tip with it (+-5 mm, out of a 4 mm well)."""
    lo, hi = env.arm_limits()
    q = np.asarray(qs, float)
    return bool(np.any((q < lo + LIMIT_MARGIN_RAD) | (q > hi - LIMIT_MARGIN_RAD)))


def _line_transit(arm: Arm, goal: Pose, travel_z: float) -> list[np.ndarray]:
    return arm.plan_transit(goal, travel_z)


def _swing_transit(arm: Arm, goal: Pose, travel_z: float) -> list[np.ndarray]:
    """Up to `travel_z`, a joint-space swing to above `goal` (where nothing is in the way: a large
    turn of the wrist that a straight line would drag through the arm's own links), then straight
    down."""
    out = arm.plan_rise(travel_z, arm.q.copy())
    q = out[-1] if out else arm.q.copy()
    above = above_at(goal, travel_z)
    try:
        q_above = arm.solve(above, seed=q, near=True)
    except PlanningError:
        q_above = arm.solve(above, seed=q)
    out += arm.plan_joints(q, q_above, arm.timed(arm._seconds(arm.planned(q), above)))
    out += arm.plan_line(goal, start_q=out[-1])
    return out


def _obstacles(env: SimQuery, held: str) -> list[tuple[str, np.ndarray, np.ndarray, float]]:
    """(name, centre xy, half extents + margin, top z) of everything on the bench but the held
    pipette; a tip rack's top is the top of its tips."""
    boxes = []
    for asset in env.info.assets.values():
        if asset.name == held:
            continue
        pos = env.body_pos(asset.name)
        top = float(pos[2]) + max(asset.top_z_m, asset.height_m)
        for geom in asset.tip_geoms.values():
            top = max(top, float(env.geom_pos(geom)[2] + env.geom_size(geom)[1]))
        half = np.asarray(asset.half_xy, float) + OBSTACLE_MARGIN_M
        boxes.append((asset.name, np.asarray(pos[:2], float), half, top + OBSTACLE_MARGIN_M))
    return boxes


def _first_hit(
    arm: Arm,
    qs: list[np.ndarray],
    ends: list[np.ndarray],
    boxes: list[tuple[str, np.ndarray, np.ndarray, float]],
) -> str | None:
    """The first obstacle a held point passes through (over its footprint, below its top) on the way."""

    def inside(point: np.ndarray) -> set[str]:
        return {
            name for name, xy, half, top in boxes if point[2] < top and np.all(np.abs(point[:2] - xy) <= half)
        }

    start = arm.planned(qs[0])
    leaving = set().union(*(inside(start.pos + start.rot @ e) for e in ends))  # left straight up
    for q in qs[::2]:
        tool = arm.planned(q)
        for e in ends:
            hits = inside(tool.pos + tool.rot @ e) - leaving
            if hits:
                return sorted(hits)[0]
    return None


def _well_mouth(env: SimQuery, labware: str, well: str | None) -> np.ndarray:
    asset = env.asset(labware)
    base = env.body_pos(labware)
    if asset.wells is None or asset.tip_geoms:
        raise PlanningError(f"{labware} has no wells to pipette from")
    if well is None:
        well = asset.wells.names()[0]
    x, y = asset.wells.offset(well)
    return base + np.array([x, y, asset.top_z_m - WELL_DIP_M])


class PickUpTipExpert(PipetteExpert):
    params = PickUpTipParams
    point = "nozzle"

    def rise_extra(self, env: SimQuery, pipette: Any) -> float:
        return float(np.linalg.norm(env.site_pos(f"{pipette.name}/nozzle") - env.site_pos(pipette.tip_site)))

    def target(self, env: SimQuery, params: Any) -> np.ndarray:
        if env.pipette(params.pipette).tip_from is not None:
            raise PlanningError(f"{params.pipette} already carries a tip")
        left = env.tips_left(params.rack)
        well = params.well or (left[0] if left else None)
        if well is None or well not in left:
            raise PlanningError(f"no tip at {params.rack}.{params.well or '*'}")
        geom = env.asset(params.rack).tip_geoms[well]
        return env.geom_pos(geom) + np.array([0.0, 0.0, 0.002])


class AspirateExpert(PipetteExpert):
    params = AspirateParams
    point = "tip"

    def before(self, env: ExpertEnv, params: Any) -> None:
        env.set_pipette_volume(params.pipette, params.volume_ul)

    def target(self, env: SimQuery, params: Any) -> np.ndarray:
        return _well_mouth(env, params.source, params.well)


class DispenseExpert(PipetteExpert):
    params = DispenseParams
    point = "tip"

    def target(self, env: SimQuery, params: Any) -> np.ndarray:
        return _well_mouth(env, params.target, params.well)


class DropTipExpert(PipetteExpert):
    """Push the tip back into the rack position it came from (labsim ejects it there)."""

    params = DropTipParams
    point = "tip"

    def target(self, env: SimQuery, params: Any) -> np.ndarray:
        origin = env.pipette(params.pipette).tip_from
        if origin is None:
            raise PlanningError(f"{params.pipette} has no tip to drop")
        rack, well = origin
        geom = env.asset(rack).tip_geoms[well]
        return env.geom_pos(geom) - np.array([0.0, 0.0, 0.014])
