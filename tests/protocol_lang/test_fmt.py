"""`labc fmt` is lossless: parameter references, comments and blank lines survive formatting and
conversion, every example is formatted, and a converted protocol compiles to the same DAG."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from protocol_lang import parse_file, parse_text
from protocol_lang.formatter import to_lab, to_yaml
from tests.conftest import EXAMPLES, example_pairs

PAIRS = example_pairs()
EXAMPLE_FILES = sorted([*EXAMPLES.rglob("*.lab"), *EXAMPLES.rglob("*.yaml"), *EXAMPLES.rglob("*.yml")])


def test_every_example_is_found():
    assert len(EXAMPLE_FILES) >= 44 and len(PAIRS) * 2 == len(EXAMPLE_FILES)


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=[str(p.relative_to(EXAMPLES)) for p in EXAMPLE_FILES])
def test_every_example_passes_fmt_check(labc, path):
    result = labc("fmt", path, "--check")
    assert result.code == 0, result.err


@pytest.mark.parametrize(("yaml_path", "lab_path"), PAIRS, ids=[y.stem for y, _ in PAIRS])
def test_each_surface_converts_to_its_twin_exactly(yaml_path, lab_path):
    yaml_text, lab_text = yaml_path.read_text(), lab_path.read_text()
    assert to_lab(parse_text(yaml_text, "x.yaml").protocol) == lab_text
    assert to_yaml(parse_text(lab_text, "x.lab").protocol) == yaml_text


def _written(text: str, name: str):
    result = parse_text(text, name)
    assert result.diagnostics == [], [(d.code, d.message) for d in result.diagnostics]
    return result.protocol


def test_fmt_keeps_parameter_references(labc, tmp_path):
    result = labc("fmt", EXAMPLES / "pipette_protocol.yaml", "--to", "lab")
    assert result.code == 0
    assert "transfer {buffer_volume} from reservoir.A1" in result.out
    assert "param buffer_volume = 100 uL" in result.out


def _dag(path, *overrides: str):
    from compiler import compile_file

    result = compile_file(path, overrides)
    assert result.ok, [d.message for d in result.diagnostics]
    compiled = result.compiled
    nodes = [(n.id, n.skill, n.args.model_dump(), n.instruction) for n in compiled.nodes]
    return nodes, [(e.source, e.target, e.reason) for e in compiled.edges]


def test_a_converted_protocol_compiles_to_the_same_dag_with_and_without_set(labc, tmp_path):
    source = EXAMPLES / "pipette_protocol.yaml"
    lab = tmp_path / "p.lab"
    back = tmp_path / "p.yaml"
    assert labc("fmt", source, "--to", "lab", "-o", lab).code == 0
    assert labc("fmt", lab, "--to", "yaml", "-o", back).code == 0
    assert back.read_text() == source.read_text()
    override = "buffer_volume=250uL"
    plain, changed = _dag(source), _dag(source, override)
    # 250 uL does not fit a 200 uL tip in one go: the override must reach the DAG (more nodes).
    assert len(changed[0]) > len(plain[0])
    for converted in (lab, back):
        assert _dag(converted) == plain
        assert _dag(converted, override) == changed


LAB = """\
# about the file

labc 1  # version
protocol demo "a # is no comment in a string"
# before the parameter
param v = 50 uL  # the volume

labware a: beaker_250ml at bench/left { 100 mL water }


# two blank lines above become one
labware b: beaker_250ml at bench/right
instrument hp: hotplate at bench/back

# first step
pour {v} from a into b  # trailing
repeat 2 times {  # on the block
    # inside
    pour 10 mL from b into a

    # at the end of the block
}  # after the brace
# at the end of the file
"""


def test_lab_comments_attach_to_their_lines():
    p = _written(LAB, "x.lab")
    assert p.header["labc"].before == ("# about the file",) and p.header["labc"].after == "# version"
    assert p.description == "a # is no comment in a string"
    assert p.params[0].trivia.before == ("# before the parameter",)
    assert p.params[0].trivia.after == "# the volume"
    assert p.labware[0].trivia is None  # the blank line before the declarations is the formatter's
    assert p.labware[1].trivia.before == ("", "# two blank lines above become one")
    pour, repeat = p.steps
    assert pour.volume.name == "v" and pour.trivia.before == ("# first step",)
    assert pour.trivia.after == "# trailing" and repeat.trivia.after == "# on the block"
    assert repeat.body[0].trivia.before == ("# inside",)
    assert repeat.tail.before == ("", "# at the end of the block", "# after the brace")
    assert p.tail.before == ("# at the end of the file",)


def test_comments_survive_lab_yaml_lab():
    original = _written(LAB, "x.lab")
    yaml_text = to_yaml(original)
    from_yaml = _written(yaml_text, "x.yaml")
    assert from_yaml.written() == original.written()
    lab_text = to_lab(from_yaml)
    assert _written(lab_text, "y.lab").written() == original.written()
    # Formatted text is a fixed point of both conversions.
    assert to_yaml(_written(lab_text, "z.lab")) == yaml_text
    assert to_lab(_written(yaml_text, "z.yaml")) == lab_text


YAML = """\
labc: 1
protocol: demo
description: 'it''s # not a comment'
params:   # overridable
  v: 50 uL
labware:
  a:    # written over lines
    type: beaker_250ml
    at: bench/left
  b: {type: beaker_250ml, at: bench/right}
steps:
  - pour {v} from a into b
  - parallel:
      - shake a for 5 s
      # end of the branches
  # before the wait
  - "wait 1 min"  # quoted step
"""


def test_yaml_comments_attach_by_indentation():
    p = _written(YAML, "x.yaml")
    assert p.description == "it's # not a comment"
    assert p.params[0].trivia.before == ("# overridable",)
    assert p.labware[0].trivia.after == "# written over lines"
    parallel, wait = p.steps[1], p.steps[2]
    assert parallel.tail.before == ("# end of the branches",)
    assert wait.trivia.before == ("# before the wait",) and wait.trivia.after == "# quoted step"
    again = _written(to_yaml(p), "y.yaml")
    assert again.written() == p.written()


def test_a_protocol_without_comments_has_no_trivia():
    text = "".join(x for x in (EXAMPLES / "pipette_protocol.lab").open() if not x.startswith("#"))
    p = _written(text, "x.lab")
    assert p.header == {} and p.tail is None
    assert all(n.trivia is None for n in [*p.params, *p.labware, *p.instruments, *p.steps])
    assert p.semantic() == parse_file(EXAMPLES / "pipette_protocol.lab").protocol.semantic()


EDITS = st.lists(
    st.tuples(
        st.integers(0, 60),
        st.sampled_from(["own", "blank", "end"]),
        st.sampled_from([0, 2, 4, 6, 8]),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(EXAMPLE_FILES), EDITS)
def test_comments_written_anywhere_survive_formatting_and_conversion(path, edits):
    """Comments and blank lines added at any line of any example: formatting keeps every comment,
    is idempotent, and the other surface reads back the same comments."""
    lines = path.read_text().split("\n")
    for number, (at, kind, indent) in enumerate(edits):
        at %= len(lines)
        if kind == "own":
            lines.insert(at, " " * indent + f"# note {number}")
        elif kind == "blank":
            lines.insert(at, "")
        elif lines[at].strip():
            lines[at] += f"  # end {number}"
    text = "\n".join(lines)
    surface = path.suffix[1:]
    result = parse_text(text, f"x.{surface}")
    assume(result.ok)  # a comment inside a YAML flow mapping can make it invalid
    same, other = (to_lab, to_yaml) if surface == "lab" else (to_yaml, to_lab)
    formatted = same(result.protocol)
    notes = sorted(re.findall(r"# (?:note|end) \d+", text))
    assert sorted(re.findall(r"# (?:note|end) \d+", formatted)) == notes
    again = _written(formatted, f"y.{surface}")
    assert again.semantic() == result.protocol.semantic() and same(again) == formatted
    converted = _written(other(again), "z.yaml" if surface == "lab" else "z.lab")
    assert converted.written() == again.written()


def test_comments_of_an_empty_robots_line_are_kept(labc, tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("labc: 1\nprotocol: x\n# about robots\nrobots: []  # none yet\nsteps:\n  - wait 1 s\n")
    once = labc("fmt", path)
    assert once.code == 0 and "# about robots\n# none yet\nsteps:" in once.out
    path.write_text(once.out)
    assert labc("fmt", path, "--check").code == 0


@pytest.mark.parametrize("path", EXAMPLE_FILES[:4], ids=lambda p: p.name)
def test_blank_lines_at_the_end_of_a_file_carry_nothing(path):
    """Trailing blank lines are dropped by the formatter (a file ending in two of them once made the
    comment scan loop forever: the fuzz test found it)."""
    text = "".join(x for x in path.open() if not x.lstrip().startswith("#")).rstrip("\n")
    plain, padded = (parse_text(text + end, f"x{path.suffix}") for end in ("\n", "\n\n\n\n"))
    assert padded.ok, padded.diagnostics
    same = to_lab if path.suffix == ".lab" else to_yaml
    assert same(padded.protocol) == same(plain.protocol)
