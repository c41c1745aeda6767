"""The skill DAG: an edge wherever one node must finish before another may start.

Statements in sequence stay in sequence (a protocol is read in order: a `wait` after a `heat` is part
of the heating even though it touches no object); `parallel` branches get no edges between them. Each
edge says why it is there: `data` when liquid leaves a container the earlier node filled,
`resource` when both use the same object or instrument, `order` when only the protocol's order links
them. Each edge's reason is that of its two ends.

The graph is transitively reduced by construction: edges join only the exits of one item of a
sequence to the entries of the next, so every path out of an exit node starts with such an edge and
no edge is implied by another path. (networkx's `transitive_reduction` would confirm this in
O(V * E) time, which is minutes on a 10,000-statement protocol; the tests confirm it instead.)

Every edge also runs forward in node order (a node's predecessors were executed before it), so the
node order is a topological order and the scheduler needs no sort. The graph is a plain adjacency
structure rather than a `networkx.DiGraph`: importing networkx costs more than compiling a 96-well
protocol, and `labc compile` needs none of its algorithms. `SkillGraph.to_networkx()` gives the
networkx graph to code that wants to analyse it (the tests check acyclicity and transitive
reduction with it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from compiler.execute import Par, Seq
from compiler.model import Edge, EdgeReason
from skills.base import Usage


def _ends(item: str | Seq | Par, first: bool) -> list[str]:
    """Entry nodes (first=True) or exit nodes of a structure item."""
    if isinstance(item, str):
        return [item]
    if isinstance(item, Par):
        return [n for branch in item.branches for n in _ends(branch, first)]
    items = [i for i in item.items if _ends(i, first)]
    if not items:
        return []
    return _ends(items[0] if first else items[-1], first)


def _sequence_edges(seq: Seq, out: list[tuple[str, str]]) -> None:
    previous: list[str] = []
    for item in seq.items:
        entries = _ends(item, first=True)
        if not entries:
            continue
        out.extend((a, b) for a in previous for b in entries)
        if isinstance(item, Par):
            for branch in item.branches:
                _sequence_edges(branch, out)
        elif isinstance(item, Seq):
            _sequence_edges(item, out)
        previous = _ends(item, first=False)


def reason(a: Usage, b: Usage) -> EdgeReason:
    if a.liquid_to & b.liquid_from:
        return "data"
    if a.objects & b.objects:
        return "resource"
    return "order"


@dataclass
class SkillGraph:
    """The skill DAG: `nodes` in execution (= topological) order, adjacency both ways, edge reasons."""

    nodes: list[str]
    succ: dict[str, list[str]] = field(default_factory=dict)
    pred: dict[str, list[str]] = field(default_factory=dict)
    reasons: dict[tuple[str, str], EdgeReason] = field(default_factory=dict)

    def add_edge(self, a: str, b: str, reason: EdgeReason) -> None:
        if (a, b) not in self.reasons:
            self.succ[a].append(b)
            self.pred[b].append(a)
        self.reasons[(a, b)] = reason

    def successors(self, node: str) -> list[str]:
        return self.succ[node]

    def predecessors(self, node: str) -> list[str]:
        return self.pred[node]

    def in_degree(self, node: str) -> int:
        return len(self.pred[node])

    def to_networkx(self) -> Any:  # -> networkx.DiGraph (imported here, on demand)
        import networkx as nx

        graph = nx.DiGraph()
        graph.add_nodes_from(self.nodes)
        for (a, b), why in self.reasons.items():
            graph.add_edge(a, b, reason=why)
        return graph


def build_dag(node_ids: list[str], structure: Seq, usages: dict[str, Usage]) -> SkillGraph:
    """The DAG; every edge has a reason, and every edge runs forward in `node_ids` order."""
    graph = SkillGraph(list(node_ids), {n: [] for n in node_ids}, {n: [] for n in node_ids})
    pairs: list[tuple[str, str]] = []
    _sequence_edges(structure, pairs)
    order = {n: i for i, n in enumerate(node_ids)}
    for a, b in pairs:
        if order[a] >= order[b]:
            raise AssertionError(f"edge {a} -> {b} runs backwards")  # the scheduler relies on it
        graph.add_edge(a, b, reason(usages[a], usages[b]))
    return graph


def edges_of(graph: SkillGraph, node_ids: list[str]) -> list[Edge]:
    order = {n: i for i, n in enumerate(node_ids)}
    return [
        Edge(source=a, target=b, reason=why)
        for (a, b), why in sorted(graph.reasons.items(), key=lambda e: (order[e[0][0]], order[e[0][1]]))
    ]
