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
    import json, pathlib, sys, torch
    from labvla.train import TrainOptions, train
    out, report_dir, *data = sys.argv[1:]
    result = train(TrainOptions(data=data, out=out, stage="fast", steps=3, batch=2, lr_backbone=1e-3, progress=False))
    rank = torch.distributed.get_rank()
    report = {"rank": rank, "world": torch.distributed.get_world_size(),
              "checksum": result.param_checksum, "losses": result.losses}
    pathlib.Path(report_dir, f"rank{rank}.json").write_text(json.dumps(report))
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
    # Each rank reports through its own file: the two children share one stdout pipe, and
    # their lines can arrive interleaved with each other or with launcher output.
    reports = tmp_path / "reports"
    reports.mkdir()
    cmd = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--nproc_per_node=2",
        f"--master_port={free_port()}",
        str(script),
        str(out),
        str(reports),
        *map(str, datasets),
    ]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=240, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    missing = [r for r in (0, 1) if not (reports / f"rank{r}.json").exists()]
    assert not missing, f"no report from ranks {missing}:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
    ranks = [json.loads((reports / f"rank{r}.json").read_text()) for r in (0, 1)]
    assert [r["rank"] for r in ranks] == [0, 1]
    assert all(r["world"] == 2 for r in ranks)
    # gradients were averaged: both replicas hold the same weights...
    assert ranks[0]["checksum"] == ranks[1]["checksum"]
    # ...while each rank trained on its own slice of the batch
    assert ranks[0]["losses"] != ranks[1]["losses"]
    log = [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines()]
    assert [r["step"] for r in log] == [1, 2, 3]
    assert (out / "latest").read_text() == "step-000003"
