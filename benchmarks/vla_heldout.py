"""Held-out chunk error of a trained LabVLA against a state-only nearest-neighbour lookup.

Reads a training output folder (its `split.json` names the held-out episodes, `best/` the checkpoint of
the lowest validation loss), and measures on the same evenly spaced held-out frames:
- the model's chunk (deterministic flow integration, clipped to the training range, as the policy acts);
- the nearest neighbour: the training frame of the same robot (and, with --per-task, the same task)
  whose normalized state is closest, its relative chunk replayed from the current state.
Errors are mean |a - b| (L1) and mean (a - b)^2 (MSE) over real action dimensions, in normalized units.

    .venv/bin/python benchmarks/vla_heldout.py labc-out/checkpoints/stage2 [--frames 256] [--per-task]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import torch


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("run", type=Path, help="training output folder (with split.json)")
    p.add_argument("--checkpoint", type=Path, help="default: RUN/best, else RUN's latest")
    p.add_argument("--frames", type=int, default=256)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--per-task", action="store_true", help="also both errors per instruction")
    a = p.parse_args(argv)
    torch.set_num_threads(1)

    from labvla.checkpoint import BEST, load_checkpoint
    from labvla.data.lerobot import LeRobotDataset
    from labvla.data.samples import FrameIndex
    from labvla.embodiment import to_relative
    from labvla.validation import Validator

    split = json.loads((a.run / "split.json").read_text())
    datasets = [LeRobotDataset(root) for root in split]
    train_eps = {d: set(v["train"]) for d, v in enumerate(split.values())}
    val_eps = {d: set(v["validation"]) for d, v in enumerate(split.values())}
    folder = a.checkpoint or (a.run / BEST if (a.run / BEST).exists() else a.run)
    loaded = load_checkpoint(folder)
    cfg = loaded.config
    val_index = FrameIndex(datasets, cfg.chunk, episodes=val_eps)
    train_index = FrameIndex(datasets, cfg.chunk, episodes=train_eps)
    validator = Validator(val_index, loaded.builder(), a.frames, a.batch)
    model_metrics = validator.evaluate(loaded.model, torch.device("cpu"))

    def normalized(index: FrameIndex, k: int) -> tuple[str, int, np.ndarray, np.ndarray]:
        d, i = index.entries[k]
        ds = index.datasets[d]
        robot = ds.robot[i]
        _, emb = cfg.embodiment(robot)
        rs = loaded.stats.robots[robot]
        chunk, _ = ds.action_chunk(i, cfg.chunk)
        rel = rs.action.normalize(to_relative(chunk, ds.state[i], emb))
        return robot, int(ds.task_index[i]), rs.state.normalize(ds.state[i][: emb.state_dim]), rel

    train = [normalized(train_index, k) for k in range(len(train_index))]
    held = {k: normalized(val_index, k) for k in validator.picks}

    def nearest_errors(picks: list[int], per_task: bool) -> dict[str, float]:
        l1, se, n = 0.0, 0.0, 0
        for k in picks:
            robot, task, state, truth = held[k]
            pool = [t for t in train if t[0] == robot and (not per_task or t[1] == task)]
            states = np.stack([t[2] for t in pool])
            nearest = pool[int(np.argmin(((states - state) ** 2).sum(1)))][3]
            err = np.clip(nearest, -1, 1) - truth
            l1 += float(np.abs(err).sum())
            se += float((err**2).sum())
            n += err.size
        return {"chunk_l1": l1 / n, "chunk_mse": se / n}

    results = {
        key: nearest_errors(validator.picks, key == "nn_robot_task") for key in ("nn_robot", "nn_robot_task")
    }
    if a.per_task:  # the same frames grouped by instruction: which tasks the model or the lookup finds hard
        by_task: dict[str, list[int]] = {}
        for k in validator.picks:
            d, i = val_index.entries[k]
            by_task.setdefault(val_index.datasets[d].task(i), []).append(k)
        per_task = {}
        for task, picks in sorted(by_task.items()):
            sub = Validator(val_index, loaded.builder(), a.frames, a.batch)
            sub.picks = picks
            model_task = sub.evaluate(loaded.model, torch.device("cpu"))["val_chunk_mse"]
            per_task[task] = {
                "frames": len(picks),
                "model_chunk_mse": model_task,
                "nn_robot_chunk_mse": nearest_errors(picks, False)["chunk_mse"],
            }
        results["per_task"] = per_task
    report = {
        "checkpoint": str(folder),
        "held_out_frames": len(validator),
        "held_out_episodes": sum(len(v) for v in val_eps.values()),
        "train_frames": len(train_index),
        "model": {"chunk_l1": model_metrics["val_chunk_l1"], "chunk_mse": model_metrics["val_chunk_mse"]},
        **results,
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
