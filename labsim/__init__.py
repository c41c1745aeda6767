"""labsim: labc's lab simulator (MuJoCo backend by default).

Importing this package is cheap: mujoco is imported only by the modules that build or step a model
(`labsim.mujoco_env`, `labsim.scene_builder`, ...). Start from `labsim.backend.get_backend()`, which
also picks headless rendering unless MUJOCO_GL says otherwise (labsim.gl).
"""

from labsim.errors import NumericalInstability, SceneError, SimulationError

__all__ = ["NumericalInstability", "SceneError", "SimulationError"]
