"""Counting a synthesis run: accepted and attempted per robot, rejections by reason, throughput.

`Tally` is updated as slots finish (it drives the progress lines); `SynthReport` is its frozen summary,
printed at the end and written as `report.json` next to the datasets.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from typing import TextIO

from pydantic import BaseModel, Field

from robogenesis.rollout import SlotResult
from robogenesis.runner.stops import Rejection


class RobotReport(BaseModel):
    dataset: str
    planned: int
    skipped: int = Field(description="slots already in the dataset from an earlier run (resume)")
    accepted: int = 0
    attempted: int = 0
    failed_slots: int = Field(0, description="slots whose every attempt was rejected")
    rejected: dict[str, int] = Field(default_factory=dict)
    frames: int = 0


class FailedSlot(BaseModel):
    """A requested slot that ended with no episode: every attempt's rejection, in order."""

    protocol: str
    source: str
    robot: str
    slot: int
    rejections: list[Rejection]

    def render(self) -> str:
        head = (
            f"{self.protocol} ({self.source}) on {self.robot}, slot {self.slot}: no episode in "
            f"{len(self.rejections)} attempt(s)"
        )
        lines = [head]
        for k, rej in enumerate(self.rejections, 1):
            where = f" at node {rej.node_id}" if rej.node_id else ""
            lines.append(f"      attempt {k}: {rej.reason}{where}: {rej.detail}")
        return "\n".join(lines)


class SynthReport(BaseModel):
    split: str
    seed: int
    backend: str
    workers: int
    robots: dict[str, RobotReport]
    accepted: int
    attempted: int
    rejected: dict[str, int]
    wall_s: float
    compute_s: float = Field(description="worker seconds summed over slots (core-seconds)")
    sim_s: float
    episodes_per_min: float
    sim_s_per_wall_s: float
    failed: list[FailedSlot] = Field(default_factory=list, description="slots that ended with no episode")

    @property
    def complete(self) -> bool:
        """Every requested slot has its episode (the exit code of `labc synthesize` says so)."""
        return not self.failed

    def render(self) -> str:
        lines = [
            f"synthesis ({self.split} split, seed {self.seed}, {self.backend} x{self.workers}): "
            f"{self.accepted} accepted of {self.attempted} attempts in {self.wall_s:.1f} s",
        ]
        for robot, r in self.robots.items():
            skipped = f", {r.skipped} already present" if r.skipped else ""
            # Name the dataset only when it exists: a run that kept no episode wrote nothing there.
            where = f"-> {r.dataset}" if r.accepted + r.skipped else "(no dataset written)"
            lines.append(
                f"  {robot}: {r.accepted}/{r.planned - r.skipped} slots accepted, {r.attempted} attempts"
                f"{skipped} {where}"
            )
        if self.rejected:
            lines.append("  rejected by reason:")
            lines += [f"    {reason}: {n}" for reason, n in sorted(self.rejected.items())]
        else:
            lines.append("  rejected: none")
        lines.append(
            f"  {self.episodes_per_min:.2f} episodes/min, {self.sim_s_per_wall_s:.2f} simulated s per wall s"
        )
        if self.failed:
            lines.append(f"  FAILED: {len(self.failed)} slot(s) ended with no episode:")
            lines += [f"    {f.render()}" for f in self.failed]
        return "\n".join(lines)


class Tally:
    """Running counts plus one progress line per robot (stderr, one line per finished slot)."""

    def __init__(
        self, robots: dict[str, RobotReport], stream: TextIO | None = None, quiet: bool = False
    ) -> None:
        self.robots = robots
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.started = time.perf_counter()
        self.compute_s = 0.0
        self.sim_s = 0.0
        self.failed: list[FailedSlot] = []

    def add(self, result: SlotResult) -> None:
        r = self.robots[result.robot]
        r.attempted += result.attempts
        counts = Counter(r.rejected)
        counts.update(rej.reason for rej in result.rejections)
        r.rejected = dict(counts)
        if result.episode is not None:
            r.accepted += 1
            r.frames += len(result.episode.state)
        else:
            r.failed_slots += 1
            self.failed.append(
                FailedSlot(
                    protocol=result.protocol,
                    source=result.source,
                    robot=result.robot,
                    slot=result.slot,
                    rejections=result.rejections,
                )
            )
        self.compute_s += result.compute_s
        self.sim_s += result.sim_s
        if not self.quiet:
            self.stream.write(self.progress(result.robot) + "\n")
            self.stream.flush()

    def progress(self, robot: str) -> str:
        r = self.robots[robot]
        todo = r.planned - r.skipped
        done = r.accepted + r.failed_slots
        width = 20
        filled = round(width * done / todo) if todo else width
        bar = "#" * filled + "-" * (width - filled)
        return f"{robot:>8} [{bar}] {done}/{todo} slots, accepted {r.accepted}/attempted {r.attempted}"

    def report(self, split: str, seed: int, backend: str, workers: int) -> SynthReport:
        wall = time.perf_counter() - self.started
        rejected: Counter[str] = Counter()
        for r in self.robots.values():
            rejected.update(r.rejected)
        accepted = sum(r.accepted for r in self.robots.values())
        return SynthReport(
            split=split,
            seed=seed,
            backend=backend,
            workers=workers,
            robots=self.robots,
            accepted=accepted,
            attempted=sum(r.attempted for r in self.robots.values()),
            rejected=dict(rejected),
            wall_s=wall,
            compute_s=self.compute_s,
            sim_s=self.sim_s,
            episodes_per_min=60.0 * accepted / wall if wall > 0 else 0.0,
            sim_s_per_wall_s=self.sim_s / wall if wall > 0 else 0.0,
            failed=self.failed,
        )
