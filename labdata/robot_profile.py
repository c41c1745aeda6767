"""Robot profiles: one YAML data file per embodiment in `labdata/robots/`, validated here.

A profile says where the arm and gripper MJCF live (inside the robosuite wheel's asset folder), which
joints form the arm, their limits and home pose, how the gripper maps a command in [0, 1] to actuator
targets, the control frequency and the wrist camera. Adding a robot is adding a YAML file. The
simulator turns a profile into a MuJoCo model (`labsim.robot_model`); the compiler only needs the names.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from labdata.errors import UnknownRobotError

PROFILE_DIR = Path(__file__).parent / "robots"
PHYSICS_TIMESTEP_S = 0.002


class GripperActuator(BaseModel):
    """One gripper actuator and the control values that mean fully open and fully closed."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    open: float
    closed: float


class GripperSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    mjcf: str = Field(description="Gripper MJCF path relative to robosuite's models/assets folder.")
    root_body: str
    tool_site: str = Field(description="Site between the fingertips: the IK target and grasp point.")
    actuators: list[GripperActuator]
    opening_joint: str = Field(description="Joint whose position measures how open the gripper is.")
    joint_open: float
    joint_closed: float


class CameraMount(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    body: str = Field(description="Arm body the camera rides on.")
    pos: tuple[float, float, float]
    quat: tuple[float, float, float, float]
    fovy_deg: float = 75.0


class RobotProfile(BaseModel):
    """Everything labsim needs to put one arm in a scene and drive it with joint-position targets."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    description: str
    arm_mjcf: str = Field(description="Arm MJCF path relative to robosuite's models/assets folder.")
    arm_root_body: str
    attach_body: str = Field(description="Arm body the gripper is attached to.")
    arm_joints: list[str]
    joint_limits: list[tuple[float, float]]
    home: list[float]
    velocity_limits: list[float] = Field(
        description="Maximum joint speed per arm joint (rad/s), from the maker's datasheet; the "
        "safety monitor clips faster commands to it."
    )
    kp: list[float] = Field(description="Position-servo stiffness per arm joint (N m / rad).")
    damping_ratio: float = 1.0
    armature: float = 0.1
    control_hz: float = 20.0
    base_pos: tuple[float, float, float] = Field(
        (0.0, 0.0, 0.0), description="Arm base relative to the bench's robot mount."
    )
    gripper: GripperSpec
    wrist_camera: CameraMount

    @model_validator(mode="after")
    def _consistent(self) -> RobotProfile:
        n = len(self.arm_joints)
        for field in ("joint_limits", "home", "velocity_limits", "kp"):
            if len(getattr(self, field)) != n:
                raise ValueError(f"{field} has {len(getattr(self, field))} entries, arm has {n} joints")
        for joint, (lo, hi), q in zip(self.arm_joints, self.joint_limits, self.home, strict=True):
            if not lo < hi:
                raise ValueError(f"joint {joint}: limit {lo} >= {hi}")
            if not lo <= q <= hi:
                raise ValueError(f"joint {joint}: home {q} outside [{lo}, {hi}]")
        for joint, speed in zip(self.arm_joints, self.velocity_limits, strict=True):
            if speed <= 0:
                raise ValueError(f"joint {joint}: velocity limit {speed} must be positive")
        ratio = PHYSICS_TIMESTEP_S * self.control_hz
        if abs(round(1 / ratio) - 1 / ratio) > 1e-9:
            raise ValueError(f"control_hz {self.control_hz} does not divide the {PHYSICS_TIMESTEP_S} s step")
        return self

    @property
    def n_arm(self) -> int:
        return len(self.arm_joints)

    @property
    def substeps(self) -> int:
        """Physics steps per control step."""
        return round(1.0 / (PHYSICS_TIMESTEP_S * self.control_hz))

    @property
    def state_names(self) -> list[str]:
        """State layout: arm joint positions (rad), then gripper opening in [0, 1] (1 = open)."""
        return [*self.arm_joints, "gripper_opening"]

    @property
    def action_names(self) -> list[str]:
        """Action layout: absolute arm joint targets (rad), then gripper command (0 open, 1 closed)."""
        return [*(f"{j}.target" for j in self.arm_joints), "gripper_command"]


def list_profiles() -> list[str]:
    return sorted(p.stem for p in PROFILE_DIR.glob("*.yaml"))


@cache
def load_profile(name: str) -> RobotProfile:
    path = PROFILE_DIR / f"{name}.yaml"
    if not path.is_file():
        raise UnknownRobotError(f"unknown robot {name!r}; known: {', '.join(list_profiles())}")
    import yaml  # here, not at the top: `labc compile` lists profile names but never loads one

    return RobotProfile.model_validate(yaml.safe_load(path.read_text()))
