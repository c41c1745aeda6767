"""The labware and instrument catalog: what each declared type *is*, as validated data.

The catalog is data (`labdata/catalog/*.yaml`) so that adding a beaker size is an edit to a file, not
to code. Three readers depend on it: symbolic execution (capacities, affordances, wells, pipette
ranges, heater maxima), the simulator (geometry hints it turns into MuJoCo assets) and the compiler
(type names and "did you mean" suggestions). Units are fixed: microlitres, metres, Celsius.
"""

# No `from __future__ import annotations`: pydantic builds these models from evaluated annotations,
# where strings would cost it a compile and an eval per field and subclass (issue 15, item 9).
import difflib
import functools
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, PositiveInt, model_validator

from labdata.errors import UnknownName
from labdata.wells import WellGrid
from labinfra.user_cache import cached_json, digest

Affordance = Literal[
    "graspable",
    "pourable",
    "has_door",
    "has_drawer",
    "has_button",
    "has_lid",
    "has_wells",
    "holds_tips",
    "aspirates",
    "heats",
    "stirs",
    "shakes",
    "is_rod",
    "holds_objects",
]

Kind = Literal[
    "beaker",
    "flask",
    "cylinder",
    "test_tube",
    "tube_rack",
    "plate",
    "reservoir",
    "tiprack",
    "rod",
    "pipette",
    "hotplate",
    "stirrer",
    "shaker",
    "drying_box",
    "cabinet",
    "centrifuge",
]

Vec3 = tuple[float, float, float]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Handle(_Frozen):
    """Where a door or drawer is pulled: the simulator places the handle, the expert grasps it."""

    side: Literal["left", "right", "front", "top"]
    offset_m: float = Field(
        description="distance of the handle from the hinge side (doors) or the top (drawers)"
    )


class Geometry(_Frozen):
    """Hints for building a simulated asset; not a CAD model. Extents are x (width), y (depth), z (height)."""

    shape: Literal["cylinder", "flask", "box", "rod", "plate", "rack", "pipette", "device"]
    outer_size_m: tuple[PositiveFloat, PositiveFloat, PositiveFloat]
    wall_m: PositiveFloat | None = None
    opening_radius_m: PositiveFloat | None = None
    grasp_height_m: PositiveFloat | None = Field(
        default=None, description="height above the base where a gripper closes"
    )
    handle: Handle | None = None
    button_m: Vec3 | None = Field(default=None, description="button position relative to the device origin")


class LabwareType(_Frozen):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    kind: Kind
    description: str
    instrument: bool = False
    capacity_ul: PositiveFloat | None = None
    dead_volume_ul: float = Field(
        default=0.0, ge=0, description="unreachable volume when pipetting from the vessel"
    )
    affordances: frozenset[Affordance]
    geometry: Geometry
    wells: WellGrid | None = None
    volume_range_ul: tuple[PositiveFloat, PositiveFloat] | None = None
    tip_types: list[str] = Field(default_factory=list)
    tip_capacity_ul: PositiveFloat | None = None
    max_temperature_c: float | None = None
    slots: PositiveInt | None = Field(default=None, description="how many objects fit on or in it")

    def has(self, affordance: Affordance) -> bool:
        return affordance in self.affordances

    @property
    def is_vessel(self) -> bool:
        """Holds liquid as one body (beaker, flask, tube), as opposed to per well or not at all."""
        return self.capacity_ul is not None and self.wells is None

    @model_validator(mode="after")
    def _consistent(self) -> "LabwareType":
        # Each affordance promises data that some reader will look up; refuse a type that breaks the promise.
        needs: list[tuple[bool, str]] = [
            (self.has("has_wells") and self.wells is None, "has_wells needs `wells`"),
            (
                self.has("holds_tips") and (self.wells is None or self.tip_capacity_ul is None),
                "holds_tips needs `wells` and `tip_capacity_ul`",
            ),
            (
                self.has("aspirates") and (self.volume_range_ul is None or not self.tip_types),
                "aspirates needs `volume_range_ul` and `tip_types`",
            ),
            (self.has("heats") and self.max_temperature_c is None, "heats needs `max_temperature_c`"),
            (self.has("pourable") and self.capacity_ul is None, "pourable needs `capacity_ul`"),
            (self.has("holds_objects") and self.slots is None, "holds_objects needs `slots`"),
            (
                (self.has("has_door") or self.has("has_drawer") or self.has("has_lid"))
                and self.geometry.handle is None,
                "a door, drawer or lid needs `geometry.handle`",
            ),
            (
                self.has("has_button") and self.geometry.button_m is None,
                "has_button needs `geometry.button_m`",
            ),
            (
                self.has("graspable") and self.geometry.grasp_height_m is None,
                "graspable needs `geometry.grasp_height_m`",
            ),
        ]
        problems = [message for broken, message in needs if broken]
        if self.volume_range_ul is not None and self.volume_range_ul[0] >= self.volume_range_ul[1]:
            problems.append("volume_range_ul must be (min, max) with min < max")
        if problems:
            raise ValueError(f"{self.name}: " + "; ".join(problems))
        return self


class UnknownType(UnknownName):
    """A type name the catalog does not have."""

    what = "labware or instrument type"


class Catalog(_Frozen):
    types: dict[str, LabwareType]

    def get(self, type_name: str) -> LabwareType:
        try:
            return self.types[type_name]
        except KeyError:
            raise UnknownType(
                type_name, difflib.get_close_matches(type_name, self.types, n=3, cutoff=0.6)
            ) from None

    def names(self) -> list[str]:
        return sorted(self.types)

    @model_validator(mode="after")
    def _tips_exist(self) -> "Catalog":
        for labware in self.types.values():
            for tip_type in labware.tip_types:
                rack = self.types.get(tip_type)
                if rack is None or not rack.has("holds_tips"):
                    raise ValueError(f"{labware.name}: tip type `{tip_type}` is not a tiprack in the catalog")
        return self


class _CatalogFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    types: list[LabwareType]


def _read_yaml(documents: dict[str, str]) -> dict[str, object]:
    """{file name: parsed YAML}. libyaml's safe loader when PyYAML was built with it: the pure-Python
    loader takes longer than compiling a 96-well protocol."""
    import yaml  # here, not at the top: load_catalog's cache spares a cold compile the import

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return {name: yaml.load(text, Loader=loader) for name, text in documents.items()}


def parse_catalog(documents: dict[str, str]) -> Catalog:
    """Validate catalog files given as {file name: YAML text}; a duplicate type name is an error."""
    return _validate(_read_yaml(documents))


def _validate(data: dict[str, object]) -> Catalog:
    types: dict[str, LabwareType] = {}
    for file_name in sorted(data):
        for labware in _CatalogFile.model_validate(data[file_name]).types:
            if labware.name in types:
                raise ValueError(f"{file_name}: type `{labware.name}` is defined twice")
            types[labware.name] = labware
    return Catalog(types=types)


def _documents() -> dict[str, str]:
    """{file name: YAML text} of the catalog shipped in `labdata/catalog/`."""
    folder = resources.files("labdata").joinpath("catalog")
    return {
        entry.name: entry.read_text("utf-8") for entry in folder.iterdir() if entry.name.endswith(".yaml")
    }


@functools.cache
def load_catalog() -> Catalog:
    """The shipped catalog, parsed once per process.

    Its parsed YAML is kept in the user cache, keyed by the files' digest (every compile reads the
    catalog, and a cold one would otherwise import PyYAML for it); validation runs on it either way."""
    documents = _documents()
    return _validate(
        cached_json("catalog", "yaml-safe/1:" + digest(documents), lambda: _read_yaml(documents))
    )
