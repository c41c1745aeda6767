"""Facts measured once per environment (gripper geometry, the arm's collision geoms), kept in the
environment's own `facts` so they live and die with it: a cache keyed by `id(env)` could hand a new scene
a freed one's geom ids, and a module-level table would outlive every environment it describes."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from labsim.query import GeomInfo, SimQuery

T = TypeVar("T")


def per_env(env: SimQuery, key: Hashable, compute: Callable[[], T]) -> T:
    facts: dict[Hashable, Any] = env.facts
    if key not in facts:
        facts[key] = compute()
    return facts[key]


def geom_table(env: SimQuery) -> list[GeomInfo]:
    """The scene's geoms, indexed by id (`SimQuery.geoms`): listed once per scene, since the collision
    checks of a plan look them up thousands of times."""
    return per_env(env, "geoms", env.geoms)


def geom_named(env: SimQuery, name: str) -> int:
    """The id of the geom called `name` (the bench top); KeyError when the scene has none."""
    ids = per_env(env, "geom_ids", lambda: {g.name: g.id for g in geom_table(env) if g.name})
    return ids[name]
