"""One slot of work: roll the expert through a protocol's episode until an attempt validates.

A slot is (protocol, robot, index). Attempt `a` of a slot draws everything (randomization, reset noise,
expert noise, paraphrases) from one seed derived from the run seed and the slot's identity, so the same
slot gives the same episode in any worker, on a process pool or on Ray, and `replay` rebuilds it from
the seed and the stored sample alone. Rejected attempts come back with their reasons.
"""

from __future__ import annotations

import hashlib
import importlib
import math
import sys
import time
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from robogenesis.compose import base_scene, episode_nodes, worked_devices
from robogenesis.experts.base import Idle
from robogenesis.export.lerobot_v3 import EpisodeRecord
from robogenesis.progress import NodeProgress
from robogenesis.randomize import DomainSample, Split, build_env, sample_domain
from robogenesis.validate import (
    EMPTY,
    ERROR,
    INSTABILITY,
    NAN,
    PLANNING,
    PREDICATE,
    SCENE,
    TIMEOUT,
    EpisodeMonitor,
    EpisodeRejected,
    Rejection,
)

NODE_TIME_FACTOR = 3.0  # an expert may take this many times the node's nominal duration...
NODE_TIME_SLACK_S = 10.0  # ...plus this, before the attempt is rejected as a timeout
DEFAULT_EXPERTS = "robogenesis.experts.registry:get_expert"
DART_RHO = 0.9  # step-to-step correlation of the DART noise (a 0.5 s time constant at 20 Hz)


class SlotJob(BaseModel):
    """Everything a worker needs; plain data so it pickles to a process pool or a Ray task."""

    model_config = ConfigDict(frozen=True)
    source: str = Field(description="the protocol file as given (recorded for replay)")
    compiled_json: str
    robot: str
    slot: int
    seed: int = Field(description="the run's base seed")
    split: Split = "id"
    cameras: list[str]
    resolution: tuple[int, int]
    max_attempts: int = 3
    experts: str = Field(DEFAULT_EXPERTS, description="module:function mapping an expert name to an expert")
    progress: bool = Field(False, description="print per-node progress of long nodes on stderr")
    dart_sigma_rad: float = Field(
        0.0,
        ge=0.0,
        le=0.2,
        description="DART: std of the noise added to the executed arm joint targets (0 = none); the "
        "recorded actions stay the expert's",
    )

    @property
    def key(self) -> str:
        """Identity of the slot inside a dataset: a resumed run skips keys already committed."""
        return f"{self.split}/{self.seed}/{protocol_hash(self)}/{self.slot}"


class SlotResult(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)
    key: str
    robot: str
    protocol: str = Field("", description="the protocol's name (what a failure report names)")
    source: str = Field("", description="the protocol file as given")
    slot: int = -1
    episode: EpisodeRecord | None
    rejections: list[Rejection]
    attempts: int
    sim_s: float = Field(description="simulated seconds over every attempt")
    compute_s: float = Field(description="wall seconds the worker spent")


def protocol_hash(job: SlotJob) -> str:
    return _compiled(job.compiled_json).protocol.source_sha256


def attempt_seed(base_seed: int, protocol: str, robot: str, slot: int, attempt: int) -> int:
    digest = hashlib.sha256(f"{base_seed}/{protocol}/{robot}/{slot}/{attempt}".encode()).digest()
    return int.from_bytes(digest[:4], "little") & 0x7FFFFFFF


@cache
def _compiled(compiled_json: str) -> Any:
    from compiler.model import CompiledProtocol

    return CompiledProtocol.model_validate_json(compiled_json)


@cache
def expert_lookup(spec: str) -> Callable[[str], Any]:
    module, _, attr = spec.partition(":")
    return getattr(importlib.import_module(module), attr)


def phrases(node: Any) -> list[str]:
    return [node.instruction, *node.paraphrases]


def draw_sample(job: SlotJob, seed: int) -> DomainSample:
    compiled = _compiled(job.compiled_json)
    scene = base_scene(compiled, job.robot, job.cameras, job.resolution)
    counts = {n.id: len(phrases(n)) for n in compiled.nodes}
    rng = np.random.default_rng([seed, 0])
    return sample_domain(scene, job.split, rng, counts, worked_devices(compiled))


def run_slot(job: SlotJob) -> SlotResult:
    """Attempts in order until one validates or `max_attempts` are spent."""
    from labsim.gl import prefer_headless

    prefer_headless()  # a worker process (a Ray node's included) may not have come through labc's CLI
    started = time.perf_counter()
    compiled = _compiled(job.compiled_json)
    rejections: list[Rejection] = []
    sim_s = 0.0
    episode = None
    for attempt in range(job.max_attempts):
        seed = attempt_seed(job.seed, compiled.protocol.source_sha256, job.robot, job.slot, attempt)
        sample = draw_sample(job, seed)
        outcome, seconds = execute(job, sample, seed)
        sim_s += seconds
        if isinstance(outcome, Rejection):
            rejections.append(outcome)
            continue
        episode = outcome.model_copy(
            update={"provenance": {**outcome.provenance, "attempt": attempt, "key": job.key}}
        )
        break
    return SlotResult(
        key=job.key,
        robot=job.robot,
        protocol=compiled.protocol.name,
        source=job.source,
        slot=job.slot,
        episode=episode,
        rejections=rejections,
        attempts=len(rejections) + (episode is not None),
        sim_s=sim_s,
        compute_s=time.perf_counter() - started,
    )


def execute(job: SlotJob, sample: DomainSample, seed: int) -> tuple[EpisodeRecord | Rejection, float]:
    """One attempt with a given sample and seed: the validated episode, or why it was rejected."""
    from labsim.errors import NumericalInstability, SceneError

    compiled = _compiled(job.compiled_json)
    expert_for = expert_lookup(job.experts)
    try:
        env = build_env(base_scene(compiled, job.robot, job.cameras, job.resolution), job.robot, sample)
    except (SceneError, ValueError) as exc:
        return Rejection(reason=SCENE, detail=str(exc)), 0.0
    frames = _Frames()
    emit = (lambda line: print(line, file=sys.stderr, flush=True)) if job.progress else None
    progress = NodeProgress(emit, prefix=f"{job.robot:>8} {compiled.protocol.name} slot {job.slot}: ")
    try:
        _roll(env, compiled, sample, seed, expert_for, frames, progress, job.dart_sigma_rad)
    except EpisodeRejected as exc:
        return exc.rejection, env.time_s
    except NumericalInstability as exc:
        reason = NAN if "NaN" in exc.reason else INSTABILITY
        return Rejection(reason=reason, node_id=frames.node_id, detail=str(exc)), env.time_s
    except Exception as exc:
        if any(c.__name__ == "PlanningError" for c in type(exc).__mro__):  # the experts' contract
            skill = compiled.node(frames.node_id).skill if frames.node_id else "?"
            return Rejection(
                reason=f"{PLANNING}:{skill}", node_id=frames.node_id, detail=str(exc)
            ), env.time_s
        detail = f"{type(exc).__name__}: {exc}"
        return Rejection(reason=f"{ERROR}:{type(exc).__name__}", node_id=frames.node_id, detail=detail), 0.0
    finally:
        sim_end = env.time_s
        env.close()
    if not frames.state:
        return Rejection(reason=EMPTY, detail="the expert produced no actions"), sim_end
    record = EpisodeRecord(
        images={cam: np.stack(frames.images[cam]) for cam in job.cameras},
        state=np.stack(frames.state).astype(np.float32),
        action=np.stack(frames.action).astype(np.float32),
        tasks=frames.tasks,
        node_ids=frames.node_ids,
        wait_s=np.asarray(frames.wait_s, dtype=np.float32),
        robot=job.robot,
        seed=seed,
        protocol_hash=compiled.protocol.source_sha256,
        randomization=sample.model_dump(mode="json"),
        provenance={
            "source": job.source,
            "protocol": compiled.protocol.name,
            "slot": job.slot,
            "run_seed": job.seed,
            "split": job.split,
            "cameras": job.cameras,
            "resolution": list(job.resolution),
            "experts": job.experts,
            "dart_sigma_rad": job.dart_sigma_rad,
        },
    )
    return record, sim_end


class _Frames:
    def __init__(self) -> None:
        self.images: dict[str, list[np.ndarray]] = {}
        self.state: list[np.ndarray] = []
        self.action: list[np.ndarray] = []
        self.tasks: list[str] = []
        self.node_ids: list[str] = []
        self.wait_s: list[float] = []
        self.node_id: str | None = None

    def add(self, obs: Any, action: np.ndarray, task: str, node_id: str, wait_s: float = 0.0) -> None:
        for cam, img in obs.images.items():
            self.images.setdefault(cam, []).append(img)
        self.state.append(obs.state)
        self.action.append(np.asarray(action, dtype=np.float32))
        self.tasks.append(task)
        self.node_ids.append(node_id)
        self.wait_s.append(wait_s)


def _roll(
    env: Any,
    compiled: Any,
    sample: DomainSample,
    seed: int,
    expert_for: Callable[[str], Any],
    frames: _Frames,
    progress: NodeProgress,
    dart_sigma_rad: float = 0.0,
) -> None:
    monitor = EpisodeMonitor(env)
    obs = env.reset(seed)
    rng = np.random.default_rng([seed, 1])
    dart = _Dart(env, dart_sigma_rad, np.random.default_rng([seed, 2]))
    for node in episode_nodes(compiled):
        frames.node_id = monitor.node_id = node.id
        task = phrases(node)[sample.phrasing.get(node.id, 0)]
        budget = math.ceil((node.duration_s * NODE_TIME_FACTOR + NODE_TIME_SLACK_S) * env.robot.control_hz)
        expert = expert_for(node.expert)
        progress.start(node, env.time_s)
        steps = 0  # control steps of simulated time, an idle interval included
        for action in expert.actions(env, node.args, rng):
            if steps >= budget:
                raise EpisodeRejected(
                    Rejection(
                        reason=f"{TIMEOUT}:{node.skill}",
                        node_id=node.id,
                        detail=f"no result after {budget} control steps",
                    )
                )
            if isinstance(action, Idle):
                # One frame stands for the whole interval: the held command, flagged with its length.
                hold = env.command()
                monitor.action(hold)
                frames.add(obs, hold, task, node.id)
                frames.wait_s[-1] = env.idle(action.seconds)
                steps += round(frames.wait_s[-1] * env.robot.control_hz)
                obs = env.observe()
            else:
                action = np.asarray(action, dtype=float)
                executed = dart.perturb(action)
                monitor.action(executed)
                frames.add(obs, action, task, node.id)
                obs = env.step(executed)
                steps += 1
            monitor.state(obs.state)
            progress.tick(env.time_s)
        holds = env.check(node.predicate, node.args)
        progress.end(env.time_s, "done" if holds else f"failed ({node.predicate} does not hold)")
        if not holds:
            raise EpisodeRejected(
                Rejection(
                    reason=f"{PREDICATE}:{node.skill}",
                    node_id=node.id,
                    detail=f"{node.predicate} does not hold after {node.id} ({node.instruction})",
                )
            )
    monitor.finish()


class _Dart:
    """DART (Laskey et al. 2017): the arm executes the expert's joint targets plus noise, so the states
    recorded include drift off the expert's path, while the labels stay the expert's targets, which
    pull the arm back. The noise is an AR(1) process (correlation DART_RHO per control step, standard
    deviation sigma): white noise on position targets would be filtered out by the servos and visit
    no new states. The gripper command is never perturbed."""

    def __init__(self, env: Any, sigma: float, rng: np.random.Generator) -> None:
        self.sigma, self.rng = sigma, rng
        limits = np.asarray(env.robot.joint_limits, dtype=float)
        self.lo, self.hi = limits[:, 0], limits[:, 1]
        self.noise = np.zeros(len(self.lo))

    def perturb(self, action: np.ndarray) -> np.ndarray:
        if self.sigma <= 0.0:
            return action
        shock = self.rng.normal(0.0, self.sigma, len(self.noise))
        self.noise = DART_RHO * self.noise + math.sqrt(1.0 - DART_RHO**2) * shock
        executed = action.copy()
        n = len(self.noise)
        executed[:n] = np.clip(action[:n] + self.noise, self.lo, self.hi)
        return executed
