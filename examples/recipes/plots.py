"""The recipe's two figures, drawn beside the results page: what people look at before they read.

- training: the training loss and the held-out chunk error (validation split) against the step, one
  line per trained model;
- success: the success rate of every policy per task and split with its 95% Wilson interval.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def training_curves(logs: dict[str, Path], out: Path) -> bool:
    """Plot every `log.jsonl` of `logs` (label -> training folder) into `out`; False when none has
    a record (nothing drawn)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (train_ax, val_ax) = plt.subplots(1, 2, figsize=(10, 3.6))
    drawn = False
    for label, folder in logs.items():
        log = folder / "log.jsonl"
        if not log.exists():
            continue
        records = [json.loads(line) for line in log.read_text().splitlines() if line]
        train = [(r["step"], r["loss"]) for r in records if "loss" in r and "step" in r]
        val = [(r["step"], r["val_chunk_mse"]) for r in records if "val_chunk_mse" in r]
        seen = [(r["step"], r["train_chunk_mse"]) for r in records if "train_chunk_mse" in r]
        if train:
            train_ax.plot(*zip(*train, strict=True), label=label, linewidth=1)
            drawn = True
        if val:
            (line,) = val_ax.plot(*zip(*val, strict=True), marker="o", markersize=3, label=label)
            if seen:  # the same error on training frames, dashed in the same colour
                val_ax.plot(*zip(*seen, strict=True), linestyle="--", color=line.get_color(), linewidth=1)
            drawn = True
    train_ax.set(title="training loss", xlabel="step", yscale="log")
    val_ax.set(title="chunk MSE: validation episodes (o), training frames (--)", xlabel="step")
    for ax in (train_ax, val_ax):
        ax.grid(alpha=0.3)
        if ax.lines:
            ax.legend(fontsize=7)
    fig.tight_layout()
    if drawn:
        fig.savefig(out, dpi=110)
    plt.close(fig)
    return drawn


def success_bars(benches: dict[str, dict[str, Any]], out: Path) -> None:
    """Grouped bars: one group per (task, split) cell, one bar per policy, Wilson 95% whiskers."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cells = sorted({(r["task"], r["split"]) for b in benches.values() for r in b["rows"]})
    names = list(benches)
    width = 0.8 / max(1, len(names))
    fig, ax = plt.subplots(figsize=(max(6.0, 1.4 * len(cells) * max(1, len(names)) * 0.5), 3.8))
    for k, name in enumerate(names):
        rows = {(r["task"], r["split"]): r for r in benches[name]["rows"]}
        xs, rates, lows, highs = [], [], [], []
        for i, cell in enumerate(cells):
            if cell not in rows:
                continue
            r = rows[cell]
            lo, hi = r["ci95"]
            xs.append(i - 0.4 + width * (k + 0.5))
            rates.append(100 * r["rate"])
            lows.append(100 * (r["rate"] - lo))
            highs.append(100 * (hi - r["rate"]))
        ax.bar(xs, rates, width, yerr=[lows, highs], capsize=2, label=name)
    ax.set_xticks(range(len(cells)), [f"{t}\n{s}" for t, s in cells])
    ax.set(ylabel="success %", ylim=(0, 105), title="success per task and split (95% Wilson intervals)")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=7, ncol=min(len(names), 4))
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)
