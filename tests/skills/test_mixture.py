from __future__ import annotations

import pytest

from skills.mixture import add, describe, take, total


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
