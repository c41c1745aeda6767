"""Units of measure, resolved by pint.

A protocol says `50 uL`, `60 C`, `5 min`. pint is the authority on what a unit means and how it
converts. Building a pint registry costs about 0.2 s, more than the whole budget of a cold
`labc parse`, so the units a lab protocol actually uses are kept in KNOWN: a table derived from pint
(tests check every row against a live registry) that answers without importing it. Any other unit
goes to pint itself, lazily.

Each quantity kind has a base unit in which labc computes: microlitre, second, degree Celsius,
milligram, revolutions per minute. `C` means degree Celsius here, not coulomb: in a lab protocol
`60 C` is a temperature, and no skill takes an electric charge.
"""

from __future__ import annotations

import functools
from typing import Literal, NamedTuple

Dimension = Literal["volume", "time", "temperature", "mass", "speed"]

BASE_UNIT: dict[Dimension, str] = {
    "volume": "microliter",
    "time": "second",
    "temperature": "degree_Celsius",
    "mass": "milligram",
    "speed": "revolutions_per_minute",
}

EXAMPLES: dict[Dimension, str] = {
    "volume": "`50 uL` or `2 mL`",
    "time": "`30 s` or `5 min`",
    "temperature": "`60 C`",
    "mass": "`5 g`",
    "speed": "`300 rpm`",
}


# The largest value of each kind a protocol may state, in the kind's base unit, and how to say it.
# Far beyond any lab step (a week's incubation, a 1000 L drum, a furnace, an ultracentrifuge), and
# small enough that no duration, volume or number of trips derived from them can blow up: without
# them `wait 1e20 h` compiled and a 400-digit volume became `inf`.
LIMITS: dict[Dimension, tuple[float, str]] = {
    "volume": (1e9, "1000 L"),
    "time": (7 * 24 * 3600.0, "168 h (one week)"),
    "temperature": (1000.0, "1000 C"),
    "mass": (1e9, "1000 kg"),
    "speed": (1e5, "100000 rpm"),
}
ABSOLUTE_ZERO_C = -273.15
MAX_COUNT = 10_000  # repeats, mixing cycles: a count is a loop the compiler unrolls


class UnitInfo(NamedTuple):
    """A unit as labc uses it: its pint name, its kind, and the affine map to the kind's base unit."""

    pint_name: str
    dimension: Dimension
    scale: float
    offset: float = 0.0


KNOWN: dict[str, UnitInfo] = {
    "nL": UnitInfo("nanoliter", "volume", 1e-3),
    "uL": UnitInfo("microliter", "volume", 1.0),
    "µL": UnitInfo("microliter", "volume", 1.0),
    "ul": UnitInfo("microliter", "volume", 1.0),
    "mL": UnitInfo("milliliter", "volume", 1e3),
    "ml": UnitInfo("milliliter", "volume", 1e3),
    "L": UnitInfo("liter", "volume", 1e6),
    "l": UnitInfo("liter", "volume", 1e6),
    "ms": UnitInfo("millisecond", "time", 1e-3),
    "s": UnitInfo("second", "time", 1.0),
    "sec": UnitInfo("second", "time", 1.0),
    "min": UnitInfo("minute", "time", 60.0),
    "h": UnitInfo("hour", "time", 3600.0),
    "hr": UnitInfo("hour", "time", 3600.0),
    "C": UnitInfo("degree_Celsius", "temperature", 1.0),
    "°C": UnitInfo("degree_Celsius", "temperature", 1.0),
    "degC": UnitInfo("degree_Celsius", "temperature", 1.0),
    "K": UnitInfo("kelvin", "temperature", 1.0, -273.15),
    "ug": UnitInfo("microgram", "mass", 1e-3),
    "µg": UnitInfo("microgram", "mass", 1e-3),
    "mg": UnitInfo("milligram", "mass", 1.0),
    "g": UnitInfo("gram", "mass", 1e3),
    "kg": UnitInfo("kilogram", "mass", 1e6),
    "rpm": UnitInfo("revolutions_per_minute", "speed", 1.0),
}

# pint's dimensionality of each kind, to classify units that are not in KNOWN.
_PINT_DIMENSIONALITY: dict[str, Dimension] = {
    "[length] ** 3": "volume",
    "[time]": "time",
    "[temperature]": "temperature",
    "[mass]": "mass",
    "1 / [time]": "speed",
}


class UnitError(ValueError):
    """A unit pint does not know, or one of a kind no protocol slot takes."""

    def __init__(self, unit: str, reason: str, suggestions: list[str]) -> None:
        super().__init__(reason)
        self.unit = unit
        self.suggestions = suggestions


@functools.cache
def registry():  # -> pint.UnitRegistry (typed loosely: pint is imported lazily)
    import pint

    return pint.UnitRegistry(autoconvert_offset_to_baseunit=True)


@functools.cache
def lookup(unit: str) -> UnitInfo:
    """Resolve a unit as written. Raises UnitError with close known spellings when it fails."""
    info = KNOWN.get(unit)
    if info is not None:
        return info
    return _lookup_with_pint(unit)


def _lookup_with_pint(unit: str) -> UnitInfo:
    import pint

    suggestions = [s for s in _close(unit) if s != unit]
    ureg = registry()
    try:
        parsed = ureg.parse_units(unit)
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError, ValueError, AttributeError):
        raise UnitError(unit, f"unknown unit `{unit}`", suggestions) from None
    except Exception:  # pint raises assorted errors on garbage input; all mean "not a unit"
        raise UnitError(unit, f"unknown unit `{unit}`", suggestions) from None
    dimension = _PINT_DIMENSIONALITY.get(str(ureg.Quantity(1, parsed).dimensionality))
    if dimension is None:
        raise UnitError(
            unit, f"`{unit}` is not a unit of volume, time, temperature, mass or speed", suggestions
        )
    base = ureg.Unit(BASE_UNIT[dimension])
    zero = ureg.Quantity(0.0, parsed).to(base).magnitude
    one = ureg.Quantity(1.0, parsed).to(base).magnitude
    return UnitInfo(str(parsed), dimension, one - zero, zero)


def _close(unit: str) -> list[str]:
    import difflib

    return difflib.get_close_matches(unit, list(KNOWN), n=3, cutoff=0.5)


def to_base(value: float, unit: str) -> float:
    """`value unit` expressed in the base unit of its kind (e.g. 2 mL -> 2000.0 uL)."""
    info = lookup(unit)
    return value * info.scale + info.offset


def to_pint(value: float, unit: str):  # -> pint.Quantity
    """The quantity as a pint Quantity, for callers that want pint's arithmetic."""
    info = lookup(unit)
    return registry().Quantity(value, info.pint_name)
