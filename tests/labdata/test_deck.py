"""The deck: SBS slots whose standard labware never touches a neighbour, device sites that hold real
devices side by side, and the LabUtopia task sites exactly where the suite was tuned."""

from __future__ import annotations

import itertools

import pytest

from labdata.catalog import load_catalog
from labdata.deck import (
    DECK,
    DEVICE_SITES,
    SBS_FOOTPRINT_M,
    SITES,
    SLOTS,
    Placement,
    footprint,
    on_bench,
    place_all,
)
from labdata.errors import PlacementError

CATALOG = load_catalog()
# Devices and the site kind sized for them (the deck's note says which go where).
CORNER_DEVICES = ["drying_box", "cabinet", "centrifuge", "shaker"]
SIDE_DEVICES = ["hotplate", "magnetic_stirrer"]


def _sized(site: str, half: tuple[float, float], name: str = "") -> Placement:
    x, y = SITES[site]
    return Placement(name=name or site, site=site, x=x, y=y, half_x=half[0], half_y=half[1])


def _standard_labware() -> list[str]:
    """Every catalog type whose footprint fits the SBS footprint: plates, reservoirs, tipracks,
    beakers, flasks, cylinders, pipettes."""
    return [
        name
        for name in CATALOG.names()
        if (lambda h: 2 * h[0] <= SBS_FOOTPRINT_M[0] + 1e-9 and 2 * h[1] <= SBS_FOOTPRINT_M[1] + 1e-9)(
            footprint(CATALOG.get(name))
        )
    ]


def test_standard_labware_includes_every_sbs_type_and_the_vessels() -> None:
    names = set(_standard_labware())
    assert {"plate_96", "reservoir_12", "tiprack_200ul", "tiprack_1000ul"} <= names
    assert {"beaker_500ml", "flask_250ml", "pipette_p1000"} <= names
    assert "hotplate" not in names and "tube_rack" not in names  # 15 cm long: not SBS


def test_slots_are_sbs_and_never_touch_each_other_or_the_device_sites() -> None:
    sized = [_sized(s.name, (s.fits[0] / 2, s.fits[1] / 2)) for s in [*SLOTS, *DEVICE_SITES] if s.fits]
    assert len(sized) == len(SLOTS) + len(DEVICE_SITES) == 13
    assert all(s.fits == SBS_FOOTPRINT_M == (0.12776, 0.08548) for s in SLOTS)
    for a, b in itertools.combinations(sized, 2):
        assert not a.overlaps(b), f"{a.site} touches {b.site}"
    for p in sized:
        assert on_bench(p.x, p.y, p.half_x, p.half_y), p.site


@pytest.mark.parametrize("site", [s.name for s in DEVICE_SITES])
def test_device_sites_fit_their_devices(site: str) -> None:
    devices = CORNER_DEVICES if "corner" in site else SIDE_DEVICES
    fits = DECK[site].fits
    assert fits is not None
    for device in devices:
        hx, hy = footprint(CATALOG.get(device))
        assert 2 * hx <= fits[0] + 1e-9 and 2 * hy <= fits[1] + 1e-9, device


def test_any_standard_labware_fills_the_grid_beside_real_devices() -> None:
    """The largest of each kind at once: the nine slots full, two corner devices, two side devices."""
    biggest = max(
        _standard_labware(), key=lambda n: footprint(CATALOG.get(n))[0] * footprint(CATALOG.get(n))[1]
    )
    items = [(s.name, s.name, footprint(CATALOG.get(biggest))) for s in SLOTS]
    items += [
        ("oven", "bench/corner_left", footprint(CATALOG.get("drying_box"))),
        ("cabinet", "bench/corner_right", footprint(CATALOG.get("cabinet"))),
        ("hotplate", "bench/side_left", footprint(CATALOG.get("hotplate"))),
        ("stirrer", "bench/side_right", footprint(CATALOG.get("magnetic_stirrer"))),
    ]
    assert len(place_all(items)) == 13


def test_task_sites_kept_the_places_the_suite_was_tuned_at() -> None:
    kept = {
        "bench/center": (0.45, 0.0),
        "bench/left": (0.55, 0.45),
        "bench/right": (0.55, -0.45),
        "bench/back": (0.84, 0.0),
        "bench/back_left": (0.84, 0.42),
        "bench/back_right": (0.84, -0.42),
        "bench/rack": (0.30, -0.26),
        "bench/stand": (0.55, 0.24),
        "bench/slot3": (0.48, 0.14),
        "bench/slot6": (0.60, 0.0),
    }
    assert {name: SITES[name] for name in kept} == kept


def test_an_overlap_names_the_free_sites_that_fit() -> None:
    tips = footprint(CATALOG.get("tiprack_200ul"))
    items = [("tips", "bench/slot1", tips), ("plate", "bench/slot1", tips), ("res", "bench/slot3", tips)]
    with pytest.raises(PlacementError) as caught:
        place_all(items)
    free = caught.value.free
    assert caught.value.clash == "tips" and free[:3] == ["bench/slot2", "bench/slot4", "bench/slot5"]
    assert "bench/slot1" not in free and "bench/slot3" not in free
    for site in free:  # each named site really takes the plate
        place_all([items[0], ("plate", site, tips), items[2]])
