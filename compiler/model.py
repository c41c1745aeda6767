"""`CompiledProtocol`: the one artifact that `labc compile` writes and `synthesize` and `run` read.

It is versioned (`schema: labc.compiled/1`), serialised deterministically (sorted sets, no
timestamps), and carries everything a consumer needs without the source: resolved objects with
their catalog types and initial contents, one node per atomic skill with its typed arguments,
source span, instruction and paraphrases, the dependency edges, and the schedule.
"""

# No `from __future__ import annotations`: pydantic builds these models from evaluated annotations,
# where strings would cost it a compile and an eval per field and subclass (issue 15, item 9).
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from protocol_lang.diagnostics import Diagnostic
from protocol_lang.span import Span
from skills.registry import SkillParams
from skills.state import LabState

SCHEMA: Literal["labc.compiled/1"] = "labc.compiled/1"

EdgeReason = Literal["data", "resource", "order"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ProtocolInfo(_Frozen):
    name: str
    description: str | None = None
    source: str = Field(description="the file compiled, as given on the command line")
    source_sha256: str = Field(description="hash of the source text: the protocol hash datasets record")
    surface: Literal["yaml", "lab"]
    robots: list[str] = Field(description="embodiments the protocol allows (empty: any)")
    robot: str | None = Field(default=None, description="the embodiment compiled for (--robot)")
    params: dict[str, str] = Field(default_factory=dict, description="parameter values used, as written")


class ResolvedObject(_Frozen):
    """A declared labware or instrument with what the catalog says about its type."""

    name: str
    type: str
    kind: str
    instrument: bool
    at: str | None = None
    contents: dict[str, dict[str, float]] = Field(
        default_factory=dict, description="well ('' for the vessel itself) -> liquid -> volume in uL"
    )
    tips: str | None = None
    span: Span | None = None


class StateChange(_Frozen):
    """One field of the symbolic state a node changed: `before` is what the node needed, `after` what it left."""

    path: str
    before: Any = None
    after: Any = None


class SkillNode(_Frozen):
    id: str
    skill: str
    args: SkillParams
    arm: int | None = Field(description="the arm that acts; None for skills no arm performs (wait)")
    statement: str = Field(description="the source statement this node was lowered from")
    span: Span | None
    instruction: str
    paraphrases: list[str]
    duration_s: float
    predicate: str
    expert: str
    changes: list[StateChange] = Field(default_factory=list)
    branch: str = Field(default="", description="parallel branch path, e.g. '1.0' (empty: main sequence)")


class Edge(_Frozen):
    source: str
    target: str
    reason: EdgeReason


class ScheduledNode(_Frozen):
    id: str
    start_s: float
    end_s: float


class Lane(_Frozen):
    arm: int | None = Field(description="None is the lane of timers (wait), which occupy no arm")
    nodes: list[ScheduledNode]


class Schedule(_Frozen):
    arms: int
    lanes: list[Lane]
    makespan_s: float
    critical_path: list[str]
    critical_path_s: float


class CompiledProtocol(_Frozen):
    schema_: Literal["labc.compiled/1"] = Field(default=SCHEMA, alias="schema")
    protocol: ProtocolInfo
    objects: list[ResolvedObject]
    nodes: list[SkillNode]
    edges: list[Edge]
    schedule: Schedule
    initial_state: LabState
    final_state: LabState
    warnings: list[Diagnostic] = Field(default_factory=list)

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    def node(self, node_id: str) -> SkillNode:
        return next(n for n in self.nodes if n.id == node_id)

    def to_json(self) -> str:
        """Deterministic JSON: identical input gives identical bytes."""
        return self.model_dump_json(by_alias=True, indent=2) + "\n"
