"""A skill is one module in skills/ plus its scripted expert and its success predicate. The skill
registry derives the params union from its list, robogenesis keys experts by the skill's params model,
and labsim registers predicates under the skill's name (labsim may not import skills: they share a
layer, and the compiled node names its predicate). These tests keep the three in step: every skill has
both, and nothing is registered for a skill that does not exist."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pytest
from pydantic import ValidationError

from labsim.predicates import PREDICATES
from robogenesis.experts.registry import EXPERT_TYPES, EXPERTS, EXPERTS_BY_PARAMS
from skills.base import SkillArgs, skill_name
from skills.examples import example_calls
from skills.registry import SKILL_PARAMS_ADAPTER, SKILLS, SKILLS_BY_PARAMS, parse_params, skill_of


def parity_problems(
    skills: Mapping[str, type[SkillArgs]], experts: Iterable[type[SkillArgs]], predicates: Iterable[str]
) -> list[str]:
    """What is missing or orphaned, given skills (name -> params model), the params models experts
    are registered for, and the names predicates are registered under."""
    experts, predicates = list(experts), list(predicates)
    problems = [f"skill {name!r} has no expert" for name, params in skills.items() if params not in experts]
    problems += [f"skill {name!r} has no predicate" for name in skills if name not in predicates]
    known = set(skills.values())
    problems += [f"expert for {p.__name__}: no such skill" for p in experts if p not in known]
    problems += [f"predicate {name!r}: no such skill" for name in predicates if name not in skills]
    return problems


REAL = {name: skill.params for name, skill in SKILLS.items()}


def test_every_skill_has_its_expert_and_predicate_and_nothing_is_orphaned() -> None:
    assert parity_problems(REAL, [cls.params for cls in EXPERT_TYPES], PREDICATES) == []
    assert len(EXPERTS_BY_PARAMS) == len(EXPERT_TYPES)  # no two experts for one skill


class BoilParams(SkillArgs):
    """A skill nobody registered."""


def test_parity_reports_orphans_and_gaps() -> None:
    experts = [cls.params for cls in EXPERT_TYPES]
    assert parity_problems(REAL, experts, [*PREDICATES, "heat"]) == ["predicate 'heat': no such skill"]
    assert parity_problems(REAL, [*experts, BoilParams], PREDICATES) == [
        "expert for BoilParams: no such skill"
    ]
    assert parity_problems(REAL, experts[1:], [p for p in PREDICATES if p != "wait"]) == [
        f"skill {skill_name(experts[0])!r} has no expert",
        "skill 'wait' has no predicate",
    ]


def test_names_come_from_the_params_models() -> None:
    for name, skill in SKILLS.items():
        assert skill_name(skill.params) == name == skill.predicate == skill.expert
        assert SKILLS_BY_PARAMS[skill.params] is skill
    for name, expert in EXPERTS.items():
        assert expert.name == name and EXPERTS_BY_PARAMS[expert.params] is expert
    with pytest.raises(TypeError, match="no `skill` tag"):
        skill_name(BoilParams)


def test_the_params_union_is_the_registry() -> None:
    """The derived union discriminates on `skill` over exactly the registered models, in their order
    (the JSON Schema lists them so), and a compiled node's args round-trip to the same model."""
    schema = SKILL_PARAMS_ADAPTER.json_schema()
    assert set(schema["discriminator"]["mapping"]) == set(SKILLS)
    listed = [ref["$ref"].rsplit("/", 1)[-1] for ref in schema["oneOf"]]
    assert listed == [params.__name__ for params in SKILLS_BY_PARAMS]
    for name, (params, _) in example_calls().items():
        again = parse_params(params.model_dump(mode="json"))
        assert type(again) is type(params) and again == params and skill_of(again) is SKILLS[name]
    with pytest.raises(ValidationError, match="does not match any of the expected tags"):
        parse_params({"skill": "heat", "object": "beaker_1"})
