"""Where things stand in a randomized scene: shifts and turns of the protocol's labware, distractors on
free sites, and the arm's reset pose, each drawn again until the arm can work the result.

The placement and clutter axes of `robogenesis.randomize`. A draw must fit on the bench and pass the
reach check (`robogenesis.reach`): an impossible layout is redrawn here, with the same rng, so a seed
still gives one scene and the expert is never handed one it cannot solve.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel, ConfigDict

from labdata.deck import BENCH_TOP_Z, Placement
from labsim.scene_spec import LabwareSpec, SceneLook, SceneSpec
from robogenesis.bands import Split, planar, signed, square

if TYPE_CHECKING:
    from robogenesis.reach import ReachModel

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
ARRANGEMENT_TRIES = 200  # wide placement and the reach check reject more draws
RESET_TRIES = 20  # reset poses drawn for one arrangement before the sample is given up
ROD_REST_M = 0.05  # how high a rod's raised end stands above the bench, at most
ITEM_TRIES = 100  # per item, for a shift and turn that keep its footprint on the bench


class Distractor(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    type: str
    # The bench site it was laid out at, clear of where the protocol's doors swing; None in episodes
    # recorded before, whose distractors take the first free site as they did then.
    site: str | None = None


def _shapes(scene: SceneSpec) -> dict[str, str]:
    from labdata.catalog import load_catalog

    catalog = load_catalog()
    return {item.name: catalog.get(item.type).geometry.shape for item in scene.labware}


def _item_draw(
    shape: str, split: Split, rng: np.random.Generator
) -> tuple[tuple[float, float], float | None]:
    """Shift (and, where the shape has a direction, turn) of one item, by its kind's bands."""
    if shape in FREE_SHAPES:
        return square(rng, FREE_BOX_M[split]), signed(rng, ROD_YAW_RAD[split]) if shape == "rod" else None
    if shape in DEVICE_SHAPES:
        depth = float(rng.uniform(-DEVICE_DEPTH_M, DEVICE_DEPTH_M))
        side, turn = DEVICE_SIDE_M["id"], DEVICE_YAW_RAD["id"]
        if split == "ood":  # out of the id region on one of the two
            if rng.random() < 0.5:
                side = DEVICE_SIDE_M["ood"]
            else:
                turn = DEVICE_YAW_RAD["ood"]
        return (depth, signed(rng, side)), signed(rng, turn)
    return planar(rng, PLACEMENT_M[split]), None


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


def reset_pose(
    scene: SceneSpec,
    split: Split,
    rng: np.random.Generator,
    worked: tuple[tuple[str, str], ...],
    arrangement: Arrangement,
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


class Arrangement(BaseModel):
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


def arrange(
    scene: SceneSpec,
    split: Split,
    rng: np.random.Generator,
    worked: tuple[tuple[str, str], ...],
) -> Arrangement:
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
        shifted = [posed(i, placement, yaw) for i in scene.labware]
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
        return Arrangement(
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


def posed(item: LabwareSpec, placement: dict[str, tuple[float, float]], yaw: dict[str, float]) -> LabwareSpec:
    return item.model_copy(
        update={"offset_xy": placement.get(item.name, (0.0, 0.0)), "yaw_rad": yaw.get(item.name, 0.0)}
    )


def reset_offsets(robot: str, split: Split, rng: np.random.Generator) -> tuple[float, ...]:
    """The reset pose's offset from home, per arm joint, from the split's band."""
    from labdata.robot_profile import load_profile

    return tuple(signed(rng, RESET_JOINT_RAD[split]) for _ in range(load_profile(robot).n_arm))
