"""Well selectors expand row-major on a grid, with clear errors for impossible ones."""

from __future__ import annotations

import pytest

from protocol_lang import ast, wells


def test_range_is_row_major():
    assert wells.expand(ast.WellRange(start="A11", end="B2"), 8, 12) == ["A11", "A12", "B1", "B2"]
    assert len(wells.expand(ast.WellRange(start="A1", end="H12"), 8, 12)) == 96


def test_rows_and_columns():
    assert wells.expand(ast.WellRow(row="B"), 8, 12)[:3] == ["B1", "B2", "B3"]
    assert wells.expand(ast.WellCol(col=3), 8, 12) == [f"{r}3" for r in "ABCDEFGH"]
    assert wells.expand(ast.Well(name="A5"), 1, 12) == ["A5"]


@pytest.mark.parametrize(
    ("selector", "message"),
    [
        (ast.WellRange(start="A12", end="A1"), "runs backwards"),
        (ast.Well(name="I1"), "does not exist"),
        (ast.Well(name="A13"), "does not exist"),
        (ast.WellRow(row="J"), "row J does not exist"),
        (ast.WellCol(col=13), "column 13 does not exist"),
    ],
)
def test_impossible_selectors(selector, message):
    with pytest.raises(wells.WellError, match=message):
        wells.expand(selector, 8, 12)


def test_row_names_beyond_z():
    assert [wells.row_name(i) for i in (0, 25, 26, 31)] == ["A", "Z", "AA", "AF"]
    assert all(wells.row_index(wells.row_name(i)) == i for i in range(40))
