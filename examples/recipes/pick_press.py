"""End-to-end recipe: level-1 data (pick, press, open_door) for franka and ur5 -> LabVLA -> bench, with
ablations, floors and the cross-embodiment question.

Every step is a `labc` command line; the script runs them in order, times them (wall and CPU), and writes
a results page (default `docs/results.md`, `results_page.py`) from what the benches measured, with the
exact commands and two figures beside it (`plots.py`). A rerun in the same workspace skips every command
that already finished, so a long recipe can be split over several sittings. Policies:

- `labvla`: stage 1 (FAST tokens, on its own broader data: every level-1 and level-2 protocol) then
  stage 2 (flow expert, knowledge insulation), flow decoding;
- `no_stage1`: stage 2 trained from scratch for the same expert steps; `no_stage1_total`: for stage 1's
  and stage 2's steps together;
- `no_ki`: stage 2 from the stage-1 checkpoint with `--no-insulation` (the flow loss trains the backbone);
- `fast_only`: the full stage-2 checkpoint decoded through FAST tokens (`--mode fast`), no flow expert;
- `solo_<robot>`: stage 2 on the first robot's data alone, benched on that robot against the full model.

Every stage-2 training also sees DART recovery episodes (`--dart-episodes` per task and robot, the
expert's labels on states its noisy execution reached, `labc synthesize --dart`): at 197 such episodes
beside 480 clean ones, in-distribution success rose from 13/60 to 29/60 at equal steps (docs/results.md).

Next to them the validity floors, benched from the same synthesized (clean) data (`--floors`): `replay` (one
recorded episode played open loop, blind) and `nearest` (state-only nearest-neighbour action chunks). A
learned policy is only shown to see if it beats them; the page lists each policy's differences from the
first floor with Newcombe 95% intervals (`labc bench compare`).

Usage (the committed results): python examples/recipes/pick_press.py
A miniature (what the test runs): python examples/recipes/pick_press.py --episodes 1 --steps 2
    --bench-episodes 1 --robots franka --tasks press --splits id --stage1-tasks same --workspace /tmp/ws
    --results /tmp/r.md
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from labinfra.atomic import write_text

if str(Path(__file__).resolve().parent) not in sys.path:  # runpy (the tests) does not add this folder
    sys.path.insert(0, str(Path(__file__).resolve().parent))
from results_page import KEPT_MARKER, with_kept_block, write_results

__all__ = ["KEPT_MARKER", "Recipe", "main", "with_kept_block"]

ROOT = Path(__file__).resolve().parents[2]
LEVEL1 = Path("examples/labutopia/level1")
VARIANTS = ("labvla", "no_stage1", "no_stage1_total", "no_ki", "fast_only")
PARTIAL = "partial"  # key of recipe-done.json: time spent by sittings that ended mid-command
STAGE1_STEPS = 3000  # FAST on the tiny random backbone: stage 2 gains more from its steps than stage 1


@dataclass
class Step:
    what: str
    argv: list[str]
    seconds: float = 0.0
    cpu_s: float = 0.0  # user + system time of the command and its worker processes
    resumed: bool = False  # done by an earlier run of the recipe in the same workspace


@dataclass
class Recipe:
    args: argparse.Namespace
    steps: list[Step] = field(default_factory=list)

    @property
    def ws(self) -> Path:
        return Path(self.args.workspace)

    @property
    def floors(self) -> list[str]:
        return [f for f in self.args.floors.split(",") if f]

    @property
    def done_file(self) -> Path:
        return self.ws / "recipe-done.json"

    def labc(self, what: str, *argv: str, env: dict[str, str] | None = None) -> None:
        """Run one `labc` command, or skip it when an earlier run in this workspace finished the same
        command line (a long recipe can be split over several sittings; a step that was interrupted
        runs again from its start)."""
        if argv[0] == "train":
            # One torch thread: the tiny model gains nothing from two, and on this shared 2-core machine
            # two threads ran stage 2 at 1.8 steps/s where one thread ran it at 15-25.
            env = {"OMP_NUM_THREADS": "1", **(env or {})}
            # A training run of the cpu preset takes hours; one cut short by the end of a sitting
            # continues from its last checkpoint (exactly: batches and noise are drawn per step).
            argv = (*argv, "--resume", "--save-every", str(save_period(argv)))
        step = Step(what, list(argv))
        done = json.loads(self.done_file.read_text()) if self.done_file.exists() else {}
        key = render(step)
        if key in done:
            step.seconds, step.cpu_s = done[key]
            step.resumed = True
            print(f"(done in an earlier run) {key}", flush=True)
            self.steps.append(step)
            return
        print(f"$ {key}", flush=True)
        started, cpu0 = time.perf_counter(), _children_cpu()
        # Time spent by earlier sittings that were cut short counts towards the step's cost.
        earlier = done.get(PARTIAL, {}).get(key, [0.0, 0.0])
        try:
            subprocess.run(
                [sys.executable, "-m", "labc.cli", *argv],
                cwd=ROOT,
                check=True,
                env={**os.environ, **(env or {})},
            )
        except BaseException:  # an interrupted sitting: keep what it cost, then stop as asked
            spent = [earlier[0] + time.perf_counter() - started, earlier[1] + _children_cpu() - cpu0]
            self._record(done, PARTIAL, {**done.get(PARTIAL, {}), key: spent})
            raise
        step.seconds = earlier[0] + time.perf_counter() - started
        step.cpu_s = earlier[1] + _children_cpu() - cpu0
        self.steps.append(step)
        self._record(done, key, [step.seconds, step.cpu_s])

    def _record(self, done: dict, key: str, value: object) -> None:
        done[key] = value
        self.ws.mkdir(parents=True, exist_ok=True)
        write_text(self.done_file, json.dumps(done, indent=1))

    def run(self) -> None:
        a, ws = self.args, str(self.ws)
        protocols = [str(LEVEL1 / f"{t}.yaml") for t in a.tasks.split(",")]
        self.labc(
            "synthesize",
            "synthesize", *protocols, "--robots", a.robots, "--episodes", str(a.episodes),
            "--resolution", str(a.resolution), "--workers", str(a.workers), "--seed", "0", "--quiet",
            "--workspace", ws,
        )  # fmt: skip
        if a.dart_episodes:
            self.labc(
                "synthesize DART recovery data",
                "synthesize", *protocols, "--robots", a.robots, "--episodes", str(a.dart_episodes),
                "--dart", str(a.dart_sigma), "--resolution", str(a.resolution), "--workers", str(a.workers),
                "--seed", "2", "--quiet", "--out", str(self.ws / "dart-data"), "--workspace", ws,
            )  # fmt: skip
        if self.stage1_protocols:
            self.labc(
                "synthesize stage-1 data",
                "synthesize", *self.stage1_protocols, "--robots", a.robots, "--episodes",
                str(a.stage1_episodes), "--resolution", str(a.resolution), "--workers", str(a.workers),
                "--seed", "1", "--quiet", "--out", str(self.ws / "stage1-data"), "--workspace", ws,
            )  # fmt: skip
        seeds = seed_list(a.seeds)
        bench_seed = [] if a.bench_seed is None else ["--seed", str(a.bench_seed)]
        for seed in seeds:
            checkpoints = self.train_variants(seed, main=seed == seeds[0])
            for name in a.variants.split(","):
                self.bench_model(bench_name(name, seed, seeds), *checkpoints[name], a.robots)
            if self.solo and seed == seeds[0]:
                self.bench_model(f"solo_{self.solo}", self.train_solo(seed), "flow", self.solo)
        for name in self.floors:
            self.labc(
                f"bench {name}",
                "bench", "--suite", "labutopia", "--levels", "1", "--tasks", a.tasks, "--policy", name,
                "--data", str(self.ws / "data"), "--episodes", str(a.bench_episodes), "--split", a.splits,
                "--robots", a.robots, "--max-retries", str(a.max_retries), "--workers", str(a.workers),
                *bench_seed, "--quiet", "--out", str(self.ws / "runs" / "bench"), "--name", name, "--workspace", ws,
            )  # fmt: skip
        if a.expert_bench:
            self.labc(
                "bench expert",
                "bench", "--suite", "labutopia", "--levels", "1", "--tasks", a.tasks, "--policy", "expert",
                "--episodes", str(a.bench_episodes), "--split", a.splits, "--robots", a.robots,
                "--max-retries", str(a.max_retries), "--workers", str(a.workers), *bench_seed, "--quiet",
                "--out", str(self.ws / "runs" / "bench"), "--name", "expert", "--workspace", ws,
            )  # fmt: skip

    def bench_model(self, name: str, folder: Path, mode: str, robots: str) -> None:
        a = self.args
        bench_seed = [] if a.bench_seed is None else ["--seed", str(a.bench_seed)]
        single = {"OMP_NUM_THREADS": "1"} if a.workers > 1 else {}  # one torch thread per worker
        self.labc(
            f"bench {name}",
            "bench", "--suite", "labutopia", "--levels", "1", "--tasks", a.tasks, "--policy", "labvla",
            "--checkpoint", str(folder), "--mode", mode, "--episodes", str(a.bench_episodes),
            "--split", a.splits, "--robots", robots, "--max-retries", str(a.max_retries),
            "--resolution", str(a.resolution), "--workers", str(a.workers), "--quiet", *bench_seed,
            "--out", str(self.ws / "runs" / "bench"), "--name", name, "--workspace", str(self.ws), env=single,
        )  # fmt: skip

    @property
    def solo(self) -> str:
        """The robot trained alone for the cross-embodiment comparison ('' for none)."""
        robots = self.args.robots.split(",")
        if self.args.solo == "auto":
            return robots[0] if len(robots) > 1 else ""
        return self.args.solo

    def train_solo(self, seed: int) -> Path:
        """Stage 2 on one robot's data alone, from the same stage-1 checkpoint and for the same steps
        as the full model: does training on every robot together help or hurt that robot?"""
        a = self.args
        out = self.ws / "ablations" / f"solo_{self.solo}"
        self.labc(
            f"train stage 2 on {self.solo} alone",
            "train", "--stage", "flow", "--steps", str(a.steps), "--init", str(self.ws / "checkpoints" / "stage1"),
            *self.stage2_data(self.solo), "--out", str(out), "--lr-backbone", str(a.lr_stage2),
            "--lr-expert", str(a.lr_expert), *self.delta, "--batch", str(a.batch), "--seed", str(seed),
            "--val-fraction", str(a.val_fraction), "--workspace", str(self.ws / "scratch"),
        )  # fmt: skip
        return out

    @property
    def delta(self) -> list[str]:
        """The state-delta option of every stage-2 training (the same for the model and its ablations)."""
        return [] if self.args.state_delta is None else ["--state-delta", str(self.args.state_delta)]

    def stage2_data(self, robot: str = "") -> list[str]:
        """`--data` options of stage 2 and its ablations: the clean episodes and the DART ones (of one
        robot, given `robot`). The floors bench from the clean ones alone."""
        folders = [self.ws / "data"] + ([self.ws / "dart-data"] if self.args.dart_episodes else [])
        return [x for folder in folders for x in ("--data", str(folder / robot if robot else folder))]

    @property
    def stage1_protocols(self) -> list[str]:
        """Stage 1's own, broader data (the paper pretrains on more than the fine-tuning tasks): every
        level-1 and level-2 protocol by default; none ('same') trains stage 1 on stage 2's data."""
        text = self.args.stage1_tasks
        if text == "same":
            return []
        names = (
            text.split(",")
            if text != "all"
            else [
                f"level{n}/{p.stem}"
                for n in (1, 2)
                for p in sorted((ROOT / "examples/labutopia" / f"level{n}").glob("*.yaml"))
            ]
        )
        return [str(Path("examples/labutopia") / f"{name}.yaml") for name in names]

    def train_variants(self, seed: int, *, main: bool) -> dict[str, tuple[Path, str]]:
        """Stage 1, stage 2 and the ablations for one training seed; (checkpoint, decoding) per variant.

        Every variant's action expert trains for the same `--steps` (equal expert steps): stage 2 and
        no-KI start from stage 1, no-stage-1 starts from scratch, fast-only decodes stage 2's backbone;
        no-stage-1-total trains from scratch for stage 1's and stage 2's steps together (equal total
        steps). Only what the requested variants need is trained.
        The first seed writes the main workspace's checkpoints (its `latest` stays the full model);
        other seeds and all ablations train in a scratch workspace, each into its own folder."""
        a, ws = self.args, str(self.ws)
        steps1 = a.steps_stage1 if a.steps_stage1 is not None else min(STAGE1_STEPS, a.steps)
        fresh = ["--preset", a.preset, "--image-size", str(a.image_size)]  # runs that build a model
        stage1 = ["--lr-backbone", str(a.lr_stage1)]
        stage2 = ["--lr-backbone", str(a.lr_stage2), "--lr-expert", str(a.lr_expert), *self.delta]
        common = ["--batch", str(a.batch), "--seed", str(seed), "--val-fraction", str(a.val_fraction)]
        data, scratch = str(self.ws / "data"), str(self.ws / "scratch")
        data2 = self.stage2_data()
        root = self.ws / "ablations" if main else self.ws / "ablations" / f"seed-{seed}"
        ck = self.ws / "checkpoints" if main else root
        tag = "" if main else f" (seed {seed})"
        place = ["--workspace", ws] if main else ["--data", data, "--workspace", scratch]
        out1 = [] if main else ["--out", str(ck / "stage1")]
        out2 = [] if main else ["--out", str(ck / "stage2"), "--init", str(ck / "stage1")]
        wanted = set(a.variants.split(","))
        data1 = ["--data", str(self.ws / "stage1-data")] if self.stage1_protocols else []
        if wanted & {"labvla", "fast_only", "no_ki"}:
            self.labc(
                f"train stage 1{tag}",
                "train", "--stage", "fast", "--steps", str(steps1), *fresh, *stage1, *common, *out1,
                *(data1 + place if main or not data1 else [*data1, "--workspace", scratch]),
            )  # fmt: skip
        if wanted & {"labvla", "fast_only"}:
            self.labc(
                f"train stage 2{tag}", "train", "--stage", "flow", "--steps", str(a.steps), *stage2, *common,
                *out2, *data2, "--workspace", ws if main else scratch,
            )  # fmt: skip
        # Ablations train in a scratch workspace so the main one's `latest` stays the full model and
        # stage 2 from scratch does not pick up the stage-1 checkpoint by default.
        scratch_steps = {"no_stage1": a.steps, "no_stage1_total": steps1 + a.steps}
        for name in sorted(wanted & set(scratch_steps)):
            self.labc(
                f"train stage 2 without stage 1{' (equal total steps)' if name.endswith('total') else ''}{tag}",
                "train", "--stage", "flow", "--steps", str(scratch_steps[name]), *fresh, *data2,
                "--out", str(root / name), *stage2, *common, "--workspace", scratch,
            )  # fmt: skip
        if "no_ki" in wanted:
            self.labc(
                f"train stage 2 without knowledge insulation{tag}",
                "train", "--stage", "flow", "--steps", str(a.steps), "--no-insulation", "--init",
                str(ck / "stage1"), *data2, "--out", str(root / "no_ki"), *stage2, *common,
                "--workspace", scratch,
            )  # fmt: skip
        return {
            "labvla": (ck / "stage2", "flow"),
            "no_stage1": (root / "no_stage1", "flow"),
            "no_stage1_total": (root / "no_stage1_total", "flow"),
            "no_ki": (root / "no_ki", "flow"),
            "fast_only": (ck / "stage2", "fast"),
        }


def save_period(argv: tuple[str, ...] | list[str]) -> int:
    """Checkpoint every tenth of a training command's `--steps`: a cut-short run loses at most that."""
    steps = int(argv[list(argv).index("--steps") + 1])
    return max(1, steps // 10)


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def seed_list(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def bench_name(variant: str, seed: int, seeds: list[int]) -> str:
    """The first seed keeps the plain variant name; later seeds are suffixed."""
    return variant if seed == seeds[0] else f"{variant}-s{seed}"


def render(step: Step) -> str:
    return "labc " + " ".join(shlex.quote(x) for x in step.argv)


def source_commit() -> str:
    """The commit the run used: `LABC_SOURCE_COMMIT` (a snapshot outside git), else `git rev-parse`."""
    if os.environ.get("LABC_SOURCE_COMMIT"):
        return os.environ["LABC_SOURCE_COMMIT"]
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
    except OSError:
        return "unknown"
    return out.stdout.strip() or "unknown"


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--workspace", default="labc-out/recipe-pick-press")
    p.add_argument("--results", default=str(ROOT / "docs" / "results.md"))
    p.add_argument("--tasks", default="pick,press,open_door")
    p.add_argument("--robots", default="franka,ur5")
    p.add_argument("--episodes", type=int, default=20, help="synthesized episodes per task and robot")
    p.add_argument("--resolution", type=int, default=64)
    p.add_argument(
        "--dart-episodes",
        type=int,
        default=8,
        help="DART recovery episodes per task and robot for stage 2 (0: none); about 40%% of --episodes "
        "as in the run that measured them",
    )
    p.add_argument(
        "--dart-sigma", type=float, default=0.05, help="DART noise (rad) on executed joint targets"
    )
    p.add_argument(
        "--state-delta",
        type=int,
        default=None,
        metavar="FRAMES",
        help="every stage-2 training also feeds the expert the state's change over this many frames "
        "(`labc train --state-delta`; default: the state alone)",
    )
    # Measured on this recipe's data (8 bench episodes per task and robot, id, deterministic flow chunks):
    # 3000 + 4000 steps at batch 8 -> 4/32 successes, 3000 + 8000 -> 9/32; 400 + 400 at batch 4 -> 0/32
    # (at 2c7f8e5). The full recipe at 403a368, 3 bench episodes a cell, gave labvla 1/24 at 3000 + 8000:
    # on this little data the variants are within each other's noise (docs/results.md).
    p.add_argument(
        "--steps", type=int, default=8000, help="stage-2 training steps (and the no-KI ablation's)"
    )
    p.add_argument(
        "--steps-stage1",
        type=int,
        default=None,
        help=f"stage-1 training steps (default: min({STAGE1_STEPS}, --steps)); stage 2 without stage 1 "
        "trains for both together",
    )
    p.add_argument(
        "--stage1-tasks",
        default="all",
        help="stage 1's data: 'all' (every level-1 and level-2 protocol), 'same' (stage 2's data) or a "
        "list like level1/pick,level2/heat_liquid",
    )
    p.add_argument("--stage1-episodes", type=int, default=10, help="per stage-1 protocol and robot")
    p.add_argument(
        "--solo",
        default="auto",
        help="robot whose stage 2 also trains on its own data alone, benched against the full model on "
        "that robot (auto: the first of several --robots; '' for none)",
    )
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--preset", default="cpu", help="LabVLA preset of the models trained (tiny, cpu)")
    p.add_argument("--seeds", default="0,1", help="training seeds; every variant trains once per seed")
    p.add_argument("--val-fraction", type=float, default=0.1, help="episodes held out for validation")
    p.add_argument(
        "--image-size",
        type=int,
        default=64,
        help="model input size (tiny preset: 32); 64 keeps the 64 px renders: 4/32 vs 2/32 at 3000 + 4000 steps",
    )
    p.add_argument("--lr-stage1", type=float, default=5e-4, help="tiny random-init backbone, stage 1")
    p.add_argument("--lr-stage2", type=float, default=1e-4)
    p.add_argument("--lr-expert", type=float, default=5e-4)
    p.add_argument("--bench-episodes", type=int, default=20, help="per task, robot and split")
    p.add_argument("--bench-seed", type=int, help="episode seeds start here (default: hashed per episode)")
    p.add_argument("--floors", default="replay,nearest", help="validity floors to bench ('' for none)")
    p.add_argument("--splits", default="id,ood")
    p.add_argument("--max-retries", type=int, default=0)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--variants", default=",".join(VARIANTS))
    p.add_argument("--expert-bench", action="store_true", help="also bench the scripted expert")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    recipe = Recipe(args)
    recipe.run()
    write_results(recipe, Path(args.results))
    print(f"results: {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
