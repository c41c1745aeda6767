"""What a scene contains, independent of any simulator: the input every backend builds from."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

DEFAULT_CAMERAS = ("front", "side", "wrist")
SCENE_CAMERAS = ("front", "side", "top")
CPU_RESOLUTION = (128, 128)
TRAINING_RESOLUTION = (224, 224)


class LabwareSpec(BaseModel):
    """One labware item or instrument on the bench."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_\-]*$")
    type: str = Field(description="Catalog type name (skills.catalog).")
    site: str | None = Field(None, description="Named bench site such as bench/left; None = auto-placed.")
    volume_ul: float = Field(0.0, ge=0.0, description="Initial liquid volume in the vessel.")


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
        """Map a CompiledProtocol's labware list (name, type, at, contents) onto a scene.

        Duck-typed on purpose: labsim must not import the compiler. `contents` may be None, a number
        of microlitres, or an object/dict with a `volume_ul` field.
        """
        items = []
        for entry in getattr(compiled, "labware", []):
            contents = getattr(entry, "contents", None)
            if isinstance(contents, dict):
                volume = float(contents.get("volume_ul", 0.0))
            elif isinstance(contents, (int, float)):
                volume = float(contents)
            else:
                volume = float(getattr(contents, "volume_ul", 0.0) or 0.0)
            items.append(
                LabwareSpec(
                    name=entry.name, type=entry.type, site=getattr(entry, "at", None), volume_ul=volume
                )
            )
        return cls(labware=items, robots=[robot], **overrides)
