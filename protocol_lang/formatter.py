"""Write an AST back out as either surface: `labc fmt --to lab|yaml`.

The output is canonical (declarations in a fixed order, one statement per line, four-space blocks),
so formatting twice changes nothing and converting yaml -> lab -> yaml gives an equal AST. Comments
are not kept: the AST does not hold them.
"""

from __future__ import annotations

import json
import re

from protocol_lang import ast

_PLAIN_YAML = re.compile(r"^[A-Za-z0-9_µ°][A-Za-z0-9_ µ°./{}-]*$")
_YAML_SPECIAL_WORDS = frozenset({"yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"})


def statement_text(statement: ast.Statement) -> str:
    """One statement in the grammar's words (blocks excluded: they span lines)."""
    s = statement
    match s:
        case ast.Pick():
            return f"pick {s.object.text()}"
        case ast.Place():
            return f"place {s.object.text()} {s.relation} {s.target.text()}"
        case ast.Open():
            return f"open {s.target.text()}"
        case ast.Close():
            return f"close {s.target.text()}"
        case ast.Press():
            return f"press {s.target.text()}"
        case ast.Pour():
            volume = f"{s.volume.text()} " if s.volume is not None else ""
            return f"pour {volume}from {s.source.text()} into {s.target.text()}"
        case ast.Shake():
            return f"shake {s.object.text()}" + (
                f" for {s.duration.text()}" if s.duration is not None else ""
            )
        case ast.Stir():
            tail = f" for {s.duration.text()}" if s.duration is not None else ""
            return f"stir {s.object.text()} with {s.rod.text()}{tail}"
        case ast.Wait():
            return f"wait {s.duration.text()}"
        case ast.Transport():
            return f"transport {s.object.text()} to {s.target.text()}"
        case ast.Transfer():
            text = f"transfer {s.volume.text()} from {s.source.text()} to {s.target.text()}"
            if s.mix_times is not None:
                text += f" mixing {s.mix_times.text()} times"
            if s.new_tip is not None:
                text += f" new tip {s.new_tip}"
            return text
        case ast.Heat():
            return f"heat {s.object.text()} on {s.heater.text()} to {s.temperature.text()} for {s.duration.text()}"
        case ast.Mix():
            return f"mix {s.object.text()}" + (f" {s.times.text()} times" if s.times is not None else "")
        case ast.Put():
            return f"put {s.object.text()} into {s.device.text()}"
        case ast.Take():
            return f"take {s.object.text()} out of {s.device.text()}"
    raise TypeError(f"not a simple statement: {statement!r}")


def _content_text(content: ast.Content) -> str:
    liquid = (
        content.liquid
        if re.fullmatch(r"[A-Za-zµ°_][A-Za-z0-9µ°_]*", content.liquid)
        else json.dumps(content.liquid)
    )
    return f"{content.volume.text()} {liquid}"


def _param_text(param: ast.ParamDecl) -> str:
    return param.value.text()


# ---- .lab ---------------------------------------------------------------------------------------


def to_lab(protocol: ast.Protocol) -> str:
    out = ["labc 1"]
    header = f"protocol {protocol.name}"
    if protocol.description is not None:
        header += " " + json.dumps(protocol.description, ensure_ascii=False)
    out.append(header)
    if protocol.robots:
        out.append("robots " + ", ".join(protocol.robots))
    for param in protocol.params:
        out.append(f"param {param.name} = {_param_text(param)}")
    if protocol.labware or protocol.instruments:
        out.append("")
    for lw in protocol.labware:
        line = f"labware {lw.name}: {lw.type}" + (f" at {lw.at}" if lw.at else "")
        if lw.contents:
            items = [(f"{c.well}: " if c.well else "") + _content_text(c) for c in lw.contents]
            line += " { " + ", ".join(items) + " }"
        out.append(line)
    for ins in protocol.instruments:
        line = f"instrument {ins.name}: {ins.type}" + (f" at {ins.at}" if ins.at else "")
        if ins.tips:
            line += " using " + ", ".join(ins.tips)
        out.append(line)
    if protocol.steps:
        out.append("")
        _lab_steps(protocol.steps, 0, out)
    return "\n".join(out) + "\n"


def _lab_steps(steps: list[ast.Statement], depth: int, out: list[str]) -> None:
    pad = "    " * depth
    for step in steps:
        if isinstance(step, ast.Parallel):
            out.append(f"{pad}parallel {{")
            _lab_steps(step.branches, depth + 1, out)
            out.append(f"{pad}}}")
        elif isinstance(step, ast.Repeat):
            out.append(f"{pad}repeat {step.times.text()} times {{")
            _lab_steps(step.body, depth + 1, out)
            out.append(f"{pad}}}")
        else:
            out.append(pad + statement_text(step))


# ---- .yaml --------------------------------------------------------------------------------------


def yaml_scalar(text: str) -> str:
    """A YAML scalar that reads back as `text`: plain when safe, double-quoted (JSON) otherwise."""
    if (
        _PLAIN_YAML.match(text)
        and text.lower() not in _YAML_SPECIAL_WORDS
        and not text.startswith(("{", "-"))
        and not _looks_numeric(text)
    ):
        return text
    return json.dumps(text, ensure_ascii=False)


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def to_yaml(protocol: ast.Protocol) -> str:
    out = ["labc: 1", f"protocol: {protocol.name}"]
    if protocol.description is not None:
        out.append(f"description: {json.dumps(protocol.description, ensure_ascii=False)}")
    if protocol.robots:
        out.append("robots: [" + ", ".join(yaml_scalar(r) for r in protocol.robots) + "]")
    if protocol.params:
        out.append("params:")
        out += [f"  {p.name}: {yaml_scalar(_param_text(p))}" for p in protocol.params]
    if protocol.labware:
        out.append("labware:")
        for lw in protocol.labware:
            fields = [f"type: {yaml_scalar(lw.type)}"]
            if lw.at:
                fields.append(f"at: {yaml_scalar(lw.at)}")
            if lw.contents:
                if all(c.well is None for c in lw.contents):
                    fields.append(
                        f"contains: {yaml_scalar(', '.join(_content_text(c) for c in lw.contents))}"
                    )
                else:
                    wells = ", ".join(f"{c.well}: {yaml_scalar(_content_text(c))}" for c in lw.contents)
                    fields.append(f"contains: {{{wells}}}")
            out.append(f"  {lw.name}: {{{', '.join(fields)}}}")
    if protocol.instruments:
        out.append("instruments:")
        for ins in protocol.instruments:
            fields = [f"type: {yaml_scalar(ins.type)}"]
            if ins.at:
                fields.append(f"at: {yaml_scalar(ins.at)}")
            if ins.tips:
                fields.append("tips: [" + ", ".join(yaml_scalar(t) for t in ins.tips) + "]")
            out.append(f"  {ins.name}: {{{', '.join(fields)}}}")
    if protocol.steps:
        out.append("steps:")
        _yaml_steps(protocol.steps, 1, out)
    return "\n".join(out) + "\n"


def _yaml_steps(steps: list[ast.Statement], depth: int, out: list[str]) -> None:
    pad = "  " * depth + "  " * (depth - 1)
    for step in steps:
        if isinstance(step, ast.Parallel):
            out.append(f"{pad}- parallel:")
            _yaml_steps(step.branches, depth + 1, out)
        elif isinstance(step, ast.Repeat):
            out.append(f"{pad}- repeat {step.times.text()} times:")
            _yaml_steps(step.body, depth + 1, out)
        else:
            out.append(f"{pad}- {yaml_scalar(statement_text(step))}")
