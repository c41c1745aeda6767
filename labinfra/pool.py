"""Running self-contained jobs in worker processes, a bounded window of them at a time.

A job carries everything it needs, its seed included, so its result does not depend on which worker ran
it or when: `labc synthesize` (slots) and `labc bench` (episodes) share this one pool. Processes are
spawned, not forked, so no GL context, MuJoCo model or torch thread pool is shared with the parent. At
most `window` jobs are in flight, so finished results (images included) never pile up in memory while an
earlier job still runs; a worker that dies is a `WorkerCrashed` naming the job, never a silent gap.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Hashable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

J = TypeVar("J")
R = TypeVar("R")
H = TypeVar("H", bound=Hashable)


class WorkerCrashed(RuntimeError):
    """A worker process (pool or Ray) died while running a job."""


def windowed(
    jobs: Iterable[J],
    submit: Callable[[J], H],
    finished: Callable[[list[H]], Iterable[H]],
    window: int,
) -> Iterator[tuple[J, H]]:
    """Submit jobs, keeping at most `window` in flight; yield (job, handle) as `finished` reports them.

    `finished` gets the pending handles in submission order and blocks until it can return at least one
    that is done: the first for results in plan order, any for results as they come (a process pool's
    futures or Ray's object refs alike)."""
    pending: dict[H, J] = {}
    queue = iter(jobs)
    while True:
        for job in queue:
            pending[submit(job)] = job
            if len(pending) >= window:
                break
        if not pending:
            return
        for handle in finished(list(pending)):
            yield pending.pop(handle), handle


def spawn_pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


def pool_map(
    pool: ProcessPoolExecutor,
    fn: Callable[[J], R],
    jobs: Iterable[J],
    describe: Callable[[J], str],
    *,
    ordered: bool,
    window: int,
) -> Iterator[R]:
    """`fn(job)` for every job on `pool`: in plan order when `ordered`, else as they finish."""

    def finished(futures: list[Future[R]]) -> Iterable[Future[R]]:
        return futures[:1] if ordered else wait(futures, return_when=FIRST_COMPLETED)[0]

    for job, future in windowed(jobs, lambda job: pool.submit(fn, job), finished, window):
        try:
            yield future.result()
        except BrokenProcessPool as exc:
            raise WorkerCrashed(f"a worker process died while running {describe(job)}") from exc
