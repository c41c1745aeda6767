"""Liquid as particles: small frictionless spheres whose count tracks volume.

Why particles: MuJoCo has no fluid solver, and pour success must be able to fail physically (tilt too
far, too fast, miss the target). Particles spill, pile and flow out of a tilted beaker, and counting
them inside each container gives volumes. Limits, chosen for a 2-core CPU: one particle stands for
`UL_PER_PARTICLE` microlitres up to `MAX_PARTICLES` per vessel (larger volumes make each particle
stand for more); no viscosity or surface tension; volumes below one particle round to one particle
when non-zero. Wells of plates and reservoirs hold volume as bookkeeping (see `labsim.pipetting`).

Contacts: MuJoCo's default contact (time constant 20 ms) is far too soft for a 9 mm sphere meeting
a 2 mm glass wall at pouring speed: a stream falling a few centimetres sank into the target's floor
and walls and sprang back out (measured: 5 of 40 particles stayed in a beaker when dropped from
3 cm). A stiff, critically damped contact (8 ms, four of labsim's 2 ms steps) keeps 40 of 40 from
10 cm. Frictionless (condim 1), as water nearly is: with friction the spheres roll, and a 9 mm sphere
rolling at pouring speed spins past the simulator's runaway-velocity guard. The particles' contact
priority makes these settings govern every contact a particle takes part in (glass, gripper, bench,
other particles); without it a contact mixes in the partner's softer settings and larger friction.
"""

from __future__ import annotations

import math

import mujoco

from labsim.assets.shapes import LIQUID_GROUP

UL_PER_PARTICLE = 1000.0
MAX_PARTICLES = 40
PARTICLE_RADIUS_M = 0.0045
PARTICLE_MASS_KG = 0.001
LIQUID_RGBA = (0.15, 0.45, 0.95, 0.9)
CONTACT_SOLREF = (0.008, 1.0)  # time constant (4 physics steps), damping ratio: stiff, no bounce
CONTACT_PRIORITY = 2  # above labware and grippers (0), so the settings above decide


SPACING_M = 2.0 * PARTICLE_RADIUS_M + 0.0008


def _ring_offsets(inner_radius: float) -> list[tuple[float, float]]:
    ring = max(inner_radius - PARTICLE_RADIUS_M - 0.001, 0.0)
    offsets = [
        (ix * SPACING_M, iy * SPACING_M)
        for ix in range(-10, 11)
        for iy in range(-10, 11)
        if math.hypot(ix * SPACING_M, iy * SPACING_M) <= ring
    ] or [(0.0, 0.0)]
    return sorted(offsets, key=lambda o: math.hypot(*o))


def fit_particles(inner_radius: float, inner_height: float) -> int:
    """How many particles stack inside a cylinder, filling it to 80 %."""
    layers = max(1, int(0.8 * inner_height / SPACING_M))
    return layers * len(_ring_offsets(inner_radius))


def particle_budget(volume_ul: float, fits: int = MAX_PARTICLES) -> tuple[int, float]:
    """(count, microlitres per particle) for an initial volume in a vessel that holds `fits`."""
    if volume_ul <= 0.0:
        return 0, UL_PER_PARTICLE
    limit = max(1, min(MAX_PARTICLES, fits))
    count = min(limit, max(1, round(volume_ul / UL_PER_PARTICLE)))
    return count, volume_ul / count


def spawn_particles(
    world: mujoco.MjsBody,
    prefix: str,
    count: int,
    center: tuple[float, float, float],
    inner_radius: float,
) -> list[str]:
    """Stack `count` particles in layers inside a cylinder of `inner_radius` whose floor is `center`."""
    names: list[str] = []
    spacing = SPACING_M
    offsets = _ring_offsets(inner_radius)
    cx, cy, cz = center
    for k in range(count):
        layer, slot = divmod(k, len(offsets))
        ox, oy = offsets[slot]
        name = f"{prefix}drop{k}"
        body = world.add_body(
            name=name, pos=[cx + ox, cy + oy, cz + PARTICLE_RADIUS_M + 0.001 + layer * spacing]
        )
        body.add_freejoint()
        geom = body.add_geom(
            type=mujoco.mjtGeom.mjGEOM_SPHERE,
            size=[PARTICLE_RADIUS_M, 0.0, 0.0],
            rgba=list(LIQUID_RGBA),
            group=LIQUID_GROUP,
            condim=1,
            solref=list(CONTACT_SOLREF),
            priority=CONTACT_PRIORITY,
        )
        geom.mass = PARTICLE_MASS_KG
        names.append(name)
    return names
