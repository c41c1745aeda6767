"""Mutated examples never make `labc` raise: diagnostics exit 1 (with a diagnostic printed) or the
mutation happened to be valid and it exits 0. And none takes long: every command of every case
finishes within PER_CASE_S, also when a number of an example is replaced by an extreme one (issue
15: `repeat 1000000 times` ran past 120 s, `repeat 1e20 times` until memory ran out)."""

from __future__ import annotations

import json
import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import EXAMPLES
from tests.helpers.protocols import BENCH

SEEDS = sorted(p for p in EXAMPLES.rglob("*") if p.suffix in (".yaml", ".lab"))
# Generous for a 2-core machine shared with other jobs; a bounded compile of an example takes < 1 s.
PER_CASE_S = 10.0
NUMBER = re.compile(rb"(?<![A-Za-z0-9_.])[0-9]+(?:\.[0-9]+)?(?![0-9])")
EXTREMES = [b"0", b"10000", b"10001", b"1000000", b"99999.5", b"169", b"1001", b"100000"]
EXTREMES += [b"1" + b"0" * n for n in (20, 310, 5000)] + [b"1" + b"0" * 400 + b".5"]


@st.composite
def mutated(draw) -> tuple[str, bytes]:
    path = draw(st.sampled_from(SEEDS))
    data = bytearray(path.read_bytes())
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["truncate", "drop", "swap", "insert", "replace"]))
        if not data:
            break
        i = draw(st.integers(0, len(data) - 1))
        if op == "truncate":
            del data[i:]
        elif op == "drop":
            del data[i]
        elif op == "swap" and i + 1 < len(data):
            data[i], data[i + 1] = data[i + 1], data[i]
        elif op == "insert":
            data[i:i] = draw(st.binary(min_size=1, max_size=6))
        else:
            data[i] = draw(st.sampled_from(b"{}[]:,.-#\"'\t\n 0123456789xyz\xff\x00"))
    return path.suffix, bytes(data)


FUZZ = settings(
    deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)


@settings(FUZZ, max_examples=250)
@given(case=mutated())
def test_mutated_protocols_never_crash(case, tmp_path, labc):
    suffix, data = case
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    for command in (["parse", path], ["fmt", path, "--to", "lab"], ["parse", path, "--format", "json"]):
        _assert_answers_within_limit(labc, command)


@st.composite
def extreme_numbers(draw) -> tuple[str, bytes]:
    """An example with some of its numbers (volumes, times, counts, temperatures) made extreme."""
    path = draw(st.sampled_from(SEEDS))
    data = path.read_bytes()
    spots = [m.span() for m in NUMBER.finditer(data)]
    counts = [m.span() for m in NUMBER.finditer(data) if data[m.end() :].startswith(b" times")]
    chosen = draw(st.sets(st.sampled_from(spots), min_size=1, max_size=3))
    if counts and draw(st.booleans()):  # a loop count is what unrolls: pick one half of the time
        chosen.add(draw(st.sampled_from(counts)))
    chosen = sorted(chosen, reverse=True)
    for start, end in chosen:
        data = data[:start] + draw(st.sampled_from(EXTREMES)) + data[end:]
    return path.suffix, data


@settings(FUZZ, max_examples=60)
@given(case=extreme_numbers())
def test_extreme_numbers_are_bounded_errors(case, tmp_path, labc):
    suffix, data = case
    path = tmp_path / f"numbers{suffix}"
    path.write_bytes(data)
    for command in (["check", path], ["check", path, "--format", "json"]):
        _assert_answers_within_limit(labc, command)


def _assert_answers_within_limit(labc, command: list) -> None:
    start = time.perf_counter()
    result = labc(*command)
    elapsed = time.perf_counter() - start
    assert result.code in (0, 1), (command, result.code, result.err[-2000:])
    if result.code == 1:
        output = result.err + result.out
        assert re.search(r'error\[E\d{4}\]|"code": "E\d{4}"', output), output[-2000:]
    assert elapsed < PER_CASE_S, (command, f"{elapsed:.1f} s", (result.err + result.out)[-500:])


BIG = "1" + "0" * 400


@pytest.mark.parametrize(
    ("steps", "code"),
    [
        ("repeat 1000000 times {\n  wait 1 s\n}\n", "E0408"),
        (f"repeat {BIG} times {{\n  wait 1 s\n}}\n", "E0408"),
        ("repeat 10000 times {\n  repeat 10000 times {\n    wait 1 s\n  }\n}\n", "E1009"),
        ("repeat 3000 times {\n  repeat 7 times {\n    wait 1 s\n  }\n}\n", "E1009"),
        ("wait 100000000000000000000 h\n", "E0407"),
        (f"pour {BIG} mL from b1 into b2\n", "E0406"),
        ("transfer 10 mL from res.A1 to plate.A1..H12 mixing 100 times\n", "E1009"),  # 96 x 150 x 2
        ("transfer 20 uL from res.A1 to plate.A1 mixing 10000 times\n", "E1009"),
    ],
)
def test_the_issues_numbers_are_located_errors_in_time(steps, code, tmp_path, labc):
    path = tmp_path / "p.lab"
    path.write_text(BENCH + steps)
    start = time.perf_counter()
    result = labc("check", path, "--format", "json")
    elapsed = time.perf_counter() - start
    diagnostics = json.loads(result.out)["diagnostics"]
    assert result.code == 1 and [d["code"] for d in diagnostics] == [code], diagnostics
    assert diagnostics[0]["line"] >= BENCH.count("\n") + 1
    assert elapsed < PER_CASE_S, f"{elapsed:.1f} s"
