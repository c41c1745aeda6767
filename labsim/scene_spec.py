"""What a scene contains, independent of any simulator: the input every backend builds from."""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from labdata.look import DEFAULT_GLASS, DEFAULT_LIQUID

DEFAULT_CAMERAS = ("front", "side", "wrist")
SCENE_CAMERAS = ("front", "side", "top")
CPU_RESOLUTION = (128, 128)
TRAINING_RESOLUTION = (224, 224)


class LabwareSpec(BaseModel):
    """One labware item or instrument on the bench."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_\-]*$")
    type: str = Field(description="Catalog type name (labdata.catalog).")
    site: str | None = Field(None, description="Named bench site such as bench/left; None = auto-placed.")
    volume_ul: float = Field(0.0, ge=0.0, description="Initial liquid volume in the vessel.")
    offset_xy: tuple[float, float] = Field(
        (0.0, 0.0), description="Shift (m) from the site's position (placement randomization)."
    )
    yaw_rad: float = Field(
        0.0,
        ge=-math.pi,
        le=math.pi,
        description="Turn about the vertical (placement randomization); only builders whose shape has a"
        " direction (devices, the rod on its rest) use it, a round vessel looks the same at any yaw.",
    )


Vec3 = tuple[float, float, float]
Rgba = tuple[float, float, float, float]


class Material(BaseModel):
    """How a surface looks: colour with alpha (transparency) and MuJoCo material terms."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    rgba: Rgba
    specular: float = Field(0.5, ge=0.0, le=1.0)
    shininess: float = Field(0.5, ge=0.0, le=1.0)
    reflectance: float = Field(0.0, ge=0.0, le=1.0)
    pattern: Literal["speckle", "grain", "brushed"] | None = Field(
        None, description="Procedural texture of the surface (labsim.assets.finish); None: plain colour."
    )


class Finish(BaseModel):
    """How glass, liquid and the bench top are finished (labsim.assets.finish), and the ambient light.
    Visual only; the randomizer varies tints and light per split."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    glass_rgba: Rgba = DEFAULT_GLASS
    liquid_rgba: Rgba = DEFAULT_LIQUID
    ambient: float = Field(0.25, ge=0.0, le=1.0, description="Headlight ambient light, grey level.")
    plain: bool = Field(
        False,
        description="No finishes: the scene of episodes recorded before they existed, so their replays"
        " render as recorded.",
    )


class Room(BaseModel):
    """The room around the bench (labsim.assets.room): what the scene cameras see behind it. Visual
    only; the randomizer varies it on the appearance and clutter axes."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    wall_rgba: Rgba = (0.9, 0.89, 0.84, 1.0)
    floor_rgba: Rgba = (0.62, 0.63, 0.6, 1.0)
    cabinet_rgba: Rgba = (0.86, 0.86, 0.84, 1.0)
    sky_rgba: Rgba = (0.75, 0.86, 0.95, 1.0)
    window_y: float = Field(0.0, ge=-1.0, le=1.0, description="Where along the far wall the window is (m).")
    bottles: int = Field(4, ge=1, le=12, description="Reagent bottles (and boxes) per wall shelf.")
    bottle_seed: int = Field(0, ge=0, description="Which bottles (sizes and glass colours).")
    bare: bool = Field(
        False,
        description="Only a plain floor: the scene of episodes recorded before the room existed, so their"
        " replays render as recorded.",
    )


class CameraPose(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    pos: Vec3
    target: Vec3
    fovy_deg: float = Field(55.0, gt=0.0, lt=180.0)


class SceneLook(BaseModel):
    """Visual overrides (domain randomization); every field left empty keeps the default look."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    labware: dict[str, Material] = Field(
        default_factory=dict, description="Labware name -> material of its shell (liquid keeps its own)."
    )
    bench: Material | None = None
    light_diffuse: Vec3 | None = Field(None, description="Key light colour and intensity.")
    light_offset: Vec3 = Field((0.0, 0.0, 0.0), description="Shift of the key light's position (m).")
    cameras: dict[str, CameraPose] = Field(default_factory=dict, description="Scene camera pose overrides.")
    room: Room = Field(default_factory=Room)
    finish: Finish = Field(default_factory=Finish)


class SceneSpec(BaseModel):
    """A lab bench scene: labware and instruments, robot(s), cameras and rendering choices."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    labware: list[LabwareSpec] = Field(default_factory=list)
    robots: list[str] = Field(default_factory=lambda: ["franka"], min_length=1)
    cameras: list[str] = Field(default_factory=lambda: list(DEFAULT_CAMERAS))
    resolution: tuple[int, int] = Field(CPU_RESOLUTION, description="(height, width) of every image.")
    render_mode: Literal["fast", "full"] = Field(
        "fast", description="fast: collision geometry, no shadows; full: visual meshes and shadows."
    )
    success_hold_s: float = Field(
        0.0, ge=0.0, description="How long a predicate must stay true before check() says so."
    )
    look: SceneLook = Field(default_factory=SceneLook)

    @field_validator("labware")
    @classmethod
    def _unique_names(cls, items: list[LabwareSpec]) -> list[LabwareSpec]:
        names = [item.name for item in items]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"labware names repeat: {', '.join(dupes)}")
        return items

    @field_validator("cameras")
    @classmethod
    def _known_cameras(cls, cameras: list[str]) -> list[str]:
        unknown = [c for c in cameras if c not in (*SCENE_CAMERAS, "wrist")]
        if unknown:
            raise ValueError(f"unknown cameras {unknown}; choose from {[*SCENE_CAMERAS, 'wrist']}")
        return cameras

    def item(self, name: str) -> LabwareSpec:
        for entry in self.labware:
            if entry.name == name:
                return entry
        raise KeyError(name)

    @classmethod
    def from_compiled(cls, compiled: Any, robot: str = "franka", **overrides: Any) -> SceneSpec:
        """Map a CompiledProtocol's objects (name, type, at, contents) onto a scene.

        Duck-typed on purpose: labsim must not import the compiler. The list is `objects` (the
        compiled model) or `labware`; `contents` may be None, a number of microlitres, a dict with a
        `volume_ul` field, or the compiled form well -> liquid -> uL ('' for the vessel itself), whose
        vessel total (else the fullest well) becomes the volume. An `at` that is not a bench site (an
        instrument, a place labsim does not model) leaves the item auto-placed.
        """
        from labdata.deck import SITES

        items = []
        for entry in getattr(compiled, "objects", None) or getattr(compiled, "labware", []):
            site = getattr(entry, "at", None)
            items.append(
                LabwareSpec(
                    name=entry.name,
                    type=entry.type,
                    site=site if site in SITES else None,
                    volume_ul=_volume_ul(getattr(entry, "contents", None)),
                )
            )
        return cls(labware=items, robots=[robot], **overrides)


def _volume_ul(contents: Any) -> float:
    if isinstance(contents, (int, float)):
        return float(contents)
    if isinstance(contents, dict):
        if "volume_ul" in contents:
            return float(contents["volume_ul"])
        totals = {
            well: sum(float(v) for v in liquids.values())
            for well, liquids in contents.items()
            if isinstance(liquids, dict)
        }
        return totals.get("", max(totals.values(), default=0.0))
    return float(getattr(contents, "volume_ul", 0.0) or 0.0)
