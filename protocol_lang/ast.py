"""The protocol AST: typed pydantic models, one per declaration and statement kind.

Both surfaces (`.yaml`, `.lab`) produce these models; every node carries the `Span` it came from.
Two ASTs mean the same protocol when `semantic()` of each is equal: spans, the file name and the
surface are where a protocol was written, not what it says.
"""

# No `from __future__ import annotations`: pydantic builds these models from evaluated annotations,
# where strings would cost it a compile and an eval per field and subclass (issue 15, item 9).
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from protocol_lang import units
from protocol_lang.span import Span


class Node(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    span: Span | None = None


class Trivia(BaseModel):
    """What surrounds a line but is not the protocol: the comment lines and blank lines before it
    (`""` stands for one blank line) and the comment at its end. `labc fmt` writes them back, so
    formatting and converting between surfaces lose nothing a scientist wrote."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    before: tuple[str, ...] = ()
    after: str | None = None


class Line(Node):
    """A node written on a line of its own (a declaration or a statement): it can carry comments."""

    trivia: Trivia | None = None


# ---- values -----------------------------------------------------------------------------------


class Quantity(Node):
    """A number with a unit as written (`50 uL`); `base()` converts through pint's definitions."""

    kind: Literal["quantity"] = "quantity"
    value: float
    unit: str

    @property
    def dimension(self) -> units.Dimension:
        return units.lookup(self.unit).dimension

    def base(self) -> float:
        """The value in the base unit of its kind: uL, s, degree Celsius, mg, rpm."""
        return units.to_base(self.value, self.unit)

    def text(self) -> str:
        return f"{format_number(self.value)} {self.unit}"


class Count(Node):
    kind: Literal["count"] = "count"
    value: int

    def text(self) -> str:
        return str(self.value)


class ParamRef(Node):
    """`{name}`: a parameter, replaced by its value when parameters are resolved."""

    kind: Literal["param"] = "param"
    name: str

    def text(self) -> str:
        return "{" + self.name + "}"


QuantityExpr = Annotated[Quantity | ParamRef, Field(discriminator="kind")]
CountExpr = Annotated[Count | ParamRef, Field(discriminator="kind")]


def format_number(value: float) -> str:
    """Shortest faithful spelling: 50.0 -> '50', 0.5 -> '0.5'."""
    text = repr(float(value))
    if text.endswith(".0"):
        text = text[:-2]
    if "e" in text:  # the grammar has no exponents: spell it out
        text = f"{value:.12f}".rstrip("0").rstrip(".")
    return text


# ---- operands ---------------------------------------------------------------------------------


class Well(Node):
    kind: Literal["well"] = "well"
    name: str

    def text(self) -> str:
        return self.name


class WellRange(Node):
    """`A1..A12`: every well from start to end in row-major order."""

    kind: Literal["range"] = "range"
    start: str
    end: str

    def text(self) -> str:
        return f"{self.start}..{self.end}"


class WellRow(Node):
    kind: Literal["row"] = "row"
    row: str

    def text(self) -> str:
        return f"row({self.row})"


class WellCol(Node):
    kind: Literal["col"] = "col"
    col: int

    def text(self) -> str:
        return f"col({self.col})"


WellSelector = Annotated[Well | WellRange | WellRow | WellCol, Field(discriminator="kind")]
Part = Literal["door", "drawer", "button"]
PARTS: tuple[str, ...] = ("door", "drawer", "button")


class Ref(Node):
    """A declared object, optionally with a part (`box.door`) or wells (`plate.A1..A12`); as the
    target of `place` and `transport`, also a bench location (`bench/left`)."""

    name: str
    part: Part | None = None
    wells: WellSelector | None = None

    def text(self) -> str:
        if self.part:
            return f"{self.name}.{self.part}"
        if self.wells is not None:
            return f"{self.name}.{self.wells.text()}"
        return self.name


# ---- declarations -----------------------------------------------------------------------------


class Content(Node):
    """What a container holds at the start: `100 mL water`, or per well `A1: 10 mL water`."""

    well: str | None = None
    volume: QuantityExpr
    liquid: str


class ParamDecl(Line):
    name: str
    value: Quantity | Count = Field(discriminator="kind")


class LabwareDecl(Line):
    name: str
    type: str
    at: str | None = None
    contents: list[Content] = []
    type_span: Span | None = None


class InstrumentDecl(Line):
    name: str
    type: str
    at: str | None = None
    tips: list[str] = []
    type_span: Span | None = None


# ---- statements -------------------------------------------------------------------------------


class Pick(Line):
    kind: Literal["pick"] = "pick"
    object: Ref


class Place(Line):
    kind: Literal["place"] = "place"
    object: Ref
    relation: Literal["on", "in", "at"]
    target: Ref


class Open(Line):
    kind: Literal["open"] = "open"
    target: Ref


class Close(Line):
    kind: Literal["close"] = "close"
    target: Ref


class Press(Line):
    kind: Literal["press"] = "press"
    target: Ref


class Pour(Line):
    kind: Literal["pour"] = "pour"
    volume: QuantityExpr | None = None
    source: Ref
    target: Ref


class Shake(Line):
    kind: Literal["shake"] = "shake"
    object: Ref
    duration: QuantityExpr | None = None


class Stir(Line):
    kind: Literal["stir"] = "stir"
    object: Ref
    rod: Ref
    duration: QuantityExpr | None = None


class Wait(Line):
    kind: Literal["wait"] = "wait"
    duration: QuantityExpr


class Transport(Line):
    kind: Literal["transport"] = "transport"
    object: Ref
    target: Ref


class Transfer(Line):
    kind: Literal["transfer"] = "transfer"
    volume: QuantityExpr
    source: Ref
    target: Ref
    mix_times: CountExpr | None = None
    new_tip: Literal["always", "once", "never"] | None = None


class Heat(Line):
    kind: Literal["heat"] = "heat"
    object: Ref
    heater: Ref
    temperature: QuantityExpr
    duration: QuantityExpr


class Mix(Line):
    kind: Literal["mix"] = "mix"
    object: Ref
    times: CountExpr | None = None


class Put(Line):
    kind: Literal["put"] = "put"
    object: Ref
    device: Ref


class Take(Line):
    kind: Literal["take"] = "take"
    object: Ref
    device: Ref


class Parallel(Line):
    """Branches with no shared object: each statement is one branch. `tail`: comments before `}`."""

    model_config = ConfigDict(defer_build=True)  # see Repeat
    kind: Literal["parallel"] = "parallel"
    branches: list["Statement"]
    tail: Trivia | None = None


class Repeat(Line):
    # Built when first used, not at import: each holds every statement kind (as Protocol does), so
    # building both up front was 0.5% of a cold `labc compile` of a protocol that uses neither.
    model_config = ConfigDict(defer_build=True)
    kind: Literal["repeat"] = "repeat"
    times: CountExpr
    body: list["Statement"]
    tail: Trivia | None = None


Statement = Annotated[
    Pick | Place | Open | Close | Press | Pour | Shake | Stir | Wait | Transport | Transfer | Heat | Mix | Put | Take | Parallel | Repeat,
    Field(discriminator="kind"),
]  # fmt: skip

ATOMIC_KINDS: tuple[str, ...] = ("pick", "place", "open", "close", "press", "pour", "shake", "stir", "wait")
OPERATION_KINDS: tuple[str, ...] = ("transport", "transfer", "heat", "mix", "put", "take")


HeaderLine = Literal["labc", "protocol", "robots"]


class Protocol(Node):
    """A whole protocol, from either surface."""

    version: int = 1
    name: str
    description: str | None = None
    robots: list[str] = []
    params: list[ParamDecl] = []
    labware: list[LabwareDecl] = []
    instruments: list[InstrumentDecl] = []
    steps: list[Statement] = []
    surface: Literal["yaml", "lab"] = "lab"
    file: str = "<memory>"
    # Comments of the header lines (`labc`, `protocol`, `robots`) and those after the last step.
    header: dict[HeaderLine, Trivia] = {}
    tail: Trivia | None = None

    def semantic(self) -> dict[str, Any]:
        """The meaning of the protocol: its dump without spans, comments, file name or surface."""
        return _strip(self.model_dump(exclude={"surface", "file", "header", "tail"}), _MEANINGLESS)

    def written(self) -> dict[str, Any]:
        """What was written, comments and blank lines included, wherever and however it was written."""
        return _strip(self.model_dump(exclude={"surface", "file"}), _LOCATION_KEYS)


_LOCATION_KEYS = frozenset({"span", "type_span"})
_MEANINGLESS = _LOCATION_KEYS | {"trivia", "tail"}


def _strip(value: Any, keys: frozenset[str]) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v, keys) for k, v in value.items() if k not in keys}
    if isinstance(value, list):
        return [_strip(v, keys) for v in value]
    return value


def iter_statements(statements: list[Statement]):
    """Every statement, depth first, structure nodes included (before their children)."""
    for statement in statements:
        yield statement
        if isinstance(statement, Parallel):
            yield from iter_statements(statement.branches)
        elif isinstance(statement, Repeat):
            yield from iter_statements(statement.body)
