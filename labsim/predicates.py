"""Physical success predicates, one per atomic skill, named like the skill.

Each takes the environment and the skill's params (the `skills.registry` models, or any object with the
same field names) and reads physical state. Thresholds follow LabUtopia where one exists (FACTS.md);
history (shake excursions, stir time, wait) comes from `labsim.trackers`, updated every control step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from labsim.errors import SceneError

PICK_LIFT_M = 0.10
PLACE_XY_M = 0.05
PLACE_Z_M = 0.05
RELEASE_AWAY_M = 0.05
OPEN_TRAVEL_M = 0.13
OPEN_AWAY_M = 0.04
CLOSED_TRAVEL_M = 0.02
CLOSE_AWAY_M = 0.08
PRESS_FRACTION = 0.7
POUR_FRACTION = 0.9
SPILL_FRACTION = 0.1
UPRIGHT_DEG = 30.0
OPEN_GRIPPER = 0.5
VOLUME_TOLERANCE = 0.05

Predicate = Callable[[Any, Any], bool]


def _released(env: Any, obj: str, away_m: float) -> bool:
    return env.gripper_opening() > OPEN_GRIPPER and env.distance_to_tool(obj) > away_m


def pick(env: Any, p: Any) -> bool:
    return bool(env.body_pos(p.object)[2] - env.initial_pos(p.object)[2] > PICK_LIFT_M)


def place(env: Any, p: Any) -> bool:
    """XY within 5 cm of the target, base within 5 cm of where it should rest, gripper open and away."""
    obj, target = env.asset(p.object), env.asset(p.target)
    here, there = env.body_pos(obj.name), env.body_pos(target.name)
    if np.hypot(*(here[:2] - there[:2])) > PLACE_XY_M:
        return False
    relation = getattr(p, "relation", "on") or "on"
    rest_z = there[2] + (target.top_z_m if relation == "on" or not target.is_container else 0.0)
    if relation == "in" and target.is_container:
        inside = there[2] - 0.01 <= here[2] <= there[2] + target.top_z_m
        if not inside:
            return False
    elif abs(here[2] - rest_z) > PLACE_Z_M:
        return False
    return _released(env, obj.name, RELEASE_AWAY_M)


def _articulation(env: Any, device: str, part: str) -> tuple[float, float]:
    """(handle travel from its closed position, tool distance to the handle)."""
    asset = env.asset(device)
    joint = getattr(asset, f"{part}_joint")
    if joint is None or asset.handle_site is None:
        raise SceneError(f"{device} has no {part}")
    travel = float(np.linalg.norm(env.site_pos(asset.handle_site) - env.initial_site_pos(asset.handle_site)))
    away = float(np.linalg.norm(env.site_pos(asset.handle_site) - env.tool_pos()))
    return travel, away


def open_door(env: Any, p: Any) -> bool:
    travel, away = _articulation(env, p.device, "door")
    return travel > OPEN_TRAVEL_M and away > OPEN_AWAY_M


def close_door(env: Any, p: Any) -> bool:
    travel, away = _articulation(env, p.device, "door")
    return travel < CLOSED_TRAVEL_M and away > CLOSE_AWAY_M


def open_drawer(env: Any, p: Any) -> bool:
    travel, away = _articulation(env, p.device, "drawer")
    return travel > OPEN_TRAVEL_M and away > OPEN_AWAY_M


def close_drawer(env: Any, p: Any) -> bool:
    travel, away = _articulation(env, p.device, "drawer")
    return travel < CLOSED_TRAVEL_M and away > CLOSE_AWAY_M


def button_pressed(env: Any, device: str) -> bool:
    asset = env.asset(device)
    if asset.button_joint is None:
        raise SceneError(f"{device} has no button")
    return -env.joint_q(asset.button_joint) >= PRESS_FRACTION * asset.button_travel_m


def press_button(env: Any, p: Any) -> bool:
    """The button is held down past 70 % of its travel, or a press already switched the device on."""
    return button_pressed(env, p.device) or env.device_on(p.device)


def heat(env: Any, p: Any) -> bool:
    """The vessel stands on the device's top and the device is on."""
    vessel, device = env.asset(p.vessel), env.asset(p.device)
    here, there = env.body_pos(vessel.name), env.body_pos(device.name)
    on_top = (
        abs(here[0] - there[0]) < device.half_xy[0]
        and abs(here[1] - there[1]) < device.half_xy[1]
        and abs(here[2] - (there[2] + device.top_z_m)) < 0.02
    )
    return bool(on_top and env.device_on(device.name))


def pour(env: Any, p: Any) -> bool:
    """At least 90 % of the requested particles reached the target, at most 10 % (or one particle)
    spilled elsewhere, and the source is upright again (tilt under 30 degrees)."""
    source = env.asset(p.source)
    wanted = max(1, round(p.volume_ul / source.ul_per_particle))
    initial = env.initial_particles(source.name)
    arrived = env.particles_inside(source.particles, p.target)
    remaining = env.particles_inside(source.particles, source.name)
    spilled = initial - arrived - remaining
    return bool(
        arrived >= POUR_FRACTION * wanted
        and spilled <= max(1, SPILL_FRACTION * wanted)
        and env.tilt_deg(source.name) < UPRIGHT_DEG
    )


def shake(env: Any, p: Any) -> bool:
    return env.trackers.shake_done(p.object, getattr(p, "duration_s", 0.0) or 0.0)


def stir(env: Any, p: Any) -> bool:
    """The rod tip has been inside the container (XY < 4 cm, below the rim) for the duration."""
    needed = getattr(p, "duration_s", 0.0) or 0.0
    inside_s = env.trackers.stir_time(p.rod, p.container)
    return inside_s >= needed if needed > 0 else inside_s > 0.0


def wait(env: Any, p: Any) -> bool:
    return env.trackers.waited(p) >= p.duration_s


def pick_up_tip(env: Any, p: Any) -> bool:
    state = env.pipette(p.pipette)
    return (
        state.tip_from is not None
        and state.tip_from[0] == p.rack
        and (not getattr(p, "well", None) or state.tip_from[1] == p.well)
    )


def aspirate(env: Any, p: Any) -> bool:
    state = env.pipette(p.pipette)
    if state.loaded_from is None or state.loaded_from[0] != p.source:
        return False
    if getattr(p, "well", None) and state.loaded_from[1] != p.well:
        return False
    return abs(state.loaded_ul - p.volume_ul) <= VOLUME_TOLERANCE * p.volume_ul


def dispense(env: Any, p: Any) -> bool:
    state = env.pipette(p.pipette)
    delivered = sum(
        v
        for lab, well, v in state.dispensed
        if lab == p.target and (not getattr(p, "well", None) or well == p.well)
    )
    return abs(delivered - p.volume_ul) <= VOLUME_TOLERANCE * p.volume_ul


def drop_tip(env: Any, p: Any) -> bool:
    state = env.pipette(p.pipette)
    return state.had_tip and state.tip_from is None


PREDICATES: dict[str, Predicate] = {
    "pick": pick,
    "place": place,
    "open_door": open_door,
    "close_door": close_door,
    "open_drawer": open_drawer,
    "close_drawer": close_drawer,
    "press_button": press_button,
    "heat": heat,
    "pour": pour,
    "shake": shake,
    "stir": stir,
    "wait": wait,
    "pick_up_tip": pick_up_tip,
    "aspirate": aspirate,
    "dispense": dispense,
    "drop_tip": drop_tip,
}
