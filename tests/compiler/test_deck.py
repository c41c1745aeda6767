"""The deck as a protocol author meets it: slots 1-3 take a tiprack, a reservoir and a plate; a full
bench compiles; an overlap's hint names free sites; `labc deck` prints and draws the map."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from compiler import CompileResult, compile_file
from tests.conftest import EXAMPLES

FULL_BENCH = """labc 1
protocol full_bench "Everything a small lab bench holds at once."
labware beaker_1: beaker_250ml at {b1} {{ 100 mL water }}
labware beaker_2: beaker_250ml at {b2}
labware beaker_3: beaker_100ml at {b3}
labware flask: flask_250ml at {flask}
labware tips: tiprack_200ul at {tips}
labware reservoir: reservoir_12 at {reservoir} {{ A1: 10 mL water }}
labware plate: plate_96 at {plate}
instrument pipette: pipette_p200 at {pipette} using tips
instrument hotplate: hotplate at {hotplate}
instrument oven: drying_box at {oven}
transfer 100 uL from reservoir.A1 to plate.A1 new tip once
"""
EXPLICIT = {
    "b1": "bench/slot4",
    "b2": "bench/slot5",
    "b3": "bench/slot6",
    "flask": "bench/slot7",
    "tips": "bench/slot1",
    "reservoir": "bench/slot2",
    "plate": "bench/slot3",
    "pipette": "bench/slot8",
    "hotplate": "bench/side_right",
    "oven": "bench/corner_left",
}


def _compile(text: str, folder: Path) -> CompileResult:
    path = folder / "full.lab"
    path.write_text(text)
    return compile_file(path)


def _codes(text: str, folder: Path) -> list[str]:
    return [d.code for d in _compile(text, folder).diagnostics]


def test_first_plate_example_puts_slots_1_to_3_side_by_side() -> None:
    text = (EXAMPLES / "first_plate.lab").read_text()
    assert "tiprack_200ul at bench/slot1" in text and "plate_96 at bench/slot3" in text
    result = compile_file(EXAMPLES / "first_plate.lab")
    assert result.ok, [(d.code, d.message) for d in result.diagnostics]


def test_the_full_bench_compiles_with_sites_and_without(tmp_path: Path) -> None:
    assert _codes(FULL_BENCH.format(**EXPLICIT), tmp_path) == []
    # Without `at` (the pipette keeps its stand: a pipette without a place cannot be put back, a
    # separate bug), the simulator's automatic placement finds room for everything.
    automatic = FULL_BENCH.format(**{k: "AUTO" for k in EXPLICIT}).replace(" at AUTO", "")
    automatic = automatic.replace("pipette_p200 using", "pipette_p200 at bench/stand using")
    assert automatic.count(" at bench") == 1
    assert _codes(automatic, tmp_path) == []


def test_an_overlap_names_free_sites_that_fit(tmp_path: Path) -> None:
    clash = FULL_BENCH.format(**{**EXPLICIT, "plate": "bench/slot1"})
    [diagnostic] = _compile(clash, tmp_path).diagnostics
    assert diagnostic.code == "E1008" and "overlaps `tips`" in diagnostic.message
    assert diagnostic.hint is not None and diagnostic.hint.startswith(
        "free sites that fit it: bench/slot3, bench/slot9"
    )
    moved = FULL_BENCH.format(**{**EXPLICIT, "plate": "bench/slot9"})
    assert _codes(moved, tmp_path) == []


def test_deck_prints_the_map_with_what_stands_where(labc) -> None:
    empty = labc("deck")
    assert empty.code == 0 and "[slot1" in empty.out and "corner_left" in empty.out and "(robot)" in empty.out
    result = labc("deck", EXAMPLES / "first_plate.lab")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    front = next(i for i, line in enumerate(lines) if "[slot1" in line)
    assert "[tips" in lines[front + 1] and "reservoir" in lines[front + 1]
    middle = next(i for i, line in enumerate(lines) if "[slot3" in line)
    assert lines[middle + 1].index("[plate") < lines[middle + 1].index("[·")
    assert "stand: pipette" in result.out


def test_deck_png_draws_the_bench_to_scale(labc, tmp_path) -> None:
    image_module = pytest.importorskip("PIL.Image")
    out = tmp_path / "deck.png"
    result = labc("deck", EXAMPLES / "first_plate.lab", "--png", out)
    assert result.code == 0, result.err
    image = image_module.open(io.BytesIO(out.read_bytes()))
    assert image.size == (880, 805)  # 1.6 x 1.45 m at 500 px/m plus margins
    # The plate at slot3 (0.48, 0.14) is drawn filled: sample its centre pixel.
    assert image.convert("RGB").getpixel(
        (40 + round((0.8 - 0.14) * 500), 40 + round((1.30 - 0.48) * 500) + 12)
    ) == (
        120,
        190,
        120,
    )


def test_deck_reports_bad_input_without_a_traceback(labc, tmp_path) -> None:
    assert labc("deck", tmp_path / "missing.lab").code == 2
    broken = tmp_path / "broken.lab"
    broken.write_text(FULL_BENCH.format(**{**EXPLICIT, "plate": "bench/slot1"}))
    result = labc("deck", broken)
    assert result.code == 1 and "E1008" in result.err


@pytest.mark.parametrize(
    ("declaration", "step", "borrowed"),
    [
        ("labware flask: flask_250ml { 50 mL water }", "shake flask for 5 s", "flask"),
        (
            "labware tips: tiprack_200ul at bench/slot1\nlabware res: reservoir_12 at bench/slot2 { A1: 10 mL water }\n"
            "labware plate: plate_96 at bench/slot3\ninstrument pipette: pipette_p200 using tips",
            "transfer 50 uL from res.A1 to plate.A1",
            "pipette",
        ),
    ],
)
def test_a_borrowed_object_declared_without_a_place_goes_back_where_it_stood(
    tmp_path: Path, declaration: str, step: str, borrowed: str
) -> None:
    """Labware without `at` stands where automatic placement puts it (the simulator's own place_all);
    a step that borrows it puts it back there. It used to crash `labc check` (exit 3)."""
    from labdata.deck import SPOTS

    result = _compile(f"labc 1\nprotocol p\n{declaration}\n{step}\n", tmp_path)
    assert result.compiled is not None, [(d.code, d.message) for d in result.diagnostics]
    back = result.compiled.nodes[-1]
    assert back.skill == "place" and back.args.object == borrowed
    assert back.args.target in SPOTS
    assert result.compiled.final_state.objects[borrowed].location == back.args.target
