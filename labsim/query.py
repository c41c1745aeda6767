"""The simulator's typed query surface: what experts, predicates and trackers may read of a running
scene (kinematics, collision queries, object poses, device and pipette state), whatever the engine.

A `typing.Protocol`, not a base class, so that a second backend satisfies it by having the methods
(mypy checks it structurally) and callers typed with it never see an engine's raw model or data.
`labsim.mujoco_query.MujocoQuery` is the MuJoCo implementation, mixed into `MujocoEnv`, so an
environment *is* its query surface: `env.body_pos(name)` keeps working for every caller.

Every method reads; none moves the simulation. Queries about hypothetical configurations (where would
the arm hit, where does a door sweep) run on the engine's private scratch state (`scratch`, `arm_hits`),
never on the simulated world. Writing state is the privileged setters' job (`labsim.setters`).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

if TYPE_CHECKING:
    from labdata.robot_profile import RobotProfile
    from labsim.assets import AssetInfo
    from labsim.pipetting import PipetteState
    from labsim.scene_builder import SceneInfo
    from labsim.trackers import Trackers


class ScratchPose(Protocol):
    """The world as it is now, copied onto scratch state where joints can be moved hypothetically."""

    def move(self, joint: str, value: float) -> None:
        """Set one joint and recompute the scratch kinematics (nothing else changes)."""
        ...

    def site_pos(self, site: str) -> np.ndarray: ...

    def joint_frame(self, joint: str) -> tuple[np.ndarray, np.ndarray]:
        """(anchor, axis) of a joint in world coordinates."""
        ...

    def geom_box(self, geom: int) -> tuple[np.ndarray, np.ndarray]:
        """(centre, half extents) of the world axis-aligned box around a geom's bounding box."""
        ...


class SimQuery(Protocol):
    """Read-only view of one robot at a lab bench (see the module docstring)."""

    @property
    def robot(self) -> RobotProfile: ...

    @property
    def info(self) -> SceneInfo:
        """What the scene holds, by name (engine-neutral: assets, their sites, joints and geometry)."""
        ...

    @property
    def trackers(self) -> Trackers:
        """Per-episode history some predicates need (shake excursions, stir time, waits)."""
        ...

    @property
    def facts(self) -> dict[Hashable, Any]:
        """What controllers measure once per scene, kept with it (robogenesis.experts.cache)."""
        ...

    @property
    def time_s(self) -> float: ...

    # ---- object poses ----------------------------------------------------------------------------
    def asset(self, name: str) -> AssetInfo: ...

    def body_pos(self, name: str) -> np.ndarray:
        """World position of a labware item's or device's body."""
        ...

    def body_rot(self, name: str) -> np.ndarray:
        """World orientation (3x3) of a labware item's or device's body."""
        ...

    def object_pose(self, name: str) -> tuple[np.ndarray, np.ndarray]: ...

    def initial_pos(self, name: str) -> np.ndarray:
        """Where the item stood when the episode started (after settling)."""
        ...

    def site_pos(self, site: str) -> np.ndarray: ...

    def initial_site_pos(self, site: str) -> np.ndarray: ...

    def geom_pos(self, geom: str) -> np.ndarray:
        """World position of a named geom (a tip in its rack, a pipette's parts)."""
        ...

    def geom_size(self, geom: str) -> np.ndarray: ...

    def tilt_deg(self, name: str) -> float: ...

    def particles_inside(self, particles: list[str], container: str) -> int: ...

    def initial_particles(self, name: str) -> int: ...

    # ---- joints of devices ----------------------------------------------------------------------
    def joint_q(self, joint: str) -> float: ...

    def joint_range(self, joint: str) -> tuple[float, float]: ...

    def joint_is_hinge(self, joint: str) -> bool: ...

    def joint_frame(self, joint: str) -> tuple[np.ndarray, np.ndarray]:
        """(anchor, axis) of a joint in world coordinates, now."""
        ...

    def joint_body_pos(self, joint: str) -> np.ndarray:
        """World position of the body a joint moves (a button's cap)."""
        ...

    # ---- the robot -------------------------------------------------------------------------------
    def tool_pos(self) -> np.ndarray: ...

    def tool_rot(self) -> np.ndarray: ...

    def distance_to_tool(self, name: str) -> float: ...

    def gripper_opening(self) -> float: ...

    def command(self) -> np.ndarray:
        """The action now applied: arm servo targets, then the gripper command (0 open, 1 closed)."""
        ...

    # ---- collision queries on scratch state ---------------------------------------------------------
    def arm_hits(self, q: np.ndarray, items: list[str], depth_m: float = 0.002) -> str | None: ...

    def scratch(self) -> ScratchPose: ...

    def moving_geoms(self, joint: str) -> list[int]:
        """Geoms that move with a joint (its body and every body below it)."""
        ...

    # ---- device and pipette state ---------------------------------------------------------------
    def device_on(self, name: str) -> bool: ...

    def last_press_s(self, name: str) -> float: ...

    def pipette(self, name: str) -> PipetteState: ...

    def well_volume(self, labware: str, well: str) -> float: ...

    def tips_left(self, rack: str) -> list[str]: ...
