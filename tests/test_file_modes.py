"""Outputs honour the umask, so on a shared machine a colleague in the group can read them.

Every writer goes through a temporary file renamed into place; `tempfile.mkstemp`/`mkdtemp` would make
those 0600/0700 whatever the umask says. Each kind of output is written under a chosen umask and its
mode checked: compiled JSON, a PNG, an MP4, a LeRobot dataset and a LabVLA checkpoint.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).parent.parent / "examples" / "pipette_protocol.lab"


@pytest.fixture
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    mask = getattr(request, "param", 0o022)
    old = os.umask(mask)
    try:
        yield mask
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def assert_tree_modes(root: Path, mask: int) -> None:
    """Every file under `root` is 0666 & ~mask and every folder (root included) 0777 & ~mask."""
    entries = [root, *root.rglob("*")]
    assert len(entries) > 1
    for entry in entries:
        want = (0o777 if entry.is_dir() else 0o666) & ~mask
        assert mode(entry) == want, f"{entry.relative_to(root.parent)}: {oct(mode(entry))} != {oct(want)}"
    assert not [e for e in entries if e.name.startswith(".") and e.name.endswith(".tmp")]


@pytest.mark.parametrize("umask", [0o022, 0o007], indirect=True)
def test_compiled_json_and_atomic_writes_follow_the_umask(umask: int, tmp_path: Path) -> None:
    from labc.cli import main
    from labinfra.atomic import write_text

    ws = tmp_path / "ws"
    assert (
        main(
            ["compile", str(EXAMPLE), "--workspace", str(ws), "--emit", "dot", "-o", str(tmp_path / "g.dot")]
        )
        == 0
    )
    assert mode(tmp_path / "g.dot") == 0o666 & ~umask
    assert_tree_modes(ws, umask)
    assert mode(write_text(tmp_path / "deep" / "x.txt", "x")) == 0o666 & ~umask


def test_video_follows_the_umask(umask: int, tmp_path: Path) -> None:
    import numpy as np

    from labc.runtime.video import VideoRecorder

    recorder = VideoRecorder("front", fps=10)
    recorder.frames = [np.full((32, 32, 3), i * 20, np.uint8) for i in range(4)]
    path = recorder.save(tmp_path / "runs" / "run.mp4")
    assert mode(path) == 0o644
    assert_tree_modes(tmp_path / "runs", umask)


def test_scene_png_follows_the_umask(umask: int, tmp_path: Path) -> None:
    from labc.cli import main

    ws = tmp_path / "ws"  # without -o the PNG goes to the workspace's views/
    assert main(["view", str(EXAMPLE), "--workspace", str(ws), "--resolution", "32", "--mode", "fast"]) == 0
    assert mode(ws / "views" / "pipette_protocol-franka.png") == 0o644
    assert_tree_modes(ws, umask)


@pytest.mark.slow
def test_dataset_and_checkpoint_follow_the_umask(umask: int, tmp_path: Path) -> None:
    from labvla.train import TrainOptions, train
    from tests.labvla.conftest import record, writer

    data = tmp_path / "data" / "franka"
    w = writer(data, "franka", 7)
    w.append(record(0, "franka", 7, length=6))
    assert_tree_modes(tmp_path / "data", umask)
    out = tmp_path / "checkpoints"
    result = train(TrainOptions(data=[data], out=out, stage="fast", steps=1, batch=2, progress=False))
    assert result.checkpoint.is_dir() and mode(result.checkpoint) == 0o755
    assert_tree_modes(out, umask)
