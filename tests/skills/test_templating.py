"""The fast path for instruction templates renders exactly what jinja2 renders, or leaves it to jinja2."""

from __future__ import annotations

import jinja2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skills import templating
from skills.examples import example_calls
from skills.registry import SKILLS
from skills.templating import fast, jinja_template, render


def _jinja(source: str, context: dict) -> str:
    return jinja_template(source).render(context)


@pytest.mark.parametrize("name", sorted(SKILLS))
def test_every_skill_template_takes_the_fast_path_and_renders_as_jinja2(name: str) -> None:
    params, state = example_calls()[name]
    context = SKILLS[name].context(params, state)
    for source in SKILLS[name].templates:
        assert fast(source) is not None, source  # so `labc compile` never imports jinja2
        assert render(source, context) == _jinja(source, context)
        # Optional values absent, as when a pour has no volume or a press no setpoint.
        emptied = {
            key: None if value is not None and key != "skill" else value for key, value in context.items()
        }
        for key in context:
            one = {**context, key: emptied[key]}
            try:
                expected = _jinja(source, one)
            except TypeError:  # a filter given None: the fast path fails the same way
                with pytest.raises(TypeError):
                    render(source, one)
                continue
            assert render(source, one) == expected


@pytest.mark.parametrize(
    "source",
    [
        "{{ x|upper }}",  # a filter the fast path does not know
        "{%- if x %}a{% endif %}",  # whitespace control
        "{{ x }}{# a comment #}",
        '{{ "literal" }}',
        "{% for c in x %}{{ c }}{% endfor %}",
        "{% if not x is none %}a{% endif %}",
        "{% if x %}a{% elif y %}b{% endif %}",
        "{% if x %}a{% else %}b{% else %}c{% endif %}",
        "line\n",
        "{{ none }}",
        "a }} b",
    ],
)
def test_what_the_fast_path_does_not_cover_goes_to_jinja2(source: str) -> None:
    context = {"x": "ab", "y": 1}
    assert fast(source) is None
    try:
        expected = _jinja(source, context)
    except jinja2.TemplateError as exc:
        with pytest.raises(type(exc)):
            render(source, context)
    else:
        assert render(source, context) == expected


def test_a_missing_variable_is_jinja2s_strict_error() -> None:
    assert fast("Pick up {{ thing|noun }}.") is not None
    with pytest.raises(jinja2.UndefinedError):
        render("Pick up {{ thing|noun }}.", {"object": "beaker_1"})
    with pytest.raises(jinja2.UndefinedError):
        render("{% if thing is none %}a{% endif %}{{ thing }}", {})


@pytest.mark.parametrize("value", [None, False, True, 0, 0.0, 2, -1.5, "", "x", "sol_a"])
@pytest.mark.parametrize(
    "source",
    [
        "{% if v %}yes{% endif %}",
        "{% if not v %}yes{% else %}no{% endif %}",
        "{% if v is none %}none{% else %}{{ v }}{% endif %}",
        "{% if v is not none %}[{{ v }}]{% endif %}.",
        "{{v}} {{ v }}{% if v %}{% if v is none %}a{% else %}b{% endif %}{% endif %}",
    ],
)
def test_tests_and_printing_match_jinja2(source: str, value: object) -> None:
    assert fast(source) is not None
    assert render(source, {"v": value}) == _jinja(source, {"v": value})


# ---- generated templates ---------------------------------------------------------------------------

NAMES = ("a", "b_1", "none_x", "c")
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5000),
    st.floats(-1e4, 1e5, allow_nan=False),
    st.sampled_from(["", "beaker_1", "sol_a", "x y", "é"]),
)
# Mostly plain text; sometimes stray delimiters, which the fast path must leave to jinja2.
TEXT = st.text(alphabet="ab .-", max_size=5) | st.text(alphabet="ab {}%#-|", max_size=4)


def _print() -> st.SearchStrategy[str]:
    filters = st.lists(st.sampled_from(["noun", "upfirst", "volume"]), max_size=1)
    return st.builds(
        lambda name, chain, pad: "{{" + pad + name + "".join(f"|{f}" for f in chain) + pad + "}}",
        st.sampled_from(NAMES),
        filters,
        st.sampled_from(["", " ", "  "]),
    )


def _if(body: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    test = st.sampled_from(["{name}", "not {name}", "{name} is none", "{name} is not none"])
    return st.builds(
        lambda t, name, then, other: (
            "{% if "
            + t.format(name=name)
            + " %}"
            + then
            + ("" if other is None else "{% else %}" + other)
            + "{% endif %}"
        ),
        test,
        st.sampled_from(NAMES),
        body,
        st.none() | body,
    )


TEMPLATES = st.recursive(
    st.one_of(TEXT, _print()),
    lambda inner: st.lists(st.one_of(inner, _if(inner)), min_size=1, max_size=4).map("".join),
    max_leaves=8,
)


# Usually every variable is there (one may be missing: then jinja2's StrictUndefined decides).
CONTEXTS = st.fixed_dictionaries({name: VALUES for name in NAMES[:3]}, optional={NAMES[3]: VALUES})


@settings(max_examples=400)
@given(source=TEMPLATES, context=CONTEXTS)
def test_generated_templates_render_as_jinja2(source: str, context: dict) -> None:
    try:
        expected: str | type[Exception] = _jinja(source, context)
    except (jinja2.TemplateError, TypeError, ValueError, AttributeError) as exc:
        expected = type(exc)
    try:
        got: str | type[Exception] = render(source, context)
    except (jinja2.TemplateError, TypeError, ValueError, AttributeError) as exc:
        got = type(exc)
    assert got == expected, (source, context, templating.fast(source))
