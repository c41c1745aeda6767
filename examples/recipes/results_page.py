"""The recipe's results page: setup, the measured tables and figures, the commands with their times.

Written from the bench reports and training logs in the recipe's workspace, never by hand.
"""

from __future__ import annotations

import json
import os
import platform
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from labinfra.atomic import write_text

if TYPE_CHECKING:
    from pick_press import Recipe

# Another recipe (examples/recipes/expert_suite.py) owns the part of the results page between two of these
# markers; this page is rewritten around it, and the block is kept verbatim at the end.
KEPT_MARKER = "<!-- expert-suite -->"


def final_loss(folder: Path) -> str:
    """The last training losses and the last and best validation figures of a training folder."""
    log = folder / "log.jsonl"
    if not log.exists():
        return "?"
    records = [json.loads(line) for line in log.read_text().splitlines() if line]
    last = next((r for r in reversed(records) if "loss" in r), {})
    keys = [k for k in ("loss", "fast_ce", "flow_mse") if k in last]
    text = ", ".join(f"{k} {last[k]:.3f}" for k in keys)
    val = [r for r in records if "val_loss" in r]
    if val:
        by = "val_chunk_mse" if "val_chunk_mse" in val[-1] else "val_loss"  # as labvla.train keeps best/
        best = min(val, key=lambda r: r[by])
        shown = [k for k in ("val_loss", "val_fast_ce", "val_chunk_mse") if k in best]
        text += f"; validation at step {val[-1]['step']}: " + ", ".join(
            f"{k} {val[-1][k]:.3f}" for k in shown
        )
        text += f"; best {by} {best[by]:.3f} at step {best['step']}"
    return text


def write_results(recipe: Recipe, path: Path) -> None:
    """The results page: setup, commands with their wall time, and the measured tables."""
    from pick_press import bench_name, render, seed_list, source_commit

    a, ws = recipe.args, recipe.ws
    benches = {}
    seeds = seed_list(a.seeds)
    names = [bench_name(v, seed, seeds) for seed in seeds for v in a.variants.split(",")]
    solo = [f"solo_{recipe.solo}"] if recipe.solo else []
    for name in [*names, *solo, *recipe.floors, *(["expert"] if a.expert_bench else [])]:
        benches[name] = json.loads((ws / "runs" / "bench" / f"{name}.json").read_text())
    cpu_h = sum(st.cpu_s for st in recipe.steps) / 3600
    resumed = sum(st.resumed for st in recipe.steps)
    lines = [
        f"# Results: level-1 {', '.join(a.tasks.split(','))}, {a.preset} LabVLA and ablations",
        "",
        "Measured by `examples/recipes/pick_press.py`; every number below was produced by the commands",
        "listed, on this machine, by the script (one sitting, or several resumed in one workspace).",
        "Nothing here is edited by hand.",
        "",
        f"- total: {cpu_h:.2f} CPU hours ({sum(st.seconds for st in recipe.steps) / 3600:.2f} h wall) over "
        f"{len(recipe.steps)} commands"
        + (f", {resumed} of them done in earlier sittings" if resumed else ""),
        f"- code: labc commit {source_commit()}",
        f"- machine: {platform.platform()}, {os.cpu_count()} CPU cores, no GPU",
        f"- python {platform.python_version()}; recipe arguments: `{' '.join(sys.argv[1:]) or '(defaults)'}`",
        f"- data: level-1 {a.tasks} for {a.robots}, {a.episodes} validated episodes per task and robot, "
        f"{a.resolution}x{a.resolution} images",
        f"- bench: {a.bench_episodes} episode(s) per task, robot and split ({a.splits}), "
        f"max {a.max_retries} retries per node, "
        + ("hashed episode seeds" if a.bench_seed is None else f"episode seeds from {a.bench_seed}")
        + "; 95% intervals are Wilson score intervals",
        "",
        "## Success rate per policy (pooled over robots)",
        "",
    ]
    figures = _figures(recipe, benches, path.parent)
    lines += [f"![{alt}]({name})" for alt, name in figures] + ([""] if figures else [])
    cells = [(r["task"], r["split"]) for r in next(iter(benches.values()))["rows"]]
    names = list(benches)
    lines.append("| task | split | " + " | ".join(names) + " |")
    lines.append("|---|---|" + "---|" * len(names))
    for task, split in cells:
        row = [f"| {task} | {split} |"]
        for name in names:
            r = next(x for x in benches[name]["rows"] if (x["task"], x["split"]) == (task, split))
            lo, hi = r["ci95"]
            row.append(f" {r['successes']}/{r['episodes']} [{100 * lo:.0f}, {100 * hi:.0f}] |")
        lines.append("".join(row))
    lines += ["", "## Why episodes ended (all episodes of each bench)", ""]
    lines.append("| policy | " + " | ".join(["episodes", "completed", "stop reasons"]) + " |")
    lines.append("|---|---|---|---|")
    for name, bench in benches.items():
        reasons: dict[str, int] = {}
        for e in bench["episodes"]:
            reasons[e["stop_reason"]] = reasons.get(e["stop_reason"], 0) + 1
        text = ", ".join(f"{k} {v}" for k, v in sorted(reasons.items()))
        done = sum(e["success"] for e in bench["episodes"])
        lines.append(f"| {name} | {len(bench['episodes'])} | {done} | {text} |")
    synth = json.loads((ws / "data" / "report.json").read_text())
    ck = ws / "checkpoints"
    lines += ["", "## Data (from the synthesis report)", ""]
    for robot, r in synth["robots"].items():
        lines.append(
            f"- {robot}: {r['accepted']} of {r['planned']} slots accepted in {r['attempted']} attempts, "
            f"{r['frames']} frames"
        )
    lines += [
        "",
        "## Training (final logged step)",
        "",
        f"- stage 1: {final_loss(ck / 'stage1')}",
        f"- stage 2: {final_loss(ck / 'stage2')}",
        f"- no stage 1: {final_loss(ws / 'ablations' / 'no_stage1')}",
        f"- no stage 1, equal total steps: {final_loss(ws / 'ablations' / 'no_stage1_total')}",
        f"- no knowledge insulation: {final_loss(ws / 'ablations' / 'no_ki')}",
        "",
        "## Commands (in order, with wall time)",
        "",
        "```bash",
    ]
    lines += [f"{render(s)}    # {s.what}: {s.seconds:.0f} s, {s.cpu_s:.0f} s CPU" for s in recipe.steps]
    lines += ["```", ""]
    if recipe.floors:
        lines += [f"## Differences from the {recipe.floors[0]} floor (`labc bench compare`)", ""]
        bench_dir = ws / "runs" / "bench"
        others = [n for n in benches if n != recipe.floors[0]]
        lines += [_compare([bench_dir / f"{n}.json" for n in [recipe.floors[0], *others]]), ""]
    if recipe.solo:
        lines += [
            f"## Cross-embodiment: {recipe.solo} alone against {a.robots} together",
            "",
            f"Stage 2 trained on {recipe.solo}'s data alone (same stage-1 checkpoint, steps and seed), "
            f"benched on {recipe.solo}; the full model's {recipe.solo} episodes of the same seeds.",
            "",
            _solo_table(ws / "runs" / "bench", recipe.solo),
            "",
        ]
    lines += ["## Per-bench tables", ""]
    for name, bench in benches.items():
        lines += [f"### {name}", "", _markdown(bench), ""]
    page = "\n".join(lines).rstrip() + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        page = with_kept_block(page, path.read_text())
    write_text(path, page)


def _figures(recipe: Recipe, benches: dict[str, dict], folder: Path) -> list[tuple[str, str]]:
    """Draw the training curves and the success bars beside the page; (alt text, file name) each."""
    from plots import success_bars, training_curves

    ws = recipe.ws
    folder.mkdir(parents=True, exist_ok=True)
    logs = {"stage 1": ws / "checkpoints" / "stage1", "stage 2 (labvla)": ws / "checkpoints" / "stage2"}
    logs |= {name: ws / "ablations" / name for name in ("no_stage1", "no_stage1_total", "no_ki")}
    out = []
    if training_curves(logs, folder / "results_training.png"):
        out.append(("training and validation curves", "results_training.png"))
    success_bars(benches, folder / "results_success.png")
    out.append(("success per task and split", "results_success.png"))
    return out


def with_kept_block(page: str, previous: str) -> str:
    """`page` plus the block between the first two KEPT_MARKER lines of `previous`, verbatim, at the end.

    A previous page without a complete block contributes nothing."""
    start = previous.find(KEPT_MARKER)
    end = previous.find(KEPT_MARKER, start + len(KEPT_MARKER)) if start >= 0 else -1
    if end < 0:
        return page
    block = previous[start : end + len(KEPT_MARKER)]
    return page.rstrip("\n") + "\n\n" + block + "\n"


def _solo_table(bench_dir: Path, robot: str) -> str:
    from labc.runtime.compare import differences, load_report, table

    full, solo = load_report(bench_dir / "labvla.json"), load_report(bench_dir / f"solo_{robot}.json")
    rows = differences(full, solo)
    rows = [r for r in rows if r.robot == robot] or rows  # one robot benched: its cells are the pooled ones
    return table("labvla", f"solo_{robot}", rows)


def _compare(paths: list[Path]) -> str:
    from labc.runtime.compare import compare

    return compare(paths)


def _markdown(bench: dict) -> str:
    from labc.runtime.bench import BenchReport

    return BenchReport.model_validate(bench).markdown()
