"""The fields `MujocoEnv.__init__` sets that its method mixins (`labsim.mujoco_query`,
`labsim.setters`) read: declared once, so the type checker holds every mixin to the same names."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import mujoco

    from labdata.robot_profile import RobotProfile
    from labsim.scene_builder import SceneInfo


class EnvFields:
    # Set by MujocoEnv.__init__ (and the start-of-episode records by reset and place_fixture).
    model: mujoco.MjModel
    data: mujoco.MjData
    info: SceneInfo
    robot: RobotProfile
    _arm_q: np.ndarray
    _arm_act: np.ndarray
    _grip_act: np.ndarray
    _grip_open: np.ndarray
    _grip_closed: np.ndarray
    _grip_q: int
    _start_pos: dict[str, np.ndarray]
    _start_site: dict[str, np.ndarray]
