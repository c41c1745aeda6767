"""Pause Python's cyclic garbage collector around bulk building of acyclic data.

Parsing and compiling allocate one object per token, node and state change and free none of them
until they finish, so the cyclic collector keeps rescanning a growing heap for nothing: on a
10,000-step protocol that was over half the parse time and a third of the compile time, and made
compile time per node grow with protocol size. Nothing built here holds reference cycles, and
collection resumes (with whatever it was before) when the block ends.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
