"""A built wheel carries everything labc reads at run time, and its default suite runs outside a checkout.

The checkout's editable install finds data next to the sources; a wheel has only what setup.py lists,
so this builds one, installs it into a fresh venv and runs `labc bench` from an unrelated folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

NEEDED = [
    "labinfra/atomic.py",
    "protocol_lang/grammar.lark",
    "labdata/catalog/vessels.yaml",
    "labdata/catalog/plates.yaml",
    "labdata/robots/franka.yaml",
    "labdata/robots/ur5.yaml",
    "labvla/__init__.py",
    "labc_suite/labutopia/level1/press.yaml",
    "labc_suite/labutopia/level2/heat_liquid.lab",
    "labc_suite/pipette_protocol.yaml",
]


def _source_copy(dest: Path) -> Path:
    """The files git would commit, copied, so setuptools' build/ folder never lands in the checkout."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    for name in listed:
        if (ROOT / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, dest / name)
    return dest


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = _source_copy(tmp_path_factory.mktemp("source"))
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            out,
            source,
        ],
        check=True,
        cwd=out,
        capture_output=True,
    )
    (path,) = out.glob("labc-*.whl")
    return path


def test_the_wheel_carries_the_data_labc_reads(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert [n for n in NEEDED if n not in names] == []
    assert not any(n.startswith(("tests/", "examples/")) for n in names)


@pytest.mark.slow
def test_the_installed_wheel_benches_its_default_suite_elsewhere(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps", wheel],
        check=True,
        capture_output=True,
    )
    # Third-party packages come from this environment's site-packages, which PYTHONPATH adds without
    # running its .pth files, so the checkout's editable install stays out of the way.
    env = {**os.environ, "PYTHONPATH": sysconfig.get_paths()["purelib"], "MUJOCO_GL": "egl"}
    work = tmp_path / "elsewhere"
    work.mkdir()
    where = subprocess.run(
        [python, "-c", "import labc, robogenesis.compose as c; print(labc.__file__, c.suite_root())"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(ROOT) not in where and str(env_dir) in where
    args = ["bench", "--levels", "1", "--tasks", "press", "--episodes", "1", "--split", "id"]
    done = subprocess.run(
        [env_dir / "bin" / "labc", *args, "--workers", "0", "--quiet", "--workspace", work / "ws"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "press" in done.stdout and "1/1" in done.stdout
