"""The benchmark harness: success rates per task and split on the LabUtopia-style suite.

Levels follow LabUtopia: 1 atomic tasks, 2 combined tasks, 3 generalization (the level-2 tasks on the
held-out `ood` randomization values, so level 2 reports only its other splits when level 3 is asked
for), 4 long-horizon tasks. Every episode's seed is a hash of (suite, task, robot, split, episode
index), so two runs of the same policy see the same scenes and, with a deterministic policy, agree
episode by episode. With a start seed S (`labc bench --seed S`) episode k of every cell uses seed S + k
instead, the seed `labc run --seed` takes, so a result can be checked on seeds nobody looked at and
any episode rerun alone. Rates come with Wilson 95% score intervals, which stay inside [0, 1] and are honest
at the small episode counts a CPU affords.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from labc.runtime.episode import DEFAULT_RESOLUTION, EpisodeSpec, run_episode
from labc.runtime.stats import wilson
from robogenesis.bands import Split
from robogenesis.compose import suite_root
from robogenesis.runner.options import RunOptions

if TYPE_CHECKING:
    from labc.runtime.policies import Policy

SUITES = ("labutopia",)
LEVELS = (1, 2, 3, 4)
GENERALIZATION_LEVEL = 3
EXAMPLES = suite_root()


class BenchError(ValueError):
    """The benchmark cannot start (unknown level or task, a file that is not a protocol): exit 2."""


class BenchProtocolError(BenchError):
    """A task's protocol has errors for a robot: exit 1, as `labc run` and `labc compile` say it."""


def episode_seed(suite: str, task: str, robot: str, split: str, episode: int) -> int:
    digest = hashlib.sha256(f"{suite}/{task}/{robot}/{split}/{episode}".encode()).digest()
    return int.from_bytes(digest[:4], "little") & 0x7FFFFFFF


class PolicySpec(BaseModel):
    """How to build the policy, so a worker process can build its own copy."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    checkpoint: Path | None = None
    experts: str | None = None
    mode: str = "auto"
    server: str | None = None  # ws://HOST:PORT of an openpi policy server
    data: Path | None = None  # the recorded dataset(s) of the replay and nearest floors
    action_horizon: int | None = None  # LabVLA: actions executed per predicted chunk
    sample_noise: float | None = None  # LabVLA: scale of the flow's starting noise


class BenchTask(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    level: int
    task: str
    path: Path
    split: Split


class EpisodeJob(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    task: BenchTask
    compiled_json: str
    robot: str
    episode: int
    seed: int
    policy: PolicySpec
    options: RunOptions
    resolution: int = DEFAULT_RESOLUTION


class EpisodeRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")
    level: int
    task: str
    robot: str
    split: Split
    episode: int
    seed: int
    success: bool
    stop_reason: str
    failed_node: str | None = None
    failed_skill: str | None = Field(None, description="the skill of the node the episode stopped at")
    detail: str = ""
    safe_stop: bool
    nodes_done: int
    nodes: int
    sim_s: float
    wall_s: float


class TaskRow(BaseModel):
    model_config = ConfigDict(extra="forbid")
    level: int
    task: str
    split: Split
    episodes: int
    successes: int
    rate: float
    ci95: tuple[float, float]


class BenchReport(BaseModel):
    model_config = ConfigDict(extra="forbid")
    suite: str
    policy: PolicySpec
    robots: list[str]
    splits: list[Split]
    levels: list[int]
    episodes_per_task: int
    seed: int | None = None  # the start seed, if given; otherwise each episode's seed is hashed
    rows: list[TaskRow]
    episodes: list[EpisodeRecord]
    wall_s: float

    def markdown(self) -> str:
        head = "| level | task | split | success | rate | 95% CI (Wilson) |\n|---|---|---|---|---|---|"
        lines = [head]
        for r in self.rows:
            lines.append(
                f"| {r.level} | {r.task} | {r.split} | {r.successes}/{r.episodes} | {100 * r.rate:.1f}% "
                f"| [{100 * r.ci95[0]:.1f}, {100 * r.ci95[1]:.1f}] |"
            )
        robots = ", ".join(self.robots)
        lines.append(
            f"\n{self.suite}, policy {self.policy.name}, robots {robots}, {self.episodes_per_task} episode(s) "
            f"per task, robot and split{'' if self.seed is None else f' (seeds from {self.seed})'}; "
            f"{len(self.episodes)} episodes in {self.wall_s:.0f} s"
        )
        stops = self.where_it_stops()
        if stops:
            lines += ["", stops]
        return "\n".join(lines)

    def where_it_stops(self) -> str:
        """Per task and robot: how far the failed episodes got through the DAG (nodes done of all) and
        at which skill and why they stopped, most frequent first. On a long workflow this is the answer
        to "where does the policy fail", which a success rate alone does not give."""
        groups: dict[tuple[int, str, str], list[EpisodeRecord]] = {}
        for e in self.episodes:
            if not e.success:
                groups.setdefault((e.level, e.task, e.robot), []).append(e)
        if not groups:
            return ""
        lines = [
            "Where failed episodes stopped:",
            "",
            "| level | task | robot | failed | nodes done (mean of all) | stopped at (skill: reason x episodes) |",
            "|---|---|---|---|---|---|",
        ]
        for (level, task, robot), failed in sorted(groups.items()):
            counts: dict[str, int] = {}
            for e in failed:
                key = f"{e.failed_skill or '-'}: {e.stop_reason}"
                counts[key] = counts.get(key, 0) + 1
            where = ", ".join(f"{k} x{n}" for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
            done = sum(e.nodes_done for e in failed) / len(failed)
            lines.append(
                f"| {level} | {task} | {robot} | {len(failed)} | {done:.1f} of {failed[0].nodes} | {where} |"
            )
        return "\n".join(lines)


def suite_tasks(
    levels: Iterable[int], splits: Iterable[Split], tasks: Iterable[str] = (), root: Path = EXAMPLES
) -> list[BenchTask]:
    """The (level, task, split) cells to run, in level, task, split order."""
    levels, splits, wanted = sorted(set(levels)), list(dict.fromkeys(splits)), set(tasks)
    bad = [lv for lv in levels if lv not in LEVELS]
    if bad:
        raise BenchError(f"unknown level {bad[0]}; LabUtopia levels here: 1, 2, 3, 4")
    out: list[BenchTask] = []
    for level in levels:
        folder = root / f"level{2 if level == GENERALIZATION_LEVEL else level}"
        if level == GENERALIZATION_LEVEL:
            level_splits: list[Split] = ["ood"]
        elif level == 2 and GENERALIZATION_LEVEL in levels:
            level_splits = [s for s in splits if s != "ood"]  # level 3 reports them
        else:
            level_splits = splits
        for path in sorted(folder.glob("*.yaml")):
            if wanted and path.stem not in wanted:
                continue
            out += [BenchTask(level=level, task=path.stem, path=path, split=s) for s in level_splits]
    known = {t.task for t in out}
    missing = sorted(wanted - known)
    if missing:
        raise BenchError(f"no task {missing[0]!r} in levels {', '.join(map(str, levels))}")
    if not out:
        raise BenchError("the selection has no task to run")
    return out


def plan(
    suite: str,
    cells: list[BenchTask],
    robots: list[str],
    episodes: int,
    policy: PolicySpec,
    options: RunOptions,
    resolution: int = DEFAULT_RESOLUTION,
    seed: int | None = None,
) -> list[EpisodeJob]:
    """Compile every task for every robot first (errors surface before any episode runs)."""
    from robogenesis.compose import CompositionError, NotAProtocolError, load_compiled

    compiled: dict[tuple[Path, str], str] = {}
    for cell in cells:
        for robot in robots:
            if (cell.path, robot) not in compiled:
                try:
                    compiled[cell.path, robot] = load_compiled(cell.path, robot).to_json()
                except NotAProtocolError as exc:
                    raise BenchError(str(exc)) from None
                except CompositionError as exc:
                    raise BenchProtocolError(str(exc)) from None
    return [
        EpisodeJob(
            task=cell,
            compiled_json=compiled[cell.path, robot],
            robot=robot,
            episode=k,
            seed=episode_seed(suite, cell.task, robot, cell.split, k) if seed is None else seed + k,
            policy=policy,
            options=options,
            resolution=resolution,
        )
        for cell in cells
        for robot in robots
        for k in range(episodes)
    ]


@cache
def _policy(spec: PolicySpec) -> Policy:
    from labc.runtime.policies import load_policy

    kwargs: dict[str, Any] = {"experts": spec.experts} if spec.experts else {}
    return load_policy(
        spec.name,
        checkpoint=spec.checkpoint,
        mode=spec.mode,
        server=spec.server,
        data=spec.data,
        action_horizon=spec.action_horizon,
        sample_noise=spec.sample_noise,
        **kwargs,
    )


def check_coverage(jobs: list[EpisodeJob]) -> None:
    """A floor policy needs a recording of every (protocol, robot) the bench runs; say which is missing
    before any episode runs."""
    from compiler.model import CompiledProtocol
    from labc.runtime.floors import FloorPolicy
    from labc.runtime.policies import FLOORS, PolicyLoadError

    if not jobs or jobs[0].policy.name not in FLOORS:
        return
    pairs = {(job.compiled_json, job.robot) for job in jobs}
    try:
        floor = _policy(jobs[0].policy)
        assert isinstance(floor, FloorPolicy)  # what load_policy builds for a name in FLOORS
        for compiled_json, robot in sorted(pairs):
            floor.data.require(CompiledProtocol.model_validate_json(compiled_json).protocol.name, robot)
    except PolicyLoadError as exc:
        raise BenchError(str(exc)) from None


def run_job(job: EpisodeJob) -> EpisodeRecord:
    """One episode; a scene that cannot be built counts as a failure with reason `scene`."""
    from compiler.model import CompiledProtocol
    from labsim.errors import SceneError

    compiled = CompiledProtocol.model_validate_json(job.compiled_json)
    spec = EpisodeSpec(robot=job.robot, seed=job.seed, split=job.task.split, resolution=job.resolution)
    base = {
        "level": job.task.level,
        "task": job.task.task,
        "robot": job.robot,
        "split": job.task.split,
        "episode": job.episode,
        "seed": job.seed,
        "nodes": len(compiled.nodes),
    }
    started = time.perf_counter()
    try:
        result = run_episode(compiled, _policy(job.policy), spec, job.options)
    except SceneError as exc:
        return EpisodeRecord(
            **base,
            success=False,
            stop_reason="scene",
            failed_node=None,
            safe_stop=False,
            nodes_done=0,
            detail=str(exc),
            sim_s=0.0,
            wall_s=time.perf_counter() - started,
        )
    failed = next((n for n in result.nodes if not n.success), None)
    return EpisodeRecord(
        **base,
        success=result.completed,
        stop_reason=result.stop_reason,
        failed_node=failed.id if failed else None,
        failed_skill=failed.skill if failed else None,
        detail=failed.detail if failed else "",
        safe_stop=result.safe_stop,
        nodes_done=sum(n.success for n in result.nodes),
        sim_s=result.sim_s,
        wall_s=result.wall_s,
    )


def summarize(records: list[EpisodeRecord]) -> list[TaskRow]:
    """One row per (level, task, split), pooled over robots, in first-seen order."""
    groups: dict[tuple[int, str, str], list[EpisodeRecord]] = {}
    for r in records:
        groups.setdefault((r.level, r.task, r.split), []).append(r)
    rows = []
    for (level, task, split), group in groups.items():
        n, k = len(group), sum(r.success for r in group)
        rows.append(
            TaskRow(
                level=level,
                task=task,
                split=split,
                episodes=n,
                successes=k,
                rate=k / n,
                ci95=wilson(k, n),
            )
        )
    return rows


Progress = Callable[[EpisodeRecord, int, int], None]


def run_bench(
    suite: str,
    levels: list[int],
    splits: list[Split],
    robots: list[str],
    episodes: int,
    policy: PolicySpec,
    options: RunOptions | None = None,
    tasks: Iterable[str] = (),
    workers: int = 0,
    resolution: int = DEFAULT_RESOLUTION,
    progress: Progress | None = None,
    seed: int | None = None,
) -> BenchReport:
    if suite not in SUITES:
        raise BenchError(f"unknown suite {suite!r}; known: {', '.join(SUITES)}")
    started = time.perf_counter()
    options = options or RunOptions()
    cells = suite_tasks(levels, splits, tasks)
    jobs = plan(suite, cells, robots, episodes, policy, options, resolution, seed)
    check_coverage(jobs)
    records: list[EpisodeRecord] = []
    for record in _execute(jobs, workers):
        records.append(record)
        if progress is not None:
            progress(record, len(records), len(jobs))
    return BenchReport(
        suite=suite,
        policy=policy,
        robots=robots,
        splits=splits,
        levels=sorted(set(levels)),
        episodes_per_task=episodes,
        seed=seed,
        rows=summarize(records),
        episodes=records,
        wall_s=time.perf_counter() - started,
    )


def _execute(jobs: list[EpisodeJob], workers: int) -> Iterable[EpisodeRecord]:
    """In plan order; with workers > 1, episodes run in spawned processes (each builds its policy)."""
    if workers <= 1:
        yield from map(run_job, jobs)
        return
    from labinfra.pool import pool_map, spawn_pool

    with spawn_pool(workers) as pool:
        yield from pool_map(pool, run_job, jobs, _describe, ordered=True, window=2 * workers)


def _describe(job: EpisodeJob) -> str:
    return f"{job.task.task} ({job.task.split}) episode {job.episode} on {job.robot}"


__all__ = [
    "BenchError",
    "BenchReport",
    "EpisodeRecord",
    "PolicySpec",
    "TaskRow",
    "run_bench",
    "suite_tasks",
    "wilson",
]
