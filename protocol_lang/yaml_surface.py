"""The `.yaml` surface: declarations in YAML, every step string parsed by the same grammar.

The file is composed (not constructed) with PyYAML's safe loader, so every value keeps its marks and
no tag can build a Python object. A step string's span is the position of the YAML scalar plus the
offset inside the string; quoted scalars start one column after their quote.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import yaml
from lark.exceptions import UnexpectedInput

from protocol_lang import ast
from protocol_lang.build import Origin, build
from protocol_lang.diagnostics import Diagnostic, did_you_mean, name_hint
from protocol_lang.grammar import parser
from protocol_lang.span import Span
from protocol_lang.syntax_errors import to_diagnostic
from protocol_lang.trivia import attach

# libyaml is several times faster; the pure-Python loader gives the same nodes. PyYAML defines
# CSafeLoader only when it was built with libyaml.
_Loader: type[yaml.CSafeLoader] | type[yaml.SafeLoader] = (
    yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader
)

TOP_KEYS = ("labc", "protocol", "description", "robots", "params", "labware", "instruments", "steps")
LABWARE_KEYS = ("type", "at", "contains")
INSTRUMENT_KEYS = ("type", "at", "tips")
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def parse_yaml(text: str, file: str) -> tuple[ast.Protocol | None, list[Diagnostic]]:
    reader = _YamlReader(file)
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        return None, [reader.yaml_error(exc)]
    except yaml.YAMLError as exc:  # reader errors (control characters) carry a position, not a mark
        position = getattr(exc, "position", None)
        span = Span.point(file, 1, 1)
        if position is not None:
            line = text.count("\n", 0, position) + 1
            span = Span.point(file, line, position - (text.rfind("\n", 0, position) + 1) + 1)
        reason = getattr(exc, "reason", None) or "the file cannot be read as YAML"
        return None, [Diagnostic(code="E0201", message=f"invalid YAML: {reason}", span=span)]
    tagged = _first_foreign_tag(root)
    if tagged is not None:
        reader.error(
            "E0202",
            f"YAML tags such as `{tagged.tag}` are not allowed in a protocol",
            tagged,
            "write plain values",
        )
        return None, reader.diagnostics
    protocol = reader.protocol(root)
    if protocol is not None and isinstance(root, yaml.MappingNode):
        protocol = attach(protocol, text, "yaml", reader.header_lines(root), root)
    return protocol, reader.diagnostics


def _first_foreign_tag(node: yaml.Node | None) -> yaml.Node | None:
    """A node carrying a tag outside YAML's core schema (`!!python/...`, `!custom`), if any."""
    if node is None:
        return None
    if not node.tag.startswith("tag:yaml.org,2002:") or node.tag.startswith("tag:yaml.org,2002:python"):
        return node
    children: list[yaml.Node] = []
    if isinstance(node, yaml.SequenceNode):
        children = node.value
    elif isinstance(node, yaml.MappingNode):
        children = [n for pair in node.value for n in pair]
    for child in children:
        found = _first_foreign_tag(child)
        if found is not None:
            return found
    return None


@dataclass(frozen=True)
class _Declared:
    """What labware and instrument entries share, before their own fields are read."""

    name: str
    type: str
    at: str | None
    fields: dict[str, tuple[yaml.Node, yaml.Node]]
    span: Span
    type_span: Span


class _YamlReader:
    def __init__(self, file: str) -> None:
        self.file = file
        self.diagnostics: list[Diagnostic] = []

    # ---- positions and errors ----------------------------------------------------------------------
    def span(self, node: yaml.Node) -> Span:
        start, end = node.start_mark, node.end_mark
        return Span(
            file=self.file,
            line=start.line + 1,
            column=start.column + 1,
            end_line=end.line + 1,
            end_column=end.column + 1,
        )

    def error(self, code: str, message: str, node: yaml.Node | None, hint: str | None = None) -> None:
        span = self.span(node) if node is not None else Span.point(self.file, 1, 1)
        self.diagnostics.append(Diagnostic(code=code, message=message, span=span, hint=hint))

    def yaml_error(self, exc: yaml.MarkedYAMLError) -> Diagnostic:
        mark = exc.problem_mark or exc.context_mark
        span = Span.point(self.file, mark.line + 1, mark.column + 1) if mark else Span.point(self.file, 1, 1)
        problem = exc.problem or exc.context or "the file cannot be read as YAML"
        return Diagnostic(
            code="E0201",
            message=f"invalid YAML: {problem}",
            span=span,
            hint="check the indentation and the `key: value` layout",
        )

    # ---- shapes -----------------------------------------------------------------------------------
    def mapping(
        self, node: yaml.Node | None, what: str, allowed: tuple[str, ...] | None = None
    ) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        """key -> (key node, value node); reports non-mappings, unknown keys and duplicates."""
        if node is None or _is_null(node):
            return {}
        if not isinstance(node, yaml.MappingNode):
            self.error("E0202", f"{what} must be a mapping of `key: value` entries", node)
            return {}
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                self.error("E0202", f"a key in {what} must be a plain word", key)
                continue
            name = key.value
            if allowed is not None and name not in allowed:
                self.error(
                    "E0203",
                    f"unknown key `{name}` in {what}",
                    key,
                    did_you_mean(name, allowed) or f"allowed keys: {', '.join(allowed)}",
                )
                continue
            if name in out:
                self.error(
                    "E0205",
                    f"`{name}` appears twice in {what}",
                    key,
                    "YAML keeps only the last one; remove one",
                )
                continue
            out[name] = (key, value)
        return out

    def scalar(self, node: yaml.Node, what: str) -> str | None:
        if not isinstance(node, yaml.ScalarNode) or _is_null(node):
            self.error("E0202", f"{what} must be a single value", node)
            return None
        return node.value

    def identifier(self, key: yaml.Node, what: str) -> str | None:
        name = key.value
        if not IDENTIFIER.match(name):
            self.error(
                "E0305",
                f"`{name}` is not a valid {what} name",
                key,
                name_hint(name),
            )
            return None
        return name

    def parse(self, node: yaml.Node, start: str) -> Any:
        """Parse a scalar's text with the grammar, with spans into the YAML file."""
        text = node.value
        mark = node.start_mark
        quoted = isinstance(node, yaml.ScalarNode) and node.style in ("'", '"')  # callers pass scalars
        column = mark.column + 1 + (1 if quoted else 0)
        origin = Origin(file=self.file, line=mark.line + 1, column=column)
        try:
            tree = parser().parse(text, start=start)
        except UnexpectedInput as exc:
            self.diagnostics.append(to_diagnostic(exc, text, origin))
            return None
        value, found = build(tree, origin)
        self.diagnostics.extend(found)
        return value

    def listed(self, node: yaml.Node, what: str, each: Callable[[yaml.Node], Any]) -> list[Any]:
        """A YAML sequence, or a single scalar holding a comma-separated list."""
        if isinstance(node, yaml.SequenceNode):
            return [v for v in (each(item) for item in node.value) if v is not None]
        if isinstance(node, yaml.ScalarNode) and not _is_null(node):
            return [part.strip() for part in node.value.split(",") if part.strip()]
        if not _is_null(node):
            self.error("E0202", f"{what} must be a list", node)
        return []

    def header_lines(self, root: yaml.MappingNode) -> dict[str, Span | None]:
        """Where the header lines are, for comments: `protocol` spans `protocol:` and `description:`."""
        spans: dict[str, list[Span]] = {}
        for key, value in root.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else None
            line = {
                "labc": "labc",
                "protocol": "protocol",
                "description": "protocol",
                "robots": "robots",
            }.get(name or "")
            if line is not None:
                spans.setdefault(line, []).append(
                    Span(**{**self.span(key).model_dump(), **_end(self.span(value))})
                )
        return {
            line: Span(
                file=self.file,
                line=min(s.line for s in found),
                column=1,
                end_line=max(s.end_line for s in found),
                end_column=max(s.end_column for s in found if s.end_line == max(x.end_line for x in found)),
            )
            for line, found in spans.items()
        }

    # ---- the protocol -----------------------------------------------------------------------------
    def protocol(self, root: yaml.Node | None) -> ast.Protocol | None:
        if root is None:
            self.error("E0204", "the file is empty", None, "start with `labc: 1` and `protocol: NAME`")
            return None
        if not isinstance(root, yaml.MappingNode):
            self.error(
                "E0202", "a protocol file is a YAML mapping (`labc: 1`, `protocol: ...`, `steps: ...`)", root
            )
            return None
        top = self.mapping(root, "the protocol", TOP_KEYS)
        start = Span.point(self.file, 1, 1)
        if "labc" not in top:
            self.error(
                "E0204", "the file does not give the language version", root, "add `labc: 1` at the top"
            )
        else:
            version = top["labc"][1]
            if not (isinstance(version, yaml.ScalarNode) and version.value == "1"):
                self.error(
                    "E0206",
                    f"this labc reads language version 1, the file says `labc: {getattr(version, 'value', '?')}`",
                    version,
                )
        name = "unnamed"
        if "protocol" not in top:
            self.error("E0204", "the protocol has no name", root, "add `protocol: my_protocol`")
        else:
            value = top["protocol"][1]
            text = self.scalar(value, "`protocol`")
            if text is not None and IDENTIFIER.match(text):
                name = text
            elif text is not None:
                self.error(
                    "E0305",
                    f"`{text}` is not a valid protocol name",
                    value,
                    name_hint(text),
                )
        description = self.scalar(top["description"][1], "`description`") if "description" in top else None
        robots = (
            self.listed(top["robots"][1], "`robots`", lambda n: self.scalar(n, "a robot"))
            if "robots" in top
            else []
        )
        return ast.Protocol(
            name=name,
            description=description,
            robots=robots,
            params=self.params(top.get("params", (None, None))[1]),
            labware=self.labware(top.get("labware", (None, None))[1]),
            instruments=self.instruments(top.get("instruments", (None, None))[1]),
            steps=self.steps(top["steps"][1]) if "steps" in top else [],
            surface="yaml",
            file=self.file,
            span=start,
        )

    def params(self, node: yaml.Node | None) -> list[ast.ParamDecl]:
        out = []
        for key, value in self.mapping(node, "`params`").values():
            name = self.identifier(key, "parameter")
            if name is None or self.scalar(value, f"parameter `{key.value}`") is None:
                continue
            parsed = self.parse(value, "param_value")
            if parsed is not None:
                out.append(
                    ast.ParamDecl(
                        name=name,
                        value=parsed,
                        span=Span(**{**self.span(key).model_dump(), **_end(self.span(value))}),
                    )
                )
        return out

    def declarations(
        self, node: yaml.Node | None, what: str, keys: tuple[str, ...], example: str
    ) -> Iterator[_Declared]:
        """The entries of `labware:` or `instruments:` that have a name and a type; reports the rest."""
        for key, value in self.mapping(node, f"`{what}`").values():
            name = self.identifier(key, what.rstrip("s"))
            fields = self.mapping(value, f"{what.rstrip('s')} `{key.value}`", keys)
            if name is None or not isinstance(value, yaml.MappingNode):
                continue
            if "type" not in fields:
                self.error("E0204", f"`{name}` has no `type`", key, f"for example `type: {example}`")
                continue
            type_node = fields["type"][1]
            type_name = self.scalar(type_node, "`type`")
            if type_name is None:
                continue
            at = self.scalar(fields["at"][1], "`at`") if "at" in fields else None
            span = Span(**{**self.span(key).model_dump(), **_end(self.span(value))})
            yield _Declared(name, type_name, at, fields, span, self.span(type_node))

    def labware(self, node: yaml.Node | None) -> list[ast.LabwareDecl]:
        return [
            ast.LabwareDecl(
                name=d.name,
                type=d.type,
                at=d.at,
                contents=self.contents(d.fields["contains"][1]) if "contains" in d.fields else [],
                span=d.span,
                type_span=d.type_span,
            )
            for d in self.declarations(node, "labware", LABWARE_KEYS, "beaker_250ml")
        ]

    def instruments(self, node: yaml.Node | None) -> list[ast.InstrumentDecl]:
        def racks(fields: dict[str, tuple[yaml.Node, yaml.Node]]) -> list[str]:
            if "tips" not in fields:
                return []
            return self.listed(fields["tips"][1], "`tips`", lambda n: self.scalar(n, "a tip rack"))

        return [
            ast.InstrumentDecl(
                name=d.name, type=d.type, at=d.at, tips=racks(d.fields), span=d.span, type_span=d.type_span
            )
            for d in self.declarations(node, "instruments", INSTRUMENT_KEYS, "pipette_p200")
        ]

    def contents(self, node: yaml.Node) -> list[ast.Content]:
        if isinstance(node, yaml.ScalarNode):
            parsed = self.parse(node, "contents_list")
            return parsed if parsed is not None else []
        out = []
        for key, value in self.mapping(node, "`contains`").values():
            if self.scalar(value, f"well `{key.value}`") is None:
                continue
            parsed_list = self.parse(value, "contents_list")
            if not parsed_list:
                continue
            parsed = parsed_list[0]
            if len(parsed_list) > 1 or parsed.well is not None:
                self.error("E0202", "a well holds one liquid: write `WELL: VOLUME LIQUID`", value)
                continue
            from protocol_lang import wells

            if not wells.is_well(key.value):
                self.error("E0403", f"`{key.value}` is not a well address; wells are written like `A1`", key)
                continue
            out.append(
                parsed.model_copy(
                    update={
                        "well": key.value,
                        "span": Span(**{**self.span(key).model_dump(), **_end(parsed.span)}),
                    }
                )
            )
        return out

    def steps(self, node: yaml.Node) -> list:
        if _is_null(node):
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.error("E0202", "`steps` must be a list, one `- step` per line", node)
            return []
        out = []
        for item in node.value:
            step = self.step(item)
            if step is not None:
                out.append(step)
        return out

    def step(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode) and not _is_null(node):
            return self.parse(node, "step")
        if isinstance(node, yaml.MappingNode) and len(node.value) == 1:
            key, body = node.value[0]
            if not isinstance(key, yaml.ScalarNode):
                self.error(
                    "E0202", "a block step is `parallel:` or `repeat N times:` followed by a list", key
                )
                return None
            head = self.parse(key, "block_head")
            if head is None:
                return None
            children = self.steps(body)
            span = Span(**{**self.span(key).model_dump(), **_end(self.span(body))})
            if head[0] == "parallel":
                return ast.Parallel(branches=children, span=span)
            return ast.Repeat(times=head[1], body=children, span=span)
        self.error(
            "E0202",
            "a step is a statement such as `pick beaker_1`, or a `parallel:` / `repeat N times:` block",
            node,
        )
        return None


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"


def _end(span: Span | None) -> dict[str, int]:
    if span is None:
        return {}
    return {"end_line": span.end_line, "end_column": span.end_column}
