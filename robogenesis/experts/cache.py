"""Facts measured once per environment (gripper geometry, the arm's collision geoms) and forgotten
with it. Keyed by the environment object itself: an `id()` of a freed model can come back for the
next scene and hand it another scene's geom ids."""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")
_FACTS: weakref.WeakKeyDictionary[Any, dict[Hashable, Any]] = weakref.WeakKeyDictionary()


def per_env(env: Any, key: Hashable, compute: Callable[[], T]) -> T:
    facts = _FACTS.setdefault(env, {})
    if key not in facts:
        facts[key] = compute()
    return facts[key]
