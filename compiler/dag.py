"""The skill DAG: an edge wherever one node must finish before another may start.

Statements in sequence stay in sequence (a protocol is read in order: a `wait` after a `heat` is part
of the heating even though it touches no object); `parallel` branches get no edges between them. Each
edge says why it is there: `data` when liquid leaves a container the earlier node filled,
`resource` when both use the same object or instrument, `order` when only the protocol's order links
them. The graph is transitively reduced, keeping for each remaining edge the strongest reason that any
path between its ends had.
"""

from __future__ import annotations

import networkx as nx

from compiler.execute import Par, Seq
from compiler.model import Edge, EdgeReason
from skills.base import Usage

_RANK: dict[EdgeReason, int] = {"order": 0, "resource": 1, "data": 2}


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


def build_dag(node_ids: list[str], structure: Seq, usages: dict[str, Usage]) -> nx.DiGraph:
    """The reduced DAG; every edge has a `reason` attribute."""
    graph = nx.DiGraph()
    graph.add_nodes_from(node_ids)
    pairs: list[tuple[str, str]] = []
    _sequence_edges(structure, pairs)
    graph.add_edges_from(pairs)
    reduced = nx.transitive_reduction(graph)
    reduced.add_nodes_from(node_ids)
    for a, b in reduced.edges:
        reduced.edges[a, b]["reason"] = reason(usages[a], usages[b])
    # A reduced edge stands for every path it removed: keep the strongest reason among the pairs it
    # covers that share a resource or liquid (cheap: only the last user of each object is checked).
    last_user: dict[str, str] = {}
    order = {n: i for i, n in enumerate(node_ids)}
    for node in node_ids:
        usage = usages[node]
        for name in sorted(usage.objects | usage.liquid_from):
            earlier = last_user.get(name)
            if earlier is not None and nx.has_path(reduced, earlier, node):
                _strengthen(reduced, earlier, node, reason(usages[earlier], usage), order)
        for name in usage.objects | usage.liquid_to:
            last_user[name] = node
    return reduced


def _strengthen(graph: nx.DiGraph, source: str, target: str, why: EdgeReason, order: dict[str, int]) -> None:
    """Raise the reason of the edge into `target` on the path from `source`, if weaker."""
    if why == "order":
        return
    for pred in sorted(graph.predecessors(target), key=order.__getitem__, reverse=True):
        if pred == source or nx.has_path(graph, source, pred):
            current = graph.edges[pred, target]["reason"]
            if _RANK[why] > _RANK[current]:
                graph.edges[pred, target]["reason"] = why
            return


def edges_of(graph: nx.DiGraph, node_ids: list[str]) -> list[Edge]:
    order = {n: i for i, n in enumerate(node_ids)}
    return [
        Edge(source=a, target=b, reason=graph.edges[a, b]["reason"])
        for a, b in sorted(graph.edges, key=lambda e: (order[e[0]], order[e[1]]))
    ]
