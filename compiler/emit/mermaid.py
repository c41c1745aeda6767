"""Mermaid flowchart, for READMEs and issue trackers that render it."""

from __future__ import annotations

from compiler.model import CompiledProtocol


def _label(text: str) -> str:
    return text.replace('"', "#quot;")


def to_mermaid(compiled: CompiledProtocol) -> str:
    lines = ["flowchart TD"]
    for node in compiled.nodes:
        lines.append(f'    {node.id}["{node.id} {node.skill}: {_label(node.instruction)}"]')
    arrows = {"data": "==>", "resource": "-->", "order": "-.->"}
    for edge in compiled.edges:
        lines.append(f"    {edge.source} {arrows[edge.reason]}|{edge.reason}| {edge.target}")
    return "\n".join(lines) + "\n"
