"""Markdown: a plan a technician could follow, statement by statement, with materials and timing."""

from __future__ import annotations

from itertools import groupby

from compiler.model import CompiledProtocol, ResolvedObject


def _contents(obj: ResolvedObject) -> str:
    parts = []
    for well, liquids in obj.contents.items():
        text = ", ".join(f"{_volume(v)} {liquid}" for liquid, v in liquids.items())
        parts.append(f"{well}: {text}" if well else text)
    return "; ".join(parts) or "empty"


def _volume(ul: float) -> str:
    return f"{ul / 1000:g} mL" if ul >= 1000 else f"{ul:g} µL"


def _duration(seconds: float) -> str:
    if seconds >= 120:
        return f"{seconds / 60:.1f} min"
    return f"{seconds:g} s"


def to_markdown(compiled: CompiledProtocol) -> str:
    info = compiled.protocol
    sched = compiled.schedule
    out = [f"# {info.name}", ""]
    if info.description:
        out += [info.description, ""]
    out += [
        f"Compiled from `{info.source}` for {info.robot or 'any robot'} with {sched.arms} arm(s): "
        f"{len(compiled.nodes)} steps, about {_duration(sched.makespan_s)} in all.",
        "",
        "## Materials",
        "",
        "| name | type | where | contents |",
        "|---|---|---|---|",
    ]
    for obj in compiled.objects:
        out.append(
            f"| {obj.name} | {obj.type} | {obj.at or 'anywhere'} | {'instrument' if obj.instrument else _contents(obj)} |"
        )
    out += ["", "## Steps", ""]
    start = {s.id: s.start_s for lane in sched.lanes for s in lane.nodes}
    groups = groupby(compiled.nodes, key=lambda n: (n.statement, n.span.line if n.span else 0))
    for number, ((statement, _line), group) in enumerate(groups, start=1):
        nodes = list(group)
        line = f" (line {nodes[0].span.line})" if nodes[0].span else ""
        out.append(f"{number}. **`{statement}`**{line}")
        for node in nodes:
            who = "" if node.arm is None else f", arm {node.arm}"
            out.append(f"    - {node.instruction} _(at {_duration(start[node.id])}{who})_")
    if compiled.warnings:
        out += ["", "## Warnings", ""]
        out += [f"- `{w.code}` {w.message}" + (f" — {w.hint}" if w.hint else "") for w in compiled.warnings]
    return "\n".join(out) + "\n"
