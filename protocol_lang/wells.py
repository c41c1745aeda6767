"""Well addresses (`A1`), ranges (`A1..A12`), rows and columns, on a grid of rows x columns.

Ranges are row-major, as a technician reads a plate: `A11..B2` is A11, A12, B1, B2 on a 96-well
plate. Parsing only knows the address syntax; expansion needs the labware's grid, which the caller
(the compiler, from the catalog) supplies.
"""

from __future__ import annotations

import re

from protocol_lang.ast import Well, WellCol, WellRange, WellRow, WellSelector

WELL_PATTERN = re.compile(r"^([A-Z]{1,2})([1-9][0-9]{0,2})$")
ROW_PATTERN = re.compile(r"^[A-Z]{1,2}$")


class WellError(ValueError):
    """An address that does not exist, or a range that cannot be walked."""


def is_well(name: str) -> bool:
    return WELL_PATTERN.match(name) is not None


def row_index(row: str) -> int:
    """0-based index of a row letter: A -> 0, Z -> 25, AA -> 26 (1536-well plates go to AF)."""
    index = 0
    for char in row:
        index = index * 26 + (ord(char) - ord("A") + 1)
    return index - 1


def row_name(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(ord("A") + rem) + name
    return name


def split(well: str) -> tuple[int, int]:
    """(row, column), both 0-based. Raises WellError for a malformed address."""
    match = WELL_PATTERN.match(well)
    if match is None:
        raise WellError(f"`{well}` is not a well address; wells are written like `A1` or `H12`")
    return row_index(match.group(1)), int(match.group(2)) - 1


def check_range_order(start: str, end: str) -> None:
    """A range must run forwards in row-major order; this needs no grid."""
    if split(start) > split(end):
        raise WellError(
            f"the range `{start}..{end}` runs backwards; ranges run row-major, e.g. `{end}..{start}`"
        )


def expand(selector: WellSelector, rows: int, cols: int) -> list[str]:
    """The wells a selector names on a rows x cols grid, in row-major order."""
    if isinstance(selector, Well):
        return [_checked(selector.name, rows, cols)]
    if isinstance(selector, WellRange):
        r0, c0 = split(_checked(selector.start, rows, cols))
        r1, c1 = split(_checked(selector.end, rows, cols))
        first, last = r0 * cols + c0, r1 * cols + c1
        if first > last:
            raise WellError(
                f"the range `{selector.start}..{selector.end}` runs backwards; ranges run row-major"
            )
        return [f"{row_name(i // cols)}{i % cols + 1}" for i in range(first, last + 1)]
    if isinstance(selector, WellRow):
        r = row_index(selector.row)
        if r >= rows:
            raise WellError(
                f"row {selector.row} does not exist; this labware has rows A to {row_name(rows - 1)}"
            )
        return [f"{selector.row}{c + 1}" for c in range(cols)]
    if isinstance(selector, WellCol):
        if not 1 <= selector.col <= cols:
            raise WellError(f"column {selector.col} does not exist; this labware has columns 1 to {cols}")
        return [f"{row_name(r)}{selector.col}" for r in range(rows)]
    raise TypeError(f"not a well selector: {selector!r}")


def _checked(well: str, rows: int, cols: int) -> str:
    r, c = split(well)
    if r >= rows or c >= cols:
        raise WellError(
            f"well {well} does not exist; this labware has wells A1 to {row_name(rows - 1)}{cols}"
        )
    return well
