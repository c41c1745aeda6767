"""One slot of work: roll the expert through a protocol's episode until an attempt validates.

A slot is (protocol, robot, index). Attempt `a` of a slot draws everything (randomization, reset noise,
expert noise, paraphrases) from one seed derived from the run seed and the slot's identity, so the same
slot gives the same episode in any worker, on a process pool or on Ray, and `replay` rebuilds it from
the seed and the stored sample alone. Rejected attempts come back with their reasons.
"""

from __future__ import annotations

import hashlib
import sys
import time
from functools import cache
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from robogenesis.bands import Split
from robogenesis.compose import base_scene, episode_nodes, worked_devices
from robogenesis.export.lerobot_v3 import EpisodeRecord
from robogenesis.progress import NodeProgress
from robogenesis.randomize import DomainSample, build_env, sample_domain
from robogenesis.runner.monitors import Recorder, Validator
from robogenesis.runner.options import RunOptions
from robogenesis.runner.policy import DEFAULT_EXPERTS, Dart, ExpertPolicy
from robogenesis.runner.runner import Runner, instability
from robogenesis.runner.stops import NODE_LEVEL, Rejection, StopReason


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
    """One attempt with a given sample and seed: the validated episode, or why it was rejected.

    The expert runs through the one runner, under the validator, the deployment safety monitor in its
    audit role (a demonstration it would clip or stop is rejected with that reason) and the recorder;
    DART, if asked for, perturbs what is executed and leaves the recorded labels the expert's."""
    from labsim.errors import NumericalInstability, SceneError

    compiled = _compiled(job.compiled_json)
    try:
        env = build_env(base_scene(compiled, job.robot, job.cameras, job.resolution), job.robot, sample)
    except (SceneError, ValueError) as exc:
        return Rejection(reason=StopReason.SCENE, detail=str(exc)), 0.0
    recorder = Recorder(lambda node: phrases(node)[sample.phrasing.get(node.id, 0)])
    options = RunOptions.synthesis()
    monitors = [Validator(env), options.safety_monitor(env), recorder]
    policy: Any = ExpertPolicy(job.experts, rng=np.random.default_rng([seed, 1]))
    if job.dart_sigma_rad > 0.0:
        policy = Dart(policy, job.dart_sigma_rad, np.random.default_rng([seed, 2]))
    emit = (lambda line: print(line, file=sys.stderr, flush=True)) if job.progress else None
    progress = NodeProgress(emit, prefix=f"{job.robot:>8} {compiled.protocol.name} slot {job.slot}: ")
    runner = Runner(env, policy, options, robot=job.robot, seed=seed, monitors=monitors, progress=progress)
    try:
        outcome = runner.run(episode_nodes(compiled))
    except NumericalInstability as exc:  # raised where the runner does not step (an expert's check)
        stop = instability(exc, runner.node_id)
        return Rejection(reason=stop.reason, node_id=stop.node_id, detail=stop.detail), env.time_s
    except Exception as exc:
        node_id = runner.node_id
        if any(c.__name__ == "PlanningError" for c in type(exc).__mro__):  # the experts' contract
            skill = compiled.node(node_id).skill if node_id else "?"
            return Rejection(
                reason=f"{StopReason.PLANNING}:{skill}", node_id=node_id, detail=str(exc)
            ), env.time_s
        detail = f"{type(exc).__name__}: {exc}"
        return Rejection(
            reason=f"{StopReason.ERROR}:{type(exc).__name__}", node_id=node_id, detail=detail
        ), 0.0
    finally:
        sim_end = env.time_s
        env.close()
    if not outcome.completed:
        reason = str(outcome.stop_reason)
        if outcome.stop_reason in NODE_LEVEL and outcome.node_id is not None:
            reason = f"{reason}:{compiled.node(outcome.node_id).skill}"
        return Rejection(reason=reason, node_id=outcome.node_id, detail=outcome.detail), sim_end
    if not recorder.state:
        return Rejection(reason=StopReason.EMPTY, detail="the expert produced no actions"), sim_end
    record = EpisodeRecord(
        images={cam: np.stack(recorder.images[cam]) for cam in job.cameras},
        state=np.stack(recorder.state).astype(np.float32),
        action=np.stack(recorder.action).astype(np.float32),
        tasks=recorder.tasks,
        node_ids=recorder.node_ids,
        wait_s=np.asarray(recorder.wait_s, dtype=np.float32),
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
