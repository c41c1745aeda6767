"""Where slots run: in this process, on a local process pool, or as Ray tasks on a Ray cluster.

Every backend takes `SlotJob`s in plan order and yields `SlotResult`s as they finish, keeping at most
`window` jobs in flight so that finished episodes (images included) never pile up in memory while an
earlier slot is still running. A worker that dies is a `WorkerCrashed`, never a silent gap.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from labinfra.pool import WorkerCrashed, pool_map, spawn_pool, windowed
from robogenesis.rollout import SlotJob, SlotResult, run_slot

__all__ = ["Backend", "InlineBackend", "PoolBackend", "RayBackend", "WorkerCrashed", "make_backend"]


def _describe(job: SlotJob) -> str:
    return f"{job.robot} slot {job.slot} of {job.source}"


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
    """A local process pool (labinfra.pool: spawned processes, a bounded window, results as they finish)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool = spawn_pool(workers)

    def run(self, jobs: Iterable[SlotJob]) -> Iterator[SlotResult]:
        return pool_map(self._pool, run_slot, jobs, _describe, ordered=False, window=2 * self.workers)

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

        def finished(refs: list[Any]) -> list[Any]:
            return ray.wait(refs, num_returns=1)[0]

        for job, ref in windowed(jobs, self._task.remote, finished, 2 * self.workers):
            try:
                yield ray.get(ref)
            except (ray.exceptions.WorkerCrashedError, ray.exceptions.NodeDiedError) as exc:
                raise WorkerCrashed(f"a Ray worker died while running {_describe(job)}") from exc

    def close(self) -> None:
        if self._started:
            self._ray.shutdown()


def make_backend(workers: int, ray_address: str | None) -> Backend:
    if ray_address:
        return RayBackend(ray_address, max(workers, 1))
    if workers == 0:
        return InlineBackend()
    return PoolBackend(workers)
