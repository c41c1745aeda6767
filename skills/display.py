"""Volumes in messages, in the unit the protocol's author wrote.

Skills compute in microlitres; a message that answers `pour 250 mL` with "cannot pour 250000 uL"
makes the reader convert. The compiler sets the unit of the statement it is checking
(`volume_unit`, the unit of the statement's own volume); skills format every amount with `amount`.
Where no statement names a unit (a declaration, `pour` without a volume, the final checks), amounts
of a millilitre or more are written in mL and smaller ones in uL.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from protocol_lang import units

_UNIT: ContextVar[str | None] = ContextVar("labc_volume_unit", default=None)


@contextmanager
def volume_unit(unit: str | None) -> Iterator[None]:
    """Within the block, `amount` writes volumes in `unit` (a volume unit as written, or None)."""
    token = _UNIT.set(unit)
    try:
        yield
    finally:
        _UNIT.reset(token)


def amount(ul: float) -> str:
    """`250 mL` for 250000.0 under `volume_unit("mL")`."""
    unit = _UNIT.get() or ("mL" if abs(ul) >= 1000 else "uL")
    try:
        info = units.lookup(unit)
    except units.UnitError:
        info = None
    if info is None or info.dimension != "volume":
        unit, info = "uL", units.lookup("uL")
    return f"{(ul - info.offset) / info.scale:g} {unit}"
