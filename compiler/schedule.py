"""List scheduling of the skill DAG onto arms.

Each node's arm was fixed when it was lowered (the arm that picks a beaker is the one that places it),
so scheduling decides when, not where: nodes are taken by priority (longest remaining path first) and
start once their predecessors have finished and their arm is free. Timers (`wait`) occupy no arm:
the hotplate heats while the arm does something else. The critical path is the longest chain of
durations through the DAG, a lower bound that the makespan meets when arms never wait for each other.
"""

from __future__ import annotations

import heapq

from compiler.dag import SkillGraph
from compiler.model import Lane, Schedule, ScheduledNode, SkillNode


def schedule(graph: SkillGraph, nodes: list[SkillNode], arms: int) -> Schedule:
    by_id = {n.id: n for n in nodes}
    order = {n.id: i for i, n in enumerate(nodes)}
    duration = {n.id: n.duration_s for n in nodes}
    rank = _bottom_levels(graph, duration, order)
    remaining = {n: graph.in_degree(n) for n in graph.nodes}
    ready_at = {n: 0.0 for n in graph.nodes}
    arm_free: dict[int | None, float] = {}
    start: dict[str, float] = {}
    heap = [(-rank[n], order[n], n) for n in graph.nodes if remaining[n] == 0]
    heapq.heapify(heap)
    while heap:
        _, _, node = heapq.heappop(heap)
        arm = by_id[node].arm
        begin = ready_at[node] if arm is None else max(ready_at[node], arm_free.get(arm, 0.0))
        start[node] = begin
        end = begin + duration[node]
        if arm is not None:
            arm_free[arm] = end
        for succ in graph.successors(node):
            ready_at[succ] = max(ready_at[succ], end)
            remaining[succ] -= 1
            if remaining[succ] == 0:
                heapq.heappush(heap, (-rank[succ], order[succ], succ))
    lanes: dict[int | None, list[ScheduledNode]] = {}
    for node in sorted(start, key=lambda n: (start[n], order[n])):
        lanes.setdefault(by_id[node].arm, []).append(
            ScheduledNode(id=node, start_s=_r(start[node]), end_s=_r(start[node] + duration[node]))
        )
    makespan = max((start[n] + duration[n] for n in start), default=0.0)
    path, length = _critical_path(graph, duration, order)
    lane_list = [
        Lane(arm=arm, nodes=lanes[arm])
        for arm in sorted(lanes, key=lambda a: (a is None, a if a is not None else 0))
    ]
    return Schedule(
        arms=arms, lanes=lane_list, makespan_s=_r(makespan), critical_path=path, critical_path_s=_r(length)
    )


def _r(value: float) -> float:
    return round(value, 6)


def _bottom_levels(graph: SkillGraph, duration: dict[str, float], order: dict[str, int]) -> dict[str, float]:
    """Longest path from each node to a sink, the node included: list scheduling's priority."""
    level: dict[str, float] = {}
    for node in reversed(graph.nodes):  # node order is topological (see compiler.dag)
        level[node] = duration[node] + max((level[s] for s in graph.successors(node)), default=0.0)
    return level


def _critical_path(
    graph: SkillGraph, duration: dict[str, float], order: dict[str, int]
) -> tuple[list[str], float]:
    best: dict[str, tuple[float, str | None]] = {}
    for node in graph.nodes:
        preds = [(best[p][0], order[p], p) for p in graph.predecessors(node)]
        top = max(preds, default=(0.0, -1, None))
        best[node] = (top[0] + duration[node], top[2])
    if not best:
        return [], 0.0
    end = max(best, key=lambda n: (best[n][0], -order[n]))
    length = best[end][0]
    path = []
    cursor: str | None = end
    while cursor is not None:
        path.append(cursor)
        cursor = best[cursor][1]
    return path[::-1], length
