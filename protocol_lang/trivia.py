"""Comments and blank lines, attached to the declaration or statement they belong to.

Neither parser keeps comments (lark ignores them, YAML drops them), so after parsing, the source is
scanned line by line and every comment is given to a line of the AST: a comment on its own line (and
the blank lines around it) to the next declaration or statement, a comment at the end of a line to
that line, comments before a block's end (`}` in `.lab`, indented under the block in `.yaml`) to the
block, the rest to the protocol's end. `labc fmt` writes them back in either surface.

Normal form, the same whichever surface a protocol was read from: at most one blank line in a row,
none at the start of the file, none at the end of a block or of the file, and none at the start of the
declarations or of the steps (the formatter always separates those groups with one blank line).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from protocol_lang import ast
from protocol_lang.span import Span

BLANK = ""


@dataclass(slots=True)
class _Comment:
    column: int  # 1-based column of `#`
    text: str
    own_line: bool


@dataclass(slots=True)
class _Scan:
    """Per line (1-based): its comment, whether it is blank, and (.lab) its code without the comment."""

    count: int
    comments: dict[int, _Comment] = field(default_factory=dict)
    blank: set[int] = field(default_factory=set)
    code: dict[int, str] = field(default_factory=dict)


@dataclass(slots=True)
class _Anchor:
    """A line of the AST that comments attach to."""

    key: Any  # id() of the node, or a header line's name
    start: int
    end: int
    parent: int | None = None  # id() of the enclosing block
    block: bool = False
    column: int = 1
    close: int | None = None  # .lab: the line of the block's `}`


def clean(lines: list[str] | tuple[str, ...], *, lead: bool = True, trail: bool = False) -> tuple[str, ...]:
    """The normal form of a run of comment and blank lines: no two blanks in a row; a leading blank
    only where `lead`, a trailing one only where `trail`."""
    out: list[str] = []
    for line in lines:
        if line == BLANK and ((not out and not lead) or (out and out[-1] == BLANK)):
            continue
        out.append(line)
    while out and out[-1] == BLANK and not trail:
        out.pop()
    return tuple(out)


def _trivia(before: tuple[str, ...], after: str | None) -> ast.Trivia | None:
    return ast.Trivia(before=before, after=after) if before or after else None


# ---- scanning -----------------------------------------------------------------------------------


def scan_lab(text: str) -> _Scan:
    """`#` starts a comment anywhere outside a double-quoted string."""
    lines = text.split("\n")
    scan = _Scan(count=len(lines))
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            scan.blank.add(number)
            continue
        cut = _comment_start(line) if "#" in line else None
        if cut is None:
            scan.code[number] = line
            continue
        code = line[:cut]
        scan.code[number] = code
        scan.comments[number] = _Comment(cut + 1, line[cut:].rstrip(), not code.strip())
    return scan


def _comment_start(line: str) -> int | None:
    quoted = escaped = False
    for i, char in enumerate(line):
        if escaped:
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == "#" and not quoted:
            return i
    return None


def scan_yaml(text: str, root: Any) -> _Scan:
    """A comment is what follows the last YAML value of a line (the composed nodes never include
    comments, and their marks say where each scalar and flow collection ends)."""
    import yaml

    lines = text.split("\n")
    scan = _Scan(count=len(lines))
    last_end: dict[int, int] = {}  # 0-based line -> end column of its last value
    inside: set[int] = set()  # 0-based lines inside a multi-line value
    todo = [root] if "#" in text and root is not None else []
    while todo:
        node = todo.pop()
        if isinstance(node, yaml.MappingNode):
            todo.extend(n for pair in node.value for n in pair)
        elif isinstance(node, yaml.SequenceNode):
            todo.extend(node.value)
        if isinstance(node, yaml.ScalarNode) or node.flow_style:
            start, end = node.start_mark, node.end_mark
            last_end[end.line] = max(last_end.get(end.line, 0), end.column)
            inside.update(range(start.line + 1, end.line))
    for index, line in enumerate(lines):
        number = index + 1
        if not line.strip():
            scan.blank.add(number)
            continue
        if index in inside or "#" not in line:
            continue
        # After the last value only indicators (`key:`, `- `, brackets) and a comment can follow.
        rest = line[last_end.get(index, 0) :]
        stripped = rest.lstrip(" \t:-?,[]{}")
        if stripped.startswith("#") and (len(stripped) == len(line) or line[-len(stripped) - 1] in " \t"):
            column = len(line) - len(stripped) + 1
            own_line = not line[: column - 1].strip()
            scan.comments[number] = _Comment(column, stripped.rstrip(), own_line)
    return scan


# ---- attaching ----------------------------------------------------------------------------------


def attach(
    protocol: ast.Protocol, text: str, surface: str, header: dict[str, Span | None], root: Any = None
) -> ast.Protocol:
    """`protocol` with the comments and blank lines of `text` (its source) attached; `root` is the
    composed YAML document of a `.yaml` source."""
    scan = scan_lab(text) if surface == "lab" else scan_yaml(text, root)
    if not scan.comments and scan.blank <= _implied_blanks(protocol, scan, lab=surface == "lab"):
        return protocol  # nothing to keep (a formatted file without comments): one pass over the lines
    anchors = _anchors(protocol, header, scan if surface == "lab" else None)
    found = _Attacher(scan, anchors, lab=surface == "lab").run()
    return _rebuild(protocol, found)


def _implied_blanks(protocol: ast.Protocol, scan: _Scan, *, lab: bool) -> set[int]:
    """The blank lines that carry nothing: those the formatter writes anyway (before the first
    declaration and the first step, or their YAML section key) and those at the end of the file."""
    last = scan.count
    lines = {last}
    while last - 1 in scan.blank:
        last -= 1
        lines.add(last)
    for node in (
        next(iter([*protocol.labware, *protocol.instruments]), None),
        next(iter(protocol.steps), None),
    ):
        if node is not None and node.span is not None:
            lines.update((node.span.line - 1,) if lab else (node.span.line - 1, node.span.line - 2))
    return lines


def _line_range(span: Span) -> tuple[int, int]:
    end = span.end_line
    if span.end_column == 1 and end > span.line:  # YAML block nodes end at the next line's start
        end -= 1
    return span.line, end


def _anchors(protocol: ast.Protocol, header: dict[str, Span | None], lab: _Scan | None) -> list[_Anchor]:
    anchors = [_Anchor(name, *_line_range(span)) for name, span in header.items() if span is not None]
    for node in [*protocol.params, *protocol.labware, *protocol.instruments]:
        if node.span is not None:
            anchors.append(_Anchor(id(node), *_line_range(node.span)))

    def steps(statements: list[Any], parent: int | None) -> None:
        for node in statements:
            if node.span is None:
                continue
            start, end = _line_range(node.span)
            block = isinstance(node, (ast.Parallel, ast.Repeat))
            anchor = _Anchor(id(node), start, start if block else end, parent, block, node.span.column)
            if block and lab is not None:
                anchor.close = _closing_line(lab, start)
            anchors.append(anchor)
            if isinstance(node, ast.Parallel):
                steps(node.branches, id(node))
            elif isinstance(node, ast.Repeat):
                steps(node.body, id(node))

    steps(protocol.steps, None)
    anchors.sort(key=lambda a: a.start)
    return anchors


def _closing_line(scan: _Scan, start: int) -> int | None:
    depth = 0
    for number in range(start, scan.count + 1):
        code = scan.code.get(number, "")
        depth += code.count("{") - code.count("}")
        if depth <= 0 and number > start:
            return number
    return None


class _Attacher:
    def __init__(self, scan: _Scan, anchors: list[_Anchor], lab: bool) -> None:
        self.scan = scan
        self.lab = lab
        self.starts: dict[int, _Anchor] = {}
        for anchor in anchors:
            self.starts.setdefault(anchor.start, anchor)
        self.closes = {a.close: a for a in anchors if a.close is not None}
        self.before: dict[Any, list[str]] = {}
        self.after: dict[Any, str] = {}
        self.tails: dict[Any, list[str]] = {}
        self.pending: list[tuple[int, str]] = []  # (column, text); blank lines are (0, "")
        self.stack: list[_Anchor] = []
        self.last: _Anchor | None = None
        self.last_seen = False

    def run(self) -> dict[str, Any]:
        for number in range(1, self.scan.count + 1):
            comment = self.scan.comments.get(number)
            anchor = self.starts.get(number)
            if anchor is not None:
                if not self.lab:
                    self._close_until(anchor.parent)
                leading = self._flush()
                if leading:  # blank lines at the top of the file are no group separator
                    self.before[anchor.key] = leading if self.last_seen else list(clean(leading, lead=False))
                self.last_seen = True
                if comment is not None:
                    self.after[anchor.key] = comment.text
                self.last = anchor
                if anchor.block:
                    self.stack.append(anchor)
            elif number in self.closes:
                block = self.closes[number]
                while self.stack and self.stack[-1] is not block:
                    self.stack.pop()
                if self.stack:
                    self.stack.pop()
                # A comment after `}` is kept as the block's last comment line: YAML has no `}`.
                lines = self._flush() + ([comment.text] if comment is not None else [])
                self.tails[block.key] = lines
                self.last = None
            elif number in self.scan.blank:
                self.pending.append((0, BLANK))
            elif comment is not None:
                self._comment(number, comment)
        self._close_until(None)
        return {"before": self.before, "after": self.after, "tails": self.tails, "end": self._flush()}

    def _comment(self, number: int, comment: _Comment) -> None:
        last = self.last
        if last is not None and not last.block and last.start < number <= last.end:
            # Inside a declaration written over several lines (YAML block style): keep it with it.
            if comment.own_line or last.key in self.after:
                self.before.setdefault(last.key, []).append(comment.text)
            else:
                self.after[last.key] = comment.text
            return
        if comment.own_line:
            self.pending.append((comment.column, comment.text))
        else:  # at the end of a line that is no statement (`params:`): it leads what follows
            line = self.scan.code.get(number) or ""
            self.pending.append((len(line) - len(line.lstrip()) + 1, comment.text))

    def _close_until(self, parent: int | None) -> None:
        """YAML: close the blocks that end before the next line; comments indented under a block
        (at least as deep as its key) are its tail."""
        while self.stack and self.stack[-1].key != parent:
            block = self.stack.pop()
            taken = 0
            for index, (column, text) in enumerate(self.pending):
                if text != BLANK and column < block.column:
                    break
                if text != BLANK:
                    taken = index + 1
            self.tails[block.key] = [t for _, t in self.pending[:taken]]
            del self.pending[:taken]

    def _flush(self) -> list[str]:
        lines = [text for _, text in self.pending]
        self.pending = []
        return lines


def _rebuild(protocol: ast.Protocol, found: dict[str, Any]) -> ast.Protocol:
    before, after, tails = found["before"], found["after"], found["tails"]
    if not protocol.robots and "robots" in before:
        # `robots: []` is not written back: its comments go to the next line that is.
        orphans = [*before.pop("robots"), *([after.pop("robots")] if "robots" in after else [])]
        following = [*protocol.params, *protocol.labware, *protocol.instruments, *protocol.steps]
        key = id(following[0]) if following else None
        if key is None:
            found["end"] = orphans + found["end"]
        else:
            before[key] = orphans + list(before.get(key, []))
    first_decl = next(iter([*protocol.labware, *protocol.instruments]), None)
    first_step = protocol.steps[0] if protocol.steps else None
    forced = {id(first_decl), id(first_step)}

    def line(node: Any) -> Any:
        key = id(node)
        block = isinstance(node, (ast.Parallel, ast.Repeat))
        if not block and key not in before and key not in after:
            return node  # the common case: nothing written around this line
        update: dict[str, Any] = {}
        trivia = _trivia(clean(before.get(key, ()), lead=key not in forced), after.get(key))
        if trivia is not None:
            update["trivia"] = trivia
        if block:
            name = "branches" if isinstance(node, ast.Parallel) else "body"
            children = getattr(node, name)
            new = [line(s) for s in children]
            if any(a is not b for a, b in zip(new, children, strict=True)):
                update[name] = new
            tail = clean(tails.get(key, ()))
            if tail:
                update["tail"] = ast.Trivia(before=tail)
        return node.model_copy(update=update) if update else node

    header: dict[str, ast.Trivia] = {}
    for name in ("labc", "protocol", "robots"):
        trivia = _trivia(clean(before.get(name, []), lead=name != "labc"), after.get(name))
        if trivia is not None:
            header[name] = trivia
    end = clean(found["end"])
    return protocol.model_copy(
        update={
            "header": header,
            "params": [line(p) for p in protocol.params],
            "labware": [line(d) for d in protocol.labware],
            "instruments": [line(d) for d in protocol.instruments],
            "steps": [line(s) for s in protocol.steps],
            "tail": ast.Trivia(before=end) if end else None,
        }
    )
