"""labsim: labc's lab simulator (MuJoCo backend by default).

Importing this package is cheap: mujoco is imported only by the modules that build or step a model
(`labsim.mujoco_env`, `labsim.scene_builder`, ...). Start from `labsim.backend.get_backend()`.
"""

import os

# Headless by default: MuJoCo reads this when it is first imported, which is always after this line.
os.environ.setdefault("MUJOCO_GL", "egl")

from labsim.errors import NumericalInstability, SceneError, SimulationError

__all__ = ["NumericalInstability", "SceneError", "SimulationError"]
