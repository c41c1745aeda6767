"""Physical success predicates, one per atomic skill, registered under the skill's name by `@predicate`.

Each takes the simulator's query surface (`labsim.query.SimQuery`, which every environment is) and
the skill's params (the `skills.registry` models, or any object with the same field names) and reads
physical state through it, never the engine's model or data. Thresholds follow LabUtopia where one exists (FACTS.md);
history (shake excursions, stir time, wait) comes from `labsim.trackers`, updated every control step.

The name is the contract: a compiled node names its predicate, and labsim may not import `skills`
(they share a layer). tests/test_skill_parity.py checks that every skill has a predicate here and that
no predicate lacks a skill (operations such as `heat` lower to atomic skills and have none).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from labsim.errors import SceneError
from labsim.query import SimQuery

PICK_LIFT_M = 0.10
PLACE_XY_M = 0.05
PLACE_Z_M = 0.05
RELEASE_AWAY_M = 0.05
OPEN_TRAVEL_M = 0.13
OPEN_AWAY_M = 0.04
CLOSED_TRAVEL_M = 0.02
CLOSE_AWAY_M = 0.08
PRESS_FRACTION = 0.7
PRESS_MEMORY_S = 2.0
POUR_FRACTION = 0.9
POUR_OVER_FRACTION = 1.5
SPILL_FRACTION = 0.1
UPRIGHT_DEG = 30.0
OPEN_GRIPPER = 0.5
VOLUME_TOLERANCE = 0.05

Predicate = Callable[[SimQuery, Any], bool]

PREDICATES: dict[str, Predicate] = {}


def predicate(fn: Predicate) -> Predicate:
    """Register `fn` as the success predicate of the skill it is named after."""
    if fn.__name__ in PREDICATES:
        raise ValueError(f"two success predicates for {fn.__name__!r}")
    PREDICATES[fn.__name__] = fn
    return fn


def _released(env: SimQuery, obj: str, away_m: float) -> bool:
    return env.gripper_opening() > OPEN_GRIPPER and env.distance_to_tool(obj) > away_m


@predicate
def pick(env: SimQuery, p: Any) -> bool:
    return bool(env.body_pos(p.object)[2] - env.initial_pos(p.object)[2] > PICK_LIFT_M)


def _scene_site(env: SimQuery, name: str) -> str | None:
    """The bench site the scene placed `name` at (None when auto-placed or unknown)."""
    return next((i.site for i in env.info.scene.labware if i.name == name), None)


def place_goal(env: SimQuery, p: Any) -> tuple[np.ndarray, float]:
    """(target XY, height the object's base should rest at) for a place: on a labware item or
    instrument, in a container, or at a bench spot such as `bench/stand` (where an object that
    started there rests as it started, e.g. a pipette in its stand)."""
    from labdata.deck import BENCH_TOP_Z, SPOTS

    obj = env.asset(p.object)
    if "/" in p.target:
        if p.target not in SPOTS:
            raise SceneError(f"unknown bench spot {p.target!r}; known: {', '.join(SPOTS)}")
        start = env.initial_pos(obj.name)
        if _scene_site(env, obj.name) == p.target:
            # Back where the scene put it: onto its own rest, which placement randomization moved
            # with it (10-14 cm off the nominal spot on ood scenes), not onto the bare nominal spot.
            return start[:2].copy(), float(start[2])
        xy = np.asarray(SPOTS[p.target], float)
        rest_z = float(start[2]) if np.hypot(*(start[:2] - xy)) <= PLACE_XY_M else BENCH_TOP_Z
        return xy, rest_z
    target = env.asset(p.target)
    there = env.body_pos(target.name)
    relation = getattr(p, "relation", "on") or "on"
    inside = relation == "in" and target.is_container
    return there[:2].copy(), float(there[2] + (0.0 if inside else target.top_z_m))


@predicate
def place(env: SimQuery, p: Any) -> bool:
    """XY within 5 cm of the target, base within 5 cm of where it should rest, gripper open and away."""
    obj = env.asset(p.object)
    here = env.body_pos(obj.name)
    xy, rest_z = place_goal(env, p)
    if np.hypot(*(here[:2] - xy)) > PLACE_XY_M:
        return False
    relation = getattr(p, "relation", "on") or "on"
    if relation == "in" and "/" not in p.target and env.asset(p.target).is_container:
        if not rest_z - 0.01 <= here[2] <= rest_z + env.asset(p.target).top_z_m:
            return False
    elif abs(here[2] - rest_z) > PLACE_Z_M:
        return False
    return _released(env, obj.name, RELEASE_AWAY_M)


def _articulation(env: SimQuery, device: str, part: str) -> tuple[float, float]:
    """(handle travel from its closed position, tool distance to the handle)."""
    asset = env.asset(device)
    joint = getattr(asset, f"{part}_joint")
    if joint is None or asset.handle_site is None:
        raise SceneError(f"{device} has no {part}")
    travel = float(np.linalg.norm(env.site_pos(asset.handle_site) - env.initial_site_pos(asset.handle_site)))
    away = float(np.linalg.norm(env.site_pos(asset.handle_site) - env.tool_pos()))
    return travel, away


@predicate
def open_door(env: SimQuery, p: Any) -> bool:
    travel, away = _articulation(env, p.device, "door")
    return travel > OPEN_TRAVEL_M and away > OPEN_AWAY_M


@predicate
def close_door(env: SimQuery, p: Any) -> bool:
    travel, away = _articulation(env, p.device, "door")
    return travel < CLOSED_TRAVEL_M and away > CLOSE_AWAY_M


@predicate
def open_drawer(env: SimQuery, p: Any) -> bool:
    travel, away = _articulation(env, p.device, "drawer")
    return travel > OPEN_TRAVEL_M and away > OPEN_AWAY_M


@predicate
def close_drawer(env: SimQuery, p: Any) -> bool:
    travel, away = _articulation(env, p.device, "drawer")
    return travel < CLOSED_TRAVEL_M and away > CLOSE_AWAY_M


def button_pressed(env: SimQuery, device: str) -> bool:
    asset = env.asset(device)
    if asset.button_joint is None:
        raise SceneError(f"{device} has no button")
    return -env.joint_q(asset.button_joint) >= PRESS_FRACTION * asset.button_travel_m


@predicate
def press_button(env: SimQuery, p: Any) -> bool:
    """The button is held down past 70 % of its travel, or was within the last 2 s: a press is a push
    and a release, and the press that switches a device off must count as much as the one that
    switches it on."""
    return button_pressed(env, p.device) or env.time_s - env.last_press_s(p.device) <= PRESS_MEMORY_S


@predicate
def pour(env: SimQuery, p: Any) -> bool:
    """At least 90 % of the requested particles reached the target and at most 150 % (or the rest of
    the source, when the whole of it was asked for), at most 10 % (or one particle) spilled elsewhere,
    and the source is upright again (tilt under 30 degrees).

    The upper bound is loose because the liquid is coarse: 9 mm spheres start to leave a beaker only
    near 90 degrees of tilt, and then as a burst (measured: 22-29 particles arrive when 20 of 40 are
    asked). It still tells "pour 50 mL" from emptying the beaker."""
    source = env.asset(p.source)
    initial = env.initial_particles(source.name)
    wanted = max(1, round(p.volume_ul / source.ul_per_particle))
    arrived = env.particles_inside(source.particles, p.target)
    remaining = env.particles_inside(source.particles, source.name)
    spilled = initial - arrived - remaining
    most = max(POUR_OVER_FRACTION * wanted, wanted + 1) if wanted < initial else initial
    return bool(
        POUR_FRACTION * wanted <= arrived <= most
        and spilled <= max(1, SPILL_FRACTION * wanted)
        and env.tilt_deg(source.name) < UPRIGHT_DEG
    )


@predicate
def shake(env: SimQuery, p: Any) -> bool:
    return env.trackers.shake_done(p.object, getattr(p, "duration_s", 0.0) or 0.0)


@predicate
def stir(env: SimQuery, p: Any) -> bool:
    """The rod tip has been inside the container (XY < 4 cm, below the rim) for the duration."""
    needed = getattr(p, "duration_s", 0.0) or 0.0
    inside_s = env.trackers.stir_time(p.rod, p.container)
    return inside_s >= needed if needed > 0 else inside_s > 0.0


@predicate
def wait(env: SimQuery, p: Any) -> bool:
    return env.trackers.waited(p) >= p.duration_s


@predicate
def pick_up_tip(env: SimQuery, p: Any) -> bool:
    state = env.pipette(p.pipette)
    return (
        state.tip_from is not None
        and state.tip_from[0] == p.rack
        and (not getattr(p, "well", None) or state.tip_from[1] == p.well)
    )


@predicate
def aspirate(env: SimQuery, p: Any) -> bool:
    state = env.pipette(p.pipette)
    if state.loaded_from is None or state.loaded_from[0] != p.source:
        return False
    if getattr(p, "well", None) and state.loaded_from[1] != p.well:
        return False
    return abs(state.loaded_ul - p.volume_ul) <= VOLUME_TOLERANCE * p.volume_ul


@predicate
def dispense(env: SimQuery, p: Any) -> bool:
    """The pipette's latest dispense went into the target (and well) with the requested volume: mixing
    dispenses into the same well again and again, so earlier deliveries must not add up."""
    state = env.pipette(p.pipette)
    if not state.dispensed:
        return False
    lab, well, delivered = state.dispensed[-1]
    if lab != p.target or (getattr(p, "well", None) and well != p.well):
        return False
    return abs(delivered - p.volume_ul) <= VOLUME_TOLERANCE * p.volume_ul


@predicate
def drop_tip(env: SimQuery, p: Any) -> bool:
    state = env.pipette(p.pipette)
    return state.had_tip and state.tip_from is None
