"""Which OpenGL MuJoCo renders through: headless EGL unless the user chose (MUJOCO_GL).

MuJoCo reads MUJOCO_GL once, when `mujoco` is first imported, so the choice has to be made before that.
Rather than importing `labsim` silently changing the process environment, the entry points that lead to
rendering call `prefer_headless()` first: labc's command line (spawned workers inherit it), a synthesis
worker (`robogenesis.rollout.run_slot`, which may run on a Ray node), the gymnasium environment, and
`labsim.backend.get_backend()` for library users. A value the user set is never overridden.
"""

from __future__ import annotations

import os

HEADLESS = "egl"


def prefer_headless() -> None:
    os.environ.setdefault("MUJOCO_GL", HEADLESS)
