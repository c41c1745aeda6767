"""Shared pieces of the ecosystem tests (gymnasium environments, the openpi server and client)."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("MUJOCO_GL", "egl")

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "labutopia"
