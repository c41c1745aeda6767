"""fmt round-trips on generated protocols: yaml -> lab -> yaml gives an equal AST, with its `{param}`
references, comments and blank lines, and the formatted text is a fixed point of the conversion."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from protocol_lang import parse_text
from protocol_lang.formatter import to_lab, to_yaml
from protocol_lang.params import resolve
from tests.protocol_lang.strategies import protocols


def _parse(text: str, name: str):
    result = parse_text(text, name)
    assert result.protocol is not None, (text, [d.message for d in result.diagnostics])
    assert result.diagnostics == [], (text, [(d.code, d.message) for d in result.diagnostics])
    return result.protocol


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(protocols())
def test_yaml_lab_yaml_round_trip(protocol):
    yaml_text = to_yaml(protocol)
    from_yaml = _parse(yaml_text, "p.yaml")
    assert from_yaml.written() == protocol.written()
    lab_text = to_lab(from_yaml)
    from_lab = _parse(lab_text, "p.lab")
    assert from_lab.written() == protocol.written()
    assert to_yaml(from_lab) == yaml_text
    assert to_lab(from_lab) == lab_text
    # `{name}` references stayed references to declared parameters of the right kind.
    assert resolve(from_lab)[1] == []
