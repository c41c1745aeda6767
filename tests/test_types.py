"""Every package's type hints are consistent: mypy, with the pydantic plugin (configured in
pyproject.toml), reports no error in any of them. The packages are the layering's (tests/helpers/layers),
so a new package is checked from the day it joins a layer. Libraries that ship no type information
are configured in pyproject.toml's `[[tool.mypy.overrides]]`, never silenced inline."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.helpers.layers import LAYERS

PACKAGES = sorted(package for layer in LAYERS for package in layer)

# The inline ignores that stay, by (file, error code), each with its reason. Anything else is fixed,
# or, for a library without type information, configured in pyproject.toml.
KNOWN_IGNORES: dict[tuple[str, str], str] = {
    ("skills/state.py", "prop-decorator"): "pydantic's computed_field on a property (mypy cannot type it)",
    ("skills/state.py", "override"): "LabState.copy replaces pydantic v1's deprecated copy() on purpose",
    ("protocol_lang/__init__.py", "assignment"): "a None entry in sys.modules blocks one import (documented "
    "import-system behaviour); typeshed types its values as modules only",
}
IGNORE = re.compile(r"#\s*type:\s*ignore(?:\[([^\]]*)\])?")


def test_the_layers_name_every_top_level_package() -> None:
    """A package left out of the layers would be neither layer-checked nor type-checked."""
    data_only = {"examples"}  # protocol files shipped as package data (`labc_suite`), no code
    on_disk = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests"} - data_only
    assert on_disk == set(PACKAGES)


def test_no_inline_type_ignores_but_the_known_ones() -> None:
    found = {
        (path.relative_to(ROOT).as_posix(), match.group(1) or "")
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        for match in IGNORE.finditer(path.read_text(encoding="utf-8"))
    }
    assert found == set(KNOWN_IGNORES)


@pytest.mark.slow  # ~40 s of CPU from a cold cache (torch's and transformers' stubs), ~4 s warm
def test_every_package_has_no_type_errors() -> None:
    # The cache lives outside the checkout (keyed by it), so a repeated run is warm and an installed
    # or read-only tree is never written to.
    key = hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]
    cache = Path(tempfile.gettempdir()) / f"labc-mypy-{key}"
    command = [sys.executable, "-m", "mypy", "--cache-dir", str(cache), *PACKAGES]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=800)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "Success: no issues found" in result.stdout
