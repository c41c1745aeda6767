"""`labc run`: the expert completes the level-1 suite; failures are reported, never dumped."""

from __future__ import annotations

import json

import pytest

from labc.cli import main
from tests.helpers import BAD
from tests.helpers.known_broken import KNOWN_BROKEN
from tests.labc.runtime.conftest import EXAMPLES

LEVEL1 = sorted(p.stem for p in (EXAMPLES / "level1").glob("*.yaml"))
CASES = [
    pytest.param(robot, task, marks=[pytest.mark.xfail(strict=True, reason=KNOWN_BROKEN[robot, task])])
    if (robot, task) in KNOWN_BROKEN
    else pytest.param(robot, task)
    for robot in ("franka", "ur5")
    for task in LEVEL1
]


def test_without_protocol_run_takes_the_level1_suite():
    from labc.commands.run import level1_suite

    assert [p.stem for p in level1_suite()] == LEVEL1 and len(LEVEL1) == 10


@pytest.mark.slow
@pytest.mark.parametrize(("robot", "task"), CASES)
def test_expert_completes_level1_example(robot, task, tmp_path, capsys):
    """Known expert failures (tests/robogenesis) are strict xfails: they must be fixed there first."""
    path = str(EXAMPLES / "level1" / f"{task}.yaml")
    code = main(["run", path, "--robot", robot, "--max-retries", "1", "--workspace", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0, out
    (path,) = (tmp_path / "runs" / "run").glob(f"*-{robot}-expert-s0-id.json")
    result = json.loads(path.read_text())
    assert result["completed"] and all(n["success"] for n in result["nodes"])
    assert not [e for e in result["safety"] if e["outcome"] == "stopped"]


def test_failing_policy_gives_a_reason_and_exit_1(tmp_path, capsys, use_experts):
    use_experts(BAD)
    code = main(
        [
            "run",
            str(EXAMPLES / "level1/pick.yaml"),
            "--robot",
            "franka",
            "--json",
            "--workspace",
            str(tmp_path),
        ]
    )
    captured = capsys.readouterr()
    assert code == 1 and "Traceback" not in captured.out + captured.err
    result = json.loads(captured.out)
    assert result["safe_stop"] and result["stop_reason"] == "policy_error"
    assert "ZeroDivisionError: the controller divided by zero" in result["nodes"][0]["detail"]
    assert result["nodes"][0]["steps"] == 1  # the one action before the failure went out


def test_video_carries_the_instruction(tmp_path, capsys, use_experts):
    use_experts(BAD)
    import av
    import numpy as np

    video = tmp_path / "hold.mp4"
    code = main(
        [
            "run",
            str(EXAMPLES / "level1/pick.yaml"),
            "--robot",
            "ur5",
            "--max-retries",
            "0",
            "--video",
            str(video),
            "--resolution",
            "64",
            "--workspace",
            str(tmp_path),
        ]
    )
    assert code == 1
    with av.open(str(video)) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    assert len(frames) == 1 and frames[0].shape[1] == 64
    band = frames[0][:20].astype(int)
    assert (band > 200).any() and np.median(band) < 60  # white text on a dark caption band


def test_bad_input_is_a_one_line_usage_error(tmp_path, capsys):
    assert main(["run", "nowhere.yaml", "--workspace", str(tmp_path)]) == 2
    assert "no such protocol file: nowhere.yaml" in capsys.readouterr().err
    assert (
        main(["run", str(EXAMPLES / "level1/pick.yaml"), "--robot", "r2d2", "--workspace", str(tmp_path)])
        == 2
    )
    assert "unknown robot 'r2d2'" in capsys.readouterr().err
    code = main(["run", "--policy", "labvla", "--workspace", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and "no LabVLA checkpoint" in err and "labc train" in err
