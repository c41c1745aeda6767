"""Properties of compiled protocols over generated valid protocols: the DAG is acyclic and
transitively reduced, the schedule respects every edge and never double-books an arm, and liquid is
conserved (containers + tips + waste)."""

from __future__ import annotations

import networkx as nx
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from compiler import compile_protocol
from protocol_lang import parse_text

BENCH = """labc 1
protocol generated
labware tips: tiprack_200ul at bench/slot1
labware tips_big: tiprack_1000ul at bench/side_left
labware res: reservoir_12 at bench/slot2 { A1: 15 mL water, A2: 15 mL dye, A3: 15 mL buffer }
labware plate: plate_96 at bench/slot9
labware b1: beaker_250ml at bench/center { 100 mL water }
labware b2: beaker_250ml at bench/left { 100 mL ethanol }
labware b3: beaker_250ml at bench/slot3 { 50 mL buffer }
labware rod: glass_rod at bench/rack
instrument p200: pipette_p200 at bench/slot4 using tips
instrument p1000: pipette_p1000 at bench/corner_right using tips_big
instrument hotplate: hotplate at bench/right
instrument box: drying_box at bench/back
"""
BEAKERS = ["b1", "b2", "b3"]
WELLS = st.builds(lambda r, c: f"{r}{c}", st.sampled_from("ABCDEFGH"), st.integers(1, 12))


def _transfer():
    target = st.one_of(WELLS, st.sampled_from(["A1..A6", "row(B)", "col(3)", "C4..D2"]))
    return st.builds(
        lambda v, src, tgt, mix, tip: (
            f"transfer {v} uL from res.{src} to plate.{tgt}"
            + (f" mixing {mix} times" if mix else "")
            + (f" new tip {tip}" if tip else "")
        ),
        st.sampled_from([20, 50, 80, 250, 600]),
        st.sampled_from(["A1", "A2", "A3"]),
        target,
        st.sampled_from([0, 0, 2]),
        st.sampled_from([None, "always", "once"]),
    )


def _beaker_step():
    b = st.sampled_from(BEAKERS)
    return st.one_of(
        st.builds(lambda a, c, v: f"pour {v} mL from {a} into {c}", b, b, st.integers(1, 20)).filter(
            lambda s: s.split()[4] != s.split()[6]
        ),
        st.builds(lambda a, t: f"shake {a} for {t} s", b, st.integers(2, 20)),
        st.builds(lambda a: f"stir {a} with rod for 10 s", b),
        st.builds(lambda a, t: f"heat {a} on hotplate to {t} C for 1 min", b, st.integers(40, 120)),
        st.builds(lambda a: f"transport {a} to bench/slot7", b),
        st.builds(lambda t: f"wait {t} s", st.integers(1, 30)),
    )


@st.composite
def programs(draw) -> str:
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["beaker", "transfer", "parallel", "repeat"]))
        if kind == "beaker":
            lines.append(draw(_beaker_step()))
        elif kind == "transfer":
            lines.append(draw(_transfer()))
        elif kind == "parallel":
            a, b = draw(st.permutations(BEAKERS))[:2]
            lines += ["parallel {", f"    shake {a} for 5 s", f"    stir {b} with rod for 5 s", "}"]
        else:
            lines += [f"repeat {draw(st.integers(1, 3))} times {{", "    " + draw(_beaker_step()), "}"]
    return BENCH + "\n".join(lines) + "\n"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)
@given(text=programs(), arms=st.integers(1, 3))
def test_compiled_protocol_invariants(text, arms):
    parsed = parse_text(text, "gen.lab")
    assert parsed.ok, [(d.code, d.message) for d in parsed.diagnostics]
    compiled, _ = compile_protocol(parsed.protocol, text, arms=arms)
    assume(compiled is not None)  # a generated program may still overflow a well or run dry
    graph = nx.DiGraph()
    graph.add_nodes_from(n.id for n in compiled.nodes)
    graph.add_edges_from((e.source, e.target) for e in compiled.edges)
    assert nx.is_directed_acyclic_graph(graph)
    assert set(nx.transitive_reduction(graph).edges) == set(graph.edges)

    slots = {s.id: s for lane in compiled.schedule.lanes for s in lane.nodes}
    assert set(slots) == {n.id for n in compiled.nodes}
    for edge in compiled.edges:
        assert slots[edge.target].start_s >= slots[edge.source].end_s - 1e-9
    for lane in compiled.schedule.lanes:
        if lane.arm is not None:
            assert all(a.end_s <= b.start_s + 1e-9 for a, b in zip(lane.nodes, lane.nodes[1:], strict=False))
    assert compiled.schedule.makespan_s >= compiled.schedule.critical_path_s - 1e-9

    before = compiled.initial_state.total_liquid_ul()
    after = compiled.final_state.total_liquid_ul()
    assert abs(before - after) < 1e-6 * max(1.0, before)


def test_parallel_branches_overlap_with_two_arms():
    text = BENCH + "parallel {\n    shake b1 for 30 s\n    stir b2 with rod for 30 s\n}\n"
    parsed = parse_text(text, "p.lab")
    one, _ = compile_protocol(parsed.protocol, text, arms=1)
    two, _ = compile_protocol(parsed.protocol, text, arms=2)
    assert {n.arm for n in two.nodes} == {0, 1}
    assert two.schedule.makespan_s < one.schedule.makespan_s
    assert two.schedule.makespan_s == two.schedule.critical_path_s
    # Branches are independent: no edge joins a node of one branch to a node of the other.
    branch = {n.id: n.branch for n in two.nodes}
    assert all(branch[e.source] == branch[e.target] for e in two.edges)
