"""Geometry of an object in the hand: where a point of it goes when the tool moves.

Measured, not assumed: the grasp may have slipped, so experts read the object's pose and the tool's
after the grasp and keep that relation fixed while they plan.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from robogenesis.experts.motion import Pose

if TYPE_CHECKING:
    from labsim.query import SimQuery


class Held:
    """A rigid object in the gripper: its points in the tool frame."""

    def __init__(self, env: SimQuery, name: str, tool: Pose) -> None:
        self.env = env
        self.name = name
        self.tool = tool
        self.origin_local = tool.rot.T @ (env.body_pos(name) - tool.pos)
        self.rot_local = tool.rot.T @ env.body_rot(name)

    def local(self, world_point: np.ndarray) -> np.ndarray:
        return self.tool.rot.T @ (np.asarray(world_point, float) - self.tool.pos)

    def tool_for(self, point_local: np.ndarray, point_world: np.ndarray, rot: np.ndarray) -> Pose:
        """The tool pose (with rotation `rot`) that puts the held point `point_local` at `point_world`."""
        return Pose(np.asarray(point_world, float) - rot @ point_local, rot)

    def origin(self, tool: Pose) -> np.ndarray:
        return tool.pos + tool.rot @ self.origin_local
