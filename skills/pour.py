"""pour: tilt the held container over another and pour (LabUtopia "pour").

`volume_ul=None` pours everything; `resolve` fixes the number from the state so the node records it.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import PositiveFloat

from skills.base import ArmArgs, Skill, Usage
from skills.codes import Violation, violation
from skills.conditions import arm_exists, can, holding, known, reachable
from skills.display import amount
from skills.mixture import EPSILON_UL, add, describe, take, total
from skills.state import LabState


class PourParams(ArmArgs):
    skill: Literal["pour"] = "pour"
    source: str
    target: str
    volume_ul: PositiveFloat | None = None


class Pour(Skill[PourParams]):
    name = "pour"
    params = PourParams
    default_duration_s = 12.0
    summary = "Pour liquid from the held container into another one."
    templates = (
        "Pour {% if volume_ul is not none %}{{ volume_ul|volume }} of {% else %}all the {% endif %}{{ liquid }} from {{ source|noun }} into {{ target|noun }}.",
        "Tilt {{ source|noun }} over {{ target|noun }} and pour {% if volume_ul is not none %}{{ volume_ul|volume }}{% else %}everything{% endif %}, then set it upright.",
        "Hold {{ source|noun }} above {{ target|noun }} and pour out {% if volume_ul is not none %}{{ volume_ul|volume }} of {% endif %}the {{ liquid }}.",
    )

    def pre(self, state: LabState, params: PourParams) -> list[Violation]:
        problems = arm_exists(state, params.arm) + known(state, params.source, params.target)
        if problems:
            return problems
        if params.source == params.target:
            return [
                violation("E2024", f"{params.source} cannot be poured into itself", subject=params.source)
            ]
        problems = holding(state, params.arm, params.source) + can(
            state, params.source, "pourable", doing="be poured from"
        )
        if not state.type_of(params.target).is_vessel:
            problems.append(
                violation(
                    "E2010",
                    f"{params.target} ({state.type_of(params.target).kind}) cannot receive a pour",
                    subject=params.target,
                )
            )
        problems += reachable(state, params.target)
        if problems:
            return problems
        available = total(state.contents_of(params.source))
        wanted = available if params.volume_ul is None else params.volume_ul
        if available <= 0 or wanted > available + EPSILON_UL:
            problems.append(
                violation(
                    "E2002",
                    f"{params.source} holds {amount(available)}; cannot pour {amount(wanted)}",
                    subject=params.source,
                )
            )
        capacity = state.capacity_ul(params.target) or 0.0
        after = total(state.contents_of(params.target)) + wanted
        if after > capacity + EPSILON_UL:
            problems.append(
                violation(
                    "E2001",
                    f"{params.target} would hold {amount(after)}, more than its {amount(capacity)}",
                    subject=params.target,
                )
            )
        return problems

    def resolve(self, state: LabState, params: PourParams) -> PourParams:
        if params.volume_ul is not None or params.source not in state.objects:
            return params
        available = total(state.contents_of(params.source))
        return params.model_copy(update={"volume_ul": available}) if available > 0 else params

    def effect(self, state: LabState, params: PourParams) -> None:
        source = state.liquid(params.source)
        volume = total(source) if params.volume_ul is None else params.volume_ul
        add(state.liquid(params.target), take(source, volume))

    def uses(self, params: PourParams) -> Usage:
        return Usage(
            objects=frozenset({params.source, params.target}),
            liquid_from=frozenset({params.source}),
            liquid_to=frozenset({params.target}),
        )

    def context(self, params: PourParams, state: LabState) -> dict[str, Any]:
        liquid = describe(state.contents_of(params.source)) if params.source in state.objects else "liquid"
        return {**params.model_dump(), "liquid": liquid}


SKILL = Pour()
