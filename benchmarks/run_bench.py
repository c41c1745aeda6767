"""Runtime overheads, measured in one run: what the safety monitor and the runner add to a sim step,
and what skipping camera renders between chunk boundaries saves for a chunked (LabVLA-like) policy.

Prints ratios, so the numbers compare within one machine and one run:
  monitor / step   : cost of SafetyMonitor.filter (limits, speed, FK, zones) per physics-only env.step
  runner / bare    : a held-still episode through the Runner vs the same steps called directly
  render skip      : a 16-action chunked policy with three cameras, rendering every step vs chunk ends

Usage: python benchmarks/run_bench.py [--steps 400]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("MUJOCO_GL", "egl")
ROOT = Path(__file__).resolve().parents[1]


class ChunkHold:
    """Holds the arm with 16-action chunks: the runner's cost, not a model's."""

    name = "chunk_hold"

    def __init__(self, cameras: list[str]) -> None:
        self.cameras = cameras
        self.env = None

    def reset(self, instruction: str, robot: str) -> None:
        pass

    def bind(self, env, node, rng) -> None:  # type: ignore[no-untyped-def]
        self.env = env

    def act(self, observation) -> np.ndarray:  # type: ignore[no-untyped-def]
        return np.tile(self.env.command(), (16, 1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=400)
    args = parser.parse_args()

    from labc.runtime.episode import EpisodeSpec, build_env
    from robogenesis.compose import episode_nodes, load_compiled
    from robogenesis.runner.monitors import Monitor
    from robogenesis.runner.options import RunOptions
    from robogenesis.runner.runner import Runner
    from robogenesis.runner.safety import SafetyMonitor

    compiled = load_compiled(ROOT / "examples/labutopia/level2/heat_liquid.yaml", "franka")
    env = build_env(compiled, EpisodeSpec(robot="franka"), cameras=[])
    env.reset(0)
    hold = env.command()
    monitor = SafetyMonitor(env)
    t0 = time.perf_counter()
    for _ in range(args.steps):
        env.step(hold)
    step_s = (time.perf_counter() - t0) / args.steps
    t0 = time.perf_counter()
    for _ in range(args.steps):
        monitor.filter(hold)
    filter_s = (time.perf_counter() - t0) / args.steps
    print(f"env.step {1e3 * step_s:.2f} ms, monitor.filter {1e6 * filter_s:.0f} us: "
          f"monitor / step = {filter_s / step_s:.3f}")  # fmt: skip

    # The runner on one node, the budget cut to `steps` actions; the policy holds still, never succeeds.
    node = episode_nodes(compiled)[0]
    hz = env.robot.control_hz
    factor = args.steps / hz / node.duration_s
    options = RunOptions(max_retries=0, time_factor=factor, time_slack_s=0.0)
    t0 = time.perf_counter()
    Runner(env, ChunkHold([]), options, robot="franka", seed=0, monitors=[SafetyMonitor(env)]).run([node])
    exec_s = (time.perf_counter() - t0) / args.steps
    print(f"runner {1e3 * exec_s:.2f} ms per action: runner / bare step = {exec_s / step_s:.2f}")
    env.close()

    cams = ["front", "side", "wrist"]
    timings = {}
    for label, every in (("every step", True), ("chunk ends", False)):
        env = build_env(compiled, EpisodeSpec(robot="franka", resolution=128), cameras=cams)
        frame = Monitor()
        frame.renders = every  # a monitor that wants every frame forces a render per step
        t0 = time.perf_counter()
        monitors = [SafetyMonitor(env), frame]
        Runner(env, ChunkHold(cams), options, robot="franka", seed=0, monitors=monitors).run([node])
        timings[label] = (time.perf_counter() - t0) / args.steps
        env.close()
    every, ends = timings["every step"], timings["chunk ends"]
    print(f"3 cameras 128 px, chunk 16: rendering every step {1e3 * every:.1f} ms/action, "
          f"at chunk ends {1e3 * ends:.1f} ms/action: render skip speed-up = {every / ends:.1f}x")  # fmt: skip


if __name__ == "__main__":
    main()
