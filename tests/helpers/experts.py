"""Other experts in place of the scripted ones, for tests that drive `labc run|bench|synthesize`.

The commands have no option for it (choosing experts is not a user's job); they use the scripted set,
`robogenesis.experts.registry:get_expert`. In this process, `scripted_replaced_by(spec)` puts another
`module:function` there for a test's duration; `python -m tests.helpers.experts SPEC ARGS...` runs the
command line in a process of its own with the swap made (for a test that kills it). Worker processes
the command spawns resolve the scripted set afresh, so tests that need other experts in workers call
the engine with `SynthConfig(experts=...)` instead.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from robogenesis.experts.base import ExpertOptions
from robogenesis.experts.registry import get_expert as scripted


def capped(name: str) -> Any:
    """The scripted experts, except a wait holds for at most 5 s of its duration (a real option)."""
    return scripted(name, ExpertOptions(max_wait_s=5.0))


@contextmanager
def scripted_replaced_by(spec: str) -> Iterator[None]:
    from robogenesis.experts import registry
    from robogenesis.runner.policy import expert_lookup

    replacement = expert_lookup(spec)
    original = registry.get_expert
    expert_lookup.cache_clear()  # it may hold the scripted function under the default spec
    registry.get_expert = replacement  # type: ignore[assignment]
    try:
        yield
    finally:
        registry.get_expert = original  # type: ignore[assignment]
        expert_lookup.cache_clear()


if __name__ == "__main__":
    from labc.cli import main

    with scripted_replaced_by(sys.argv[1]):
        code = main(sys.argv[2:])
    sys.exit(code)
