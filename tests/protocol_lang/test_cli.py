"""`labc parse` and `labc fmt` as a user runs them: exit codes, outputs, files."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import EXAMPLES, ROOT


def test_parse_prints_the_ast(labc):
    result = labc("parse", EXAMPLES / "pipette_protocol.lab")
    assert result.code == 0
    tree = json.loads(result.out)
    assert tree["name"] == "pipette_protocol" and tree["steps"][0]["kind"] == "transfer"


def test_parse_set_resolves(labc):
    result = labc("parse", EXAMPLES / "pipette_protocol.yaml", "--set", "sample_volume=25uL")
    assert result.code == 0
    steps = json.loads(result.out)["steps"]
    assert steps[2]["volume"] == {
        "span": steps[2]["volume"]["span"],
        "kind": "quantity",
        "value": 25.0,
        "unit": "uL",
    }


def test_diagnostics_exit_1_text_and_json(labc, tmp_path):
    path = tmp_path / "bad.lab"
    path.write_text("labc 1\nprotocol p\nwait 5 uL\n")
    result = labc("parse", path)
    assert result.code == 1 and "error[E0401]" in result.err and f"{path}:3:6" in result.err
    result = labc("parse", path, "--format", "json")
    assert result.code == 1
    assert json.loads(result.out)["diagnostics"][0]["code"] == "E0401"


def test_usage_errors_exit_2(labc, tmp_path):
    assert labc("parse", tmp_path / "missing.lab").code == 2
    other = tmp_path / "notes.txt"
    other.write_text("hello")
    result = labc("parse", other)
    assert result.code == 2 and ".yaml, .yml or .lab" in result.err
    assert labc("fmt", EXAMPLES / "pipette_protocol.lab", "--to", "json").code == 2
    assert labc("nonsense").code == 2


def test_fmt_converts_and_writes_atomically(labc, tmp_path):
    out = tmp_path / "p.lab"
    result = labc("fmt", EXAMPLES / "pipette_protocol.yaml", "--to", "lab", "-o", out)
    assert result.code == 0
    # The .lab twin exactly: comments, blank lines and `{param}` references are carried over.
    assert out.read_text() == (EXAMPLES / "pipette_protocol.lab").read_text()
    assert labc("fmt", out, "--check").code == 0
    out.write_text(out.read_text().replace("param buffer_volume = 100 uL", "param  buffer_volume = 100uL"))
    result = labc("fmt", out, "--check")
    assert result.code == 1 and "is not formatted" in result.err
    assert [p.name for p in tmp_path.iterdir()] == ["p.lab"]


def test_cold_parse_imports_nothing_heavy():
    code = "import sys; from labc.cli import main; main(['parse', sys.argv[1]]); print(sorted(m for m in ('torch', 'mujoco', 'ray', 'transformers', 'pint', 'numpy') if m in sys.modules), file=sys.stderr)"
    proc = subprocess.run(
        [sys.executable, "-c", code, str(EXAMPLES / "serial_dilution.yaml")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ},
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == "[]"
