"""Both surfaces of every example mean the same protocol, and formatting round-trips."""

from __future__ import annotations

import pytest

from protocol_lang import parse_file, parse_text
from protocol_lang.formatter import to_lab, to_yaml
from tests.conftest import example_pairs

PAIRS = example_pairs()


def test_examples_exist():
    names = {y.stem for y, _ in PAIRS}
    assert {"pipette_protocol", "serial_dilution"} <= names


@pytest.mark.parametrize(("yaml_path", "lab_path"), PAIRS, ids=[y.stem for y, _ in PAIRS])
def test_surfaces_parse_to_equal_asts(yaml_path, lab_path):
    from_yaml = parse_file(yaml_path)
    from_lab = parse_file(lab_path)
    assert from_yaml.diagnostics == []
    assert from_lab.diagnostics == []
    assert from_yaml.protocol.semantic() == from_lab.protocol.semantic()
    assert from_yaml.protocol.surface == "yaml" and from_lab.protocol.surface == "lab"


@pytest.mark.parametrize(("yaml_path", "lab_path"), PAIRS, ids=[y.stem for y, _ in PAIRS])
def test_fmt_round_trips(yaml_path, lab_path):
    original = parse_file(yaml_path).protocol
    lab_text = to_lab(original)
    via_lab = parse_text(lab_text, "x.lab")
    assert via_lab.diagnostics == []
    back = parse_text(to_yaml(via_lab.protocol), "x.yaml")
    assert back.diagnostics == []
    assert back.protocol.semantic() == original.semantic()
    # Canonical output is a fixed point.
    assert to_lab(parse_text(lab_text, "y.lab").protocol) == lab_text


def test_yaml_spans_point_into_the_yaml_file():
    result = parse_file(next(y for y, _ in PAIRS if y.stem == "serial_dilution"))
    first = result.protocol.steps[0]
    lines = result.source.lines
    span = first.target.span
    assert lines[span.line - 1][span.column - 1 : span.end_column - 1] == "plate.A2..A12"
    assert lines[first.span.line - 1][first.span.column - 1 :].startswith("transfer {volume}")
