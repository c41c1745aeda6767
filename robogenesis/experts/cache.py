"""Facts measured once per environment (gripper geometry, the arm's collision geoms), kept in the
environment's own `facts` so they live and die with it: a cache keyed by `id(env)` could hand a new scene
a freed one's geom ids, and a module-level table would outlive every environment it describes."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


def per_env(env: Any, key: Hashable, compute: Callable[[], T]) -> T:
    facts: dict[Hashable, Any] = env.facts
    if key not in facts:
        facts[key] = compute()
    return facts[key]
