"""A door or drawer worked while the arm holds something: the compiler sets the object down at a free
bench site, works the handle and picks the object up again (issue "Long-horizon workflows", item 3:
closing a door while holding a beaker dropped it in simulation)."""

from __future__ import annotations

import math
from pathlib import Path

from compiler import CompileResult, compile_file
from compiler.free_hand import STAGING_REACH_M, SWEEP_DEPTH_M
from labdata.catalog import load_catalog
from labdata.deck import DECK, SITES, Placement, footprint, free_sites

HEAD = """labc 1
protocol free_hand "Work a door with the hand full."
labware beaker: beaker_100ml at drying_box {{ 50 mL water }}
labware flask: flask_250ml at bench/center
instrument drying_box: drying_box at {box}
"""


def _compile(text: str, folder: Path) -> CompileResult:
    path = folder / "p.lab"
    path.write_text(text)
    return compile_file(path)


def _plan(result: CompileResult) -> list[tuple[str, str]]:
    assert result.compiled is not None, [(d.code, d.message) for d in result.diagnostics]
    return [(n.skill, getattr(n.args, "target", "")) for n in result.compiled.nodes]


def test_take_out_closes_the_door_with_the_hand_free_and_ends_holding(tmp_path: Path) -> None:
    result = _compile(HEAD.format(box="bench/back") + "take beaker out of drying_box\n", tmp_path)
    plan = _plan(result)
    assert [skill for skill, _ in plan] == ["open_door", "pick", "place", "close_door", "pick"]
    site = plan[2][1]
    assert site in SITES
    assert result.compiled is not None and result.compiled.final_state.arms[0].holding == "beaker"


def test_an_explicit_close_with_a_full_hand_is_planned_the_same_way(tmp_path: Path) -> None:
    steps = "open drying_box.door\npick beaker\nclose drying_box.door\npour 30 mL from beaker into flask\n"
    plan = _plan(_compile(HEAD.format(box="bench/back") + steps, tmp_path))
    assert [skill for skill, _ in plan] == ["open_door", "pick", "place", "close_door", "pick", "pour"]


def test_the_staging_site_is_clear_of_the_door_and_of_everything_standing(tmp_path: Path) -> None:
    for box in ("bench/back", "bench/corner_left", "bench/corner_right"):
        result = _compile(HEAD.format(box=box) + "take beaker out of drying_box\n", tmp_path)
        site = _plan(result)[2][1]
        catalog = load_catalog()
        (bx, by), (hx, hy) = SITES[box], footprint(catalog.get("drying_box"))
        (sx, sy), (fx, fy) = SITES[site], footprint(catalog.get("beaker_100ml"))
        in_front = bx - hx - SWEEP_DEPTH_M < sx + fx and sx - fx < bx - hx
        assert not (in_front and abs(sy - by) < hy + fy), (box, site)
        assert site != "bench/center"  # the flask stands there


def test_a_hand_full_with_no_free_site_is_refused_with_e2005(tmp_path: Path) -> None:
    """Every site within the staging reach taken: the close is refused, not planned onto a neighbour."""
    catalog = load_catalog()
    box = "bench/corner_left"
    placed = [_at("drying_box", box, footprint(catalog.get("drying_box")))]
    crowd = ""
    while True:
        free = [
            s for s in free_sites(footprint(catalog.get("beaker_500ml")), placed) if s.startswith("bench/")
        ]
        free = [s for s in free if DECK[s].group != "device" and math.hypot(*SITES[s]) <= STAGING_REACH_M]
        if not free:
            break
        crowd += f"labware b{len(placed)}: beaker_500ml at {free[0]}\n"
        placed.append(_at(f"b{len(placed)}", free[0], footprint(catalog.get("beaker_500ml"))))
    text = HEAD.format(box=box).replace("labware flask: flask_250ml at bench/center\n", "") + crowd
    assert _compile(text + "open drying_box.door\n", tmp_path).ok  # the crowded bench itself is fine
    result = _compile(text + "take beaker out of drying_box\n", tmp_path)
    errors = [(d.code, d.message) for d in result.diagnostics if d.is_error]
    assert [code for code, _ in errors] == ["E2005"], errors
    assert "drying_box" in errors[0][1]


def _at(name: str, site: str, half: tuple[float, float]) -> Placement:
    x, y = SITES[site]
    return Placement(name=name, site=site, x=x, y=y, half_x=half[0], half_y=half[1])
