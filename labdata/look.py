"""How the lab looks: the named palettes the randomizer draws from and the room's layout.

One home for the look, beside the catalog and the deck, so that the simulator (which builds the room
and dresses the bench) and the randomizer (which picks names per split) read the same table, and
neither owns colours the other re-types. Experts and predicates never read it: nothing here changes
where anything stands or how it collides.

Every palette maps a split (`id`, or the held-out `ood`) to names only that split uses, so a policy
scored on `ood` has never seen one of its materials; tests/robogenesis/test_randomize.py checks the
names are disjoint. Pure data (tuples, no numpy), like the rest of labdata.
"""

from __future__ import annotations

Rgb = tuple[float, float, float]
Rgba = tuple[float, float, float, float]

# ---- the room (labsim.assets.room builds it) ----------------------------------------------------
FAR_WALL_X = 1.75  # beyond the bench's back edge (1.30 m) and the devices on it
SIDE_WALL_Y = 1.9  # beyond the side camera (y = 1.25 m)
NEAR_WALL_X = -1.4  # behind the front camera (x = -0.45 m)
WALL_HEIGHT = 2.8
SHELF_HEIGHTS_M = (1.45, 1.85)
# The bench's back riser (a panel with a service strip and a reagent shelf), between the bench top's
# back edge (x = 1.30 m) and the far wall: in the front camera's view over the bench.
RISER_X = 1.47
RISER_TOP_Z = 1.45
RISER_SERVICE_Z = 0.86
RISER_SHELF_Z = 1.08
# Self-lit share of wall paint: vertical walls get little of the lights above the bench, and read as
# grey rather than as the paint colour without it.
WALL_GLOW = 0.25
BOTTLE_RGBA: tuple[Rgba, ...] = (
    (0.45, 0.28, 0.12, 0.85),  # amber glass
    (0.85, 0.88, 0.9, 0.6),  # clear glass
    (0.2, 0.35, 0.75, 0.9),  # blue-capped media bottle
    (0.9, 0.9, 0.88, 1.0),  # white plastic
    (0.3, 0.55, 0.35, 0.9),  # green glass
)

# ---- palettes per split ---------------------------------------------------------------------------
# labware shell material name -> (specular, shininess, reflectance)
OBJECT_MATERIALS: dict[str, dict[str, tuple[float, float, float]]] = {
    "id": {"glass": (0.8, 0.9, 0.1), "matte_plastic": (0.1, 0.1, 0.0)},
    "ood": {"metal": (1.0, 0.6, 0.4), "ceramic": (0.4, 0.3, 0.05)},
}
# bench material name -> (rgba, specular, shininess, reflectance)
BENCHES: dict[str, dict[str, tuple[Rgba, float, float, float]]] = {
    "id": {
        "white_laminate": ((0.93, 0.93, 0.9, 1.0), 0.3, 0.4, 0.0),
        "grey_epoxy": ((0.55, 0.57, 0.6, 1.0), 0.5, 0.6, 0.05),
        "light_wood": ((0.78, 0.64, 0.45, 1.0), 0.1, 0.2, 0.0),
    },
    "ood": {
        "black_resin": ((0.08, 0.08, 0.09, 1.0), 0.7, 0.8, 0.1),
        "steel": ((0.7, 0.72, 0.75, 1.0), 1.0, 0.9, 0.3),
        "dark_wood": ((0.36, 0.22, 0.12, 1.0), 0.1, 0.2, 0.0),
    },
}
# bench material name -> the surface pattern its top is textured with (labsim.assets.finish)
BENCH_PATTERNS: dict[str, str] = {
    "white_laminate": "speckle",
    "grey_epoxy": "speckle",
    "light_wood": "grain",
    "black_resin": "speckle",
    "steel": "brushed",
    "dark_wood": "grain",
}
WALLS: dict[str, dict[str, Rgb]] = {
    "id": {"warm_white": (0.9, 0.89, 0.84), "pale_grey": (0.8, 0.81, 0.82), "cream": (0.93, 0.88, 0.76)},
    "ood": {"pale_green": (0.74, 0.85, 0.76), "pale_blue": (0.74, 0.8, 0.9), "taupe": (0.66, 0.6, 0.5)},
}
FLOORS: dict[str, dict[str, Rgb]] = {
    "id": {"grey_tile": (0.62, 0.63, 0.6), "sand_tile": (0.7, 0.66, 0.58)},
    "ood": {"blue_vinyl": (0.45, 0.55, 0.65), "dark_tile": (0.3, 0.3, 0.32)},
}
# What the liquid particles look like: water and buffers in the id split, stains and reagents a
# policy must not have learnt to expect in the held-out one. Alpha below 1: a liquid is seen through.
LIQUIDS: dict[str, dict[str, Rgba]] = {
    "id": {
        "water_blue": (0.25, 0.55, 0.95, 0.72),
        "buffer_clear": (0.7, 0.85, 0.95, 0.55),
        "amber_solution": (0.85, 0.55, 0.15, 0.78),
    },
    "ood": {
        "crystal_violet": (0.45, 0.15, 0.65, 0.85),
        "phenol_red": (0.85, 0.15, 0.2, 0.8),
        "green_dye": (0.2, 0.7, 0.3, 0.8),
    },
}
# Tint of borosilicate glass (beakers, flasks, the rod): clear to faintly blue or green.
GLASS_TINTS: dict[str, dict[str, Rgba]] = {
    "id": {"clear": (0.9, 0.95, 0.98, 0.22), "blue_tint": (0.78, 0.88, 0.97, 0.26)},
    "ood": {"green_tint": (0.75, 0.93, 0.82, 0.3), "smoked": (0.6, 0.6, 0.62, 0.34)},
}
# The glass look every scene gets: a strong, tight highlight (what makes a transparent shape read as
# glass rather than as tinted plastic) and the tint of the default clear glass.
GLASS_FINISH = (0.9, 0.95, 0.2)  # specular, shininess, reflectance
LIQUID_FINISH = (0.4, 0.8, 0.1)
DEFAULT_GLASS = GLASS_TINTS["id"]["clear"]
DEFAULT_LIQUID = LIQUIDS["id"]["water_blue"]
DEFAULT_BENCH = "white_laminate"
