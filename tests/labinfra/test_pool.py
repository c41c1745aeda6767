"""The shared job pool: a bounded window, plan order or completion order, and a crash that names its job."""

from __future__ import annotations

import os

import pytest

from labinfra.pool import WorkerCrashed, pool_map, spawn_pool, windowed


def test_windowed_never_holds_more_than_the_window_in_flight() -> None:
    in_flight: set[int] = set()
    peak = 0

    def submit(job: int) -> int:
        nonlocal peak
        in_flight.add(job)
        peak = max(peak, len(in_flight))
        return job

    def finished(handles: list[int]) -> list[int]:
        done = handles[-1:]  # the newest finishes first: completion order differs from plan order
        in_flight.difference_update(done)
        return done

    order = [job for job, _ in windowed(range(10), submit, finished, window=3)]
    assert peak == 3
    assert sorted(order) == list(range(10)) and order != list(range(10))


def test_windowed_in_plan_order_when_the_first_is_awaited() -> None:
    got = [job for job, _ in windowed(range(7), lambda j: j, lambda hs: hs[:1], window=2)]
    assert got == list(range(7))


def _square(n: int) -> int:
    return n * n


def _die(n: int) -> int:
    if n == 2:
        os._exit(3)  # a worker killed mid-job, as by the OOM killer
    return n


def test_pool_map_keeps_plan_order_and_reports_a_dead_worker() -> None:
    with spawn_pool(2) as pool:
        assert list(pool_map(pool, _square, range(6), str, ordered=True, window=4)) == [0, 1, 4, 9, 16, 25]
    # A dead worker breaks the whole pool, so the job named is the one being awaited when it broke.
    with spawn_pool(2) as pool, pytest.raises(WorkerCrashed, match=r"died while running job [0-3]"):
        list(pool_map(pool, _die, range(4), lambda n: f"job {n}", ordered=True, window=4))
