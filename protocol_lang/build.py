"""From lark parse trees to the typed AST, with spans mapped back into the original file.

A `.lab` file is parsed whole, so lark's positions are file positions. A YAML step string is parsed
on its own, so its positions are shifted by where the string starts in the YAML file (`Origin`).
Value checks that need no declarations (units, counts, well syntax, parts) happen here, so both
surfaces report them identically.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from lark import Token, Transformer, Tree, v_args

from protocol_lang import ast, units, wells
from protocol_lang.diagnostics import Diagnostic, did_you_mean
from protocol_lang.span import Span


@dataclass(frozen=True)
class Origin:
    """Where parsed text starts in its file: line and column of its first character (1-based)."""

    file: str
    line: int = 1
    column: int = 1

    def span(self, line: int, column: int, end_line: int, end_column: int) -> Span:
        return Span(
            file=self.file,
            line=self.line + line - 1,
            column=column + self.column - 1 if line == 1 else column,
            end_line=self.line + end_line - 1,
            end_column=end_column + self.column - 1 if end_line == 1 else end_column,
        )


_COUNT_HINT = "the compiler unrolls every repetition into skill steps; repeat a smaller block"


def _number(token: Token) -> float:
    return float(token)


@v_args(meta=True)
class AstBuilder(Transformer):
    """Builds AST nodes bottom-up; collects value diagnostics instead of stopping at the first."""

    def __init__(self, origin: Origin) -> None:
        super().__init__()
        self.origin = origin
        self.diagnostics: list[Diagnostic] = []

    # ---- helpers --------------------------------------------------------------------------------
    def _span(self, meta) -> Span | None:
        if getattr(meta, "empty", True):
            return None
        return self.origin.span(meta.line, meta.column, meta.end_line, meta.end_column)

    def _tspan(self, token: Token) -> Span:
        # lark types positions optional (for tokens made by hand); the parser's tokens always carry them
        line, column, end_line, end_column = token.line, token.column, token.end_line, token.end_column
        assert line is not None and column is not None and end_line is not None and end_column is not None
        return self.origin.span(line, column, end_line, end_column)

    def _error(self, code: str, message: str, span: Span | None, hint: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(code=code, message=message, span=span, hint=hint))

    # ---- operands --------------------------------------------------------------------------------
    def quantity_literal(self, meta, children) -> ast.Quantity:
        number, unit = children
        span = self._span(meta)
        try:
            units.lookup(str(unit))
        except units.UnitError as exc:
            hint = (
                f"did you mean `{exc.suggestions[0]}`?"
                if exc.suggestions
                else "units: uL mL L, s min h, C K, mg g, rpm"
            )
            self._error("E0402", str(exc), self._tspan(unit), hint)
        value = _number(number)
        if not math.isfinite(value):
            text = str(number)
            self._error(
                "E0406",
                f"the number `{text[:12]}...` ({len(text)} digits) is too large",
                self._tspan(number),
                "write the quantity in a larger unit",
            )
            value = 1.0  # keep going: the other statements still get checked
        return ast.Quantity(value=value, unit=str(unit), span=span)

    def quantity(self, meta, children):
        return children[0]

    def param_ref(self, meta, children) -> ast.ParamRef:
        return ast.ParamRef(name=str(children[0]), span=self._span(meta))

    def count_literal(self, meta, children) -> ast.Count:
        token = children[0]
        return ast.Count(value=self._whole(token), span=self._span(meta))

    def count(self, meta, children):
        return children[0]

    def _whole(self, token: Token) -> int:
        text = str(token)
        whole = text.split(".")[0]
        if len(whole) > len(str(units.MAX_COUNT)):  # before int(): Python refuses over 4300 digits
            shown = text if len(text) <= 12 else f"{text[:12]}... ({len(text)} digits)"
            self._error(
                "E0408",
                f"a count of at most {units.MAX_COUNT} is allowed, found `{shown}`",
                self._tspan(token),
                _COUNT_HINT,
            )
            return 1
        if "." in text:
            self._error(
                "E0404",
                f"expected a whole number, found `{text}`",
                self._tspan(token),
                f"write `{round(float(text))}`",
            )
            return max(1, round(float(text)))
        value = int(text)
        if value <= 0:
            self._error("E0405", f"the count must be at least 1, found `{text}`", self._tspan(token))
            return 1
        if value > units.MAX_COUNT:
            self._error(
                "E0408",
                f"a count of at most {units.MAX_COUNT} is allowed, found `{text}`",
                self._tspan(token),
                _COUNT_HINT,
            )
            return 1
        return value

    def ref(self, meta, children) -> ast.Ref:
        name = str(children[0])
        span = self._span(meta)
        if len(children) == 1:
            return ast.Ref(name=name, span=span)
        member = children[1]
        if isinstance(member, str):  # a part such as `door`
            return ast.Ref(name=name, part=member, span=span)
        return ast.Ref(name=name, wells=member, span=span)

    def site(self, meta, children) -> ast.Ref:
        return ast.Ref(name="/".join(str(c) for c in children), span=self._span(meta))

    def member_name(self, meta, children):
        token = children[0]
        text = str(token)
        if text in ast.PARTS:
            return text
        if wells.is_well(text):
            return ast.Well(name=text, span=self._span(meta))
        hint = (
            did_you_mean(text, ast.PARTS)
            or "write a well (`A1`, `A1..A12`, `row(A)`, `col(3)`) or `door`, `drawer`, `button`"
        )
        self._error(
            "E0304", f"`{text}` is neither a well nor a part (door, drawer, button)", self._tspan(token), hint
        )
        return ast.Well(name="A1", span=self._span(meta))

    def well_range(self, meta, children) -> ast.WellRange:
        start, end = (str(c) for c in children)
        span = self._span(meta)
        try:
            wells.split(start)
            wells.split(end)
            wells.check_range_order(start, end)
        except wells.WellError as exc:
            self._error("E0403", str(exc), span)
        return ast.WellRange(start=start, end=end, span=span)

    def well_row(self, meta, children) -> ast.WellRow:
        row = str(children[0])
        span = self._span(meta)
        if not wells.ROW_PATTERN.match(row):
            self._error("E0403", f"`{row}` is not a row; rows are letters such as `A`", span)
        return ast.WellRow(row=row, span=span)

    def well_col(self, meta, children) -> ast.WellCol:
        token = children[0]
        return ast.WellCol(col=self._whole(token), span=self._span(meta))

    def relation(self, meta, children) -> str:
        return str(children[0])

    def duration(self, meta, children):
        return children[0]

    def mixing(self, meta, children):
        return ("mix", children[0])

    def new_tip(self, meta, children):
        return ("new_tip", str(children[0]))

    # ---- statements -------------------------------------------------------------------------------
    def pick(self, meta, c):
        return ast.Pick(object=c[0], span=self._span(meta))

    def place(self, meta, c):
        return ast.Place(object=c[0], relation=c[1], target=c[2], span=self._span(meta))

    def open(self, meta, c):
        return ast.Open(target=c[0], span=self._span(meta))

    def close(self, meta, c):
        return ast.Close(target=c[0], span=self._span(meta))

    def press(self, meta, c):
        return ast.Press(target=c[0], span=self._span(meta))

    def pour(self, meta, c):
        volume = c[0] if len(c) == 3 else None
        return ast.Pour(volume=volume, source=c[-2], target=c[-1], span=self._span(meta))

    def shake(self, meta, c):
        return ast.Shake(object=c[0], duration=c[1] if len(c) > 1 else None, span=self._span(meta))

    def stir(self, meta, c):
        return ast.Stir(object=c[0], rod=c[1], duration=c[2] if len(c) > 2 else None, span=self._span(meta))

    def wait(self, meta, c):
        return ast.Wait(duration=c[0], span=self._span(meta))

    def transport(self, meta, c):
        return ast.Transport(object=c[0], target=c[1], span=self._span(meta))

    def transfer(self, meta, c):
        options = dict(c[3:])
        return ast.Transfer(
            volume=c[0],
            source=c[1],
            target=c[2],
            mix_times=options.get("mix"),
            new_tip=options.get("new_tip"),
            span=self._span(meta),
        )

    def heat(self, meta, c):
        return ast.Heat(object=c[0], heater=c[1], temperature=c[2], duration=c[3], span=self._span(meta))

    def mix(self, meta, c):
        return ast.Mix(object=c[0], times=c[1] if len(c) > 1 else None, span=self._span(meta))

    def put(self, meta, c):
        return ast.Put(object=c[0], device=c[1], span=self._span(meta))

    def take(self, meta, c):
        return ast.Take(object=c[0], device=c[1], span=self._span(meta))

    def parallel(self, meta, c):
        return ast.Parallel(branches=list(c), span=self._span(meta))

    def repeat(self, meta, c):
        return ast.Repeat(times=c[0], body=list(c[1:]), span=self._span(meta))

    def parallel_head(self, meta, c):
        return ("parallel", None)

    def repeat_head(self, meta, c):
        return ("repeat", c[0])

    # ---- declarations -----------------------------------------------------------------------------
    def version(self, meta, c):
        return ("version", c[0], self._span(meta))

    def protocol_decl(self, meta, c):
        description = _unquote(str(c[1])) if len(c) > 1 else None
        return ("protocol", (str(c[0]), description), self._span(meta))

    def robots_decl(self, meta, c):
        return ("robots", [str(t) for t in c], self._span(meta))

    def param_value(self, meta, c):
        number = c[0]
        if number.type == "STRING":
            self._error(
                "E0303", "a parameter value is a quantity such as `50 uL` or a whole number", self._span(meta)
            )
            return ast.Count(value=1, span=self._span(meta))
        if len(c) == 2:
            return self.quantity_literal(meta, c)
        return ast.Count(value=self._whole(number), span=self._span(meta))

    def param_decl(self, meta, c):
        return ("param", ast.ParamDecl(name=str(c[0]), value=c[1], span=self._span(meta)), None)

    def location(self, meta, c) -> str:
        return "/".join(str(t) for t in c)

    def using(self, meta, c) -> list[str]:
        return [str(t) for t in c]

    def contents(self, meta, c) -> list[ast.Content]:
        return list(c)

    def contents_list(self, meta, c) -> list[ast.Content]:
        return list(c)

    def content(self, meta, c) -> ast.Content:
        well = None
        if len(c) == 3:
            well = str(c[0])
            if not wells.is_well(well):
                self._error(
                    "E0403", f"`{well}` is not a well address; wells are written like `A1`", self._tspan(c[0])
                )
        liquid = c[-1]
        name = _unquote(str(liquid)) if liquid.type == "STRING" else str(liquid)
        return ast.Content(well=well, volume=c[-2], liquid=name, span=self._span(meta))

    def _declaration(self, meta, c, model: type, listed: str) -> ast.Node:
        """`NAME: TYPE [at PLACE] [extra]`: labware (extra = contents) and instruments (extra = tips)."""
        name, type_token, *rest = c
        at = next((r for r in rest if isinstance(r, str)), None)
        extra = next((r for r in rest if isinstance(r, list)), [])
        return model(
            name=str(name), type=str(type_token), at=at, **{listed: extra},
            span=self._span(meta), type_span=self._tspan(type_token),
        )  # fmt: skip

    def labware_decl(self, meta, c):
        return ("labware", self._declaration(meta, c, ast.LabwareDecl, "contents"), None)

    def instrument_decl(self, meta, c):
        return ("instrument", self._declaration(meta, c, ast.InstrumentDecl, "tips"), None)

    def file(self, meta, c) -> list:
        return list(c)


def _unquote(text: str) -> str:
    body = text[1:-1]
    return body.replace('\\"', '"').replace("\\\\", "\\")


def build(tree: Tree, origin: Origin) -> tuple[Any, list[Diagnostic]]:
    """The AST of `tree`: a node, or a list of items for a whole file (what depends on the start rule)."""
    builder = AstBuilder(origin)
    result = builder.transform(tree)
    return result, builder.diagnostics
