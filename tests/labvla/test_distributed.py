"""Data-parallel training with 2 CPU processes (gloo) launched by torchrun."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent(
    """
    import sys, torch
    from labvla.train import TrainOptions, train
    out, *data = sys.argv[1:]
    result = train(TrainOptions(data=data, out=out, stage="fast", steps=3, batch=2, lr_backbone=1e-3, progress=False))
    rank = torch.distributed.get_rank()
    print(f"RANK {rank} WORLD {torch.distributed.get_world_size()} CHECKSUM {result.param_checksum!r} LOSSES {result.losses}")
    """
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_two_process_gloo_training(datasets, tmp_path) -> None:
    script = tmp_path / "ddp_train.py"
    script.write_text(SCRIPT)
    out = tmp_path / "out"
    cmd = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--nproc_per_node=2",
        f"--master_port={free_port()}",
        str(script),
        str(out),
        *map(str, datasets),
    ]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=240, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RANK")]
    assert sorted(line.split()[1] for line in lines) == ["0", "1"]
    assert all("WORLD 2" in line for line in lines)
    checksums = {line.split()[5] for line in lines}
    assert len(checksums) == 1  # gradients were averaged: both replicas hold the same weights
    losses = [line.split("LOSSES")[1] for line in lines]
    assert losses[0] != losses[1]  # ...while each rank trained on its own slice of the batch
    log = [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines()]
    assert [r["step"] for r in log] == [1, 2, 3]
    assert (out / "latest").read_text() == "step-000003"
