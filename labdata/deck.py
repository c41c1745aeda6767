"""The deck: the bench's size, the robot mount, and the named sites labware can be placed at.

The compiler places a protocol's labware here to report overlaps at the declaration (E1008); the
simulator places it the same way to build the scene, so both agree on where everything stands.

Coordinates are in the world frame; the robot base sits at the back edge of the bench facing +x, so
every site lies in front of it, within reach of every robot profile (tests/labsim/test_deck_reach.py
checks it with the experts' IK). `labc deck` prints the map.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict

from labdata.catalog import LabwareType
from labdata.errors import LayoutError, PlacementError

BENCH_TOP_Z = 0.75
BENCH_CENTER_XY = (0.575, 0.0)  # front edge at x = -0.15 (behind the robot), back edge at 1.30
BENCH_HALF_SIZE = (0.725, 0.8)  # deep enough for a 60 cm box at the back turned by 0.45 rad
ROBOT_MOUNT = (0.0, 0.0, BENCH_TOP_Z)
# Where the tool may go: the bench's footprint, with room behind its back edge where an arm folds over
# its own base (experts turn the wrist there in transit), from just under the bench top to well
# overhead. The deployment safety monitor stops a command outside it; the experts plan inside it.
BEHIND_BASE_M = 0.25
WORKSPACE_LOW = (
    BENCH_CENTER_XY[0] - BENCH_HALF_SIZE[0] - BEHIND_BASE_M,
    BENCH_CENTER_XY[1] - BENCH_HALF_SIZE[1],
    BENCH_TOP_Z - 0.02,
)
WORKSPACE_HIGH = (
    BENCH_CENTER_XY[0] + BENCH_HALF_SIZE[0],
    BENCH_CENTER_XY[1] + BENCH_HALF_SIZE[1],
    BENCH_TOP_Z + 1.2,
)

CLEARANCE_M = 0.01
SBS_FOOTPRINT_M = (0.12776, 0.08548)  # ANSI/SLAS 1-2004: plates, reservoirs, tipracks (x: the long side)


class Site(BaseModel):
    """A named place on the bench. `fits` is the largest footprint (x, y, full extents in metres) the
    site is sized for: labware up to it in one site never touches what fits in any other site of the
    same deck group; None for the task sites, which are alternatives that may overlap."""

    model_config = ConfigDict(frozen=True)
    name: str
    x: float
    y: float
    group: Literal["slot", "device", "task"]
    fits: tuple[float, float] | None = None


def _slot(n: int, x: float, y: float) -> Site:
    return Site(name=f"bench/slot{n}", x=x, y=y, group="slot", fits=SBS_FOOTPRINT_M)


# The slot grid: nine SBS slots in three columns 14 cm apart (y) and three rows 14 cm apart (x), in
# front of the robot. Odd slots stand on the robot's left, even ones on its right, 9-5-6 down the
# middle. The middle column sits 2 cm nearer the robot and the numbering is not row-major because
# slot3 and slot6 kept the places the LabUtopia tasks were tuned at.
SLOTS = [
    _slot(1, 0.34, 0.14),
    _slot(2, 0.34, -0.14),
    _slot(3, 0.48, 0.14),
    _slot(4, 0.48, -0.14),
    _slot(5, 0.46, 0.0),
    _slot(6, 0.60, 0.0),
    _slot(7, 0.62, 0.14),
    _slot(8, 0.62, -0.14),
    _slot(9, 0.32, 0.0),
]
# Device sites beside the grid. A corner holds a drying box, cabinet, centrifuge or shaker (up to
# 60 x 60 cm with its handle); a side holds a hotplate or stirrer (up to 40 x 20 cm). A corner
# device's door or drawer opens over the side site in front of it: use the side across the deck.
DEVICE_SITES = [
    Site(name="bench/corner_left", x=0.845, y=0.495, group="device", fits=(0.60, 0.60)),
    Site(name="bench/corner_right", x=0.845, y=-0.495, group="device", fits=(0.60, 0.60)),
    Site(name="bench/side_left", x=0.33, y=0.31, group="device", fits=(0.40, 0.20)),
    Site(name="bench/side_right", x=0.33, y=-0.31, group="device", fits=(0.40, 0.20)),
]
# The LabUtopia task sites, where the suite's scenes were tuned; they are alternatives to each other
# and to the grid (bench/back overlaps both back corners), kept so those scenes never move.
TASK_SITES = [
    Site(name="bench/center", x=0.45, y=0.0, group="task"),
    Site(name="bench/left", x=0.55, y=0.45, group="task"),
    Site(name="bench/right", x=0.55, y=-0.45, group="task"),
    Site(name="bench/back", x=0.84, y=0.0, group="task"),
    # Two large devices side by side at the back (a drying box and a cabinet): each front stays
    # within both arms' reach, and the fronts open towards the robot without meeting.
    Site(name="bench/back_left", x=0.84, y=0.42, group="task"),
    Site(name="bench/back_right", x=0.84, y=-0.42, group="task"),
    Site(name="bench/rack", x=0.30, y=-0.26, group="task"),
    Site(name="bench/stand", x=0.55, y=0.24, group="task"),
]
DECK: dict[str, Site] = {s.name: s for s in [*SLOTS, *DEVICE_SITES, *TASK_SITES]}
# Named sites (x, y) on the bench top, for the simulator and the predicates.
SITES: dict[str, tuple[float, float]] = {name: (s.x, s.y) for name, s in DECK.items()}

# Where labware declared without `at` goes: the first spot that fits, small things first in the
# spots of the first bench layout (kept, so that scenes with auto-placed labware stay where they
# were tuned), then the grid and the device sites.
_FIRST_LAYOUT_SPOTS = [
    (0.36, 0.10),
    (0.36, -0.10),
    (0.48, 0.14),
    (0.48, -0.14),
    (0.28, 0.26),
    (0.60, 0.0),
    (0.22, 0.40),
    (0.40, 0.36),
]
AUTO_SMALL: list[tuple[str, tuple[float, float]]] = [
    *((f"bench/spot{i}", xy) for i, xy in enumerate(_FIRST_LAYOUT_SPOTS, start=1)),
    *((n, SITES[n]) for n in ("bench/stand", "bench/center")),
]
# Every spot an object can stand at: the named sites a protocol may write, and the first layout's
# spots that only automatic placement uses (a borrowed object goes back to where it stood).
SPOTS: dict[str, tuple[float, float]] = {**SITES, **dict(AUTO_SMALL)}
AUTO_LARGE: list[tuple[str, tuple[float, float]]] = [
    (n, SITES[n]) for n in ("bench/back", "bench/left", "bench/right", "bench/center")
]
AUTO_MORE: list[tuple[str, tuple[float, float]]] = [(s.name, (s.x, s.y)) for s in [*SLOTS, *DEVICE_SITES]]


def footprint(kind: LabwareType) -> tuple[float, float]:
    """Half extents (x, y) on the bench, including stands, rests and handles."""
    sx, sy, _ = kind.geometry.outer_size_m
    shape = kind.geometry.shape
    if shape in ("device", "box"):
        return sy / 2 + 0.05, sx / 2
    if shape == "rod":
        return kind.geometry.outer_size_m[2] / 2 + 0.01, 0.03
    if shape == "pipette":
        return sx / 2 + 0.02, sx / 2 + 0.02
    return sx / 2, sy / 2


class Placement(BaseModel):
    model_config = ConfigDict(frozen=True)
    name: str
    site: str
    x: float
    y: float
    half_x: float
    half_y: float

    def overlaps(self, other: Placement) -> bool:
        return (
            abs(self.x - other.x) < self.half_x + other.half_x + CLEARANCE_M
            and abs(self.y - other.y) < self.half_y + other.half_y + CLEARANCE_M
        )


def on_bench(x: float, y: float, half_x: float, half_y: float) -> bool:
    """Whether a footprint centred at (x, y) lies on the bench top."""
    return (
        abs(x - BENCH_CENTER_XY[0]) + half_x <= BENCH_HALF_SIZE[0]
        and abs(y - BENCH_CENTER_XY[1]) + half_y <= BENCH_HALF_SIZE[1]
    )


def place_all(
    items: list[tuple[str, str | None, tuple[float, float]]], keep_out: Sequence[Placement] = ()
) -> list[Placement]:
    """Place (name, requested site or None, footprint half sizes) items; explicit sites first.
    Automatic placement also keeps clear of `keep_out` (where an opening door will swing).

    Raises PlacementError (with the free sites that would fit) when an explicit placement overlaps
    another or the bench edge, LayoutError for an unknown site or when no spot is left.
    """
    placed: list[Placement] = []
    explicit = [i for i in items if i[1] is not None]
    automatic = [i for i in items if i[1] is None]
    for name, site, (hx, hy) in explicit:
        assert site is not None
        if site not in SPOTS:  # a protocol names SITES; a laid-out distractor keeps its automatic spot
            raise LayoutError(f"{name}: unknown bench site {site!r}; known: {', '.join(SITES)}")
        x, y = SPOTS[site]
        candidate = Placement(name=name, site=site, x=x, y=y, half_x=hx, half_y=hy)
        if not _fits(candidate, placed):
            clash = next((p.name for p in placed if candidate.overlaps(p)), None)
            others = [_at(n, s, h) for n, s, h in explicit if n != name and s in SPOTS]
            raise PlacementError(name, site, clash, free_sites((hx, hy), others))
        placed.append(candidate)
    for name, _, (hx, hy) in sorted(automatic, key=lambda i: -i[2][0] * i[2][1]):
        order = AUTO_LARGE if max(hx, hy) > 0.08 else AUTO_SMALL + AUTO_LARGE
        for site, (x, y) in [*order, *AUTO_MORE]:
            candidate = Placement(name=name, site=site, x=x, y=y, half_x=hx, half_y=hy)
            if _fits(candidate, [*placed, *keep_out]):
                placed.append(candidate)
                break
        else:
            raise LayoutError(f"{name}: no free bench site fits a {2 * hx:.2f} x {2 * hy:.2f} m footprint")
    order_of = {name: i for i, (name, _, _) in enumerate(items)}
    return sorted(placed, key=lambda p: order_of[p.name])


def free_sites(half: tuple[float, float], placed: list[Placement]) -> list[str]:
    """Named sites where a footprint of half extents `half` would stand clear of `placed`: the grid
    and device sites first (they were sized for this), then the task sites."""
    return [
        site.name
        for site in DECK.values()
        if _fits(
            Placement(name="", site=site.name, x=site.x, y=site.y, half_x=half[0], half_y=half[1]), placed
        )
    ]


def _at(name: str, site: str | None, half: tuple[float, float]) -> Placement:
    assert site is not None
    x, y = SPOTS[site]
    return Placement(name=name, site=site, x=x, y=y, half_x=half[0], half_y=half[1])


def _fits(candidate: Placement, placed: list[Placement]) -> bool:
    inside = on_bench(candidate.x, candidate.y, candidate.half_x, candidate.half_y)
    return inside and not any(candidate.overlaps(p) for p in placed)
