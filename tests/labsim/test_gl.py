"""Importing labsim leaves the environment alone; the entry points that render pick EGL unless the
user chose another GL backend (MuJoCo reads MUJOCO_GL once, at its first import)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

PROBE = (
    "import os, labsim, labsim.errors; before = os.environ.get('MUJOCO_GL'); "
    "from labsim.backend import get_backend; get_backend(); "
    "import mujoco; print(before, os.environ.get('MUJOCO_GL'))"
)


@pytest.mark.parametrize(("given", "expected"), [(None, "None egl"), ("disable", "disable disable")])
def test_mujoco_gl_is_set_at_the_backend_and_a_users_choice_wins(given, expected) -> None:
    env = {k: v for k, v in os.environ.items() if k != "MUJOCO_GL"}
    if given is not None:
        env["MUJOCO_GL"] = given
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == expected.split()
