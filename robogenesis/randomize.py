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

from labsim.scene_spec import CameraPose, LabwareSpec, Material, Room, SceneLook, SceneSpec
from robogenesis.arrangement import Distractor, arrange, posed, reset_pose
from robogenesis.bands import Split, band, signed, spatial

AXES = ("placement", "clutter", "camera", "appearance", "lighting", "bench")

# Disjoint bands per split: (low, high) magnitudes, or names only one split uses.
CAMERA_SHIFT_M: dict[str, tuple[float, float]] = {"id": (0.0, 0.04), "ood": (0.04, 0.08)}
CAMERA_FOV_DEG: dict[str, tuple[float, float]] = {"id": (52.0, 58.0), "ood": (58.0, 64.0)}
HUE: dict[str, tuple[float, float]] = {"id": (0.0, 0.5), "ood": (0.5, 1.0)}
ALPHA: dict[str, tuple[float, float]] = {"id": (0.55, 1.0), "ood": (0.3, 0.55)}
# material name -> (specular, shininess, reflectance)
OBJECT_MATERIALS: dict[str, dict[str, tuple[float, float, float]]] = {
    "id": {"glass": (0.8, 0.9, 0.1), "matte_plastic": (0.1, 0.1, 0.0)},
    "ood": {"metal": (1.0, 0.6, 0.4), "ceramic": (0.4, 0.3, 0.05)},
}
LIGHT_INTENSITY: dict[str, tuple[float, float]] = {"id": (0.55, 0.85), "ood": (0.3, 0.55)}
LIGHT_WARMTH: dict[str, tuple[float, float]] = {"id": (-0.05, 0.05), "ood": (0.05, 0.15)}
LIGHT_SHIFT_M: dict[str, tuple[float, float]] = {"id": (0.0, 0.3), "ood": (0.3, 0.6)}
# bench material name -> (rgba, specular, shininess, reflectance)
BENCHES: dict[str, dict[str, tuple[tuple[float, float, float, float], float, float, float]]] = {
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
# The room behind the bench (labsim.assets.room): wall paint, floor and where the window is along the
# far wall on the appearance axis, shelf bottles on the clutter axis.
WALLS: dict[str, dict[str, tuple[float, float, float]]] = {
    "id": {"warm_white": (0.9, 0.89, 0.84), "pale_grey": (0.8, 0.81, 0.82), "cream": (0.93, 0.88, 0.76)},
    "ood": {"pale_green": (0.74, 0.85, 0.76), "pale_blue": (0.74, 0.8, 0.9), "taupe": (0.66, 0.6, 0.5)},
}
FLOORS: dict[str, dict[str, tuple[float, float, float]]] = {
    "id": {"grey_tile": (0.62, 0.63, 0.6), "sand_tile": (0.7, 0.66, 0.58)},
    "ood": {"blue_vinyl": (0.45, 0.55, 0.65), "dark_tile": (0.3, 0.3, 0.32)},
}
SHELF_BOTTLES: dict[str, tuple[int, int]] = {"id": (3, 5), "ood": (6, 8)}
WINDOW_Y_M: dict[str, tuple[float, float]] = {"id": (0.0, 0.4), "ood": (0.4, 0.8)}  # |y|


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
    room = _room(split, rng)  # drawn last: the values above stay what they were before the room existed
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


def _object_material(look: Appearance, split_of_material: str) -> Material:
    r, g, b = colorsys.hsv_to_rgb(look.hue, 0.55, 0.85)
    specular, shininess, reflectance = OBJECT_MATERIALS[split_of_material][look.material]
    return Material(
        rgba=(r, g, b, look.alpha), specular=specular, shininess=shininess, reflectance=reflectance
    )


def _split_of(table: Mapping[str, Mapping[str, object]], name: str) -> str:
    return next(split for split, names in table.items() if name in names)


def apply_domain(scene: SceneSpec, sample: DomainSample) -> SceneSpec:
    """The scene with the sample applied: shifted labware, distractors added, a new look."""
    labware = [posed(item, sample.placement, sample.yaw) for item in scene.labware]
    labware += [LabwareSpec(name=d.name, type=d.type, site=d.site) for d in sample.clutter]
    rgba, specular, shininess, reflectance = BENCHES[_split_of(BENCHES, sample.bench)][sample.bench]
    light = sample.lighting
    diffuse = (
        light.intensity * (1.0 + light.warmth),
        light.intensity,
        light.intensity * (1.0 - light.warmth),
    )
    look = SceneLook(
        labware={
            name: _object_material(a, _split_of(OBJECT_MATERIALS, a.material))
            for name, a in sample.appearance.items()
        },
        bench=Material(rgba=rgba, specular=specular, shininess=shininess, reflectance=reflectance),
        light_diffuse=diffuse,
        light_offset=light.offset,
        cameras=sample.cameras,
        room=_room_look(sample.room),
    )
    return SceneSpec(**{**dict(scene), "labware": labware, "look": look})


def build_env(scene: SceneSpec, robot: str, sample: DomainSample) -> Any:
    """The simulator for `scene` with every value of `sample` applied, the reset pose included: the one
    way synthesis, replay, `labc run` and `labc bench` build a randomized scene."""
    from labsim.backend import Randomization, get_backend

    return get_backend().build(
        apply_domain(scene, sample), robot, Randomization(home_offset_rad=sample.reset_joints)
    )
