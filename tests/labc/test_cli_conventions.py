"""One command-line convention across every `labc` command: `--workspace` everywhere, `--video` with an
optional path, and one exit code per kind of mistake (README "Exit codes"): never 3 for bad input."""

from __future__ import annotations

import pytest

from labc.cli import COMMANDS
from tests.conftest import EXAMPLES
from tests.helpers import BAD

# Commands that neither read nor write a workspace, and say so in --help.
NO_WORKSPACE = {"check", "fmt", "parse", "schema", "skills", "robots", "labware", "deck"}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_takes_workspace(name, labc, tmp_path) -> None:
    result = labc(name, "--help")
    assert result.code == 0 and "--workspace" in result.out, result.out
    help_text = " ".join(result.out.split())
    assert ("Accepted for uniformity" in help_text) == (name in NO_WORKSPACE), help_text


@pytest.mark.parametrize(
    "args",
    [
        ("schema",),
        ("robots",),
        ("labware", "hotplate"),
        ("check", EXAMPLES / "pipette_protocol.lab"),
        ("parse", EXAMPLES / "pipette_protocol.lab"),
        ("fmt", EXAMPLES / "pipette_protocol.lab", "--to", "yaml"),
        ("deck", EXAMPLES / "first_plate.lab"),
    ],
    ids=lambda a: a[0],
)
def test_commands_that_touch_no_workspace_accept_it_and_leave_it_alone(args, labc, tmp_path) -> None:
    ws = tmp_path / "ws"
    assert labc(*args, "--workspace", ws).code == 0
    assert not ws.exists()


def test_view_resolution_zero_is_a_usage_error(labc, tmp_path) -> None:
    result = labc(
        "view", EXAMPLES / "labutopia/level1/pick.lab", "--resolution", "0", "--workspace", tmp_path
    )
    assert result.code == 2 and "--resolution" in result.err and "internal error" not in result.err


def test_video_without_a_path_does_not_swallow_the_next_option(labc, tmp_path) -> None:
    # Before, `--video --robot r2d2` took `--robot` as the video's path and `r2d2` as a protocol.
    result = labc("run", EXAMPLES / "labutopia/level1/pick.yaml", "--video", "--robot", "r2d2")
    assert result.code == 2 and "unknown robot 'r2d2'" in result.err


def test_one_video_path_for_several_protocols_is_a_usage_error(labc, tmp_path) -> None:
    pick, press = EXAMPLES / "labutopia/level1/pick.yaml", EXAMPLES / "labutopia/level1/press.yaml"
    result = labc("run", pick, press, "--video", tmp_path / "v.mp4", "--workspace", tmp_path)
    assert result.code == 2 and "give --video alone" in result.err


def test_video_without_a_path_lands_in_the_workspace(labc, use_experts, tmp_path) -> None:
    ws = tmp_path / "ws"
    use_experts(BAD)
    result = labc(
        "run",
        EXAMPLES / "labutopia/level1/pick.yaml",
        "--video",
        "--robot",
        "ur5",
        "--max-retries",
        "0",
        "--resolution",
        "32",
        "--workspace",
        ws,
    )
    video = ws / "runs" / "run" / "pick-ur5-expert-s0-id.mp4"
    assert result.code == 1 and video.is_file() and video.stat().st_size > 0
    assert f"default video: {video}" in result.err and f"video: {video}" in result.out


@pytest.mark.parametrize(
    "command",
    [
        ("run", EXAMPLES / "labutopia/level1/pick.yaml", "--policy", "labvla"),
        ("bench", "--levels", "1", "--tasks", "pick", "--policy", "labvla", "--episodes", "1"),
    ],
    ids=lambda c: c[0],
)
def test_a_corrupt_checkpoint_config_is_bad_input(command, labc, tmp_path) -> None:
    checkpoint = tmp_path / "ckpt"
    checkpoint.mkdir()
    (checkpoint / "config.json").write_text('{"preset": "tiny", "chunk": ')
    result = labc(*command, "--checkpoint", checkpoint, "--workspace", tmp_path / "ws")
    assert result.code == 2, result.err
    assert "config.json" in result.err and "internal error" not in result.err
    assert len(result.err.strip().splitlines()) <= 3, result.err  # a message, not a traceback


def test_labware_lists_the_catalog(labc) -> None:
    import json

    result = labc("labware")
    assert result.code == 0
    for name in ("beaker_250ml", "plate_96", "tiprack_200ul", "hotplate", "drying_box", "pipette_p200"):
        assert f"  {name} " in result.out
    instruments = json.loads(labc("labware", "--instruments", "--format", "json").out)
    assert {row["name"] for row in instruments} >= {"hotplate", "drying_box", "pipette_p200"}
    assert all(row["instrument"] for row in instruments)
    unknown = labc("labware", "beakr_250ml")
    assert unknown.code == 2 and "did you mean beaker_250ml" in unknown.err


@pytest.mark.parametrize(
    "command",
    [
        ("compile", EXAMPLES / "labutopia/level1/pick.lab"),
        ("check", EXAMPLES / "labutopia/level1/pick.lab"),
        ("view", EXAMPLES / "labutopia/level1/pick.lab", "--robot"),
        ("run", EXAMPLES / "labutopia/level1/pick.yaml", "--robot"),
        ("synthesize", EXAMPLES / "labutopia/level1/pick.yaml", "--robots"),
        ("bench", "--tasks", "pick", "--levels", "1", "--robots"),
    ],
    ids=lambda c: c[0],
)
def test_an_unknown_robot_is_the_same_usage_error_everywhere(command, labc, tmp_path) -> None:
    flag = () if str(command[-1]).startswith("--robot") else ("--robot",)
    result = labc(*command, *flag, "frank", "--workspace", tmp_path)
    assert result.code == 2 and "unknown robot 'frank'" in result.err, result.err


def test_a_file_that_is_not_a_compiled_protocol_or_scene_is_bad_input(labc, tmp_path) -> None:
    compiled = tmp_path / "c.json"
    compiled.write_text('{"schema": "labc.compiled/1", "nodes": 3}')
    scene = tmp_path / "s.json"
    scene.write_text('{"labware": 5}')
    for args in (("view", compiled), ("view", scene), ("run", compiled)):
        result = labc(*args, "--workspace", tmp_path / "ws")
        assert result.code == 2 and f"{args[1]}: not a" in result.err, result.err
        assert "internal error" not in result.err


def test_an_output_path_that_cannot_be_written_is_exit_2(labc, tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    args = ("--emit", "dot", "-o", blocker / "x.dot", "--workspace", tmp_path / "ws")
    result = labc("compile", EXAMPLES / "pipette_protocol.lab", *args)
    assert result.code == 2 and str(blocker) in result.err and "internal error" not in result.err


def test_only_brief_commands_run_without_the_cyclic_collector() -> None:
    """`labc compile` as its own process skips garbage collection (labc/cli.py BRIEF); a command that
    can run for hours must keep it, and in-process calls (tests, a notebook) never change it."""
    import subprocess
    import sys

    from labc.cli import BRIEF, _brief

    assert set(COMMANDS) >= BRIEF
    assert _brief(["compile", "x.lab", "--emit", "text"]) and _brief(["--help", "check"])
    assert not any(_brief([name]) for name in ("synthesize", "train", "run", "bench", "serve"))
    assert not _brief(["--version"]) and not _brief([])
    # A brief command's own process ends in `_end_brief` without returning: report from there.
    code = (
        "import gc, sys; from labc import cli; in_process = sys.argv.pop(1) == 'in'; "
        "cli._end_brief = lambda code: sys.exit(print(gc.isenabled()) or code); "
        "cli.main(sys.argv[1:]) if in_process else cli.main(); print(gc.isenabled())"
    )
    for mode, command, enabled in [
        ("own", "schema", "False"),
        ("own", "robots", "True"),
        ("in", "schema", "True"),
    ]:
        out = subprocess.run(
            [sys.executable, "-c", code, mode, command], capture_output=True, text=True, timeout=60
        )
        assert out.stdout.splitlines()[-1] == enabled, (mode, command, out.stderr)


def test_a_brief_command_ends_with_its_output_and_exit_code(tmp_path) -> None:
    """Brief commands leave without interpreter shutdown (labc/cli.py `_end_brief`): what they print
    must still all be out, and the exit code must be the command's."""
    import json
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # block-buffered pipes

    def labc(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "labc.cli", *args], capture_output=True, text=True, timeout=120, env=env
        )

    schema = labc("schema")
    assert schema.returncode == 0 and json.loads(schema.stdout)["title"] == "CompiledProtocol"
    bad = tmp_path / "bad.lab"
    bad.write_text('labc 1\nprotocol p "x"\npour 5 mL from nowhere into nothing\n')
    check = labc("check", str(bad))
    assert check.returncode == 1 and "E1002" in check.stderr and "2 errors found" in check.stderr, (
        check.stderr
    )
    assert labc("compile", str(tmp_path / "missing.lab")).returncode == 2
