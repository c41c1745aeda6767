"""Instruction templates: every skill renders all of them without undefined variables."""

from __future__ import annotations

import jinja2
import pytest

from skills.base import Skill, duration, noun, volume
from skills.examples import EXAMPLE_SEQUENCE, example_calls, example_state
from skills.execution import run_skill
from skills.pick import PickParams
from skills.pour import PourParams
from skills.press_button import PressButtonParams
from skills.registry import SKILLS


def test_the_example_sequence_uses_every_skill_and_runs_cleanly() -> None:
    state = example_state()
    for params in EXAMPLE_SEQUENCE:
        result = run_skill(state, params)
        assert result.applied and not result.violations, (params, result.violations)
    assert {p.skill for p in EXAMPLE_SEQUENCE} == set(SKILLS)


@pytest.mark.parametrize("name", sorted(SKILLS))
def test_all_templates_render_and_differ(name: str) -> None:
    params, state = example_calls()[name]
    texts = SKILLS[name].instructions(params, state)
    assert len(texts) == len(SKILLS[name].templates) >= 3
    assert len(set(texts)) == len(texts)
    # Declared names keep their spelling (`beaker_1`); any other `_` would be a leaked variable name.
    names = sorted((v for v in params.model_dump().values() if isinstance(v, str)), key=len, reverse=True)
    for text in texts:
        rest = text
        for name in names:
            rest = rest.replace(name, "")
        assert text[0].isupper() and text.endswith(".") and "_" not in rest and "{" not in text, text


def test_canonical_instructions_read_like_a_technician() -> None:
    calls = example_calls()

    def first(name: str) -> str:
        params, state = calls[name]
        return SKILLS[name].instructions(params, state)[0]

    assert first("pick") == "Pick up beaker_1."
    assert first("aspirate") == "Aspirate 50 µL of water from well A1 of the reservoir."
    assert first("dispense") == "Dispense 50 µL of water into well A2 of the plate."
    assert first("pour") == "Pour 20 mL of water from beaker_1 into beaker_2."
    assert first("press_button") == "Press the button of the hotplate to switch it on at 60 °C."
    assert first("wait") == "Wait for 5 min."
    assert first("open_door") == "Open the door of the drying_box."


def test_instructions_follow_the_state() -> None:
    state = example_state()
    state.devices["hotplate"].on = True
    text = SKILLS["press_button"].instructions(PressButtonParams(device="hotplate"), state)[0]
    assert text == "Press the button of the hotplate to switch it off."
    run_skill(state, PickParams(object="beaker_1"))
    text = SKILLS["pour"].instructions(PourParams(source="beaker_1", target="beaker_2"), state)[0]
    assert text == "Pour all the water from beaker_1 into beaker_2."


def test_strict_undefined_catches_a_missing_variable() -> None:
    class Broken(Skill[PickParams]):
        name = "broken"
        params = PickParams
        templates = ("Pick up {{ thing }}.",)
        default_duration_s = 1.0
        summary = "broken on purpose"

        def uses(self, params):  # pragma: no cover - not called
            raise AssertionError

    with pytest.raises(jinja2.UndefinedError):
        Broken().instructions(PickParams(object="beaker_1"), example_state())


def test_filters() -> None:
    assert (
        noun("beaker_1") == "beaker_1"
        and noun("drying_box") == "the drying_box"
        and noun("sol_a") == "the sol_a"
    )
    assert volume(50) == "50 µL" and volume(20000) == "20 mL" and volume(1500) == "1.5 mL"
    assert duration(30) == "30 s" and duration(300) == "5 min" and duration(90) == "1 min 30 s"


@pytest.mark.parametrize("name", sorted(SKILLS))
def test_rendering_together_equals_rendering_each_template(name: str) -> None:
    """base._render renders a skill's templates as one jinja2 template; each result must be what that
    template alone gives, also when a value contains the separator (then it renders them one by one)."""
    from skills import base
    from skills.templating import jinja_template

    params, state = example_calls()[name]
    context = SKILLS[name].context(params, state)
    templates = SKILLS[name].templates
    alone = [" ".join(jinja_template(t).render(context).split()) for t in templates]
    assert base._render(templates, context) == alone
    odd = {k: f"x{base._SEPARATOR}y" if isinstance(v, str) else v for k, v in context.items()}
    assert base._render(templates, odd) == [
        " ".join(jinja_template(t).render(odd).split()) for t in templates
    ]
