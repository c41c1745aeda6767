"""Running one skill symbolically: resolve, check, and apply if nothing is an error.

This is the loop body of the compiler's symbolic execution, kept here so that tests and the
conservation property drive skills exactly the way the compiler does.
"""

from __future__ import annotations

from pydantic import BaseModel

from skills.codes import Violation, has_errors
from skills.registry import SkillParams, skill_of
from skills.state import LabState


class StepResult(BaseModel):
    params: SkillParams
    violations: list[Violation]
    applied: bool


def run_skill(state: LabState, params: SkillParams) -> StepResult:
    """Resolve `params` against `state`, check preconditions, and mutate `state` when no error."""
    skill = skill_of(params)
    resolved = skill.resolve(state, params)
    violations = skill.pre(state, resolved)
    applied = not has_errors(violations)
    if applied:
        skill.effect(state, resolved)
    return StepResult(params=resolved, violations=violations, applied=applied)
