"""What keeps `labc compile` fast (issue 15, item 9): no networkx, numpy or simulator on the compile
path, rendering cached per (templates, context), the DAG usable as a networkx graph on demand."""

from __future__ import annotations

import os
import subprocess
import sys

import networkx as nx
import pytest

from compiler import compile_file
from compiler.dag import build_dag
from compiler.execute import Seq
from skills import base
from skills.base import Usage
from tests.conftest import EXAMPLES, ROOT


def test_cold_compile_imports_nothing_heavy(tmp_path):
    """Nor PyYAML for a `.lab` file once the catalog's parse is in the user cache (the first run fills it),
    nor the `regex` module lark would import for a feature the grammar does not use."""
    code = (
        "import sys; from labc.cli import main; "
        "main(['compile', sys.argv[1], '--workspace', sys.argv[2]]); "
        "print(sorted(m for m in ('networkx', 'numpy', 'mujoco', 'torch', 'pint', 'yaml', 'jinja2', 'regex') if m in sys.modules), "
        "file=sys.stderr)"
    )
    env = {**os.environ, "LABC_CACHE_DIR": str(tmp_path / "cache")}
    for run in range(2):
        proc = subprocess.run(
            [sys.executable, "-c", code, str(EXAMPLES / "pipette_protocol.lab"), str(tmp_path)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        expected = "['yaml']" if run == 0 else "[]"
        assert proc.stderr.strip().splitlines()[-1] == expected


def test_regex_stays_importable_after_the_parser_loads() -> None:
    """protocol_lang keeps lark from importing `regex` by a None entry in sys.modules; the entry must
    be gone afterwards, or transformers (which needs `regex`) would fail to import in the same process."""
    code = "import protocol_lang, sys; assert 'regex' not in sys.modules; import regex; print(regex.__name__)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "regex"


def test_node_order_is_topological():
    """The scheduler walks nodes in id order instead of sorting: check against networkx."""
    compiled = compile_file(EXAMPLES / "serial_dilution.lab").compiled
    graph = nx.DiGraph()
    graph.add_nodes_from(n.id for n in compiled.nodes)
    graph.add_edges_from((e.source, e.target) for e in compiled.edges)
    ids = [n.id for n in compiled.nodes]
    assert list(nx.lexicographical_topological_sort(graph, key=ids.index)) == ids


def test_skill_graph_converts_to_networkx():
    usages = {
        "n1": Usage(objects=frozenset({"b1"}), liquid_to=frozenset({"b1"})),
        "n2": Usage(objects=frozenset({"b2"}), liquid_from=frozenset({"b1"})),
        "n3": Usage(objects=frozenset({"b3"})),
    }
    graph = build_dag(["n1", "n2", "n3"], Seq(items=["n1", "n2", "n3"]), usages).to_networkx()
    assert sorted(graph.edges(data="reason")) == [("n1", "n2", "data"), ("n2", "n3", "order")]
    with pytest.raises(AssertionError):
        build_dag(["n2", "n1"], Seq(items=["n1", "n2"]), usages)


def test_rendering_is_cached_and_identical(tmp_path):
    base._render_cached.cache_clear()
    first = compile_file(EXAMPLES / "pipette_protocol.lab").compiled
    info = base._render_cached.cache_info()
    assert info.hits > info.misses  # the same aspirate, the same tip drop: rendered once each
    base._render_cached.cache_clear()
    again = compile_file(EXAMPLES / "pipette_protocol.lab").compiled
    assert [n.instruction for n in first.nodes] == [n.instruction for n in again.nodes]
    assert [n.paraphrases for n in first.nodes] == [n.paraphrases for n in again.nodes]
