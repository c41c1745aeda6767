"""Emitters: one CompiledProtocol, several readers (programs, graph viewers, technicians)."""

from __future__ import annotations

from collections.abc import Callable

from compiler.emit.dot import to_dot
from compiler.emit.markdown import to_markdown
from compiler.emit.mermaid import to_mermaid
from compiler.emit.text import to_text
from compiler.model import CompiledProtocol


def to_json(compiled: CompiledProtocol) -> str:
    return compiled.to_json()


EMITTERS: dict[str, Callable[[CompiledProtocol], str]] = {
    "json": to_json,
    "dot": to_dot,
    "mermaid": to_mermaid,
    "markdown": to_markdown,
    "text": to_text,
}
SUFFIXES: dict[str, str] = {
    "json": ".json",
    "dot": ".dot",
    "mermaid": ".mmd",
    "markdown": ".md",
    "text": ".txt",
}
