"""Graphviz DOT: nodes coloured by arm, edges styled by reason (data bold, resource solid, order dashed)."""

from __future__ import annotations

from compiler.model import CompiledProtocol

_ARM_COLOURS = ("#cfe2ff", "#d1e7dd", "#fff3cd", "#f8d7da", "#e2d9f3")
_EDGE_STYLE = {
    "data": 'style=bold color="#0d6efd"',
    "resource": "style=solid",
    "order": "style=dashed color=gray",
}


def _quote(text: str) -> str:
    """A DOT string: backslashes and quotes escaped, newlines as DOT's `\\n` line break."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(compiled: CompiledProtocol) -> str:
    lines = [
        f"digraph {_quote(compiled.protocol.name)} {{",
        "  rankdir=TB;",
        '  node [shape=box style="rounded,filled" fontname="Helvetica"];',
    ]
    for node in compiled.nodes:
        colour = "#eeeeee" if node.arm is None else _ARM_COLOURS[node.arm % len(_ARM_COLOURS)]
        label = _quote(f"{node.id} {node.skill}\n{node.instruction}")
        lines.append(f'  {node.id} [label={label} fillcolor="{colour}"];')
    for edge in compiled.edges:
        lines.append(f'  {edge.source} -> {edge.target} [label="{edge.reason}" {_EDGE_STYLE[edge.reason]}];')
    lines.append("}")
    return "\n".join(lines) + "\n"
