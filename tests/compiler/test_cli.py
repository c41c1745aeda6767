"""`labc compile`, `labc check` and `labc schema` as a user runs them."""

from __future__ import annotations

import json

from compiler.model import CompiledProtocol
from tests.conftest import EXAMPLES


def test_compile_writes_the_workspace(labc, tmp_path, monkeypatch):
    monkeypatch.setenv("LABC_WORKSPACE", str(tmp_path / "ws"))
    result = labc("compile", EXAMPLES / "pipette_protocol.yaml")
    assert result.code == 0, result.err
    saved = tmp_path / "ws" / "compiled" / "pipette_protocol.json"
    compiled = CompiledProtocol.model_validate_json(saved.read_text())
    assert compiled.schema_ == "labc.compiled/1"
    assert "118 skill nodes" in result.err and result.out == ""
    first = compiled.nodes[0]
    assert (
        first.skill == "pick" and first.instruction == "Pick up the pipette." and len(first.paraphrases) >= 2
    )


def test_emit_formats(labc, tmp_path, monkeypatch):
    monkeypatch.setenv("LABC_WORKSPACE", str(tmp_path / "ws"))
    source = EXAMPLES / "labutopia" / "level2" / "heat_liquid.lab"
    text = labc("compile", source, "--emit", "text")
    assert text.code == 0 and "makespan 84 s" in text.out and "Wait for 1 min." in text.out
    markdown = labc("compile", source, "--emit", "markdown")
    assert (
        markdown.out.startswith("# heat_liquid")
        and "## Materials" in markdown.out
        and "| hotplate | hotplate |" in markdown.out
    )
    mermaid = labc("compile", source, "--emit", "mermaid")
    assert mermaid.out.startswith("flowchart TD") and "n0001 -->|resource| n0002" in mermaid.out
    out = tmp_path / "plan.dot"
    dot = labc("compile", source, "--emit", "dot", "-o", out)
    assert dot.code == 0 and out.read_text().startswith('digraph "heat_liquid"')


def test_arms_and_set(labc, tmp_path, monkeypatch):
    monkeypatch.setenv("LABC_WORKSPACE", str(tmp_path / "ws"))
    one = labc("compile", EXAMPLES / "serial_dilution.lab", "--emit", "text")
    two = labc(
        "compile", EXAMPLES / "serial_dilution.lab", "--emit", "text", "--arms", "2", "--set", "volume=40uL"
    )
    assert "makespan 708 s" in one.out and "makespan 662 s" in two.out
    assert "Aspirate 40 µL of water" in two.out


def test_check_reports_and_exits(labc, tmp_path):
    bad = tmp_path / "bad.lab"
    bad.write_text("labc 1\nprotocol p\nlabware b: beaker_250ml at bench/center { 300 mL water }\n")
    result = labc("check", bad)
    assert result.code == 1 and "error[E2001]" in result.err and "bad.lab:3:1" in result.err
    result = labc("check", bad, "--format", "json")
    assert result.code == 1 and json.loads(result.out)["diagnostics"][0]["code"] == "E2001"
    good = labc("check", EXAMPLES / "labutopia" / "level1" / "pick.lab")
    assert good.code == 0 and "warning[W2006]" in good.err


def test_usage_errors(labc, tmp_path):
    assert labc("compile", tmp_path / "nope.yaml").code == 2
    assert labc("compile", EXAMPLES / "pipette_protocol.yaml", "--arms", "0").code == 2
    result = labc("compile", EXAMPLES / "pipette_protocol.yaml", "--robot", "r2d2")
    assert result.code == 2 and "unknown robot 'r2d2'" in result.err


def test_schema_describes_the_format(labc):
    result = labc("schema")
    schema = json.loads(result.out)
    assert (
        result.code == 0
        and "nodes" in schema["properties"]
        and schema["properties"]["schema"]["const"] == "labc.compiled/1"
    )


def test_instructions_keep_the_names_as_written(labc, tmp_path):
    source = tmp_path / "sol.lab"
    source.write_text(
        'labc 1\nprotocol sol "Move a solution."\n\n'
        "labware sol_a: beaker_250ml at bench/center { 100 mL water }\n"
        "labware beaker_2: beaker_250ml at bench/left\n\n"
        "pick sol_a\npour 20 mL from sol_a into beaker_2\nplace sol_a at bench/center\n",
        encoding="utf-8",
    )
    result = labc("compile", source, "--emit", "text", "--workspace", tmp_path / "ws")
    assert result.code == 0, result.err
    assert "Pick up the sol_a." in result.out and "the sol a" not in result.out
    assert "Pour 20 mL of water from the sol_a into beaker_2." in result.out


def test_a_non_ascii_name_gets_an_ascii_suggestion(labc, tmp_path):
    lab = tmp_path / "b.lab"
    lab.write_text(
        'labc 1\nprotocol b "x"\nlabware bécher: beaker_250ml at bench/center\npick bécher\n',
        encoding="utf-8",
    )
    yaml = tmp_path / "b.yaml"
    yaml.write_text(
        "labc: 1\nprotocol: b\nlabware:\n  bécher: {type: beaker_250ml, at: bench/center}\nsteps:\n  - pick bécher\n",
        encoding="utf-8",
    )
    for path in (lab, yaml):
        result = labc("check", path, "--format", "json")
        hints = [d["hint"] or "" for d in json.loads(result.out)["diagnostics"]]
        assert result.code == 1 and hints
        assert any("write `becher` instead of `bécher`" in hint for hint in hints), hints
