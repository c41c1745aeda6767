"""The packages whose type hints mypy (with the pydantic plugin, configured in pyproject.toml) finds
consistent stay that way. The list only grows: add a package once `mypy PACKAGE` reports no errors in
it. Not yet in it: robogenesis (reach.py reads the MuJoCo env's internals through the `Env` protocol,
randomize.py's tables) and labvla (transformers and torch typing)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

CLEAN = ["labinfra", "protocol_lang", "labdata", "skills", "compiler", "labsim", "labc"]


@pytest.mark.slow  # 20-60 s of CPU (torch's stubs are large), less with a warm .mypy_cache
def test_clean_packages_have_no_type_errors() -> None:
    # Silent on the packages they import that are not clean yet: their errors are counted, not here.
    command = [sys.executable, "-m", "mypy", "--follow-imports=silent", *CLEAN]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=800)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
