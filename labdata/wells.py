"""Well grids: the one model of a labware's rows x columns of wells or tip positions.

The catalog declares a grid per plate, reservoir and tiprack; symbolic execution asks it which
addresses exist (`index`, `names`), the simulator asks where a well lies on the labware (`offset`).
The address syntax and row-major ranges are the language's (`protocol_lang.wells`), so two-letter
rows (AA..AF on a 1536-well plate) work here exactly as the language accepts them.
"""

from __future__ import annotations

import functools

from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, PositiveInt

from protocol_lang.ast import WellRange
from protocol_lang.wells import WellError, expand, row_name, split

__all__ = ["WellError", "WellGrid"]


class WellGrid(BaseModel):
    """A rectangular grid of wells (plates, reservoirs) or tip positions (tipracks)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    rows: PositiveInt
    cols: PositiveInt
    pitch_m: PositiveFloat
    well_capacity_ul: PositiveFloat
    dead_volume_ul: float = Field(
        ge=0, description="volume a pipette tip cannot reach (a too-shallow source)"
    )
    well_depth_m: PositiveFloat

    def names(self) -> list[str]:
        """Every address on the grid, row-major (A1, A2, ..., A12, B1, ...)."""
        return list(_names(self.rows, self.cols))

    def index(self, well: str) -> int:
        """Row-major position of `well`; raises WellError with the grid's real extent."""
        row, col = split(well)
        if row >= self.rows or col >= self.cols:
            raise WellError(
                f"well {well} does not exist; this labware has wells A1 to "
                f"{row_name(self.rows - 1)}{self.cols}"
            )
        return row * self.cols + col

    def expand_range(self, start: str, end: str) -> list[str]:
        """The wells from `start` to `end` inclusive in row-major order (`A11..B2` is A11, A12, B1, B2)."""
        return expand(WellRange(start=start, end=end), self.rows, self.cols)

    def offset(self, well: str) -> tuple[float, float]:
        """(x, y) of a well relative to the labware's centre, in metres: columns run along x (column 1
        nearest the robot), rows along -y (row A on the robot's left)."""
        index = self.index(well)
        row, col = divmod(index, self.cols)
        x = (col - (self.cols - 1) / 2.0) * self.pitch_m
        y = ((self.rows - 1) / 2.0 - row) * self.pitch_m
        return x, y


@functools.cache
def _names(rows: int, cols: int) -> tuple[str, ...]:
    """Cached: picking the next tip scans the rack's addresses once per tip (96 times for a plate)."""
    return tuple(f"{row_name(r)}{c + 1}" for r in range(rows) for c in range(cols))
