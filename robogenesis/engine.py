"""The synthesis run: plan slots, skip those already committed, run the rest, write in plan order.

Plan order is protocol, then slot index, then robot. Results are committed per robot in that order
whatever order workers finish in, so a process pool, Ray, or one process write the same datasets for
the same seed. Each episode is committed atomically by the writer; on a rerun the slot keys stored in
each episode's provenance tell which slots are done, so an interrupted run resumes without duplicates.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from pydantic import BaseModel, ConfigDict, Field

from robogenesis.bands import Split
from robogenesis.compose import load_compiled
from robogenesis.report import RobotReport, SynthReport, Tally
from robogenesis.rollout import SlotJob, SlotResult
from robogenesis.runner.policy import DEFAULT_EXPERTS, expert_lookup
from robogenesis.workers import WorkerCrashed, make_backend

REPORT_NAME = "report.json"


class SynthesisError(RuntimeError):
    """A run that had to stop; the message says what happened and that committed data is intact."""


class SynthesisInputError(SynthesisError):
    """The inputs cannot be used as given (an existing dataset made with other cameras or robot sizes,
    experts that cannot be loaded): the user's to fix, nothing was written."""


class SynthConfig(BaseModel):
    model_config = ConfigDict(frozen=True)
    protocols: list[Path] = Field(min_length=1)
    robots: list[str] = Field(min_length=1)
    episodes: int = Field(10, ge=1, description="validated episodes per protocol and robot")
    out: Path
    split: Split = "id"
    seed: int = 0
    workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=0)
    ray_address: str | None = None
    cameras: list[str] = Field(default_factory=lambda: ["front", "side", "wrist"])
    resolution: int = Field(128, ge=16)
    max_attempts: int = Field(3, ge=1)
    experts: str = DEFAULT_EXPERTS
    progress: bool = Field(False, description="workers print per-node progress of long nodes (stderr)")
    dart_sigma_rad: float = Field(0.0, ge=0.0, le=0.2, description="DART noise on executed arm targets")


def dataset_dir(out: Path, robot: str) -> Path:
    return out / robot


def plan(config: SynthConfig) -> list[SlotJob]:
    """Compile every protocol for every robot (errors surface before any work starts), then list slots."""
    from robogenesis.compose import CompositionError

    compiled: dict[tuple[Path, str], str] = {}
    for path in config.protocols:
        for robot in config.robots:
            try:
                compiled[path, robot] = load_compiled(path, robot).to_json()
            except CompositionError as exc:
                raise SynthesisError(str(exc)) from None
    size = (config.resolution, config.resolution)
    return [
        SlotJob(
            source=str(path),
            compiled_json=compiled[path, robot],
            robot=robot,
            slot=k,
            seed=config.seed,
            split=config.split,
            cameras=config.cameras,
            resolution=size,
            max_attempts=config.max_attempts,
            experts=config.experts,
            progress=config.progress,
            dart_sigma_rad=config.dart_sigma_rad,
        )
        for path in config.protocols
        for k in range(config.episodes)
        for robot in config.robots
    ]


def _open_writer(root: Path, robot: str, config: SynthConfig):  # -> LeRobotV3Writer
    from labdata.robot_profile import load_profile
    from robogenesis.export.lerobot_v3 import LeRobotV3Writer

    profile = load_profile(robot)
    try:
        return LeRobotV3Writer(
            root,
            fps=round(profile.control_hz),
            robot_type=robot,
            cameras={cam: (config.resolution, config.resolution) for cam in config.cameras},
            state_names=profile.state_names,
            action_names=profile.action_names,
        )
    except ValueError as exc:
        raise SynthesisInputError(f"{root}: cannot continue this dataset: {exc}") from None


def _committed_keys(writer) -> set[str]:
    import json

    from labinfra.lerobot import PROVENANCE_COLUMN

    keys = set()
    for row in writer.episodes:
        provenance = json.loads(row.get(PROVENANCE_COLUMN) or "{}")
        if "key" in provenance:
            keys.add(provenance["key"])
    return keys


def synthesize(config: SynthConfig, stream: TextIO | None = None, quiet: bool = False) -> SynthReport:
    """Run the whole synthesis; returns the report (also written to `out/report.json`)."""
    from labinfra.atomic import write_text

    stream = stream or sys.stderr
    try:
        expert_lookup(config.experts)
    except (ImportError, AttributeError, ValueError) as exc:
        raise SynthesisInputError(f"cannot load the experts {config.experts!r}: {exc}") from None
    jobs = plan(config)
    writers = {robot: _open_writer(dataset_dir(config.out, robot), robot, config) for robot in config.robots}
    done = {robot: _committed_keys(w) for robot, w in writers.items()}
    todo = [job for job in jobs if job.key not in done[job.robot]]
    robots = {
        robot: RobotReport(
            dataset=str(dataset_dir(config.out, robot)),
            planned=sum(job.robot == robot for job in jobs),
            skipped=sum(job.robot == robot for job in jobs) - sum(job.robot == robot for job in todo),
        )
        for robot in config.robots
    }
    tally = Tally(robots, stream, quiet)
    backend = make_backend(config.workers, config.ray_address)
    try:
        for result in _in_plan_order(todo, backend.run(todo)):
            tally.add(result)
            if result.episode is not None:
                _commit(writers[result.robot], result, config)
    except WorkerCrashed as exc:
        raise SynthesisError(f"{exc}; {_kept(writers)}; rerun the same command to resume") from exc
    finally:
        backend.close()
    name = "ray" if config.ray_address else ("inline" if config.workers == 0 else "process-pool")
    report = tally.report(config.split, config.seed, name, backend.workers)
    write_text(config.out / REPORT_NAME, report.model_dump_json(indent=2) + "\n")
    return report


def _in_plan_order(todo: Sequence[SlotJob], results: Iterator[SlotResult]) -> Iterator[SlotResult]:
    """Re-order results into plan order, holding back those that finished early."""
    position = {job.robot + "|" + job.key: i for i, job in enumerate(todo)}
    held: dict[int, SlotResult] = {}
    next_index = 0
    for result in results:
        held[position[result.robot + "|" + result.key]] = result
        while next_index in held:
            yield held.pop(next_index)
            next_index += 1


def _kept(writers: dict) -> str:
    return ", ".join(f"{w.root} keeps {w.total_episodes} committed episodes" for w in writers.values())


def _commit(writer, result: SlotResult, config: SynthConfig) -> None:
    try:
        writer.append(result.episode)
    except OSError as exc:
        what = "the disk is full" if exc.errno in (errno.ENOSPC, errno.EDQUOT) else f"{exc.strerror or exc}"
        raise SynthesisError(
            f"writing {result.robot} episode {result.key} failed: {what}; {writer.root} keeps "
            f"{writer.total_episodes} committed episodes; free space and rerun the same command to resume"
        ) from exc
