"""openpi's websocket policy protocol end to end on 127.0.0.1: `labc serve` in a subprocess with a tiny
LabVLA checkpoint trained here, openpi-client's stock client, and `labc bench|run --policy openpi`."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from labc.cli import main
from tests.labc.conftest import EXAMPLES

PRESS = EXAMPLES / "level1" / "press.yaml"
CAMERAS = {"front": (32, 32), "wrist": (32, 32)}
START_TIMEOUT_S = 240


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A LabVLA flow checkpoint for the Franka on two synthetic episodes seen by cameras labsim has."""
    from labvla.data.synthetic import make_episode
    from labvla.train import TrainOptions, train
    from robogenesis.export.lerobot_v3 import EpisodeRecord, LeRobotV3Writer

    root = tmp_path_factory.mktemp("openpi")
    names = [f"joint{i}" for i in range(7)] + ["gripper"]
    writer = LeRobotV3Writer(
        root / "data", fps=10, robot_type="franka", cameras=CAMERAS, state_names=names, action_names=names
    )
    for seed in (0, 1):
        ep = make_episode(seed, robot="franka", arm_joints=7, length=12, cameras=tuple(CAMERAS))
        writer.append(EpisodeRecord(**ep.__dict__))
    opts = TrainOptions(
        data=[root / "data"], out=root / "ckpt", stage="flow", steps=2, batch=2, progress=False
    )
    return train(opts).checkpoint


@pytest.fixture(scope="module")
def server(checkpoint: Path):
    """`labc serve CHECKPOINT --port 0` in a subprocess; yields its ws:// address."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "labc.cli", "serve", str(checkpoint), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    address: list[str] = []
    reader = threading.Thread(target=lambda: address.append(proc.stdout.readline().strip()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(START_TIMEOUT_S)
    try:
        if not address or not address[0].startswith("ws://127.0.0.1:"):
            proc.kill()
            pytest.fail(f"labc serve did not start: {proc.communicate(timeout=30)[1][-3000:]}")
        yield address[0]
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_the_stock_openpi_client_gets_metadata_and_action_chunks(server: str) -> None:
    from openpi_client.websocket_client_policy import WebsocketClientPolicy

    client = WebsocketClientPolicy(host=server)
    meta = client.get_server_metadata()
    assert meta["server"] == "labc" and meta["cameras"] == list(CAMERAS)
    assert meta["robots"] == {"franka": {"state_dim": 8, "action_dim": 8}}
    example = meta["example_observation"]
    assert set(example) == {
        "observation.images.front",
        "observation.images.wrist",
        "observation.state",
        "prompt",
        "robot",
    }
    answer = client.infer(example)
    assert answer["actions"].shape == (meta["action_horizon"], 8)
    assert answer["actions"].dtype == np.float32 and np.all(np.isfinite(answer["actions"]))
    again = client.infer(example)
    np.testing.assert_array_equal(again["actions"], answer["actions"])  # noise scale 0: deterministic
    bad = dict(example)
    del bad["observation.state"]
    with pytest.raises(RuntimeError, match=r"observation\.state"):  # the server's reason, as text
        client.infer(bad)


@pytest.mark.slow
def test_a_bench_episode_runs_through_the_server(server: str, tmp_path: Path) -> None:
    out = tmp_path / "bench"
    args = ["bench", "--policy", "openpi", "--server", server, "--levels", "1", "--tasks", "press"]
    args += ["--episodes", "1", "--split", "id", "--max-retries", "0", "--resolution", "32", "--quiet"]
    assert main([*args, "--out", str(out)]) == 0
    report = json.loads((out / "openpi.json").read_text())
    assert report["policy"]["name"] == "openpi" and report["policy"]["server"] == server
    (episode,) = report["episodes"]
    assert episode["task"] == "press" and episode["nodes"] == 1
    assert episode["stop_reason"]  # it ran and ended for a reason (a few training steps: rarely a success)
    assert episode["success"] == (episode["stop_reason"] == "ok")
    assert episode["sim_s"] >= 0.0


def test_a_server_that_is_down_or_missing_exits_2_with_the_reason(capsys: pytest.CaptureFixture[str]) -> None:
    address = f"ws://127.0.0.1:{free_port()}"
    assert main(["run", str(PRESS), "--policy", "openpi", "--server", address]) == 2
    assert f"no openpi policy server at {address}" in capsys.readouterr().err
    assert main(["run", str(PRESS), "--policy", "openpi"]) == 2
    assert "needs --server" in capsys.readouterr().err
    assert main(["run", str(PRESS), "--policy", "openpi", "--server", "http://x"]) == 2
    assert "ws://HOST:PORT" in capsys.readouterr().err


class WrongShapes:
    """A policy server that speaks the protocol but answers chunks for a 3-joint arm."""

    def metadata(self) -> dict[str, Any]:
        return {"cameras": []}

    def infer(self, obs: Any) -> dict[str, Any]:
        return {"actions": np.zeros((4, 3), np.float32)}


@pytest.fixture
def wrong_server():
    from websockets.sync.server import serve

    from labc.openpi.server import make_handler

    with serve(make_handler(WrongShapes()), "127.0.0.1", 0, compression=None) as srv:  # type: ignore[arg-type]
        thread = threading.Thread(target=srv.serve_forever, daemon=True)
        thread.start()
        yield f"ws://127.0.0.1:{srv.socket.getsockname()[1]}"
        srv.shutdown()


def test_an_answer_of_the_wrong_shape_is_refused_before_the_run(
    wrong_server: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    args = ["bench", "--policy", "openpi", "--server", wrong_server, "--levels", "1", "--tasks", "press"]
    assert main([*args, "--episodes", "1", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "has shape (4, 3)" in err and "(horizon, 8)" in err
    assert not (tmp_path / "openpi.json").exists()
