"""Plain text: one line per node in schedule order, the quickest way to read a compiled plan."""

from __future__ import annotations

from compiler.model import CompiledProtocol


def to_text(compiled: CompiledProtocol) -> str:
    info = compiled.protocol
    sched = compiled.schedule
    start = {s.id: s.start_s for lane in sched.lanes for s in lane.nodes}
    order = sorted(compiled.nodes, key=lambda n: (start[n.id], n.id))
    lines = [
        f"{info.name}: {len(compiled.nodes)} skill nodes, {len(compiled.edges)} edges, {sched.arms} arm(s), "
        f"makespan {sched.makespan_s:g} s (critical path {sched.critical_path_s:g} s)"
    ]
    for node in order:
        arm = "timer" if node.arm is None else f"arm {node.arm}"
        where = f"line {node.span.line}" if node.span else ""
        lines.append(
            f"  {node.id}  {start[node.id]:>8.1f}s  {arm:<6} {node.skill:<13} {node.instruction}  [{where}]"
        )
    for warning in compiled.warnings:
        lines.append(f"  warning[{warning.code}]: {warning.message}")
    return "\n".join(lines) + "\n"
