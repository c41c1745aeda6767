"""What every atomic skill is: typed parameters, preconditions, effects, and how to say it.

In the style of a protocol engine's command implementations: a skill is a stateless object that
checks `pre(state, params)`, then applies `effect(state, params)` to the state it is handed. The
compiler copies the state when it needs a snapshot; skills never do. Success predicate and expert
carry the skill's own name: labsim and robogenesis register their implementations under it.
"""

from __future__ import annotations

import functools
from abc import ABC, abstractmethod
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from skills.codes import Violation
from skills.state import LabState
from skills.templating import celsius as celsius
from skills.templating import duration as duration
from skills.templating import noun as noun
from skills.templating import render
from skills.templating import upfirst as upfirst
from skills.templating import volume as volume


class Usage(BaseModel):
    """What a node touches, so the compiler can draw DAG edges.

    `objects` are shared resources (an object or instrument two nodes cannot use at once);
    `liquid_from` / `liquid_to` name the containers liquid leaves and enters (data edges).
    """

    model_config = ConfigDict(frozen=True)

    objects: frozenset[str]
    liquid_from: frozenset[str] = frozenset()
    liquid_to: frozenset[str] = frozenset()


class SkillArgs(BaseModel):
    """Base of every skill's parameter model: immutable, no stray fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class ArmArgs(SkillArgs):
    arm: int = Field(default=0, ge=0, description="which robot arm acts")


P = TypeVar("P", bound=SkillArgs)


def skill_name(params: type[SkillArgs]) -> str:
    """The name of the skill a params model belongs to: its `skill` tag (a Literal with that default),
    which is also what tells the models apart in a compiled protocol's JSON."""
    field = params.model_fields.get("skill")
    if field is None or not isinstance(field.default, str):
        raise TypeError(f"{params.__name__} has no `skill` tag: not a skill's params model")
    return field.default


class Skill(ABC, Generic[P]):
    """Subclasses set the class attributes and override the checks and effects they need."""

    name: ClassVar[str]
    params: ClassVar[type[SkillArgs]]
    templates: ClassVar[tuple[str, ...]]
    default_duration_s: ClassVar[float]
    summary: ClassVar[str]

    @property
    def predicate(self) -> str:
        return self.name

    @property
    def expert(self) -> str:
        return self.name

    def duration_s(self, params: P) -> float:
        return self.default_duration_s

    def pre(self, state: LabState, params: P) -> list[Violation]:
        return []

    def effect(self, state: LabState, params: P) -> None:
        """Apply the skill to `state` in place; only called when `pre` found no error."""

    def resolve(self, state: LabState, params: P) -> P:
        """Fill choices left to execution time; the default has none."""
        return params

    @abstractmethod
    def uses(self, params: P) -> Usage:
        """The objects and liquid flows of one node (from the parameters alone)."""

    def context(self, params: P, state: LabState) -> dict[str, Any]:
        """Template variables: the parameters, plus whatever a skill adds (liquid names...)."""
        return params.model_dump()

    def instructions(self, params: P, state: LabState) -> list[str]:
        """Every template rendered against the state *before* the skill; the first is canonical."""
        context = self.context(params, state)
        try:
            key = tuple(sorted(context.items()))
            hash(key)
        except TypeError:  # a list or dict in the context: render without the cache
            return _render(self.templates, context)
        return list(_render_cached(self.templates, key))


# Joins a skill's templates into one, so one render gives all of them (with jinja2, one context: most
# of a render's cost); printable and not whitespace, so neither jinja2's `-` trimming nor the
# whitespace folding below can reach across it.
_SEPARATOR = "\u241e"


def _render(templates: tuple[str, ...], context: dict[str, Any]) -> list[str]:
    parts = render(_SEPARATOR.join(templates), context).split(_SEPARATOR)
    if len(parts) != len(templates):  # a value held the separator: render them one by one
        parts = [render(source, context) for source in templates]
    return [" ".join(part.split()) for part in parts]


@functools.lru_cache(maxsize=4096)
def _render_cached(templates: tuple[str, ...], key: tuple[tuple[str, Any], ...]) -> tuple[str, ...]:
    """Rendering is a pure function of (templates, context); a protocol repeats the same steps
    (drop the tip, pick up the pipette, aspirate from the same well) hundreds of times, and a render
    costs tens of microseconds on the fast path (skills/templating.py), about 0.1 ms through jinja2."""
    return tuple(_render(templates, dict(key)))
