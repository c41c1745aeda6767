"""What every operation shares: its argument base, its error, and small lowering helpers.

Operations are pure: they read the state *before* the statement (to know what is already held,
open or on) and return atomic skill parameters in execution order. They do not check
preconditions; symbolic execution of the returned skills does, so every error points at the node
that would fail.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from skills.codes import Violation
from skills.pick import PickParams
from skills.place import PlaceParams, is_spot
from skills.registry import SkillParams
from skills.state import LabState, Relation


class OpArgs(BaseModel):
    # Each operation's model is built when first used: a protocol uses a few of the six, and no other
    # model holds them (0.3% of a cold `labc compile`).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    arm: int = Field(default=0, ge=0, description="the arm used when nothing is already held")


class LoweringError(ValueError):
    """An operation that has no lowering at all (no pipette declared, wells that do not pair)."""

    def __init__(self, violation: Violation) -> None:
        super().__init__(violation.message)
        self.violation = violation


MAX_NODES = 20_000
"""The most skill steps one protocol may compile to: about three seconds of compiling, ten times
a 384-well plate filled with a new tip per well. Lowering and symbolic execution stop there, so no
input (a huge volume through a small pipette, nested repeats) can run the compiler out of time or
memory."""


class ExpansionError(ValueError):
    """One operation would unroll to more than MAX_NODES skill steps."""

    def __init__(self, steps: int) -> None:
        super().__init__(f"{steps} skill steps")
        self.steps = steps


def default_relation(state: LabState, target: str) -> Relation:
    """`at` a bench spot, `in` something with a door, lid or drawer, otherwise `on`."""
    if is_spot(target) or target not in state.objects:
        return "at"
    kind = state.type_of(target)
    return "in" if kind.has("has_door") or kind.has("has_lid") or kind.has("has_drawer") else "on"


def arm_for(state: LabState, name: str, default: int) -> int:
    """The arm already holding `name`, else the operation's arm."""
    holder = state.holder_of(name) if name in state.objects else None
    return default if holder is None else holder


def borrow(state: LabState, name: str, arm: int, body: list[SkillParams]) -> list[SkillParams]:
    """Wrap `body` in picking `name` up and putting it back where it was, unless it is already held."""
    if name not in state.objects or state.holder_of(name) is not None:
        return body
    obj = state.objects[name]
    assert obj.location is not None  # only held objects have no location
    back = PlaceParams(object=name, target=obj.location, relation=obj.relation or "at", arm=arm)
    return [PickParams(object=name, arm=arm), *body, back]
