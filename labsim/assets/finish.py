"""Surface finishes: a textured bench top, glass that reads as glass, liquid that reads as liquid.

Without them the bench is a flat white slab (the wrist camera sees nothing but white), beakers are
faint grey outlines and liquid is a heap of blue beads. A policy trained on such images learns
nothing about real benches, and a scientist looking at `labc view` does not recognise a lab.

Everything here only changes how geoms are drawn (materials, textures, colours, and geoms that no
contact and no mass sees), never a body, a joint or a collision geom: physics and the experts are the
same with or without it (tests/labsim/test_look.py). `Finish(plain=True)` leaves the scene as it was
built before finishes existed, so the replay of an episode recorded then renders what it recorded.

Cost, on a software-GL CPU: one small procedural texture (64 x 64) on the bench top, and a liquid
drawn with the same number of spheres as before (the collision sphere is hidden, a larger visual one
drawn instead); `benchmarks/sim_bench.py` prints the frame time of the plain room against this.
"""

from __future__ import annotations

import mujoco
import numpy as np

from labdata.look import GLASS_FINISH, LIQUID_FINISH
from labsim.assets.shapes import LABWARE_GROUP, LIQUID_GROUP
from labsim.scene_spec import Finish, Material

TEXTURE_PX = 64
# How many times a pattern repeats per metre of bench (texuniform): speckles of a few millimetres,
# wood grain and brushing a few centimetres wide.
REPEATS_PER_M = {"speckle": 6.0, "grain": 1.5, "brushed": 3.0}
# Self-lit share of the liquid's colour: flattens the shading of each sphere, so a pile of them reads
# as one body of liquid rather than as beads.
LIQUID_GLOW = 0.3
HIDDEN_GROUP = 5  # a geom group no camera draws (labsim.cameras enables 0-3)
LIQUID_BLOB = 1.85  # visual radius of a liquid particle over its collision radius: neighbours merge


def pattern_pixels(pattern: str, seed: int = 0) -> np.ndarray:
    """A TEXTURE_PX square grey-level pattern (uint8 RGB), multiplied by the material's colour when
    drawn: speckled laminate/epoxy, wood grain running along the bench, or brushed steel."""
    rng = np.random.default_rng(seed)
    n = TEXTURE_PX
    if pattern == "speckle":
        level = 0.94 + 0.06 * rng.random((n, n))
        dots = rng.random((n, n)) < 0.03
        level[dots] = rng.uniform(0.78, 0.88, int(dots.sum()))
    elif pattern == "grain":  # straight grain along the bench, gently wavy, with a seam between planks
        u = np.linspace(0.0, 2.0 * np.pi, n, endpoint=False)
        wobble = np.sin(u[:, None] + rng.uniform(0, 6.3)) + 0.3 * np.sin(3.0 * u[:, None] + u[None, :])
        rings = np.sin(16.0 * u[None, :] + 1.2 * wobble + 0.4 * rng.standard_normal((1, n)))
        level = 0.84 + 0.08 * rings + 0.03 * rng.random((n, n))
        level[:, :2] *= 0.85
    elif pattern == "brushed":
        streaks = rng.random((1, n)).repeat(n, axis=0)
        level = 0.88 + 0.1 * (0.6 * streaks + 0.4 * rng.random((n, n)))
    else:
        raise ValueError(f"unknown surface pattern {pattern!r}")
    grey = np.clip(level * 255.0, 0, 255).astype(np.uint8)
    return np.repeat(grey[:, :, None], 3, axis=2)


def surface_material(spec: mujoco.MjSpec, name: str, look: Material) -> str:
    """A material for `look`, textured with its pattern if it has one."""
    material = spec.add_material(
        name=name,
        rgba=list(look.rgba),
        specular=look.specular,
        shininess=look.shininess,
        reflectance=look.reflectance,
    )
    if look.pattern is not None:
        texture = spec.add_texture(
            name=f"{name}/texture",
            type=mujoco.mjtTexture.mjTEXTURE_2D,
            width=TEXTURE_PX,
            height=TEXTURE_PX,
            nchannel=3,
        )
        texture.data = pattern_pixels(look.pattern).tobytes()
        textures = [""] * 10
        textures[int(mujoco.mjtTextureRole.mjTEXROLE_RGB)] = texture.name
        material.textures = textures
        material.texuniform = True
        repeat = REPEATS_PER_M[look.pattern]
        material.texrepeat = [repeat, repeat]
    return name


def _material_once(
    spec: mujoco.MjSpec,
    name: str,
    rgba: tuple[float, float, float, float],
    surface: tuple[float, float, float],
    emission: float = 0.0,
) -> str:
    """The named material, added on first use (every glass item and particle shares one)."""
    if spec.material(name) is None:
        specular, shininess, reflectance = surface
        spec.add_material(
            name=name,
            rgba=list(rgba),
            specular=specular,
            shininess=shininess,
            reflectance=reflectance,
            emission=emission,
        )
    return name


def finish_glass(spec: mujoco.MjSpec, body: str, finish: Finish) -> None:
    """Give the see-through shell geoms of a labware item the glass look: tinted, strongly and tightly
    specular. See-through (0 < alpha < 1) is what marks glass among a labware's geoms; fully hidden
    geoms (a pipette tip not yet picked, alpha 0) are left alone, they are switched on at run time."""
    name = _material_once(spec, "finish/glass", finish.glass_rgba, GLASS_FINISH)
    for geom in spec.body(body).find_all(mujoco.mjtObj.mjOBJ_GEOM):
        if geom.group == LABWARE_GROUP and 0.0 < geom.rgba[3] < 1.0:
            geom.material = name
            geom.rgba = list(finish.glass_rgba)


def finish_liquid(spec: mujoco.MjSpec, particles: list[str], finish: Finish) -> None:
    """Draw each liquid particle as a larger, glossy, see-through sphere that merges with its
    neighbours into one body of liquid; the collision sphere stays as it was, in a group no camera
    draws. The visual sphere has no contacts and no mass, so the particle's dynamics are unchanged."""
    name = _material_once(spec, "finish/liquid", finish.liquid_rgba, LIQUID_FINISH, LIQUID_GLOW)
    for particle in particles:
        body = spec.body(particle)
        (solid,) = body.geoms
        solid.group = HIDDEN_GROUP
        seen = body.add_geom(
            type=mujoco.mjtGeom.mjGEOM_SPHERE,
            size=[solid.size[0] * LIQUID_BLOB, 0.0, 0.0],
            rgba=list(finish.liquid_rgba),
            material=name,
            group=LIQUID_GROUP,
            contype=0,
            conaffinity=0,
        )
        seen.mass = 0.0
