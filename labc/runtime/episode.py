"""One episode: a compiled protocol on one robot, in a scene randomized from one seed, with one policy.

The scene comes from RoboGenesis exactly as its data does (composition from the compiled DAG, the six
randomization axes drawn for the `id` or held-out `ood` split), so a policy is evaluated on the
distribution it was trained on, or deliberately off it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from labc.runtime.results import RunResult
from labc.runtime.video import VideoRecorder
from robogenesis.bands import Split
from robogenesis.progress import NodeProgress
from robogenesis.randomize import DomainSample
from robogenesis.runner.options import RunOptions
from robogenesis.runner.runner import Runner
from robogenesis.runner.stops import SAFE_STOPS

VIDEO_CAMERA = "front"
DEFAULT_RESOLUTION = 128  # what `labc synthesize` renders by default, so a policy sees familiar images


class EpisodeSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    robot: str
    seed: int = 0
    split: Split = "id"
    resolution: int = Field(DEFAULT_RESOLUTION, ge=16)
    video: Path | None = None
    domain: DomainSample | None = Field(
        None,
        description="explicit randomization values (a recorded episode's, a hand-made shift) "
        "instead of drawing them from the seed",
    )


def build_env(compiled: Any, spec: EpisodeSpec, cameras: list[str]) -> Any:
    """The randomized scene for (compiled, robot, split, seed), built in labsim."""
    from robogenesis.compose import base_scene, worked_devices
    from robogenesis.randomize import build_env as build_randomized
    from robogenesis.randomize import sample_domain

    scene = base_scene(compiled, spec.robot, cameras, (spec.resolution, spec.resolution))
    rng = np.random.default_rng([spec.seed, 0])
    sample = spec.domain or sample_domain(scene, spec.split, rng, worked=worked_devices(compiled))
    return build_randomized(scene, spec.robot, sample)


def run_episode(
    compiled: Any,
    policy: Any,
    spec: EpisodeSpec,
    options: RunOptions | None = None,
    progress: Callable[[str], None] | None = None,
) -> RunResult:
    """Build, run every node in schedule order, close; the result says what happened to each node.
    `progress` receives a line as long nodes start, run and end (see `robogenesis.progress`)."""
    from robogenesis.compose import episode_nodes

    options = options or RunOptions()
    cameras = list(getattr(policy, "cameras", []))
    if spec.video is not None and VIDEO_CAMERA not in cameras:
        cameras.append(VIDEO_CAMERA)
    started = time.perf_counter()
    env = build_env(compiled, spec, cameras)
    recorder = VideoRecorder(VIDEO_CAMERA, env.robot.control_hz) if spec.video is not None else None
    monitor = options.safety_monitor(env)  # the deployment filter: clips or stops
    monitors = [monitor] if recorder is None else [monitor, recorder]
    try:
        runner = Runner(
            env,
            policy,
            options,
            robot=spec.robot,
            seed=spec.seed,
            monitors=monitors,
            protocol=compiled.protocol.name,
            progress=NodeProgress(progress),
        )
        outcome = runner.run(episode_nodes(compiled))
        sim_s = env.time_s
    finally:
        env.close()
    video = None
    if recorder is not None and recorder.frames and spec.video is not None:  # a recorder means a video
        video = str(recorder.save(spec.video))
    return RunResult(
        protocol=compiled.protocol.name,
        source=compiled.protocol.source,
        robot=spec.robot,
        policy=getattr(policy, "name", type(policy).__name__),
        seed=spec.seed,
        split=spec.split,
        completed=outcome.completed,
        stop_reason=outcome.stop_reason,
        safe_stop=outcome.safe_stop or outcome.stop_reason in SAFE_STOPS,
        nodes=outcome.nodes,
        safety=monitor.events,
        safety_counts=monitor.counts,
        sim_s=sim_s,
        wall_s=time.perf_counter() - started,
        video=video,
    )
