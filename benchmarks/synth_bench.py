"""RoboGenesis throughput: validated episodes per core-hour for each task and robot (and per level),
and the wall-clock speed-up of a synthesis run going from 1 to 2 pool workers (same slots, same seeds).

Run: .venv/bin/python benchmarks/synth_bench.py [--robots franka,ur5] [--episodes 2] [PROTOCOL ...]
With no PROTOCOL it measures the built-in level-1 and level-2 suite with the scripted experts.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("MUJOCO_GL", "egl")
os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def per_task(args: argparse.Namespace, protocols: list[Path]) -> None:
    """Each slot runs in this process; one process is one core, so its CPU time is core time."""
    from robogenesis.compose import load_compiled
    from robogenesis.rollout import SlotJob, run_slot

    print(f"{'task':<28} {'robot':<7} {'accepted':>8} {'attempts':>8} {'core s':>8} {'ep/core-h':>10}")
    rates: dict[str, list[float]] = {}
    for path in protocols:
        for robot in args.robots:
            compiled = load_compiled(path, robot).to_json()
            accepted = attempts = 0
            cpu = time.process_time()
            for k in range(args.episodes):
                job = SlotJob(
                    source=str(path),
                    compiled_json=compiled,
                    robot=robot,
                    slot=k,
                    seed=args.seed,
                    cameras=args.cameras,
                    resolution=(args.resolution, args.resolution),
                    max_attempts=args.max_attempts,
                    experts=args.experts,
                )
                result = run_slot(job)
                accepted += result.episode is not None
                attempts += result.attempts
            core_s = time.process_time() - cpu
            rate = 3600.0 * accepted / core_s if core_s > 0 else 0.0
            name = f"{path.parent.name}/{path.stem}"
            rates.setdefault(path.parent.name, []).append(rate)
            print(f"{name:<28} {robot:<7} {accepted:>8} {attempts:>8} {core_s:>8.1f} {rate:>10.0f}")
    for level, values in sorted(rates.items()):
        print(f"{level} average: {sum(values) / len(values):.0f} validated episodes per core-hour")


def speedup(args: argparse.Namespace, protocols: list[Path]) -> None:
    from robogenesis.engine import SynthConfig, synthesize

    walls = {}
    for workers in (1, 2):
        with tempfile.TemporaryDirectory() as out:
            config = SynthConfig(
                protocols=protocols,
                robots=args.robots,
                episodes=args.episodes,
                out=Path(out),
                seed=args.seed,
                workers=workers,
                cameras=args.cameras,
                resolution=args.resolution,
                max_attempts=args.max_attempts,
                experts=args.experts,
            )
            report = synthesize(config, quiet=True)
            walls[workers] = report.wall_s
            print(
                f"{workers} worker(s): {report.accepted} accepted / {report.attempted} attempts in "
                f"{report.wall_s:.1f} s, {report.episodes_per_min:.2f} episodes/min, "
                f"{report.sim_s_per_wall_s:.2f} sim s per wall s"
            )
    print(f"speed-up 1 -> 2 workers: {walls[1] / walls[2]:.2f}x (cores on this machine: {os.cpu_count()})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("protocols", nargs="*", type=Path)
    parser.add_argument("--robots", default="franka,ur5")
    parser.add_argument("--episodes", type=int, default=2, help="slots per task and robot")
    parser.add_argument("--cameras", default="front,side,wrist")
    parser.add_argument("--resolution", type=int, default=64)
    parser.add_argument("--max-attempts", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--experts", default="robogenesis.experts.registry:get_expert")
    parser.add_argument("--skip-speedup", action="store_true")
    parser.add_argument("--skip-per-task", action="store_true", help="only the 1 -> 2 worker speed-up")
    args = parser.parse_args()
    args.robots = [r for r in args.robots.split(",") if r]
    args.cameras = [c for c in args.cameras.split(",") if c]
    from robogenesis.compose import builtin_suite

    protocols = args.protocols or builtin_suite()
    if not args.skip_per_task:
        per_task(args, protocols)
    if not args.skip_speedup:
        speedup(args, protocols)


if __name__ == "__main__":
    main()
