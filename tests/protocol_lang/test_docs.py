"""The docs work: every fenced block of README.md and docs/*.md is compiled, run or checked.

- ```lab / ```yaml: a formatted protocol that compiles; a ```yaml block followed by a ```lab block is
  the same protocol in both surfaces (each formats into the other).
- ```text right after a protocol block: what `labc check` prints for it, exactly.
- ```bash: every command is a valid invocation (`labc` arguments parsed by its own command line);
  the cheap `labc` commands are run.
- ```python: executed in a workspace holding a small dataset, unless its first line says
  `# not run by the docs test: <why>` (LeRobot's own API: labc does not install LeRobot; openpi's client
  talking to a running `labc serve`).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

from compiler.codes import all_codes
from protocol_lang import parse_text
from protocol_lang.formatter import to_lab, to_yaml
from tests.conftest import EXAMPLES, ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LANGUAGES = {"lab", "yaml", "bash", "python", "text"}
NOT_RUN = "# not run by the docs test:"
# Commands cheap enough to run for real (they read a protocol or print a table).
CHEAP = {"parse", "check", "compile", "fmt", "schema", "skills", "robots"}


@dataclass(frozen=True)
class Block:
    doc: Path
    line: int  # of the opening fence
    language: str
    text: str

    @property
    def id(self) -> str:
        return f"{self.doc.name}:{self.line}"


def _blocks(doc: Path) -> list[Block]:
    found, opened, body = [], None, []
    for number, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), start=1):
        fence = re.match(r"^```(\S*)\s*$", line)
        if opened is None and fence:
            opened, body = (number, fence.group(1)), []
        elif opened is not None and line.startswith("```"):
            found.append(Block(doc, opened[0], opened[1], "".join(f"{b}\n" for b in body)))
            opened = None
        elif opened is not None:
            body.append(line)
    assert opened is None, f"{doc.name}:{opened[0]}: the block is never closed"
    return found


BLOCKS = [b for doc in DOCS for b in _blocks(doc)]


def _following(block: Block) -> Block | None:
    index = BLOCKS.index(block)
    after = BLOCKS[index + 1] if index + 1 < len(BLOCKS) else None
    return after if after is not None and after.doc == block.doc else None


def _of(language: str) -> list[Block]:
    return [b for b in BLOCKS if b.language == language]


def _shows_diagnostics(block: Block) -> bool:
    after = _following(block)
    return after is not None and after.language == "text"


def test_reference_lists_every_code():
    text = (ROOT / "docs" / "LANGUAGE.md").read_text()
    missing = [code for code in all_codes() if f"| {code} |" not in text]
    assert missing == []


def test_every_block_says_what_it_is():
    assert len(BLOCKS) >= 12
    untagged = [(b.id, b.language) for b in BLOCKS if b.language not in LANGUAGES]
    assert untagged == [], f"tag each block with one of {sorted(LANGUAGES)}"


# ---- protocols ----------------------------------------------------------------------------------

PROTOCOLS = _of("lab") + _of("yaml")


@pytest.mark.parametrize("block", PROTOCOLS, ids=[b.id for b in PROTOCOLS])
def test_protocol_blocks_are_formatted_and_compile(block, tmp_path):
    from compiler import compile_file

    parsed = parse_text(block.text, f"doc.{block.language}")
    assert parsed.protocol is not None, [d.message for d in parsed.diagnostics]
    formatted = (to_lab if block.language == "lab" else to_yaml)(parsed.protocol)
    assert block.text == formatted, "not as `labc fmt` writes it"
    if _shows_diagnostics(block):
        return  # an example of a mistake: its diagnostics are checked below
    path = tmp_path / f"doc.{block.language}"
    path.write_text(block.text)
    result = compile_file(path)
    assert result.ok and result.diagnostics == [], [(d.code, d.message) for d in result.diagnostics]


TWINS = [(b, _following(b)) for b in _of("yaml") if (_following(b) or b).language == "lab"]


@pytest.mark.parametrize(("yaml_block", "lab_block"), TWINS, ids=[y.id for y, _ in TWINS])
def test_a_yaml_block_followed_by_a_lab_block_is_its_twin(yaml_block, lab_block):
    assert to_lab(parse_text(yaml_block.text, "doc.yaml").protocol) == lab_block.text


def test_the_language_reference_shows_the_serial_dilution_example():
    yaml_block, lab_block = next((y, lab) for y, lab in TWINS if y.doc.name == "LANGUAGE.md")
    assert yaml_block.text == (EXAMPLES / "serial_dilution.yaml").read_text()
    assert lab_block.text == (EXAMPLES / "serial_dilution.lab").read_text()


TEXTS = _of("text")


@pytest.mark.parametrize("block", TEXTS, ids=[b.id for b in TEXTS])
def test_diagnostics_blocks_are_what_labc_prints(block, labc, tmp_path, monkeypatch):
    source = BLOCKS[BLOCKS.index(block) - 1]
    assert source.doc == block.doc and source.language in ("lab", "yaml"), "a text block follows a protocol"
    name = re.search(r"--> ([\w.]+):\d+:\d+", block.text)
    assert name is not None, "the diagnostics name the file they are about"
    assert name.group(1).endswith("." + source.language)
    (tmp_path / name.group(1)).write_text(source.text)
    monkeypatch.chdir(tmp_path)
    result = labc("check", name.group(1))
    assert result.code == 1 and result.out == ""
    assert result.err == block.text


# ---- commands -----------------------------------------------------------------------------------


def _commands(block: Block) -> list[list[str]]:
    """The commands of a bash block: one per line (`\\` continues a line), `&&` separating several."""
    text = block.text.replace("\\\n", " ")
    commands: list[list[str]] = []
    for line in text.splitlines():
        words = shlex.split(line, comments=True)
        while words:
            cut = words.index("&&") if "&&" in words else len(words)
            commands.append(words[:cut])
            words = words[cut + 1 :]
    return commands


COMMANDS = [(b, c) for b in _of("bash") for c in _commands(b)]


def _labc_context(args: list[str]):
    """Parse `labc ARGS` as the command line would, without running it: a usage error raises."""
    import click

    from labc.cli import cli

    group = click.Context(cli, info_name="labc")
    name, rest = args[0], args[1:]
    command = cli.get_command(group, name)
    if command is None:
        raise click.UsageError(f"no command {name}")
    return name, command.make_context(name, list(rest), parent=group)


@pytest.mark.parametrize(("block", "words"), COMMANDS, ids=[f"{b.id}:{c[0]}" for b, c in COMMANDS])
def test_bash_commands_are_valid(block, words, labc, tmp_path, monkeypatch):
    program, args = words[0], words[1:]
    if program == "bash":
        script = ROOT / args[0]
        assert script.is_file(), f"no {args[0]}"
        assert all(flag in script.read_text() for flag in args[1:]), f"{args[0]} takes no {args[1:]}"
        return
    if program == ".venv/bin/python":
        assert args[:2] == ["-m", "pytest"], "only the test command is documented"
        return
    assert program in ("labc", ".venv/bin/labc"), f"{program}: not a command the docs should show"
    name, _ = _labc_context(args)
    if name in CHEAP:
        monkeypatch.setenv("LABC_WORKSPACE", str(tmp_path / "ws"))
        monkeypatch.chdir(ROOT)
        result = labc(*args)
        assert result.code == 0, result.err


def test_an_invalid_command_is_caught():
    """The check above can fail: a misspelt option or a missing value is a usage error."""
    import click

    with pytest.raises(click.UsageError):
        _labc_context(["compile", "examples/pipette_protocol.yaml", "--emit", "pdf"])
    with pytest.raises(click.UsageError):
        _labc_context(["bench", "--polcy", "expert"])
    with pytest.raises(click.UsageError):
        _labc_context(["complie", "examples/pipette_protocol.yaml"])


# ---- python -------------------------------------------------------------------------------------

PYTHON = _of("python")


def _small_dataset(root: Path) -> None:
    """Two short episodes of a franka dataset where the docs expect one (`labc-out/data/franka`)."""
    from labvla.data.synthetic import make_episode
    from robogenesis.export.lerobot_v3 import EpisodeRecord, LeRobotV3Writer

    cameras = {"front": (32, 32), "wrist": (32, 32)}
    names = [f"joint{i}" for i in range(7)] + ["gripper"]
    writer = LeRobotV3Writer(
        root, fps=10, robot_type="franka", cameras=cameras, state_names=names, action_names=names
    )
    for seed in (0, 1):
        episode = make_episode(seed, robot="franka", arm_joints=7, length=6, cameras=tuple(cameras))
        writer.append(EpisodeRecord(**episode.__dict__))


@pytest.mark.parametrize("block", PYTHON, ids=[b.id for b in PYTHON])
def test_python_blocks_run(block, tmp_path, monkeypatch, capsys):
    first = block.text.splitlines()[0]
    if first.startswith(NOT_RUN):
        assert first.removeprefix(NOT_RUN).strip(), "say why the block is not run"
        assert "lerobot" in block.text or "openpi_client" in block.text, "only LeRobot's and openpi's own API"
        return
    _small_dataset(tmp_path / "labc-out" / "data" / "franka")
    monkeypatch.chdir(tmp_path)
    exec(compile(block.text, block.id, "exec"), {"__name__": "__docs__"})
    assert capsys.readouterr().out.strip()  # the block shows something


def test_only_lerobots_own_api_is_exempt():
    """LeRobot's reader (not installed here) and openpi's client (it needs a server running; the
    exchange itself is tested in tests/labc/test_openpi.py)."""
    exempt = [b.id for b in PYTHON if b.text.startswith(NOT_RUN)]
    assert len(exempt) == 2 and len(PYTHON) >= 3
