from __future__ import annotations

import pytest
from pydantic import ValidationError

from labdata.catalog import UnknownType, load_catalog, parse_catalog

REQUIRED = [
    "beaker_50ml", "beaker_100ml", "beaker_250ml", "beaker_500ml", "flask_100ml", "flask_250ml",
    "graduated_cylinder_100ml", "test_tube", "tube_rack", "plate_96", "reservoir_12", "tiprack_200ul",
    "tiprack_1000ul", "glass_rod", "pipette_p20", "pipette_p200", "pipette_p1000", "hotplate",
    "magnetic_stirrer", "shaker", "drying_box", "cabinet", "centrifuge",
]  # fmt: skip


def test_catalog_has_every_required_type_and_is_cached() -> None:
    catalog = load_catalog()
    assert set(REQUIRED) <= set(catalog.names())
    assert catalog.names() == sorted(catalog.names())
    assert load_catalog() is catalog


def test_every_type_has_geometry_and_the_data_its_affordances_promise() -> None:
    for labware in load_catalog().types.values():
        assert all(extent > 0 for extent in labware.geometry.outer_size_m), labware.name
        if labware.has("aspirates"):
            low, high = labware.volume_range_ul
            assert 0 < low < high and labware.tip_types, labware.name
        if labware.has("pourable"):
            assert labware.capacity_ul and labware.geometry.opening_radius_m, labware.name
        if labware.has("heats"):
            assert labware.max_temperature_c is not None and labware.has("has_button"), labware.name


def test_realistic_numbers() -> None:
    catalog = load_catalog()
    beaker = catalog.get("beaker_250ml")
    assert beaker.capacity_ul == 250_000 and beaker.geometry.outer_size_m[2] == pytest.approx(0.095)
    plate = catalog.get("plate_96")
    assert plate.wells.rows * plate.wells.cols == 96 and plate.wells.pitch_m == pytest.approx(0.009)
    assert plate.geometry.outer_size_m[:2] == pytest.approx((0.12776, 0.08548))
    assert 300 <= plate.wells.well_capacity_ul <= 400
    assert catalog.get("pipette_p200").volume_range_ul == (20, 200)
    assert catalog.get("hotplate").max_temperature_c == 340
    assert catalog.get("drying_box").has("has_door") and catalog.get("cabinet").has("has_drawer")
    assert catalog.get("centrifuge").has("has_lid")
    assert all(catalog.get(t).has("holds_tips") for t in catalog.get("pipette_p1000").tip_types)


def test_unknown_type_is_a_key_error_with_suggestions() -> None:
    with pytest.raises(KeyError) as info:
        load_catalog().get("beaker_250")
    assert isinstance(info.value, UnknownType)
    assert info.value.suggestions[0] == "beaker_250ml"
    assert "did you mean `beaker_250ml`" in str(info.value)


BROKEN_PIPETTE = """
types:
  - name: pipette_x
    kind: pipette
    description: a pipette without a range
    affordances: [graspable, aspirates]
    tip_types: [tiprack_x]
    geometry: {shape: pipette, outer_size_m: [0.03, 0.03, 0.25], grasp_height_m: 0.17}
"""


def test_validation_rejects_a_type_that_breaks_its_affordances() -> None:
    with pytest.raises(ValidationError, match="aspirates needs `volume_range_ul`"):
        parse_catalog({"x.yaml": BROKEN_PIPETTE})


def test_validation_rejects_unknown_tip_types_and_duplicates() -> None:
    fixed = BROKEN_PIPETTE.replace("tip_types", "volume_range_ul: [1, 10]\n    tip_types")
    with pytest.raises(ValidationError, match="tip type `tiprack_x`"):
        parse_catalog({"x.yaml": fixed})
    beaker = "types:\n  - {name: b, kind: beaker, description: b, capacity_ul: 1, affordances: [], geometry: {shape: cylinder, outer_size_m: [1, 1, 1]}}\n"
    with pytest.raises(ValueError, match="defined twice"):
        parse_catalog({"a.yaml": beaker, "b.yaml": beaker})


def test_the_cached_catalog_equals_the_yaml_and_follows_an_edit(tmp_path, monkeypatch) -> None:
    """load_catalog keeps the parsed YAML in the user cache: a hit gives the same catalog, and a
    changed file (another digest) is read afresh, never served from the stale entry."""
    import labdata.catalog as module

    monkeypatch.setenv("LABC_CACHE_DIR", str(tmp_path))
    documents = module._documents()
    assert len(documents) >= 4
    fresh = parse_catalog(documents)
    assert module.load_catalog.__wrapped__() == fresh  # miss: parsed and stored
    assert (tmp_path / "catalog.json").exists()
    assert module.load_catalog.__wrapped__() == fresh  # hit
    extra = "types:\n  - {name: beaker_extra, kind: beaker, description: b, capacity_ul: 1, affordances: [], geometry: {shape: cylinder, outer_size_m: [1, 1, 1]}}\n"
    edited = {**documents, "zz.yaml": extra}
    monkeypatch.setattr(module, "_documents", lambda: edited)
    assert "beaker_extra" in module.load_catalog.__wrapped__().types
    assert module.load_catalog.__wrapped__() == parse_catalog(edited)
