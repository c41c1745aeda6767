"""Well addresses on a labware's grid, as the skills see them: single addresses checked against the
catalog's grid. The address syntax and row-major ranges are the language's (`protocol_lang.wells`);
this module only binds them to a `WellGrid`."""

from __future__ import annotations

import functools

from protocol_lang.ast import WellRange
from protocol_lang.wells import WellError, expand, row_name, split
from skills.catalog import WellGrid

__all__ = ["WellError", "expand_range", "well_index", "well_names"]


def well_names(grid: WellGrid) -> list[str]:
    """Every address on the grid, row-major (A1, A2, ..., A12, B1, ...)."""
    return list(_names(grid.rows, grid.cols))


@functools.cache
def _names(rows: int, cols: int) -> tuple[str, ...]:
    """Cached: picking the next tip scans the rack's addresses once per tip (96 times for a plate)."""
    return tuple(f"{row_name(r)}{c + 1}" for r in range(rows) for c in range(cols))


def well_index(grid: WellGrid, well: str) -> int:
    """Row-major position of `well`; raises WellError with the grid's real extent."""
    row, col = split(well)
    if row >= grid.rows or col >= grid.cols:
        raise WellError(
            f"well {well} does not exist; this labware has wells A1 to {row_name(grid.rows - 1)}{grid.cols}"
        )
    return row * grid.cols + col


def expand_range(grid: WellGrid, start: str, end: str) -> list[str]:
    """The wells from `start` to `end` inclusive in row-major order (`A11..B2` is A11, A12, B1, B2)."""
    return expand(WellRange(start=start, end=end), grid.rows, grid.cols)
