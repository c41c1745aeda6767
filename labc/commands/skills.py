"""`labc skills`: the skill library at a glance, so protocol authors and tool builders see what each
atomic skill and operation takes, how long it lasts, how it is checked and how it is said."""

from __future__ import annotations

import difflib
import json
import types
import typing
from pathlib import Path
from typing import Any

import click
from pydantic import BaseModel

from labc.commands.options import workspace_option


def _type_name(annotation: Any) -> str:
    if annotation is type(None):
        return "None"
    if typing.get_origin(annotation) is typing.Annotated:
        return _type_name(typing.get_args(annotation)[0])
    if isinstance(annotation, type) and not typing.get_args(annotation):
        return annotation.__name__
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return " | ".join(_type_name(arg) for arg in typing.get_args(annotation))
    if typing.get_origin(annotation) is typing.Literal:
        return " | ".join(repr(arg) for arg in typing.get_args(annotation))
    return repr(annotation).replace("typing.", "")


def signature(name: str, model: type[BaseModel], tag: str) -> str:
    """`pick(object: str, arm: int = 0)` from a parameter model, leaving out its tag field."""
    parts = []
    # The shared `arm` comes from the base model, hence first; show it last, as a call would.
    for field_name, field in sorted(model.model_fields.items(), key=lambda item: item[0] == "arm"):
        if field_name == tag:
            continue
        text = f"{field_name}: {_type_name(field.annotation)}"
        if not field.is_required():
            text += f" = {field.get_default(call_default_factory=True)!r}"
        parts.append(text)
    return f"{name}({', '.join(parts)})"


def describe_skills() -> list[dict[str, Any]]:
    from skills.examples import example_calls
    from skills.registry import SKILLS

    examples = example_calls()
    rows = []
    for name, skill in SKILLS.items():
        example, state = examples[name]
        rows.append(
            {
                "name": name,
                "signature": signature(name, skill.params, "skill"),
                "summary": skill.summary,
                "default_duration_s": skill.default_duration_s,
                "duration_from_params": "duration_s" in skill.params.model_fields,
                "predicate": skill.predicate,
                "expert": skill.expert,
                "example": skill.instructions(example, state)[0],
                "templates": len(skill.templates),
            }
        )
    return rows


def describe_operations() -> list[dict[str, Any]]:
    from skills.examples import EXAMPLE_OPERATIONS, example_state
    from skills.execution import run_skill
    from skills.operations import OPERATIONS, lower
    from skills.registry import skill_of

    rows = []
    for name, operation in OPERATIONS.items():
        state = example_state()
        steps = lower(EXAMPLE_OPERATIONS[name], state)
        instructions = []
        for step in steps:
            instructions.append(skill_of(step).instructions(step, state)[0])
            run_skill(state, step)
        rows.append(
            {
                "name": name,
                "signature": signature(name, operation.params, "op"),
                "summary": operation.summary,
                "example_duration_s": sum(skill_of(step).duration_s(step) for step in steps),
                "lowers_to": [skill_of(step).name for step in steps],
                "example": instructions,
            }
        )
    return rows


@click.command("skills")
@click.argument("name", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@workspace_option(None)
@click.pass_context
def command(ctx: click.Context, name: str | None, fmt: str, workspace: Path | None) -> None:
    """List the atomic skills and operations (or one NAME) with signature, duration and an example."""
    skills, operations = describe_skills(), describe_operations()
    if name is not None:
        known = [row["name"] for row in skills + operations]
        skills = [row for row in skills if row["name"] == name]
        operations = [row for row in operations if row["name"] == name]
        if not skills and not operations:
            close = difflib.get_close_matches(name, known, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else f"; known: {', '.join(known)}"
            raise click.UsageError(f"no skill or operation named `{name}`{hint}")
    if fmt == "json":
        click.echo(json.dumps({"skills": skills, "operations": operations}, indent=2, ensure_ascii=False))
        return
    if skills:
        click.echo("Atomic skills")
    for row in skills:
        duration = "duration_s" if row["duration_from_params"] else f"{row['default_duration_s']:g} s"
        click.echo(f"  {row['signature']}")
        click.echo(f"      {row['summary']}  [{duration}; predicate/expert: {row['predicate']}]")
        click.echo(f'      e.g. "{row["example"]}"')
    if operations:
        click.echo("Operations (lowered to atomic skills)")
    for row in operations:
        click.echo(f"  {row['signature']}")
        click.echo(f"      {row['summary']}  [example: {row['example_duration_s']:g} s]")
        click.echo(f"      lowers to: {' -> '.join(row['lowers_to'])}")
        click.echo(f'      e.g. "{" ".join(row["example"][:4])}{" ..." if len(row["example"]) > 4 else ""}"')
