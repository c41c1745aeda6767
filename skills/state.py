"""The symbolic lab: where everything is, what it holds, what is open, on, or in a gripper.

Symbolic execution mutates one `LabState` node by node, so the representation is plain pydantic
models of dicts and sets (JSON-ready for the compiled protocol's state trace) and `copy()` copies
exactly the mutable parts by hand instead of deep-copying: the compiler snapshots states on
10,000-statement protocols.

Placement model: every object has a `location`, which is either a bench spot (`bench/left`, relation
`at`), the declared name of what it stands on or in (relation `on` / `in`), or None while an arm
holds it. What a device holds is therefore derived (`occupants`), never stored twice.

Holding model: pipettes are handheld. An arm must hold a pipette to pick up a tip, aspirate,
dispense or drop a tip; operations emit `pick <pipette>` first and put it back afterwards.
"""

# No `from __future__ import annotations`: pydantic builds these models from evaluated annotations,
# where strings would cost it a compile and an eval per field and subclass (issue 15, item 9).
import copy as _copy
from collections.abc import Iterable
from typing import Annotated, Literal

from pydantic import BaseModel, Field, PlainSerializer, PrivateAttr, computed_field

from labdata.catalog import Catalog, LabwareType, load_catalog
from labdata.wells import WellError
from skills.codes import Violation, violation
from skills.display import amount
from skills.mixture import Mixture, total

AMBIENT_C = 20.0

Relation = Literal["on", "in", "at"]

# Sets serialise sorted: set order depends on string hashing, which changes between processes, and a
# compiled protocol must be byte-identical for identical input.
SortedSet = Annotated[set[str], PlainSerializer(sorted, return_type=list[str])]


class Declaration(BaseModel):
    """One declared labware or instrument, as the compiler maps it from the AST."""

    name: str
    type: str
    location: str | None = None
    contents: dict[str | None, dict[str, float]] = Field(
        default_factory=dict, description="well (None: the vessel itself) -> {liquid: volume_ul}"
    )
    tips: str | None = Field(default=None, description="pipettes: the declared tiprack it uses")


class ObjectState(BaseModel):
    type: str
    location: str | None = None
    relation: Relation | None = "at"
    contents: Mixture = Field(default_factory=dict, description="a single vessel's liquid")
    wells: dict[str, Mixture] = Field(
        default_factory=dict, description="per-well liquid; wells never filled are absent"
    )
    temperature_c: float = AMBIENT_C

    def clone(self) -> "ObjectState":
        new = _copy.copy(self)
        new.contents = dict(self.contents)
        new.wells = {well: dict(mixture) for well, mixture in self.wells.items()}
        return new


class DeviceState(BaseModel):
    """Doors and lids share `door_open`: the same skill opens both."""

    door_open: bool = False
    drawer_open: bool = False
    on: bool = False
    setpoint_c: float | None = None


class PipetteState(BaseModel):
    tips: str | None = None
    tip: tuple[str, str] | None = Field(default=None, description="(tiprack, well) of the attached tip")
    tip_contents: Mixture = Field(default_factory=dict)
    tip_liquids: SortedSet = Field(
        default_factory=set, description="every liquid the attached tip has touched"
    )

    @computed_field  # type: ignore[prop-decorator]  # serialized, so the state trace shows it
    @property
    def tip_dirty(self) -> bool:
        return bool(self.tip_liquids)

    def clone(self) -> "PipetteState":
        new = _copy.copy(self)
        new.tip_contents = dict(self.tip_contents)
        new.tip_liquids = set(self.tip_liquids)
        return new


class TiprackState(BaseModel):
    used: SortedSet = Field(default_factory=set)

    def clone(self) -> "TiprackState":
        return TiprackState.model_construct(used=set(self.used))


class ArmState(BaseModel):
    holding: str | None = None


class DeclarationError(ValueError):
    """Declarations that no state can satisfy (overfull vessels, wells on a beaker, ...)."""

    def __init__(self, violations: list[Violation]) -> None:
        super().__init__("; ".join(v.message for v in violations))
        self.violations = violations


class LabState(BaseModel):
    objects: dict[str, ObjectState] = Field(default_factory=dict)
    devices: dict[str, DeviceState] = Field(default_factory=dict)
    pipettes: dict[str, PipetteState] = Field(default_factory=dict)
    tipracks: dict[str, TiprackState] = Field(default_factory=dict)
    arms: list[ArmState] = Field(default_factory=lambda: [ArmState()])
    waste: Mixture = Field(default_factory=dict, description="liquid discarded with dropped tips")
    _catalog: Catalog | None = PrivateAttr(default=None)

    # --- construction -------------------------------------------------------------------------

    @classmethod
    def initial(
        cls, declarations: Iterable[Declaration], catalog: Catalog | None = None, arms: int = 1
    ) -> "LabState":
        """The state before the first step. Raises `UnknownType` or `DeclarationError`."""
        catalog = catalog or load_catalog()
        declarations = list(declarations)
        problems = validate_declarations(declarations, catalog)
        if problems:
            raise DeclarationError(problems)
        state = cls(arms=[ArmState() for _ in range(arms)])
        state._catalog = catalog
        types = {d.name: catalog.get(d.type) for d in declarations}
        for decl in declarations:
            kind = types[decl.name]
            relation: Relation = "at"
            if decl.location in types:
                holder = types[decl.location]
                relation = (
                    "in"
                    if holder.has("has_door") or holder.has("has_drawer") or holder.has("has_lid")
                    else "on"
                )
            obj = ObjectState(type=decl.type, location=decl.location, relation=relation)
            for well, mixture in decl.contents.items():
                if well is None:
                    obj.contents = dict(mixture)
                else:
                    obj.wells[well] = dict(mixture)
            state.objects[decl.name] = obj
            if (
                kind.has("has_door")
                or kind.has("has_drawer")
                or kind.has("has_lid")
                or kind.has("has_button")
            ):
                state.devices[decl.name] = DeviceState()
            if kind.has("aspirates"):
                state.pipettes[decl.name] = PipetteState(tips=decl.tips)
            if kind.has("holds_tips"):
                state.tipracks[decl.name] = TiprackState()
        return state

    def copy(self) -> "LabState":  # type: ignore[override]  # pydantic v1's deprecated copy() is replaced on purpose
        """An independent state; copies the mutable containers only (types and names are shared)."""
        new = LabState.model_construct(
            objects={name: obj.clone() for name, obj in self.objects.items()},
            devices={name: _copy.copy(dev) for name, dev in self.devices.items()},
            pipettes={name: pip.clone() for name, pip in self.pipettes.items()},
            tipracks={name: rack.clone() for name, rack in self.tipracks.items()},
            arms=[_copy.copy(arm) for arm in self.arms],
            waste=dict(self.waste),
        )
        new._catalog = self._catalog
        return new

    # --- queries --------------------------------------------------------------------------------

    @property
    def catalog(self) -> Catalog:
        # Read through __pydantic_private__: pydantic's __getattr__ for a private attribute costs
        # about 20 us, and skills ask for the catalog several times per node.
        private = self.__pydantic_private__
        catalog = private.get("_catalog") if private is not None else None
        if catalog is None:
            catalog = load_catalog()
            self._catalog = catalog
        return catalog

    def type_of(self, name: str) -> LabwareType:
        return self.catalog.get(self.objects[name].type)

    def contents_of(self, name: str, well: str | None = None) -> Mixture:
        """What a vessel (well None) or one well holds, for reading: never creates a well entry."""
        obj = self.objects[name]
        return obj.contents if well is None else obj.wells.get(well, {})

    def liquid(self, name: str, well: str | None = None) -> Mixture:
        """The live mixture of a vessel (well None) or of one well, for effects: created empty on first use."""
        obj = self.objects[name]
        if well is None:
            return obj.contents
        return obj.wells.setdefault(well, {})

    def capacity_ul(self, name: str, well: str | None = None) -> float | None:
        kind = self.type_of(name)
        if well is not None and kind.wells is not None:
            return kind.wells.well_capacity_ul
        return kind.capacity_ul

    def dead_volume_ul(self, name: str, well: str | None = None) -> float:
        kind = self.type_of(name)
        if well is not None and kind.wells is not None:
            return kind.wells.dead_volume_ul
        return kind.dead_volume_ul

    def holder_of(self, name: str) -> int | None:
        """The arm holding `name`, if any."""
        return next((i for i, arm in enumerate(self.arms) if arm.holding == name), None)

    def occupants(self, name: str) -> list[str]:
        """What stands on or sits in `name`, in declaration order."""
        return [other for other, obj in self.objects.items() if obj.location == name]

    def closed_enclosure(self, name: str) -> str | None:
        """The closed device (door, lid or drawer) that `name` is inside, directly or through a rack."""
        seen: set[str] = set()
        current = self.objects[name]
        while current.location in self.objects and current.location not in seen:
            holder = current.location
            seen.add(holder)
            device = self.devices.get(holder)
            if current.relation == "in" and device is not None:
                kind = self.type_of(holder)
                closed_door = (kind.has("has_door") or kind.has("has_lid")) and not device.door_open
                if closed_door or (kind.has("has_drawer") and not device.drawer_open):
                    return holder
            current = self.objects[holder]
        return None

    def total_liquid_ul(self) -> float:
        """All liquid anywhere: vessels, wells, tips and waste (constant under every skill)."""
        vessels = sum(
            total(obj.contents) + sum(total(m) for m in obj.wells.values()) for obj in self.objects.values()
        )
        tips = sum(total(pip.tip_contents) for pip in self.pipettes.values())
        return vessels + tips + total(self.waste)


def validate_declarations(declarations: list[Declaration], catalog: Catalog) -> list[Violation]:
    """Problems in declared contents, locations and tipracks; unknown types raise `UnknownType`."""
    problems: list[Violation] = []
    types = {d.name: catalog.get(d.type) for d in declarations}
    slots_used: dict[str, int] = {}
    for decl in declarations:
        kind = types[decl.name]
        for well, mixture in decl.contents.items():
            where = decl.name if well is None else f"{decl.name}.{well}"
            if (kind.capacity_ul is None and kind.wells is None) or kind.has("holds_tips"):
                problems.append(
                    violation("E2010", f"{decl.name} ({kind.name}) cannot hold liquid", subject=decl.name)
                )
                continue
            if (well is None) != (kind.wells is None):
                need = "needs a well address" if well is None else "has no wells"
                problems.append(violation("E2017", f"{decl.name} ({kind.name}) {need}", subject=decl.name))
                continue
            if well is not None and kind.wells is not None:
                try:
                    kind.wells.index(well)
                except WellError as exc:
                    problems.append(violation("E2017", f"{decl.name}: {exc}", subject=decl.name))
                    continue
            capacity = kind.wells.well_capacity_ul if well is not None and kind.wells else kind.capacity_ul
            if any(volume < 0 for volume in mixture.values()):
                problems.append(
                    violation("E2002", f"{where} is declared with a negative volume", subject=decl.name)
                )
            elif capacity is not None and total(mixture) > capacity:
                problems.append(
                    violation(
                        "E2001",
                        f"{where} is declared with {amount(total(mixture))} but holds at most {amount(capacity)}",
                        subject=decl.name,
                    )
                )
        if decl.location in types:
            holder = types[decl.location]
            slots_used[decl.location] = slots_used.get(decl.location, 0) + 1
            if not holder.has("holds_objects"):
                problems.append(
                    violation(
                        "E2010",
                        f"{decl.name} cannot be placed on {decl.location} ({holder.name})",
                        subject=decl.name,
                    )
                )
            elif holder.slots is not None and slots_used[decl.location] > holder.slots:
                problems.append(
                    violation(
                        "E2020", f"{decl.location} has room for {holder.slots} objects", subject=decl.location
                    )
                )
        if decl.tips is not None:
            rack = types.get(decl.tips)
            if rack is None:
                problems.append(
                    violation(
                        "E2009",
                        f"{decl.name} uses tips from `{decl.tips}`, which is not declared",
                        subject=decl.name,
                    )
                )
            elif decl.tips and rack.name not in kind.tip_types:
                problems.append(
                    violation(
                        "E2015",
                        f"{decl.name} ({kind.name}) does not take tips from {rack.name}",
                        subject=decl.name,
                    )
                )
    return problems
