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
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

if TYPE_CHECKING:
    from labdata.robot_profile import RobotProfile
    from labsim.assets import AssetInfo
    from labsim.ik import IKResult
    from labsim.pipetting import PipetteState
    from labsim.scene_builder import SceneInfo
    from labsim.trackers import Trackers


@dataclass(frozen=True)
class GeomInfo:
    """One collision or visual geom of the built scene, as collision queries select them. Numbers keep
    the engine's own types, so arithmetic on them is what it was on the raw arrays."""

    id: int
    name: str  # '' when unnamed
    body: str  # the name of the body it is attached to
    body_id: int
    parent_id: int  # the body's parent body
    weld_id: int  # the body it is welded to (0: it never moves)
    contype: int
    conaffinity: int
    is_box: bool
    aabb: np.ndarray  # centre (3) and half extents (3) of its bounding box, in its own frame
    rbound: float  # radius of its bounding sphere

    @property
    def solid(self) -> bool:
        """Takes part in contacts (either collision mask set)."""
        return bool(self.contype or self.conaffinity)


class Kinematics(Protocol):
    """The arm's kinematics service (`labsim.ik.IKService` for MuJoCo). `forward` and `solve` work on
    the scratch state that `SimQuery.scratch(from_world=False)` then reads."""

    @property
    def lo(self) -> np.ndarray: ...

    @property
    def hi(self) -> np.ndarray: ...

    def forward(self, q: np.ndarray, qpos_rest: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Tool site (position, quat wxyz) at arm joints `q`."""
        ...

    def solve(
        self,
        pos: np.ndarray,
        quat: np.ndarray | None = None,
        q_init: np.ndarray | None = None,
        *,
        restarts: int = 8,
    ) -> IKResult:
        """Arm joints reaching the tool pose (quat None: position only), or success=False with a reason."""
        ...


class ScratchPose(Protocol):
    """Scratch state where joints and free bodies can be moved hypothetically (the world stays)."""

    def move(self, joint: str, value: float) -> None:
        """Set one joint and recompute the scratch kinematics (nothing else changes)."""
        ...

    def place_body(self, body: str, pos: np.ndarray, quat: np.ndarray) -> None:
        """Put a free body (carried labware) at a pose and recompute the scratch kinematics."""
        ...

    def site_rot(self, site: str) -> np.ndarray: ...

    def geom_pos(self, geom: int) -> np.ndarray: ...

    def geom_rot(self, geom: int) -> np.ndarray: ...

    def geom_positions(self) -> np.ndarray:
        """Every geom's world position (ngeom x 3, by id) in one copy: the broad phase of a check over
        thousands of geom pairs, where a call per geom would cost more than the check."""
        ...

    def geom_distance(self, a: int, b: int, margin_m: float) -> float:
        """Signed distance between two geoms, or `margin_m` when they are further apart than that."""
        ...

    def site_pos(self, site: str) -> np.ndarray: ...

    def joint_frame(self, joint: str) -> tuple[np.ndarray, np.ndarray]:
        """(anchor, axis) of a joint in world coordinates."""
        ...

    def geom_box(self, geom: int) -> tuple[np.ndarray, np.ndarray]:
        """(centre, half extents) of the world axis-aligned box around a geom's bounding box."""
        ...

    def tool_pos(self) -> np.ndarray:
        """The tool site in this state (a rehearsed grasp's fingers are measured in its frame)."""
        ...

    def tool_rot(self) -> np.ndarray:
        """The tool site's orientation (3x3) in this state."""
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

    @property
    def ik(self) -> Kinematics: ...

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

    def geom_pos(self, geom: str | int) -> np.ndarray:
        """World position of a geom, by name (a tip in its rack) or id (from `geoms`)."""
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

    def arm_limits(self) -> tuple[np.ndarray, np.ndarray]:
        """(lower, upper) arm joint limits, radians."""
        ...

    def command(self) -> np.ndarray:
        """The action now applied: arm servo targets, then the gripper command (0 open, 1 closed)."""
        ...

    # ---- collision queries on scratch state ---------------------------------------------------------
    def arm_hits(self, q: np.ndarray, items: list[str], depth_m: float = 0.002) -> str | None: ...

    def scratch(self, from_world: bool = True) -> ScratchPose:
        """Scratch state: the world as it is now, or (`from_world=False`) as `ik.forward` or
        `ik.solve` last left it."""
        ...

    def rehearse(self, command: np.ndarray, control_steps: int) -> ScratchPose:
        """The world copied onto a fresh scratch simulation and driven for `control_steps` control
        steps with `command` (arm targets, then gripper 0 open .. 1 closed) held: where the fingers
        end up when they close, measured without touching the simulation."""
        ...

    def geoms(self) -> list[GeomInfo]:
        """Every geom of the scene, by id (fixed for the scene: measure once, keep in `facts`)."""
        ...

    def geom_rot(self, geom: int) -> np.ndarray:
        """World orientation (3x3) of a geom, now."""
        ...

    def moving_geoms(self, joint: str) -> list[int]:
        """Geoms that move with a joint (its body and every body below it)."""
        ...

    # ---- device and pipette state ---------------------------------------------------------------
    def device_on(self, name: str) -> bool: ...

    def last_press_s(self, name: str) -> float: ...

    def pipette(self, name: str) -> PipetteState: ...

    def well_volume(self, labware: str, well: str) -> float: ...

    def tips_left(self, rack: str) -> list[str]: ...
