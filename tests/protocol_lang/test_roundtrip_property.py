"""fmt round-trips on generated protocols: yaml -> lab -> yaml gives an equal AST."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from protocol_lang import parse_text
from protocol_lang.formatter import to_lab, to_yaml
from tests.protocol_lang.strategies import protocols


def _parse(text: str, name: str):
    result = parse_text(text, name)
    assert result.protocol is not None, (text, [d.message for d in result.diagnostics])
    assert result.diagnostics == [], (text, [(d.code, d.message) for d in result.diagnostics])
    return result.protocol


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(protocols())
def test_yaml_lab_yaml_round_trip(protocol):
    from_yaml = _parse(to_yaml(protocol), "p.yaml")
    assert from_yaml.semantic() == protocol.semantic()
    from_lab = _parse(to_lab(from_yaml), "p.lab")
    assert from_lab.semantic() == protocol.semantic()
    again = _parse(to_yaml(from_lab), "p.yaml")
    assert again.semantic() == protocol.semantic()
