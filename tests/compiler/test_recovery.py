"""Each root cause reported once, in the unit the protocol was written in (issue 15, item 3)."""

from __future__ import annotations

from compiler import compile_file
from tests.helpers.protocols import BENCH, STEP_LINE


def _codes(tmp_path, steps: str) -> list[tuple[str, int, str]]:
    path = tmp_path / "p.lab"
    path.write_text(BENCH + steps)
    return [(d.code, d.span.line, d.message) for d in compile_file(path).diagnostics]


def test_a_refused_pour_does_not_leave_the_beaker_in_hand(tmp_path):
    found = _codes(tmp_path, "pour 250 mL from b1 into b2\npour 5 mL from b2 into b1\n")
    assert {code for code, _, _ in found} == {"E2001", "E2002"}  # no E2005 "holding b1" on the next line
    assert {line for _, line, _ in found} == {STEP_LINE}


def test_an_error_inside_repeat_is_reported_once(tmp_path):
    found = _codes(tmp_path, "repeat 3 times {\n  pour 60 mL from b1 into b2\n}\n")
    assert [(c, line) for c, line, _ in found] == [("E2001", STEP_LINE + 1)]


def test_steps_after_a_refused_one_are_not_blamed(tmp_path):
    """96 tips for 97 transfers: one E2008; not the aspirate/dispense/drop without a tip after it."""
    found = _codes(
        tmp_path,
        "transfer 20 uL from res.A1 to plate.A1..H12 new tip always\n"
        "transfer 20 uL from res.A1 to plate.A1 new tip always\n",
    )
    assert [c for c, _, _ in found] == ["E2008"]


def test_later_independent_errors_are_still_found(tmp_path):
    found = _codes(
        tmp_path,
        "pour 250 mL from b1 into b2\nparallel {\n    shake b1 for 5 s\n    pour 5 mL from b1 into b2\n}\n",
    )
    assert "E1004" in {c for c, _, _ in found}


def test_press_on_a_heater_points_at_heat(tmp_path):
    path = tmp_path / "p.lab"
    path.write_text(BENCH + "press hotplate.button\n")
    (diagnostic,) = compile_file(path).diagnostics
    assert diagnostic.code == "E2022"
    assert "setpoint" not in diagnostic.message + diagnostic.hint  # press has no setpoint to give
    assert "`heat X on H to 60 C for 5 min`" in diagnostic.hint


def test_amounts_in_the_unit_written(tmp_path):
    found = _codes(tmp_path, "pour 160 mL from b1 into b2\n")
    assert found == [("E2001", STEP_LINE, "b2 would hold 260 mL, more than its 250 mL")]
    found = _codes(tmp_path, "pour 0.16 L from b1 into b2\n")
    assert found[0][2] == "b2 would hold 0.26 L, more than its 0.25 L"
    found = _codes(tmp_path, "transfer 5 uL from res.A1 to plate.A1\n")
    assert "20 uL to 200 uL" in found[0][2] and "needs 5 uL" in found[0][2]
