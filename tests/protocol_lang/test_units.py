"""The built-in unit table agrees with pint, and unknown units fall through to pint."""

from __future__ import annotations

import math

import pytest

from protocol_lang import units


@pytest.mark.parametrize("symbol", sorted(units.KNOWN))
def test_known_unit_matches_pint(symbol):
    info = units.KNOWN[symbol]
    ureg = units.registry()
    base = ureg.Unit(units.BASE_UNIT[info.dimension])
    for value in (0.0, 1.0, 37.5):
        written = ureg.Quantity(value, info.pint_name)
        assert math.isclose(
            units.to_base(value, symbol), written.to(base).magnitude, rel_tol=1e-12, abs_tol=1e-9
        )


def test_unlisted_unit_goes_to_pint():
    info = units.lookup("cL")
    assert info.dimension == "volume"
    assert math.isclose(units.to_base(2, "cL"), 20_000.0)
    fahrenheit = units.lookup("degF")
    assert fahrenheit.dimension == "temperature"
    assert math.isclose(units.to_base(212, "degF"), 100.0)


def test_unknown_and_wrong_kind_units():
    with pytest.raises(units.UnitError) as unknown:
        units.lookup("mLL")
    assert "mL" in unknown.value.suggestions
    with pytest.raises(units.UnitError, match="not a unit of volume"):
        units.lookup("meter")


def test_quantities_convert_to_pint():
    q = units.to_pint(60, "C")
    assert str(q.units) == "degree_Celsius" and q.magnitude == 60
