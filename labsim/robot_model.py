"""Build one robot (arm + gripper) as an MjSpec from the robosuite wheel's MJCF, per its profile.

robosuite's arms carry torque motors; labc drives joint-position targets, so those motors are replaced
by position servos (stiffness from the profile, critically damped by default) and the arm's links get
gravity compensation, as a real arm's controller would provide.
"""

from __future__ import annotations

import importlib.util
import math
import xml.etree.ElementTree as ET
from pathlib import Path

import mujoco
import numpy as np

from labdata.errors import UnknownRobotError
from labdata.robot_profile import RobotProfile

GRIPPER_PREFIX = "gripper/"
ROBOT_COLLISION_RGBA = (0.62, 0.66, 0.72, 1.0)
GRIPPER_JOINT_DAMPING = 0.1
PAD_TORSION_M = 0.02
GRIPPER_JOINT_ARMATURE = 0.001


def robosuite_assets() -> Path:
    """The robosuite wheel's MJCF/mesh folder; robosuite's Python code is never imported."""
    spec = importlib.util.find_spec("robosuite")
    if spec is None or not spec.submodule_search_locations:
        raise UnknownRobotError("the robosuite wheel (labc[sim]) is not installed; robot assets come from it")
    return Path(next(iter(spec.submodule_search_locations))) / "models" / "assets"


def _add_position_servo(spec: mujoco.MjSpec, name: str, joint: str, kp: float, kv: float) -> None:
    act = spec.add_actuator(name=name, target=joint, trntype=mujoco.mjtTrn.mjTRN_JOINT)
    act.gaintype = mujoco.mjtGain.mjGAIN_FIXED
    act.biastype = mujoco.mjtBias.mjBIAS_AFFINE
    act.gainprm[0] = kp
    act.biasprm[0:3] = [0.0, -kp, -kv]


def load_mjcf(path: Path) -> mujoco.MjSpec:
    """Load a wheel MJCF that robosuite would have preprocessed: drop later duplicates of an asset
    name (the Robotiq 85 file declares `robotiq_arg2f_base_link` twice; the first wins) and attributes
    that the MJCF schema forbids, and make mesh paths absolute."""
    root = ET.parse(path).getroot()
    seen: set[tuple[str, str]] = set()
    for asset in root.iter("asset"):
        for child in list(asset):
            key = (child.tag, child.get("name", ""))
            if key[1] and key in seen:
                asset.remove(child)
            seen.add(key)
    for default in root.iter("default"):  # xarm7_gripper.xml puts `group` on a <default>
        for attr in [a for a in default.attrib if a != "class"]:
            del default.attrib[attr]
    compiler = root.find("compiler")
    if compiler is None:
        compiler = ET.Element("compiler")
        root.insert(0, compiler)
    # robosuite compiles every file under its world's angle="radian"; alone, MJCF defaults to degrees
    # (the Robotiq finger range "0 0.8" would become 0.8 degrees).
    compiler.set("angle", compiler.get("angle", "radian"))
    for attr in ("meshdir", "texturedir"):
        compiler.set(attr, str(path.parent / compiler.get(attr, "")))
    return mujoco.MjSpec.from_string(ET.tostring(root, encoding="unicode"))


def build_robot_spec(profile: RobotProfile) -> mujoco.MjSpec:
    """Arm with its gripper attached; the returned spec's root body is `profile.arm_root_body`."""
    assets = robosuite_assets()
    arm = load_mjcf(assets / profile.arm_mjcf)
    gripper = load_mjcf(assets / profile.gripper.mjcf)
    for actuator in list(arm.actuators):
        arm.delete(actuator)
    for camera in list(arm.cameras):
        arm.delete(camera)
    for geom in arm.geoms:
        if geom.group == 0 and geom.contype != 0:
            geom.rgba = ROBOT_COLLISION_RGBA
    for geom in gripper.geoms:
        if geom.group == 0 and (geom.contype != 0 or geom.conaffinity != 0):
            geom.rgba = (0.35, 0.35, 0.38, 1.0)
        if geom.contype != 0 or geom.conaffinity != 0:
            # Torsional friction at the pads: with point contacts alone a held beaker pivots about the
            # line between the fingertips as soon as it is carried sideways or tipped to pour.
            geom.condim = 4
            geom.friction = [
                max(float(geom.friction[0]), 1.0),
                max(float(geom.friction[1]), PAD_TORSION_M),
                float(geom.friction[2]),
            ]
    # A gripper never collides with itself: the Robotiq linkage's inner fingers and inner knuckles
    # overlap once the fingers close past half way, and would stop there.
    names = [b.name for b in gripper.bodies if b.name and b.name != "world"]
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            gripper.add_exclude(bodyname1=first, bodyname2=second)
    for joint in gripper.joints:
        # robosuite's world defaults give finger linkages some damping; without it the light,
        # tendon-coupled Robotiq links flail and kick whatever they touch.
        damping = np.array(joint.damping, dtype=float)
        damping[0] = max(damping[0], GRIPPER_JOINT_DAMPING)
        joint.damping = damping
        joint.armature = max(float(joint.armature), GRIPPER_JOINT_ARMATURE)

    for joint_name, (lo, hi), kp in zip(profile.arm_joints, profile.joint_limits, profile.kp, strict=True):
        joint = arm.joint(joint_name)
        if joint is None:
            raise ValueError(f"profile {profile.name}: arm MJCF has no joint {joint_name!r}")
        joint.range = [lo, hi]
        joint.limited = mujoco.mjtLimited.mjLIMITED_TRUE
        joint.armature = max(joint.armature, profile.armature)
        # Critical damping of the servo on the joint's armature-dominated inertia.
        kv = 2.0 * profile.damping_ratio * math.sqrt(kp * max(profile.armature, 0.05) * 4.0)
        _add_position_servo(arm, f"{joint_name}_servo", joint_name, kp, kv)

    mount = arm.body(profile.attach_body)
    if mount is None:
        raise ValueError(f"profile {profile.name}: arm MJCF has no body {profile.attach_body!r}")
    cam = profile.wrist_camera
    wrist_body = arm.body(cam.body)
    wrist_body.add_camera(name="wrist", pos=list(cam.pos), quat=list(cam.quat), fovy=cam.fovy_deg)
    frame = mount.add_frame()
    frame.attach_body(gripper.body(profile.gripper.root_body), GRIPPER_PREFIX, "")
    for body in arm.bodies:
        if body.name != "world":
            body.gravcomp = 1.0
    return arm
