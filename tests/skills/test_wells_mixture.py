from __future__ import annotations

import pytest

from skills.catalog import load_catalog
from skills.mixture import add, describe, take, total
from skills.wells import WellError, expand_range, well_names

PLATE = load_catalog().get("plate_96").wells
RESERVOIR = load_catalog().get("reservoir_12").wells


def test_well_names_row_major() -> None:
    names = well_names(PLATE)
    assert len(names) == 96 and names[:3] == ["A1", "A2", "A3"] and names[12] == "B1" and names[-1] == "H12"
    assert well_names(RESERVOIR) == [f"A{i}" for i in range(1, 13)]


def test_expand_range_crosses_rows() -> None:
    assert expand_range(PLATE, "A11", "B2") == ["A11", "A12", "B1", "B2"]
    assert expand_range(PLATE, "A2", "A12") == [f"A{i}" for i in range(2, 13)]
    assert expand_range(PLATE, "C3", "C3") == ["C3"]


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
def test_impossible_ranges_say_why(grid, start: str, end: str, message: str) -> None:
    with pytest.raises(WellError, match=message):
        expand_range(grid, start, end)


def test_take_is_proportional_and_conserves() -> None:
    well = {"water": 100.0, "sample": 100.0}
    removed = take(well, 50.0)
    assert removed == pytest.approx({"water": 25.0, "sample": 25.0})
    assert total(well) + total(removed) == pytest.approx(200.0)
    rest = take(well, 1000.0)
    assert well == {} and total(rest) == pytest.approx(150.0)
    add(well, {"water": 1.0})
    add(well, {"water": 2.0, "dye": 1.0})
    assert well == {"water": 3.0, "dye": 1.0}


def test_describe_names_liquids_by_amount() -> None:
    assert describe({}) == "liquid"
    assert describe({"water": 5.0}) == "water"
    assert describe({"sample": 1.0, "water": 5.0}) == "water and sample"
    assert describe({"a": 1.0, "b": 2.0, "c": 3.0}) == "c, b and a"
