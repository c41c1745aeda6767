"""Domain randomization on six axes, with an in-distribution split and a held-out (OOD) split.

Each axis draws from two disjoint value sets: `id` from one, `ood` from the other (magnitude bands that
do not overlap, or named materials and labware types that only one split uses). Every sampled value
lands in a `DomainSample`, which is stored with the episode; rebuilding the scene from the stored
sample (never re-drawing it) is what makes `--replay` exact.
"""

from __future__ import annotations

import colorsys
import math
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from labsim.scene_spec import CameraPose, LabwareSpec, Material, SceneLook, SceneSpec

Split = Literal["id", "ood"]
AXES = ("placement", "clutter", "camera", "appearance", "lighting", "bench")

# Disjoint bands per split: (low, high) magnitudes, or names only one split uses.
PLACEMENT_M: dict[str, tuple[float, float]] = {"id": (0.0, 0.015), "ood": (0.015, 0.03)}
CLUTTER_TYPES: dict[str, tuple[str, ...]] = {
    "id": ("beaker_50ml", "flask_100ml", "plate_96"),
    "ood": ("test_tube", "beaker_100ml", "tube_rack"),
}
CLUTTER_COUNT: dict[str, tuple[int, int]] = {"id": (0, 2), "ood": (1, 2)}  # ood never empty
CAMERA_SHIFT_M: dict[str, tuple[float, float]] = {"id": (0.0, 0.04), "ood": (0.04, 0.08)}
CAMERA_FOV_DEG: dict[str, tuple[float, float]] = {"id": (52.0, 58.0), "ood": (58.0, 64.0)}
HUE: dict[str, tuple[float, float]] = {"id": (0.0, 0.5), "ood": (0.5, 1.0)}
ALPHA: dict[str, tuple[float, float]] = {"id": (0.55, 1.0), "ood": (0.3, 0.55)}
# material name -> (specular, shininess, reflectance)
OBJECT_MATERIALS: dict[str, dict[str, tuple[float, float, float]]] = {
    "id": {"glass": (0.8, 0.9, 0.1), "matte_plastic": (0.1, 0.1, 0.0)},
    "ood": {"metal": (1.0, 0.6, 0.4), "ceramic": (0.4, 0.3, 0.05)},
}
ARRANGEMENT_TRIES = 50
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


class Distractor(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    type: str


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


class DomainSample(BaseModel):
    """Every value drawn for one episode, per axis, plus the per-node paraphrase choice."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    split: Split
    placement: dict[str, tuple[float, float]]
    clutter: list[Distractor]
    cameras: dict[str, CameraPose]
    appearance: dict[str, Appearance]
    lighting: Lighting
    bench: str
    phrasing: dict[str, int] = Field(
        default_factory=dict, description="node id -> 0 for the instruction, k for paraphrase k"
    )


def _band(rng: np.random.Generator, band: tuple[float, float]) -> float:
    return float(rng.uniform(*band))


def _planar(rng: np.random.Generator, band: tuple[float, float]) -> tuple[float, float]:
    """A shift whose length lies in the band, in a uniformly random direction."""
    r, angle = _band(rng, band), float(rng.uniform(0.0, 2.0 * math.pi))
    return (r * math.cos(angle), r * math.sin(angle))


def _spatial(rng: np.random.Generator, band: tuple[float, float]) -> np.ndarray:
    direction = rng.normal(size=3)
    return direction / np.linalg.norm(direction) * _band(rng, band)


def _arrangement(
    scene: SceneSpec, split: Split, rng: np.random.Generator
) -> tuple[dict[str, tuple[float, float]], list[Distractor]]:
    """Shifts and distractors that fit on the bench together, drawn again until they do.

    Independent draws can push a shifted beaker into a distractor's footprint; rejecting such a draw
    here (same rng, so still deterministic per seed) keeps scene errors out of the episodes.
    """
    from labsim.errors import SceneError
    from labsim.scene_builder import lay_out

    lo, hi = CLUTTER_COUNT[split]
    types = CLUTTER_TYPES[split]
    for _ in range(ARRANGEMENT_TRIES):
        placement = {item.name: _planar(rng, PLACEMENT_M[split]) for item in scene.labware}
        clutter = [
            Distractor(name=f"distractor_{i}", type=types[int(rng.integers(len(types)))])
            for i in range(int(rng.integers(lo, hi + 1)))
        ]
        shifted = [i.model_copy(update={"offset_xy": placement[i.name]}) for i in scene.labware]
        candidate = shifted + [LabwareSpec(name=d.name, type=d.type) for d in clutter]
        try:
            lay_out(scene.model_copy(update={"labware": candidate}))
        except SceneError:
            continue
        return placement, clutter
    raise SceneError(
        f"no {split} arrangement of shifts and distractors fits on the bench in {ARRANGEMENT_TRIES} draws"
    )


def sample_domain(
    scene: SceneSpec,
    split: Split,
    rng: np.random.Generator,
    phrase_counts: dict[str, int] | None = None,
) -> DomainSample:
    """Draw all six axes for `scene` (the protocol's own labware) from `split`'s value sets."""
    from labsim.scene_builder import SCENE_CAMERA_POSES

    placement, clutter = _arrangement(scene, split, rng)
    cameras = {}
    for name, (pos, target) in SCENE_CAMERA_POSES.items():
        shift = _spatial(rng, CAMERA_SHIFT_M[split])
        aim = _spatial(rng, CAMERA_SHIFT_M[split]) * 0.5
        cameras[name] = CameraPose(
            pos=tuple(float(v) for v in np.add(pos, shift)),
            target=tuple(float(v) for v in np.add(target, aim)),
            fovy_deg=_band(rng, CAMERA_FOV_DEG[split]),
        )
    materials = sorted(OBJECT_MATERIALS[split])
    appearance = {
        item.name: Appearance(
            hue=_band(rng, HUE[split]),
            alpha=_band(rng, ALPHA[split]),
            material=materials[int(rng.integers(len(materials)))],
        )
        for item in scene.labware
    }
    lighting = Lighting(
        intensity=_band(rng, LIGHT_INTENSITY[split]),
        warmth=_band(rng, LIGHT_WARMTH[split]),
        offset=tuple(float(v) for v in _spatial(rng, LIGHT_SHIFT_M[split])),
    )
    benches = sorted(BENCHES[split])
    bench = benches[int(rng.integers(len(benches)))]
    phrasing = {node: int(rng.integers(count)) for node, count in sorted((phrase_counts or {}).items())}
    return DomainSample(
        split=split,
        placement=placement,
        clutter=clutter,
        cameras=cameras,
        appearance=appearance,
        lighting=lighting,
        bench=bench,
        phrasing=phrasing,
    )


def _object_material(look: Appearance, split_of_material: str) -> Material:
    r, g, b = colorsys.hsv_to_rgb(look.hue, 0.55, 0.85)
    specular, shininess, reflectance = OBJECT_MATERIALS[split_of_material][look.material]
    return Material(
        rgba=(r, g, b, look.alpha), specular=specular, shininess=shininess, reflectance=reflectance
    )


def _split_of(table: dict[str, dict[str, object]], name: str) -> str:
    return next(split for split, names in table.items() if name in names)


def apply_domain(scene: SceneSpec, sample: DomainSample) -> SceneSpec:
    """The scene with the sample applied: shifted labware, distractors added, a new look."""
    labware = [
        item.model_copy(update={"offset_xy": sample.placement.get(item.name, (0.0, 0.0))})
        for item in scene.labware
    ]
    labware += [LabwareSpec(name=d.name, type=d.type) for d in sample.clutter]
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
    )
    return SceneSpec(**{**dict(scene), "labware": labware, "look": look})
