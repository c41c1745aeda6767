"""Write an AST back out as either surface: `labc fmt --to lab|yaml`.

The output is canonical (declarations in a fixed order, one statement per line, four-space blocks,
one blank line before the declarations and before the steps), so formatting twice changes nothing.
It is lossless: `{param}` references stay references, and comments and blank lines (the AST's
`Trivia`, see `protocol_lang.trivia`) are written back where they were, so yaml -> lab -> yaml gives
the same file. A comment before the first entry of a YAML section is written above the section key.
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


def _leading(out: list[str], trivia: ast.Trivia | None, pad: str, *, blank: bool = False) -> None:
    """The comment and blank lines before a line; `blank`: a group starts here (one blank line)."""
    lines = list(trivia.before) if trivia is not None else []
    if blank:
        while lines and lines[0] == "":
            lines.pop(0)
        if out:
            out.append("")
    out.extend(pad + line if line else "" for line in lines)


def _trailing(text: str, trivia: ast.Trivia | None) -> str:
    return f"{text}  {trivia.after}" if trivia is not None and trivia.after else text


def _robots(out: list[str], protocol: ast.Protocol, line: str) -> None:
    if protocol.robots:
        _leading(out, protocol.header.get("robots"), "")
        out.append(_trailing(line, protocol.header.get("robots")))


def to_lab(protocol: ast.Protocol) -> str:
    out: list[str] = []
    header = protocol.header
    _leading(out, header.get("labc"), "")
    out.append(_trailing("labc 1", header.get("labc")))
    line = f"protocol {protocol.name}"
    if protocol.description is not None:
        line += " " + json.dumps(protocol.description, ensure_ascii=False)
    _leading(out, header.get("protocol"), "")
    out.append(_trailing(line, header.get("protocol")))
    _robots(out, protocol, "robots " + ", ".join(protocol.robots))
    for param in protocol.params:
        _leading(out, param.trivia, "")
        out.append(_trailing(f"param {param.name} = {_param_text(param)}", param.trivia))
    for index, lw in enumerate(protocol.labware):
        line = f"labware {lw.name}: {lw.type}" + (f" at {lw.at}" if lw.at else "")
        if lw.contents:
            items = [(f"{c.well}: " if c.well else "") + _content_text(c) for c in lw.contents]
            line += " { " + ", ".join(items) + " }"
        _leading(out, lw.trivia, "", blank=index == 0)
        out.append(_trailing(line, lw.trivia))
    for index, ins in enumerate(protocol.instruments):
        line = f"instrument {ins.name}: {ins.type}" + (f" at {ins.at}" if ins.at else "")
        if ins.tips:
            line += " using " + ", ".join(ins.tips)
        _leading(out, ins.trivia, "", blank=index == 0 and not protocol.labware)
        out.append(_trailing(line, ins.trivia))
    _lab_steps(protocol.steps, 0, out)
    _leading(out, protocol.tail, "")
    return "\n".join(out) + "\n"


def _lab_steps(steps: list[ast.Statement], depth: int, out: list[str]) -> None:
    pad = "    " * depth
    for index, step in enumerate(steps):
        _leading(out, step.trivia, pad, blank=depth == 0 and index == 0)
        if isinstance(step, ast.Parallel | ast.Repeat):
            head = "parallel" if isinstance(step, ast.Parallel) else f"repeat {step.times.text()} times"
            out.append(_trailing(f"{pad}{head} {{", step.trivia))
            _lab_steps(step.branches if isinstance(step, ast.Parallel) else step.body, depth + 1, out)
            _leading(out, step.tail, pad + "    ")
            out.append(f"{pad}}}")
        else:
            out.append(_trailing(pad + statement_text(step), step.trivia))


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
    out: list[str] = []
    header = protocol.header
    _leading(out, header.get("labc"), "")
    out.append(_trailing("labc: 1", header.get("labc")))
    _leading(out, header.get("protocol"), "")
    out.append(_trailing(f"protocol: {protocol.name}", header.get("protocol")))
    if protocol.description is not None:
        out.append(f"description: {json.dumps(protocol.description, ensure_ascii=False)}")
    _robots(out, protocol, "robots: [" + ", ".join(yaml_scalar(r) for r in protocol.robots) + "]")
    _section(out, "params", protocol.params, lambda p: f"{p.name}: {yaml_scalar(_param_text(p))}")
    _section(out, "labware", protocol.labware, _yaml_labware, blank=True)
    _section(out, "instruments", protocol.instruments, _yaml_instrument, blank=not protocol.labware)
    if protocol.steps:
        _leading(out, protocol.steps[0].trivia, "", blank=True)
        out.append("steps:")
        _yaml_steps(protocol.steps, 1, out)
    _leading(out, protocol.tail, "")
    return "\n".join(out) + "\n"


def _section(out: list[str], key: str, entries: list, line, *, blank: bool = False) -> None:
    """`key:` and one line per entry; the first entry's comments go above the key."""
    for index, entry in enumerate(entries):
        if index == 0:
            _leading(out, entry.trivia, "", blank=blank)
            out.append(f"{key}:")
        else:
            _leading(out, entry.trivia, "  ")
        out.append(_trailing(f"  {line(entry)}", entry.trivia))


def _yaml_labware(lw: ast.LabwareDecl) -> str:
    fields = [f"type: {yaml_scalar(lw.type)}"]
    if lw.at:
        fields.append(f"at: {yaml_scalar(lw.at)}")
    if lw.contents:
        if all(c.well is None for c in lw.contents):
            fields.append(f"contains: {yaml_scalar(', '.join(_content_text(c) for c in lw.contents))}")
        else:
            wells = ", ".join(f"{c.well}: {yaml_scalar(_content_text(c))}" for c in lw.contents)
            fields.append(f"contains: {{{wells}}}")
    return f"{lw.name}: {{{', '.join(fields)}}}"


def _yaml_instrument(ins: ast.InstrumentDecl) -> str:
    fields = [f"type: {yaml_scalar(ins.type)}"]
    if ins.at:
        fields.append(f"at: {yaml_scalar(ins.at)}")
    if ins.tips:
        fields.append("tips: [" + ", ".join(yaml_scalar(t) for t in ins.tips) + "]")
    return f"{ins.name}: {{{', '.join(fields)}}}"


def _yaml_steps(steps: list[ast.Statement], depth: int, out: list[str]) -> None:
    pad = "  " * depth + "  " * (depth - 1)
    for index, step in enumerate(steps):
        if not (depth == 1 and index == 0):  # the first step's comments are above `steps:`
            _leading(out, step.trivia, pad)
        if isinstance(step, ast.Parallel | ast.Repeat):
            head = "parallel" if isinstance(step, ast.Parallel) else f"repeat {step.times.text()} times"
            out.append(_trailing(f"{pad}- {head}:", step.trivia))
            _yaml_steps(step.branches if isinstance(step, ast.Parallel) else step.body, depth + 1, out)
            _leading(out, step.tail, "  " * (depth + 1) + "  " * depth)
        else:
            out.append(_trailing(f"{pad}- {yaml_scalar(statement_text(step))}", step.trivia))
