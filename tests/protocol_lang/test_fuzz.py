"""Mutated examples never make `labc` raise: diagnostics exit 1 (with a diagnostic printed) or the
mutation happened to be valid and it exits 0."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import EXAMPLES

SEEDS = sorted(p for p in EXAMPLES.rglob("*") if p.suffix in (".yaml", ".lab"))


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


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(case=mutated())
def test_mutated_protocols_never_crash(case, tmp_path, labc):
    suffix, data = case
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    for command in (["parse", path], ["fmt", path, "--to", "lab"], ["parse", path, "--format", "json"]):
        result = labc(*command)
        assert result.code in (0, 1), (command, result.code, result.err[-2000:])
        if result.code == 1:
            output = result.err + result.out
            assert re.search(r'error\[E\d{4}\]|"code": "E\d{4}"', output), output[-2000:]
