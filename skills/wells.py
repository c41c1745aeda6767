"""Well addresses on a labware's grid: `A1` names row A, column 1; ranges walk row-major.

Skills never see range syntax (the compiler expands `plate.A1..A12` with `expand_range` before
lowering); they see single addresses and ask `check_well` whether the labware has them.
"""

from __future__ import annotations

import re

from skills.catalog import WellGrid

_WELL = re.compile(r"^([A-Z])([1-9][0-9]?)$")


class WellError(ValueError):
    """An address the grid does not have, or a range that cannot be walked."""


def _row_letter(index: int) -> str:
    return chr(ord("A") + index)


def well_names(grid: WellGrid) -> list[str]:
    """Every address on the grid, row-major (A1, A2, ..., A12, B1, ...)."""
    return [f"{_row_letter(r)}{c + 1}" for r in range(grid.rows) for c in range(grid.cols)]


def well_index(grid: WellGrid, well: str) -> int:
    """Row-major position of `well`; raises WellError with the grid's real extent."""
    match = _WELL.match(well)
    if match is None:
        raise WellError(f"`{well}` is not a well address; wells are written like `A1` or `H12`")
    row, col = ord(match.group(1)) - ord("A"), int(match.group(2)) - 1
    if row >= grid.rows or col >= grid.cols:
        last = f"{_row_letter(grid.rows - 1)}{grid.cols}"
        raise WellError(f"well {well} does not exist; this labware has wells A1 to {last}")
    return row * grid.cols + col


def expand_range(grid: WellGrid, start: str, end: str) -> list[str]:
    """The wells from `start` to `end` inclusive in row-major order (`A11..B2` is A11, A12, B1, B2)."""
    first, last = well_index(grid, start), well_index(grid, end)
    if first > last:
        raise WellError(f"the range {start}..{end} runs backwards; ranges run row-major, e.g. {end}..{start}")
    return well_names(grid)[first : last + 1]
