"""The one well grid: addresses the language accepts exist on the grid, and lie where the simulator draws them."""

from __future__ import annotations

import pytest

from labdata.catalog import load_catalog
from labdata.wells import WellError, WellGrid

PLATE = load_catalog().get("plate_96").wells
RESERVOIR = load_catalog().get("reservoir_12").wells
assert PLATE is not None and RESERVOIR is not None
# A 1536-well plate (32 x 48, 2.25 mm pitch): rows run A..Z, then AA..AF.
PLATE_1536 = WellGrid(
    rows=32, cols=48, pitch_m=0.00225, well_capacity_ul=12.0, dead_volume_ul=1.0, well_depth_m=0.005
)


def test_well_names_row_major() -> None:
    names = PLATE.names()
    assert len(names) == 96 and names[:3] == ["A1", "A2", "A3"] and names[12] == "B1" and names[-1] == "H12"
    assert RESERVOIR.names() == [f"A{i}" for i in range(1, 13)]


def test_expand_range_crosses_rows() -> None:
    assert PLATE.expand_range("A11", "B2") == ["A11", "A12", "B1", "B2"]
    assert PLATE.expand_range("A2", "A12") == [f"A{i}" for i in range(2, 13)]
    assert PLATE.expand_range("C3", "C3") == ["C3"]


@pytest.mark.parametrize(
    ("grid", "start", "end", "message"),
    [
        (PLATE, "A12", "A1", "runs backwards"),
        (PLATE, "A1", "I1", "wells A1 to H12"),
        (PLATE, "A1", "A13", "wells A1 to H12"),
        (RESERVOIR, "A1", "B1", "wells A1 to A12"),
        (PLATE, "a1", "A2", "not a well address"),
    ],
)
def test_impossible_ranges_say_why(grid: WellGrid, start: str, end: str, message: str) -> None:
    with pytest.raises(WellError, match=message):
        grid.expand_range(start, end)


def test_two_letter_rows_index_and_place_like_the_language() -> None:
    """The simulator's old copy read `ord(well[0])`, so AA1 landed on row A; one grid, one parser."""
    names = PLATE_1536.names()
    assert names[26 * 48] == "AA1" and names[-1] == "AF48"
    assert PLATE_1536.index("AA1") == 26 * 48
    a1, z1, aa1, af48 = (PLATE_1536.offset(w) for w in ("A1", "Z1", "AA1", "AF48"))
    assert aa1[0] == pytest.approx(a1[0]) and aa1[1] == pytest.approx(z1[1] - 0.00225)
    assert af48 == pytest.approx((-a1[0], -a1[1]))
    with pytest.raises(WellError, match="A1 to AF48"):
        PLATE_1536.offset("AG1")


def test_offsets_centre_the_grid_with_row_a_on_the_left() -> None:
    x, y = PLATE.offset("A1")
    assert (x, y) == pytest.approx((-5.5 * PLATE.pitch_m, 3.5 * PLATE.pitch_m))
    assert PLATE.offset("H12") == pytest.approx((5.5 * PLATE.pitch_m, -3.5 * PLATE.pitch_m))
