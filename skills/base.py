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

import jinja2
from pydantic import BaseModel, ConfigDict, Field

from skills.codes import Violation
from skills.state import LabState


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


def noun(name: str) -> str:
    """How an instruction names a declared object: `beaker_1` -> "beaker_1", `sol_a` -> "the sol_a".

    The identifier keeps the user's spelling: it is the name on the bench sheet and in the protocol, and
    "the sol a" would be a name nobody wrote (and two names, `sol_a` and `sol a`, for one thing)."""
    return name if name[-1:].isdigit() else f"the {name}"


def volume(ul: float) -> str:
    if ul >= 1000:
        return f"{ul / 1000:g} mL"
    return f"{ul:g} µL"


def duration(seconds: float) -> str:
    minutes, rest = divmod(seconds, 60)
    if minutes and rest:
        return f"{minutes:g} min {rest:g} s"
    if minutes:
        return f"{minutes:g} min"
    return f"{seconds:g} s"


def celsius(value: float) -> str:
    return f"{value:g} °C"


def upfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


class _SourceLoader(jinja2.BaseLoader):
    """Templates are named by their own source text, so that jinja2's bytecode cache can key them."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, None, Any]:
        return template, None, lambda: True


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """jinja2's file cache of compiled templates (a private folder under the temp dir, as lark's
    grammar cache): compiling the 18 templates costs a cold `labc compile` about 30 ms otherwise."""
    try:
        return jinja2.FileSystemBytecodeCache()
    except (OSError, RuntimeError):  # no usable temp dir: compile in memory
        return None


@functools.cache
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=_SourceLoader(),
        bytecode_cache=_bytecode_cache(),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
    )
    env.filters.update(noun=noun, volume=volume, duration=duration, celsius=celsius, upfirst=upfirst)
    return env


@functools.cache
def _template(source: str) -> jinja2.Template:
    return _env().get_template(source)


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


# Joins a skill's templates into one, so one render (one jinja2 context, most of a render's cost)
# gives all of them; printable and not whitespace, so neither jinja2's `-` trimming nor the
# whitespace folding below can reach across it.
_SEPARATOR = "\u241e"


def _render(templates: tuple[str, ...], context: dict[str, Any]) -> list[str]:
    parts = _template(_SEPARATOR.join(templates)).render(context).split(_SEPARATOR)
    if len(parts) != len(templates):  # a value held the separator: render them one by one
        parts = [_template(source).render(context) for source in templates]
    return [" ".join(part.split()) for part in parts]


@functools.lru_cache(maxsize=4096)
def _render_cached(templates: tuple[str, ...], key: tuple[tuple[str, Any], ...]) -> tuple[str, ...]:
    """Rendering is a pure function of (templates, context); a protocol repeats the same steps
    (drop the tip, pick up the pipette, aspirate from the same well) hundreds of times, and jinja2
    costs about 0.1 ms per render, most of it building the render context."""
    return tuple(_render(templates, dict(key)))
