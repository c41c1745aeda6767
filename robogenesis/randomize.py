"""Domain randomization on six axes, with an in-distribution split and a held-out (OOD) split.

Each axis draws from two disjoint value sets: `id` from one, `ood` from the other (magnitude bands that
do not overlap, or named materials and labware types that only one split uses). Every sampled value
lands in a `DomainSample`, which is stored with the episode; rebuilding the scene from the stored
sample (never re-drawing it) is what makes `--replay` exact.
"""

from __future__ import annotations

import colorsys
from collections.abc import Mapping
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from labdata.look import (
    BENCH_PATTERNS,
    BENCHES,
    FLOORS,
    GLASS_TINTS,
    LIQUIDS,
    OBJECT_MATERIALS,
    WALLS,
)
from labsim.scene_spec import CameraPose, Finish, LabwareSpec, Material, Room, SceneLook, SceneSpec
from robogenesis.arrangement import Distractor, arrange, posed, reset_pose
from robogenesis.bands import Split, band, signed, spatial

AXES = ("placement", "clutter", "camera", "appearance", "lighting", "bench")

# Disjoint bands per split: (low, high) magnitudes, or names only one split uses.
CAMERA_SHIFT_M: dict[str, tuple[float, float]] = {"id": (0.0, 0.04), "ood": (0.04, 0.08)}
CAMERA_FOV_DEG: dict[str, tuple[float, float]] = {"id": (52.0, 58.0), "ood": (58.0, 64.0)}
HUE: dict[str, tuple[float, float]] = {"id": (0.0, 0.5), "ood": (0.5, 1.0)}
ALPHA: dict[str, tuple[float, float]] = {"id": (0.55, 1.0), "ood": (0.3, 0.55)}
LIGHT_INTENSITY: dict[str, tuple[float, float]] = {"id": (0.55, 0.85), "ood": (0.3, 0.55)}
LIGHT_WARMTH: dict[str, tuple[float, float]] = {"id": (-0.05, 0.05), "ood": (0.05, 0.15)}
LIGHT_SHIFT_M: dict[str, tuple[float, float]] = {"id": (0.0, 0.3), "ood": (0.3, 0.6)}
# The room behind the bench (labsim.assets.room; its palettes are in labdata.look): wall paint, floor
# and where the window is along the far wall on the appearance axis, shelf bottles on the clutter axis.
SHELF_BOTTLES: dict[str, tuple[int, int]] = {"id": (3, 5), "ood": (6, 8)}
WINDOW_Y_M: dict[str, tuple[float, float]] = {"id": (0.0, 0.4), "ood": (0.4, 0.8)}  # |y|
# Finishes (labsim.assets.finish): glass tint and liquid colour on the appearance axis (labdata.look's
# GLASS_TINTS and LIQUIDS), the ambient light on the lighting axis, the bench top's pattern follows
# its material.
AMBIENT: dict[str, tuple[float, float]] = {"id": (0.2, 0.3), "ood": (0.3, 0.42)}
GLASS_ALPHA_SCALE = 0.4  # glassware drawn as glass: its sampled alpha, this much more see-through
GLASSWARE_SHAPES = ("cylinder", "flask", "rod")  # catalog shapes made of glass (beakers, flasks, rod)


class Appearance(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    hue: float
    alpha: float
    material: str


class Lighting(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    intensity: float
    warmth: float = Field(description="Shift of red up and blue down (colour temperature).")
    offset: tuple[float, float, float]


class RoomSample(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    wall: str
    floor: str
    window_y: float
    bottles: int
    bottle_seed: int


class FinishSample(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    glass: str = Field(description="Glass tint (labdata.look.GLASS_TINTS).")
    liquid: str = Field(description="Liquid colour (labdata.look.LIQUIDS).")
    ambient: float = Field(description="Ambient light, grey level.")


class DomainSample(BaseModel):
    """Every value drawn for one episode, per axis, plus the per-node paraphrase choice."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    split: Split
    placement: dict[str, tuple[float, float]]
    yaw: dict[str, float] = Field(default_factory=dict, description="labware name -> turn (rad)")
    reset_joints: tuple[float, ...] = Field(
        (), description="offset (rad) of each arm joint from the home pose at reset"
    )
    clutter: list[Distractor]
    cameras: dict[str, CameraPose]
    appearance: dict[str, Appearance]
    lighting: Lighting
    bench: str
    phrasing: dict[str, int] = Field(
        default_factory=dict, description="node id -> 0 for the instruction, k for paraphrase k"
    )
    room: RoomSample | None = Field(None, description="None in samples recorded before the room existed")
    finish: FinishSample | None = Field(
        None, description="None in samples recorded before glass, liquid and bench finishes existed"
    )


def sample_domain(
    scene: SceneSpec,
    split: Split,
    rng: np.random.Generator,
    phrase_counts: dict[str, int] | None = None,
    worked: tuple[tuple[str, str], ...] = (),
) -> DomainSample:
    """Draw all six axes for `scene` (the protocol's own labware) from `split`'s value sets. `worked`
    names the (skill, device) pairs of the protocol whose expert must be able to plan on the draw
    (`robogenesis.compose.worked_devices`)."""
    from labsim.scene_builder import SCENE_CAMERA_POSES

    arrangement = arrange(scene, split, rng, worked)
    placement, yaw, clutter = arrangement.placement, arrangement.yaw, arrangement.clutter
    cameras = {}
    for name, (pos, target) in SCENE_CAMERA_POSES.items():
        shift = spatial(rng, CAMERA_SHIFT_M[split])
        aim = spatial(rng, CAMERA_SHIFT_M[split]) * 0.5
        cameras[name] = CameraPose(
            pos=tuple(float(v) for v in np.add(pos, shift)),
            target=tuple(float(v) for v in np.add(target, aim)),
            fovy_deg=band(rng, CAMERA_FOV_DEG[split]),
        )
    materials = sorted(OBJECT_MATERIALS[split])
    appearance = {
        item.name: Appearance(
            hue=band(rng, HUE[split]),
            alpha=band(rng, ALPHA[split]),
            material=materials[int(rng.integers(len(materials)))],
        )
        for item in scene.labware
    }
    lighting = Lighting(
        intensity=band(rng, LIGHT_INTENSITY[split]),
        warmth=band(rng, LIGHT_WARMTH[split]),
        offset=tuple(float(v) for v in spatial(rng, LIGHT_SHIFT_M[split])),
    )
    benches = sorted(BENCHES[split])
    bench = benches[int(rng.integers(len(benches)))]
    phrasing = {node: int(rng.integers(count)) for node, count in sorted((phrase_counts or {}).items())}
    reset_joints = reset_pose(scene, split, rng, worked, arrangement)
    room = _room(split, rng)  # drawn after all else: the values above stay what they were before it
    finish = _finish(split, rng)  # and the finishes after the room, for the same reason
    return DomainSample(
        split=split,
        placement=placement,
        yaw=yaw,
        reset_joints=reset_joints,
        clutter=clutter,
        cameras=cameras,
        appearance=appearance,
        lighting=lighting,
        bench=bench,
        phrasing=phrasing,
        room=room,
        finish=finish,
    )


def _room(split: Split, rng: np.random.Generator) -> RoomSample:
    walls, floors = sorted(WALLS[split]), sorted(FLOORS[split])
    lo, hi = SHELF_BOTTLES[split]
    return RoomSample(
        wall=walls[int(rng.integers(len(walls)))],
        floor=floors[int(rng.integers(len(floors)))],
        window_y=signed(rng, WINDOW_Y_M[split]),
        bottles=int(rng.integers(lo, hi + 1)),
        bottle_seed=int(rng.integers(2**31)),
    )


def _finish(split: Split, rng: np.random.Generator) -> FinishSample:
    glasses, liquids = sorted(GLASS_TINTS[split]), sorted(LIQUIDS[split])
    return FinishSample(
        glass=glasses[int(rng.integers(len(glasses)))],
        liquid=liquids[int(rng.integers(len(liquids)))],
        ambient=band(rng, AMBIENT[split]),
    )


def _finish_look(sample: FinishSample | None) -> Finish:
    if sample is None:  # recorded before finishes existed: replay renders the scene it recorded
        return Finish(plain=True)
    return Finish(
        glass_rgba=GLASS_TINTS[_split_of(GLASS_TINTS, sample.glass)][sample.glass],
        liquid_rgba=LIQUIDS[_split_of(LIQUIDS, sample.liquid)][sample.liquid],
        ambient=sample.ambient,
    )


def _room_look(sample: RoomSample | None) -> Room:
    if sample is None:  # recorded before the room existed: replay renders the scene it recorded
        return Room(bare=True)
    wall = WALLS[_split_of(WALLS, sample.wall)][sample.wall]
    floor = FLOORS[_split_of(FLOORS, sample.floor)][sample.floor]
    return Room(
        wall_rgba=(*wall, 1.0),
        floor_rgba=(*floor, 1.0),
        window_y=sample.window_y,
        bottles=sample.bottles,
        bottle_seed=sample.bottle_seed,
    )


def _glassware(scene: SceneSpec) -> set[str]:
    from labdata.catalog import load_catalog

    catalog = load_catalog()
    return {i.name for i in scene.labware if catalog.get(i.type).geometry.shape in GLASSWARE_SHAPES}


def _object_material(look: Appearance, split_of_material: str, glassy: bool) -> Material:
    """The shell's material. Glassware (with finishes) sampled as glass is drawn as glass: the hue only
    tints it and it is more see-through (the alpha scaled down keeps the split's alpha bands
    disjoint). Anything else, and everything before finishes existed, is a saturated colour at the
    sampled alpha (a see-through glass hotplate would read as nothing at all)."""
    glass = glassy and look.material == "glass"
    saturation, value = (0.12, 0.97) if glass else (0.55, 0.85)
    alpha = look.alpha * GLASS_ALPHA_SCALE if glass else look.alpha
    r, g, b = colorsys.hsv_to_rgb(look.hue, saturation, value)
    specular, shininess, reflectance = OBJECT_MATERIALS[split_of_material][look.material]
    return Material(rgba=(r, g, b, alpha), specular=specular, shininess=shininess, reflectance=reflectance)


def _split_of(table: Mapping[str, Mapping[str, object]], name: str) -> str:
    return next(split for split, names in table.items() if name in names)


def apply_domain(scene: SceneSpec, sample: DomainSample) -> SceneSpec:
    """The scene with the sample applied: shifted labware, distractors added, a new look."""
    labware = [posed(item, sample.placement, sample.yaw) for item in scene.labware]
    labware += [LabwareSpec(name=d.name, type=d.type, site=d.site) for d in sample.clutter]
    rgba, specular, shininess, reflectance = BENCHES[_split_of(BENCHES, sample.bench)][sample.bench]
    finished = sample.finish is not None
    glassware = _glassware(scene) if finished else set()
    light = sample.lighting
    diffuse = (
        light.intensity * (1.0 + light.warmth),
        light.intensity,
        light.intensity * (1.0 - light.warmth),
    )
    look = SceneLook(
        labware={
            name: _object_material(a, _split_of(OBJECT_MATERIALS, a.material), name in glassware)
            for name, a in sample.appearance.items()
        },
        bench=Material(
            rgba=rgba,
            specular=specular,
            shininess=shininess,
            reflectance=reflectance,
            pattern=BENCH_PATTERNS[sample.bench] if finished else None,
        ),
        light_diffuse=diffuse,
        light_offset=light.offset,
        cameras=sample.cameras,
        room=_room_look(sample.room),
        finish=_finish_look(sample.finish),
    )
    return SceneSpec(**{**dict(scene), "labware": labware, "look": look})


def build_env(scene: SceneSpec, robot: str, sample: DomainSample) -> Any:
    """The simulator for `scene` with every value of `sample` applied, the reset pose included: the one
    way synthesis, replay, `labc run` and `labc bench` build a randomized scene."""
    from labsim.backend import Randomization, get_backend

    return get_backend().build(
        apply_domain(scene, sample), robot, Randomization(home_offset_rad=sample.reset_joints)
    )
