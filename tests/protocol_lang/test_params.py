"""`{name}` parameters and `--set` overrides."""

from __future__ import annotations

from protocol_lang import ast, parse_text
from protocol_lang.params import parse_overrides, resolve

TEXT = """labc 1
protocol p
param volume = 50 uL
param n = 3
labware b: beaker_250ml { 100 mL water }
labware c: beaker_250ml
pour {volume} from b into c
mix c {n} times
"""


def _resolve(*pairs: str):
    protocol = parse_text(TEXT, "p.lab").protocol
    values, found = parse_overrides(list(pairs))
    resolved, more = resolve(protocol, values)
    return resolved, found + more


def test_defaults_substitute_with_the_reference_span():
    resolved, diagnostics = _resolve()
    assert diagnostics == []
    pour = resolved.steps[0]
    assert isinstance(pour.volume, ast.Quantity) and pour.volume.base() == 50.0
    assert (pour.volume.span.line, pour.volume.span.column) == (7, 6)
    assert resolved.steps[1].times.value == 3


def test_override_wins():
    resolved, diagnostics = _resolve("volume=0.04mL", "n=5")
    assert diagnostics == []
    assert resolved.steps[0].volume.base() == 40.0
    assert resolved.steps[1].times.value == 5


def test_override_errors():
    _, diagnostics = _resolve("volum=40uL")
    assert [d.code for d in diagnostics] == ["E0302"] and diagnostics[0].hint == "did you mean `volume`?"
    _, diagnostics = _resolve("volume=5 min")
    assert [d.code for d in diagnostics] == ["E0401"] and "(parameter `volume`)" in diagnostics[0].message
    _, diagnostics = _resolve("n=5 uL")
    assert [d.code for d in diagnostics] == ["E0404"]
    _, diagnostics = _resolve("volume")
    assert [d.code for d in diagnostics] == ["E0303"]
    _, diagnostics = _resolve("volume=lots")
    assert [d.code for d in diagnostics] == ["E0303"]
