"""Where slots run: in this process, on a local process pool, or as Ray tasks on a Ray cluster.

Every backend takes `SlotJob`s in plan order and yields `SlotResult`s as they finish, keeping at most
`window` jobs in flight so that finished episodes (images included) never pile up in memory while an
earlier slot is still running. A worker that dies is a `WorkerCrashed`, never a silent gap.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from robogenesis.rollout import SlotJob, SlotResult, run_slot


class WorkerCrashed(RuntimeError):
    """A worker process (pool or Ray) died while running a slot."""


class Backend(Protocol):
    workers: int

    def run(self, jobs: Iterable[SlotJob]) -> Iterator[SlotResult]: ...

    def close(self) -> None: ...


class InlineBackend:
    """Runs slots one after another in this process (debugging, `--workers 0`)."""

    workers = 1

    def run(self, jobs: Iterable[SlotJob]) -> Iterator[SlotResult]:
        for job in jobs:
            yield run_slot(job)

    def close(self) -> None:
        pass


class PoolBackend:
    """A local process pool; processes are spawned, not forked, so no GL or MuJoCo state is shared."""

    def __init__(self, workers: int) -> None:
        from concurrent.futures import ProcessPoolExecutor

        self.workers = workers
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))

    def run(self, jobs: Iterable[SlotJob]) -> Iterator[SlotResult]:
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures.process import BrokenProcessPool

        pending: dict[Any, SlotJob] = {}
        queue = iter(jobs)
        window = 2 * self.workers
        while True:
            for job in queue:
                pending[self._pool.submit(run_slot, job)] = job
                if len(pending) >= window:
                    break
            if not pending:
                return
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                job = pending.pop(future)
                try:
                    yield future.result()
                except BrokenProcessPool as exc:
                    raise WorkerCrashed(
                        f"a worker process died while running {job.robot} slot {job.slot} of {job.source}"
                    ) from exc

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


class RayBackend:
    """Ray tasks (one CPU each). `address="local"` starts a local Ray; an initialized Ray is reused."""

    def __init__(self, address: str, workers: int) -> None:
        import ray

        self._ray = ray
        self._started = False
        if not ray.is_initialized():
            if address == "local":
                ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
            else:
                ray.init(address=address, include_dashboard=False, log_to_driver=False)
            self._started = True
        self.workers = max(1, int(ray.cluster_resources().get("CPU", workers)))
        self._task = ray.remote(num_cpus=1, max_retries=0)(run_slot)

    def run(self, jobs: Iterable[SlotJob]) -> Iterator[SlotResult]:
        ray = self._ray
        pending: dict[Any, SlotJob] = {}
        queue = iter(jobs)
        window = 2 * self.workers
        while True:
            for job in queue:
                pending[self._task.remote(job)] = job
                if len(pending) >= window:
                    break
            if not pending:
                return
            done, _ = ray.wait(list(pending), num_returns=1)
            job = pending.pop(done[0])
            try:
                yield ray.get(done[0])
            except (ray.exceptions.WorkerCrashedError, ray.exceptions.NodeDiedError) as exc:
                raise WorkerCrashed(
                    f"a Ray worker died while running {job.robot} slot {job.slot} of {job.source}"
                ) from exc

    def close(self) -> None:
        if self._started:
            self._ray.shutdown()


def make_backend(workers: int, ray_address: str | None) -> Backend:
    if ray_address:
        return RayBackend(ray_address, max(workers, 1))
    if workers == 0:
        return InlineBackend()
    return PoolBackend(workers)
