"""The deck: the bench's size, the robot mount, and the named sites labware can be placed at.

The compiler places a protocol's labware here to report overlaps at the declaration (E1008); the
simulator places it the same way to build the scene, so both agree on where everything stands.

Coordinates are in the world frame; the robot base sits at the back edge of the bench facing +x, so
every site lies in front of it within the reach of the shortest arm (UR5e, about 0.85 m).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from labdata.catalog import LabwareType
from labdata.errors import LayoutError, PlacementError

BENCH_TOP_Z = 0.75
BENCH_CENTER_XY = (0.5, 0.0)
BENCH_HALF_SIZE = (0.65, 0.8)
ROBOT_MOUNT = (0.0, 0.0, BENCH_TOP_Z)

# Named sites (x, y) on the bench top. "slotN" are small-labware spots; the rest are sized for devices.
SITES: dict[str, tuple[float, float]] = {
    "bench/center": (0.45, 0.0),
    "bench/left": (0.55, 0.45),
    "bench/right": (0.55, -0.45),
    "bench/back": (0.84, 0.0),
    # Two large devices side by side at the back (a drying box and a cabinet): each front stays
    # within both arms' reach, and the fronts open towards the robot without meeting.
    "bench/back_left": (0.84, 0.42),
    "bench/back_right": (0.84, -0.42),
    "bench/rack": (0.30, -0.26),
    "bench/stand": (0.55, 0.24),
    "bench/slot1": (0.36, 0.10),
    "bench/slot2": (0.36, -0.10),
    "bench/slot3": (0.48, 0.14),
    "bench/slot4": (0.48, -0.14),
    "bench/slot5": (0.28, 0.26),
    "bench/slot6": (0.60, 0.0),
    "bench/slot7": (0.22, 0.40),
    "bench/slot8": (0.40, 0.36),
}
AUTO_ORDER_SMALL = [f"bench/slot{i}" for i in range(1, 9)] + ["bench/stand", "bench/center"]
AUTO_ORDER_LARGE = ["bench/back", "bench/left", "bench/right", "bench/center"]
CLEARANCE_M = 0.01


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


def place_all(items: list[tuple[str, str | None, tuple[float, float]]]) -> list[Placement]:
    """Place (name, requested site or None, footprint half sizes) items; explicit sites first.

    Raises LayoutError for unknown sites, overlaps between explicit placements, or no free site left.
    """
    placed: list[Placement] = []

    def fits(candidate: Placement) -> bool:
        inside = on_bench(candidate.x, candidate.y, candidate.half_x, candidate.half_y)
        return inside and not any(candidate.overlaps(p) for p in placed)

    explicit = [i for i in items if i[1] is not None]
    automatic = [i for i in items if i[1] is None]
    for name, site, (hx, hy) in explicit:
        assert site is not None
        if site not in SITES:
            raise LayoutError(f"{name}: unknown bench site {site!r}; known: {', '.join(SITES)}")
        x, y = SITES[site]
        candidate = Placement(name=name, site=site, x=x, y=y, half_x=hx, half_y=hy)
        if not fits(candidate):
            clash = next((p.name for p in placed if candidate.overlaps(p)), None)
            raise PlacementError(name, site, clash)
        placed.append(candidate)
    for name, _, (hx, hy) in sorted(automatic, key=lambda i: -i[2][0] * i[2][1]):
        order = AUTO_ORDER_LARGE if max(hx, hy) > 0.08 else AUTO_ORDER_SMALL + AUTO_ORDER_LARGE
        for site in order:
            x, y = SITES[site]
            candidate = Placement(name=name, site=site, x=x, y=y, half_x=hx, half_y=hy)
            if fits(candidate):
                placed.append(candidate)
                break
        else:
            raise LayoutError(f"{name}: no free bench site fits a {2 * hx:.2f} x {2 * hy:.2f} m footprint")
    order_of = {name: i for i, (name, _, _) in enumerate(items)}
    return sorted(placed, key=lambda p: order_of[p.name])
