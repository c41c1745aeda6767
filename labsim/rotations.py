"""Quaternion <-> rotation matrix conversions, in MuJoCo's convention (w, x, y, z).

Experts plan with tool orientations that IK returns as quaternions; they used to call MuJoCo's
`mju_quat2Mat` / `mju_mat2Quat` directly, which made the engine a dependency of every planner. These
two functions keep the exact same arithmetic (MuJoCo's own, so synthesized episodes stay bit-identical)
behind labsim, the one package that may import the engine.
"""

from __future__ import annotations

import numpy as np


def quat_to_mat(quat: np.ndarray) -> np.ndarray:
    """Unit quaternion (w, x, y, z) -> 3x3 rotation matrix (columns are the rotated axes)."""
    import mujoco

    rot = np.zeros(9)
    mujoco.mju_quat2Mat(rot, np.asarray(quat, dtype=float))
    return rot.reshape(3, 3)


def mat_to_quat(rot: np.ndarray) -> np.ndarray:
    """3x3 rotation matrix -> unit quaternion (w, x, y, z)."""
    import mujoco

    quat = np.zeros(4)
    mujoco.mju_mat2Quat(quat, np.ascontiguousarray(rot, dtype=float).reshape(9))
    return quat
