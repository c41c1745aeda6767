"""Domain randomization on six axes, with an in-distribution split and a held-out (OOD) split.

Each axis draws from two disjoint value sets: `id` from one, `ood` from the other (magnitude bands that
do not overlap, or named materials and labware types that only one split uses). Every sampled value
lands in a `DomainSample`, which is stored with the episode; rebuilding the scene from the stored
sample (never re-drawing it) is what makes `--replay` exact.
"""

from __future__ import annotations

import colorsys
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from labdata.deck import BENCH_TOP_Z, Placement
from labsim.scene_spec import CameraPose, LabwareSpec, Material, Room, SceneLook, SceneSpec

if TYPE_CHECKING:
    from robogenesis.reach import ReachModel

Split = Literal["id", "ood"]
AXES = ("placement", "clutter", "camera", "appearance", "lighting", "bench")

# Disjoint bands per split: (low, high) magnitudes, or names only one split uses.
# Placement, on LabUtopia's scale (its pick draws the bottle from a 15 x 16 cm region). A free vessel or
# the rod lands anywhere in a square of +-10 cm around its site (id) or in the band 10-14 cm out
# (ood: the infinity norm of its shift exceeds the id half side, so it is never inside the id square).
FREE_BOX_M: dict[str, tuple[float, float]] = {"id": (0.0, 0.10), "ood": (0.10, 0.14)}
ROD_YAW_RAD: dict[str, tuple[float, float]] = {"id": (0.0, 0.35), "ood": (0.35, 0.6)}  # |yaw|
# Devices slide sideways and turn; their depth varies little, because it cannot: a drying box's front
# stands a few cm beyond the arm's reset pose (closer, the arm touches it; farther, the handle is out of
# reach once it turns). Sideways shift and turn are what move a handle or button off the place a
# recorded trajectory goes to. An ood pose lies outside the id region (|dy| and |yaw| both within the
# id bounds) on one of the two, drawn at random: two 60 cm boxes in the back corners have room to
# turn further or to slide further, not both. Each draw is kept on the bench and must pass the reach
# check (robogenesis.reach), which plans the device's expert on it.
DEVICE_SIDE_M: dict[str, tuple[float, float]] = {"id": (0.0, 0.10), "ood": (0.10, 0.14)}  # |dy|
DEVICE_DEPTH_M = 0.03  # |dx|, both splits
DEVICE_YAW_RAD: dict[str, tuple[float, float]] = {"id": (0.0, 0.3), "ood": (0.3, 0.45)}  # |yaw|
# Labware that other levels work into (plates, racks, the pipette): a short planar shift.
PLACEMENT_M: dict[str, tuple[float, float]] = {"id": (0.0, 0.015), "ood": (0.015, 0.03)}
# The reset pose: every arm joint offset from the profile's home by this much (magnitude).
RESET_JOINT_RAD: dict[str, tuple[float, float]] = {"id": (0.0, 0.08), "ood": (0.08, 0.12)}
FREE_SHAPES = ("cylinder", "flask", "rod")
DEVICE_SHAPES = ("device", "box")
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
ARRANGEMENT_TRIES = 200  # wide placement and the reach check reject more draws
RESET_TRIES = 20  # reset poses drawn for one arrangement before the sample is given up
ROD_REST_M = 0.05  # how high a rod's raised end stands above the bench, at most
ITEM_TRIES = 100  # per item, for a shift and turn that keep its footprint on the bench
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


class Distractor(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    type: str
    # The bench site it was laid out at, clear of where the protocol's doors swing; None in episodes
    # recorded before, whose distractors take the first free site as they did then.
    site: str | None = None


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


def _band(rng: np.random.Generator, band: tuple[float, float]) -> float:
    return float(rng.uniform(*band))


def _planar(rng: np.random.Generator, band: tuple[float, float]) -> tuple[float, float]:
    """A shift whose length lies in the band, in a uniformly random direction."""
    r, angle = _band(rng, band), float(rng.uniform(0.0, 2.0 * math.pi))
    return (r * math.cos(angle), r * math.sin(angle))


def _spatial(rng: np.random.Generator, band: tuple[float, float]) -> np.ndarray:
    direction = rng.normal(size=3)
    return direction / np.linalg.norm(direction) * _band(rng, band)


def _square(rng: np.random.Generator, band: tuple[float, float]) -> tuple[float, float]:
    """A shift uniform over the square of half side band[1] less the square of half side band[0]."""
    lo, hi = band
    while True:
        x, y = (float(v) for v in rng.uniform(-hi, hi, 2))
        if lo == 0.0 or max(abs(x), abs(y)) > lo:
            return (x, y)


def _signed(rng: np.random.Generator, band: tuple[float, float]) -> float:
    """A magnitude in the band with a random sign."""
    return _band(rng, band) * (1.0 if rng.random() < 0.5 else -1.0)


def _shapes(scene: SceneSpec) -> dict[str, str]:
    from labdata.catalog import load_catalog

    catalog = load_catalog()
    return {item.name: catalog.get(item.type).geometry.shape for item in scene.labware}


def _item_draw(
    shape: str, split: Split, rng: np.random.Generator
) -> tuple[tuple[float, float], float | None]:
    """Shift (and, where the shape has a direction, turn) of one item, by its kind's bands."""
    if shape in FREE_SHAPES:
        return _square(rng, FREE_BOX_M[split]), _signed(rng, ROD_YAW_RAD[split]) if shape == "rod" else None
    if shape in DEVICE_SHAPES:
        depth = float(rng.uniform(-DEVICE_DEPTH_M, DEVICE_DEPTH_M))
        side, turn = DEVICE_SIDE_M["id"], DEVICE_YAW_RAD["id"]
        if split == "ood":  # out of the id region on one of the two
            if rng.random() < 0.5:
                side = DEVICE_SIDE_M["ood"]
            else:
                turn = DEVICE_YAW_RAD["ood"]
        return (depth, _signed(rng, side)), _signed(rng, turn)
    return _planar(rng, PLACEMENT_M[split]), None


def _fits(spot: Placement | None, shift: tuple[float, float], turn: float | None) -> bool:
    """Whether the item's footprint, moved so, stays on the bench top."""
    from labdata.deck import on_bench
    from labsim.assets.shapes import turned_half_xy

    if spot is None:
        return True
    half_x, half_y = turned_half_xy(spot.half_x, spot.half_y, turn or 0.0)
    return on_bench(spot.x + shift[0], spot.y + shift[1], half_x, half_y)


def _pose_draw(
    shapes: dict[str, str],
    split: Split,
    rng: np.random.Generator,
    nominal: dict[str, Placement] | None = None,
) -> tuple[dict[str, tuple[float, float]], dict[str, float]]:
    """Shift and turn of every item, each drawn again until its own footprint stays on the bench:
    a 60 x 55 cm drying box in a back corner has room to move only towards the robot, and two of them
    both landing there by chance (the whole draw rejected otherwise) took more than 200 tries."""
    placement: dict[str, tuple[float, float]] = {}
    yaw: dict[str, float] = {}
    for name, shape in shapes.items():
        for _ in range(ITEM_TRIES):
            shift, turn = _item_draw(shape, split, rng)
            if _fits((nominal or {}).get(name), shift, turn):
                break
        placement[name] = shift
        if turn is not None:
            yaw[name] = turn
    return placement, yaw


def _reach(scene: SceneSpec, worked: tuple[tuple[str, str], ...]) -> ReachModel:
    from robogenesis.reach import reach_model

    return reach_model(
        scene.model_copy(update={"look": SceneLook()}).model_dump_json(), scene.robots[0], worked
    )


def _reset_pose(
    scene: SceneSpec,
    split: Split,
    rng: np.random.Generator,
    worked: tuple[tuple[str, str], ...],
    arrangement: _Arrangement,
) -> tuple[float, ...]:
    """The reset offsets, drawn again (alone) until the open hand there is clear of the labware and the
    devices' experts plan from that pose too: the arrangement was checked from the home pose. Drawn
    after every other value, as before devices were checked, so scenes whose first draw passes keep the
    values their seeds always gave."""
    from labsim.errors import SceneError

    problem = None
    reach = _reach(scene, worked)
    for _ in range(RESET_TRIES):
        offsets = reset_offsets(scene.robots[0], split, rng)
        problem = reach.hand_problem(arrangement.placed, arrangement.tops, offsets)
        if problem is None and worked:
            problem = reach.device_problem(arrangement.placement, arrangement.yaw, offsets)
        if problem is None:
            return offsets
    raise SceneError(f"no {split} reset pose from which the arm can work the scene (last: {problem})")


class _Arrangement(BaseModel):
    """Where the draw put things: shifts and turns by item, distractors, and the laid-out footprints
    with each item's top height (what the reset pose's hand must keep clear of)."""

    model_config = ConfigDict(frozen=True)
    placement: dict[str, tuple[float, float]]
    yaw: dict[str, float]
    clutter: list[Distractor]
    placed: list[Placement]
    tops: dict[str, float]


def _tops(items: list[LabwareSpec]) -> dict[str, float]:
    """Top heights of the items the open hand could meet. Devices are left out: the reach check puts
    the arm itself against their geometry (`ReachModel.device_problem`), and their bench footprint is
    far wider than what stands up near the arm."""
    from labdata.catalog import load_catalog

    catalog = load_catalog()
    out = {}
    for item in items:
        geometry = catalog.get(item.type).geometry
        if geometry.shape in DEVICE_SHAPES:
            continue
        # A rod lies along the bench, one end on a rest block.
        height = (
            geometry.outer_size_m[0] + ROD_REST_M if geometry.shape == "rod" else geometry.outer_size_m[2]
        )
        out[item.name] = BENCH_TOP_Z + float(height)
    return out


def _arrangement(
    scene: SceneSpec,
    split: Split,
    rng: np.random.Generator,
    worked: tuple[tuple[str, str], ...],
) -> _Arrangement:
    """Shifts, turns and distractors that fit on the bench together and that the arm can work, drawn
    again until they do.

    Independent draws can push a shifted beaker into a distractor's footprint or out of the arm's
    reach; rejecting such a draw here (same rng, so still deterministic per seed) keeps scene errors
    and impossible layouts out of the episodes.
    """
    from labsim.errors import SceneError
    from labsim.scene_builder import lay_out

    lo, hi = CLUTTER_COUNT[split]
    types = CLUTTER_TYPES[split]
    shapes = _shapes(scene)
    nominal = {spot.name: spot for spot in lay_out(scene)}
    problem = "no draw"
    for _ in range(ARRANGEMENT_TRIES):
        placement, yaw = _pose_draw(shapes, split, rng, nominal)
        clutter = [
            Distractor(name=f"distractor_{i}", type=types[int(rng.integers(len(types)))])
            for i in range(int(rng.integers(lo, hi + 1)))
        ]
        shifted = [_posed(i, placement, yaw) for i in scene.labware]
        candidate = shifted + [LabwareSpec(name=d.name, type=d.type) for d in clutter]
        reach = _reach(scene, worked)
        try:
            placed = lay_out(
                scene.model_copy(update={"labware": candidate}), keep_out=reach.swept(placement, yaw)
            )
        except SceneError as exc:
            problem = str(exc)
            continue
        tops = _tops(candidate)
        found = (
            reach.problem(placement, yaw)
            or reach.sweep_problem(placement, yaw, placed)
            or reach.hand_problem(placed, tops)
        )
        if found is not None:
            problem = found
            continue
        site_of = {p.name: p.site for p in placed}
        return _Arrangement(
            placement=placement,
            yaw=yaw,
            clutter=[d.model_copy(update={"site": site_of[d.name]}) for d in clutter],
            placed=placed,
            tops=tops,
        )
    raise SceneError(
        f"no {split} arrangement fits on the bench within the arm's reach in {ARRANGEMENT_TRIES} draws"
        f" (last: {problem})"
    )


def _posed(
    item: LabwareSpec, placement: dict[str, tuple[float, float]], yaw: dict[str, float]
) -> LabwareSpec:
    return item.model_copy(
        update={"offset_xy": placement.get(item.name, (0.0, 0.0)), "yaw_rad": yaw.get(item.name, 0.0)}
    )


def reset_offsets(robot: str, split: Split, rng: np.random.Generator) -> tuple[float, ...]:
    """The reset pose's offset from home, per arm joint, from the split's band."""
    from labdata.robot_profile import load_profile

    return tuple(_signed(rng, RESET_JOINT_RAD[split]) for _ in range(load_profile(robot).n_arm))


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

    arrangement = _arrangement(scene, split, rng, worked)
    placement, yaw, clutter = arrangement.placement, arrangement.yaw, arrangement.clutter
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
    reset_joints = _reset_pose(scene, split, rng, worked, arrangement)
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
        window_y=_signed(rng, WINDOW_Y_M[split]),
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
    labware = [_posed(item, sample.placement, sample.yaw) for item in scene.labware]
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
