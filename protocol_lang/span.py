"""Source positions. Every AST node and every diagnostic carries a `Span` into the original file."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Span(BaseModel):
    """A region of a source file: 1-based line and column, end exclusive (like an editor's selection)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    @classmethod
    def point(cls, file: str, line: int, column: int, width: int = 1) -> Span:
        return cls(file=file, line=line, column=column, end_line=line, end_column=column + width)


class Source:
    """The text of one file, with the line lookups that diagnostics and YAML offsets need."""

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.text = text
        self.lines = text.splitlines()

    def line(self, number: int) -> str:
        """The text of 1-based line `number`, or '' past the end (an error at end of file)."""
        if 1 <= number <= len(self.lines):
            return self.lines[number - 1]
        return ""

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        offset = max(0, min(offset, len(self.text)))
        line = self.text.count("\n", 0, offset) + 1
        start = self.text.rfind("\n", 0, offset) + 1
        return line, offset - start + 1

    def span_at(self, offset: int, width: int = 1) -> Span:
        line, column = self.position(offset)
        return Span.point(self.name, line, column, max(1, width))

    def end_span(self) -> Span:
        """A span just after the last character: where 'unexpected end of file' points."""
        return self.span_at(len(self.text.rstrip("\n")))
