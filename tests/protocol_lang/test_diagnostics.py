"""Every diagnostic code of the language has a fixture that triggers it at a known line:column."""

from __future__ import annotations

import pytest

from protocol_lang import parse_text
from protocol_lang.diagnostics import CODES, render_json, render_text

LAB_HEAD = (
    "labc 1\nprotocol p\nlabware b: beaker_250ml at bench/left { 100 mL water }\nlabware c: beaker_250ml\n"
)
YAML_HEAD = "labc: 1\nprotocol: p\nlabware:\n  b: {type: beaker_250ml, contains: 100 mL water}\n"

# code -> (file name, text, line, column) of the first diagnostic with that code.
FIXTURES: dict[str, tuple[str, str, int, int]] = {
    "E0002": ("p.lab", "   \n", 1, 1),
    "E0101": ("p.lab", LAB_HEAD + "pour 5 mL frm b into c\n", 5, 11),
    "E0102": ("p.lab", LAB_HEAD + "pick b $\n", 5, 8),
    "E0103": ("p.lab", LAB_HEAD + "parallel {\n  pick b\n", 5, 10),
    "E0201": ("p.yaml", "labc: 1\nprotocol: [p\n", 3, 1),
    "E0202": ("p.yaml", YAML_HEAD + "steps: pick b\n", 5, 8),
    "E0203": ("p.yaml", YAML_HEAD + "stepz:\n  - pick b\n", 5, 1),
    "E0204": ("p.yaml", "labc: 1\nsteps:\n  - pick b\n", 1, 1),
    "E0205": ("p.yaml", YAML_HEAD + "protocol: q\n", 5, 1),
    "E0206": ("p.lab", "labc 2\nprotocol p\n", 1, 1),
    "E0301": ("p.lab", LAB_HEAD + "labware b: flask_250ml\n", 5, 1),
    "E0302": ("p.lab", LAB_HEAD + "pour {vol} from b into c\n", 5, 6),
    "E0303": ("p.lab", 'labc 1\nprotocol p\nparam v = "x"\n', 3, 11),
    "E0304": ("p.lab", LAB_HEAD + "open b.lid\n", 5, 8),
    "E0305": ("p.yaml", "labc: 1\nprotocol: p\nlabware:\n  my-beaker: {type: beaker_250ml}\n", 4, 3),
    "E0401": ("p.lab", LAB_HEAD + "pour 5 min from b into c\n", 5, 6),
    "E0402": ("p.lab", LAB_HEAD + "pour 5 mLL from b into c\n", 5, 8),
    "E0403": ("p.lab", LAB_HEAD + "pour 5 mL from b.H12..A1 into c\n", 5, 18),
    "E0404": ("p.lab", LAB_HEAD + "mix b 2.5 times\n", 5, 7),
    "E0405": ("p.lab", LAB_HEAD + "pour 0 mL from b into c\n", 5, 6),
    "E0406": ("p.lab", LAB_HEAD + "pour 1" + "0" * 400 + " mL from b into c\n", 5, 6),
    "E0407": ("p.yaml", YAML_HEAD + "steps:\n  - wait 100000000000000000000 h\n", 6, 10),
    "E0408": ("p.lab", LAB_HEAD + "repeat 1000000 times {\n  pick b\n}\n", 5, 8),
}


def test_every_language_code_has_a_fixture():
    language_codes = {code for code in CODES if code.startswith("E0")}
    assert language_codes <= set(FIXTURES) | {"E0001"}  # E0001 (bad bytes) is tested on a file below


@pytest.mark.parametrize("code", sorted(FIXTURES))
def test_fixture_triggers_code_at_position(code):
    name, text, line, column = FIXTURES[code]
    result = parse_text(text, name)
    hits = [d for d in result.diagnostics if d.code == code]
    assert hits, f"{code} not reported; got {[(d.code, d.message) for d in result.diagnostics]}"
    assert (hits[0].span.line, hits[0].span.column) == (line, column), hits[0]
    assert not result.ok


def test_not_utf8_file(tmp_path):
    from protocol_lang import parse_file

    path = tmp_path / "p.lab"
    path.write_bytes(b"labc 1\nprotocol p\npick \xff\n")
    result = parse_file(path)
    assert [d.code for d in result.diagnostics] == ["E0001"]
    assert (result.diagnostics[0].span.line, result.diagnostics[0].span.column) == (3, 6)


def test_syntax_errors_speak_human_words():
    result = parse_text(LAB_HEAD + "pour from b into c for\nwait\nshake b for 30\n", "p.lab")
    messages = [d.message for d in result.diagnostics]
    assert any("expected the end of the line, found `for`" in m for m in messages), messages
    assert any("quantity such as `50 uL`" in m for m in messages), messages
    assert any("a unit such as `uL`" in m for m in messages), messages
    assert all("Token" not in m and "NAME" not in m and "$END" not in m for m in messages)


def test_several_errors_reported_in_one_run():
    text = LAB_HEAD + "pick\nplace b onto c\nwait 5 min\ntransfer x from b to c\n"
    result = parse_text(text, "p.lab")
    lines = sorted(d.span.line for d in result.diagnostics)
    assert lines == [5, 6, 8]


def test_misspelt_step_gets_a_hint():
    result = parse_text(LAB_HEAD + "tranfer 5 uL from b to c\n", "p.lab")
    assert result.diagnostics[0].hint == "did you mean `transfer`?"


def test_yaml_step_error_points_inside_the_string():
    text = YAML_HEAD + "steps:\n  - pour 5 min from b into b\n  - 'shake b for 3 parsecs'\n"
    result = parse_text(text, "p.yaml")
    by_code = {d.code: d for d in result.diagnostics}
    assert (by_code["E0401"].span.line, by_code["E0401"].span.column) == (6, 10)
    assert (by_code["E0402"].span.line, by_code["E0402"].span.column) == (7, 20)


def test_rendering_text_and_json():
    result = parse_text(LAB_HEAD + "pour 5 min from b into c\n", "p.lab")
    text = render_text(result.diagnostics, result.sources)
    assert "error[E0401]" in text and "--> p.lab:5:6" in text
    assert "5 | pour 5 min from b into c" in text
    assert "  |      ^^^^^" in text
    import json

    rows = json.loads(render_json(result.diagnostics))["diagnostics"]
    assert rows[0]["code"] == "E0401" and rows[0]["line"] == 5 and rows[0]["column"] == 6


def test_yaml_python_tags_are_refused():
    text = "labc: 1\nprotocol: !!python/object/apply:os.system ['echo hi']\n"
    result = parse_text(text, "p.yaml")
    assert [d.code for d in result.diagnostics] == ["E0202"]
    assert "not allowed" in result.diagnostics[0].message and result.protocol is None


def test_long_source_lines_are_cut_around_the_span():
    text = LAB_HEAD + "pick b # " + "x" * 300 + "\nrepeat " + "9" * 5000 + " times {\n  pick b\n}\n"
    result = parse_text(text, "p.lab")
    rendered = render_text(result.diagnostics, result.sources)
    source_line, caret_line = [line for line in rendered.splitlines() if line.startswith(("6 |", "  |"))][-2:]
    assert len(source_line) < 120 and source_line.endswith("...")
    start = caret_line.index("^")
    assert source_line[start - 1 : start + 3] == " 999"  # the caret sits under the number
