"""Every compiler code, and the symbolic-execution errors the issue names, from a protocol fixture,
asserted at the line:column of the statement or reference at fault."""

from __future__ import annotations

import pytest

from compiler import compile_file
from compiler.codes import COMPILER_CODES
from tests.helpers.protocols import BENCH, STEP_LINE

# code -> (text after the bench, or a whole file, line, column)
FIXTURES: dict[str, tuple[str, int, int]] = {
    "E1001": (BENCH.replace("glass_rod", "glass_rodd"), 8, 14),
    "E1002": (BENCH + "pick beaker_1\n", STEP_LINE, 6),
    "E1003": (BENCH + "open b1.door\n", STEP_LINE, 6),
    "E1004": (
        BENCH + "parallel {\n    shake b1 for 5 s\n    pour 5 mL from b1 into b2\n}\n",
        STEP_LINE + 2,
        5,
    ),
    "E1005": (BENCH + "transfer 50 uL from res.A1 to plate.A13\n", STEP_LINE, 31),
    "E1006": (BENCH.replace("protocol p\n", "protocol p\nrobots franka, ur10\n"), 1, 1),
    "E1007": (BENCH.replace("bench/rack", "bench/rak"), 8, 1),
    "E1008": (BENCH + "instrument cabinet: cabinet at bench/right\n", STEP_LINE, 1),
    "E1009": (
        BENCH + "pick b1\nrepeat 10000 times {\n  repeat 10000 times {\n    shake b1\n  }\n}\n",
        STEP_LINE + 1,
        1,
    ),
    "E1010": (BENCH + "pour 5 L from b1 into b2\n", STEP_LINE, 6),
    # Symbolic execution (skills' codes) reported at the statement.
    "E2001": (BENCH + "pour 160 mL from b1 into b2\n", STEP_LINE, 1),
    "E2002": (BENCH + "pour 150 mL from b2 into b1\n", STEP_LINE, 1),
    "E2004": (BENCH + "transfer 5 uL from res.A1 to plate.A1\n", STEP_LINE, 1),
    "E2005": (BENCH + "pick b1\npick b2\n", STEP_LINE + 1, 1),
    "E2006": (BENCH + "pick b1\nplace b1 in box\n", STEP_LINE + 1, 1),
    "E2007": (BENCH + "heat b1 on hotplate to 400 C for 1 min\n", STEP_LINE, 1),
    "E2008": (
        BENCH
        + "transfer 20 uL from res.A1 to plate.A1..H12 new tip always\ntransfer 20 uL from res.A1 to plate.A1 new tip always\n",
        STEP_LINE + 1,
        1,
    ),
}


def _first(tmp_path, code: str, text: str):
    path = tmp_path / "p.lab"
    path.write_text(text)
    result = compile_file(path)
    hits = [d for d in result.diagnostics if d.code == code]
    return result, hits


@pytest.mark.parametrize("code", sorted(FIXTURES))
def test_code_at_position(tmp_path, code):
    text, line, column = FIXTURES[code]
    result, hits = _first(tmp_path, code, text)
    assert hits, [(d.code, d.message) for d in result.diagnostics]
    assert (hits[0].span.line, hits[0].span.column) == (line, column), hits[0]
    assert not result.ok and result.compiled is None


def test_every_compiler_code_has_a_fixture():
    assert set(COMPILER_CODES) <= set(FIXTURES)


def test_unknown_type_suggests_the_catalog_name(tmp_path):
    _, hits = _first(tmp_path, "E1001", FIXTURES["E1001"][0])
    assert hits[0].hint == "did you mean `glass_rod`?"


def test_undeclared_name_suggests_the_declared_one(tmp_path):
    _, hits = _first(tmp_path, "E1002", BENCH + "pick b11\n")
    assert hits[0].hint == "did you mean `b1`?"


def test_final_state_warnings(tmp_path):
    path = tmp_path / "p.lab"
    path.write_text(BENCH + "open box.door\npress hotplate.button\n")
    result = compile_file(path)
    codes = {d.code for d in result.diagnostics}
    assert "E2022" in codes  # a heater needs a setpoint: `press` alone cannot switch it on
    path.write_text(BENCH + "open box.door\npick b1\n")
    result = compile_file(path)
    assert result.ok
    warnings = {d.code: d for d in result.diagnostics}
    assert {"W2002", "W2006"} <= set(warnings)
    assert warnings["W2002"].span.line == 11  # points at the declaration of `box`
    assert [w.code for w in result.compiled.warnings] == [d.code for d in result.diagnostics]


def test_several_errors_in_one_run(tmp_path):
    path = tmp_path / "p.lab"
    path.write_text(BENCH + "pick b9\nopen b1.door\npick b1\npick b2\n")
    result = compile_file(path)
    assert [(d.code, d.span.line) for d in result.diagnostics if d.is_error] == [
        ("E1002", STEP_LINE),
        ("E1003", STEP_LINE + 1),
        ("E2005", STEP_LINE + 3),
    ]


def test_all_codes_joins_the_three_owners_and_refuses_a_code_owned_twice(monkeypatch) -> None:
    from compiler import codes
    from protocol_lang.diagnostics import CODES as LANGUAGE_CODES
    from skills.codes import CODES as SKILL_CODES

    table = codes.all_codes()
    assert set(table) == set(LANGUAGE_CODES) | set(COMPILER_CODES) | set(SKILL_CODES)
    assert table["E1001"] == COMPILER_CODES["E1001"] and table["E0101"] == LANGUAGE_CODES["E0101"]
    monkeypatch.setitem(codes.COMPILER_CODES, "E0101", "another title")
    with pytest.raises(ValueError, match="E0101 defined twice"):
        codes.all_codes()
