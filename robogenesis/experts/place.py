"""place: carry the held object over its goal (an instrument, a container, a bench spot), set it
down the way it stood at the start, open, and back away along the tool."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from robogenesis.experts.base import Expert, ExpertEnv, PlanningError
from robogenesis.experts.grasp import UP
from robogenesis.experts.held import Held
from robogenesis.experts.motion import Arm, Pose, rot_about, rot_between
from robogenesis.experts.scene import travel_height
from skills.place import PlaceParams

if TYPE_CHECKING:
    from labsim.query import SimQuery

RESTAND_XY_M = 0.05  # a tool set down this near where it started goes back onto its own rest
RESTAND_LOOK_M = 0.03  # looked at this far above the rest before it is lowered in
DROP_M = 0.006  # let go this high above where the object rests
# Onto its rest, let go this high: a pipette dropped 6 mm landed on the stand's rails tilted by the
# opening Robotiq fingers (pads and palm around the barrel) and toppled out
RESTAND_DROP_M = 0.002


class PlaceExpert(Expert):
    """Carry the held object over its goal, lower it to rest, open, and back away along the tool."""

    params = PlaceParams

    def actions(self, env: ExpertEnv, params: Any, rng: np.random.Generator) -> Iterator[np.ndarray]:
        from labsim.predicates import place_goal

        arm = Arm(env, self.options, rng)
        xy, rest_z = place_goal(env, params)
        here = arm.planned()
        held = Held(env, params.object, here)
        asset = env.asset(params.object)
        start = env.initial_pos(params.object)
        # Back onto its own rest (a pipette's stand, a rod's grooved blocks): where it started (the
        # rest moves with the scene's randomization, the bench spot does not), within the rest's
        # play, looking before letting go. Aimed at the nominal spot, an ood shift of 1.5-3 cm put
        # a rod on a ridge, from where it rolled off.
        has_rest = bool(asset.grip_site or asset.rod_tip_site)
        restand = has_rest and np.hypot(*(start[:2] - xy)) <= RESTAND_XY_M
        if restand:
            xy = start[:2].copy()
        settle = settle_rot(env, params.object, restand)
        rot = settle @ here.rot  # the way it stood at the start
        if asset.rod_tip_site:
            rod = settle @ (env.site_pos(asset.rod_tip_site) - env.body_pos(params.object))
            rot = hand_down_about_rod(rot, rod)
        drop = RESTAND_DROP_M if restand else DROP_M
        base_goal = np.array([*(xy + arm.jitter(0.001 if restand else 0.008, 2)), rest_z + drop])
        goal = held.tool_for(held.origin_local, base_goal, rot)
        hang = max(here.pos[2] - env.body_pos(params.object)[2], goal.pos[2] - base_goal[2])
        if asset.rod_tip_site:
            hang = max(hang, here.pos[2] - env.site_pos(asset.rod_tip_site)[2])
        if asset.tip_site:
            hang = max(hang, here.pos[2] - env.site_pos(asset.tip_site)[2])
        first = goal.moved(UP * RESTAND_LOOK_M) if restand else goal
        travel_z = travel_height(env, first.pos, carrying_m=hang, ignore=(params.object,))
        yield from arm.transit(first, travel_z, then=goal if restand else None)
        down: list[np.ndarray] = []
        if restand:  # closed loop on where the object really hangs, as for a dip
            yield from arm.hold(0.2)
            error = base_goal + UP * RESTAND_LOOK_M - env.body_pos(params.object)
            goal = Pose(first.pos + error - UP * RESTAND_LOOK_M, goal.rot)
            down = [arm.q.copy(), *arm.plan_line(goal, seconds=1.0)]
            yield from arm.follow(down[1:])
        yield from arm.hold(0.3)
        yield from arm.gripper(0.0, 0.7)
        yield from arm.follow(_retreat(arm, goal.moved(-goal.rot[:, 2] * self.options.approach_m), down))
        yield from arm.hold(0.2)


def _retreat(arm: Arm, away: Pose, down: list[np.ndarray]) -> list[np.ndarray]:
    """Straight back along the tool to `away`. Beside the base a Franka came down to a rod's rest in
    a branch from which that line needs a joint flip: then back out the way it came `down` (free, the
    hand now open) and on up from there (along the tool, else straight up), in a joint move to any
    clear branch if neither line works."""
    try:
        return arm.plan_line(away)
    except PlanningError:
        if not down:
            raise
    back = down[-2::-1]
    lift = arm.planned(down[0]).moved(UP * float(np.linalg.norm(away.pos - arm.planned().pos)))
    for target in (away, lift):  # along the tool, or (a tilted hand beside the base) straight up
        try:
            return back + arm.plan_line(target, start_q=down[0])
        except PlanningError:
            pass
    return back + arm.plan_joints(down[0], arm.solve(away, seed=down[0]))


def hand_down_about_rod(rot: np.ndarray, rod: np.ndarray) -> np.ndarray:
    """`rot` turned about the rod's direction `rod` until the tool points as nearly straight down as
    it can. The smallest turn that lays a rod back down keeps whatever roll the hand had about it:
    a rod stirred with the hand turned about the vertical (tip-down, the turn is about the rod) came
    back to its rest with the hand rolled by that turn, which put a Franka's wrist on the bench or
    the tool under it, and a UR5's upper arm on its wrist beside the base (6 in 32 ood scenes). A
    round rod held across the fingers is the same rod at any roll."""
    axis = np.asarray(rod, float) / np.linalg.norm(rod)
    z, down = rot[:, 2], -UP
    z_perp = z - axis * float(np.dot(axis, z))
    down_perp = down - axis * float(np.dot(axis, down))
    if np.linalg.norm(z_perp) < 1e-6 or np.linalg.norm(down_perp) < 1e-6:
        return rot
    angle = float(np.arctan2(np.dot(axis, np.cross(z_perp, down_perp)), np.dot(z_perp, down_perp)))
    return rot_about(axis, angle) @ rot


def settle_rot(env: SimQuery, name: str, restand: bool = False) -> np.ndarray:
    """The world rotation that brings a held object back to its resting attitude: a rod lying flat
    (tip along +x as built) or, going back onto its rest, along the rest as it lay at the start (a
    rest turned 0.5 rad met a rod laid across its grooves, which flung it off as the fingers let go),
    anything else standing up."""
    asset = env.asset(name)
    rot = env.body_rot(name)
    if asset.rod_tip_site and restand:
        was = env.initial_site_pos(asset.rod_tip_site) - env.initial_pos(name)
        return rot_between(env.site_pos(asset.rod_tip_site) - env.body_pos(name), was)
    if asset.rod_tip_site:
        axis = rot[:, 0]
        flat = np.array([axis[0], axis[1], 0.0])
        flat = flat / np.linalg.norm(flat) if np.linalg.norm(flat) > 0.3 else np.array([1.0, 0.0, 0.0])
        return rot_between(axis, flat)
    return rot_between(rot[:, 2], UP)
