"""Compose a whole scene with mujoco.MjSpec: floor, bench, lights, cameras, robot, labware."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import mujoco
import numpy as np

from labdata.deck import (
    BENCH_CENTER_XY,
    BENCH_HALF_SIZE,
    BENCH_TOP_Z,
    ROBOT_MOUNT,
    Placement,
    on_bench,
    place_all,
)
from labdata.errors import LayoutError
from labdata.look import BENCH_PATTERNS, BENCHES, DEFAULT_BENCH
from labdata.robot_profile import PHYSICS_TIMESTEP_S, RobotProfile, load_profile
from labsim.assets import AssetInfo, build_labware, footprint
from labsim.assets.finish import finish_glass, finish_liquid, surface_material
from labsim.assets.room import add_room
from labsim.assets.shapes import turned_half_xy
from labsim.cameras import LABWARE_GROUP
from labsim.errors import SceneError
from labsim.robot_model import build_robot_spec
from labsim.scene_spec import Material, SceneLook, SceneSpec

ROBOT_PREFIX = "r0/"
HEADLIGHT_DIFFUSE = 0.2  # with finishes; MuJoCo's default is 0.4
# name -> (camera position, point it looks at)
SCENE_CAMERA_POSES: dict[str, tuple[tuple[float, float, float], tuple[float, float, float]]] = {
    "front": ((-0.45, -0.4, 1.65), (0.55, 0.0, 0.8)),
    "side": ((0.55, 1.25, 1.3), (0.45, 0.0, 0.8)),
    "top": ((0.42, 0.0, 2.0), (0.5, 0.0, 0.75)),
}


@dataclass
class SceneInfo:
    """What was built, by name, for the environment and predicates to look things up."""

    scene: SceneSpec
    profile: RobotProfile
    prefix: str
    assets: dict[str, AssetInfo] = field(default_factory=dict)

    def asset(self, name: str) -> AssetInfo:
        try:
            return self.assets[name]
        except KeyError:
            raise SceneError(
                f"no labware named {name!r} in the scene; have {', '.join(self.assets)}"
            ) from None


def look_at_xyaxes(pos: tuple[float, float, float], target: tuple[float, float, float]) -> list[float]:
    """MuJoCo camera xyaxes for a camera at `pos` looking at `target` with world z up."""
    forward = np.asarray(target, float) - np.asarray(pos, float)
    forward /= np.linalg.norm(forward)
    right = np.cross(forward, [0.0, 0.0, 1.0])
    right /= np.linalg.norm(right)
    up = np.cross(right, forward)
    return [*right.tolist(), *up.tolist()]


def _dress_labware(spec: mujoco.MjSpec, body: str, look: Material) -> None:
    """Give every shell geom of a labware item (not its liquid) the randomized material."""
    material = surface_material(spec, f"{body}/look", look)
    for geom in spec.body(body).find_all(mujoco.mjtObj.mjOBJ_GEOM):
        if geom.group == LABWARE_GROUP:
            geom.material = material
            geom.rgba = list(look.rgba)


def _add_bench(spec: mujoco.MjSpec, look: SceneLook | None = None) -> None:
    look = look or SceneLook()
    world = spec.worldbody
    add_room(spec, look.room, finished=not look.finish.plain)
    cx, cy = BENCH_CENTER_XY
    hx, hy = BENCH_HALF_SIZE
    thick = 0.03
    top = world.add_geom(
        name="bench_top",
        type=mujoco.mjtGeom.mjGEOM_BOX,
        size=[hx + 0.15, hy, thick],
        pos=[cx - 0.15, cy, BENCH_TOP_Z - thick],
        rgba=[0.93, 0.93, 0.9, 1],
        group=2,
        friction=[1.0, 0.005, 0.0001],
    )
    bench = look.bench
    if bench is None and not look.finish.plain:
        rgba, specular, shininess, reflectance = BENCHES["id"][DEFAULT_BENCH]
        bench = Material(rgba=rgba, specular=specular, shininess=shininess, reflectance=reflectance,
                         pattern=BENCH_PATTERNS[DEFAULT_BENCH])  # fmt: skip
    if bench is not None:
        top.material = surface_material(spec, "bench_top/look", bench)
        top.rgba = list(bench.rgba)
    for sx in (-1, 1):
        for sy in (-1, 1):
            world.add_geom(
                type=mujoco.mjtGeom.mjGEOM_BOX,
                size=[0.03, 0.03, (BENCH_TOP_Z - 2 * thick) / 2],
                pos=[cx - 0.15 + sx * (hx + 0.1), cy + sy * (hy - 0.05), (BENCH_TOP_Z - 2 * thick) / 2],
                rgba=[0.35, 0.35, 0.38, 1],
                group=2,
                contype=0,
                conaffinity=0,
            )
    world.add_geom(  # robot pedestal plate
        type=mujoco.mjtGeom.mjGEOM_CYLINDER,
        size=[0.12, 0.005, 0],
        pos=[ROBOT_MOUNT[0], ROBOT_MOUNT[1], BENCH_TOP_Z + 0.005],
        rgba=[0.2, 0.2, 0.22, 1],
        group=2,
    )
    world.add_light(
        name="key",
        pos=[a + b for a, b in zip((0.9, 0.6, 2.6), look.light_offset, strict=True)],
        dir=[-0.3, -0.3, -1.0],
        diffuse=list(look.light_diffuse or (0.7, 0.7, 0.7)),
        castshadow=True,
    )
    world.add_light(name="fill", pos=[-0.5, -1.0, 2.2], dir=[0.4, 0.5, -1.0], diffuse=[0.35, 0.35, 0.35])
    for name, (pos, target) in SCENE_CAMERA_POSES.items():
        fovy = 55.0
        if name in look.cameras:
            pose = look.cameras[name]
            pos, target, fovy = pose.pos, pose.target, pose.fovy_deg
        world.add_camera(name=name, pos=list(pos), xyaxes=look_at_xyaxes(pos, target), fovy=fovy)


def _kinds(scene: SceneSpec) -> dict[str, Any]:
    from labdata.catalog import load_catalog

    catalog = load_catalog()
    kinds = {}
    for item in scene.labware:
        try:
            kinds[item.name] = catalog.get(item.type)
        except KeyError as exc:
            raise SceneError(f"{item.name}: {exc}") from None
    return kinds


def lay_out(
    scene: SceneSpec, kinds: dict[str, Any] | None = None, keep_out: Sequence[Placement] = ()
) -> list[Placement]:
    """Where every labware item of `scene` stands (sites plus offsets), without building anything.

    The randomizer calls this to reject a draw (shifts, distractors) that does not fit on the bench,
    so a scene error is never the outcome of an episode's random values; items without a site keep
    clear of `keep_out` too.
    """
    kinds = kinds or _kinds(scene)
    try:
        nominal = place_all([(i.name, i.site, footprint(kinds[i.name])) for i in scene.labware], keep_out)
    except LayoutError as exc:
        raise SceneError(str(exc)) from exc
    return _shifted(nominal, scene)


def build_scene_spec(scene: SceneSpec, robot: str) -> tuple[mujoco.MjSpec, SceneInfo]:
    """The MjSpec for a scene with `robot`; SceneError if labware is unknown or cannot be placed."""
    profile = load_profile(robot)
    kinds = _kinds(scene)
    placements = lay_out(scene, kinds)

    spec = mujoco.MjSpec()
    spec.modelname = "labsim_scene"
    spec.compiler.degree = False  # every angle labsim writes (hinge ranges) is in radians
    spec.option.timestep = PHYSICS_TIMESTEP_S
    spec.option.integrator = mujoco.mjtIntegrator.mjINT_IMPLICITFAST
    spec.option.cone = mujoco.mjtCone.mjCONE_ELLIPTIC
    spec.option.noslip_iterations = 0
    # Elliptic friction cones with MuJoCo's default impratio (1) let a firmly squeezed object creep
    # through the fingers: a beaker held by a Robotiq slid 4 cm along its pads while pouring and
    # fell out. A higher impratio makes friction stiffer than the normal direction (MuJoCo's advice
    # for grasping). 5 holds the beaker; 10 also made rubbing contacts stick (a UR5's gripper caught
    # on its own forearm in transit, a Robotiq fingertip dragged a closed drawer back out).
    spec.option.impratio = 5.0
    height, width = scene.resolution
    spec.visual.global_.offwidth = max(640, width)
    spec.visual.global_.offheight = max(480, height)
    spec.visual.quality.shadowsize = 2048
    ambient = 0.35 if scene.look.finish.plain else scene.look.finish.ambient
    spec.visual.headlight.ambient = [ambient] * 3
    if not scene.look.finish.plain:  # key, fill and a full headlight burnt a white bench top to white
        spec.visual.headlight.diffuse = [HEADLIGHT_DIFFUSE] * 3
    spec.stat.center = [0.45, 0.0, 0.9]
    spec.stat.extent = 1.5
    _add_bench(spec, scene.look)

    arm = build_robot_spec(profile)
    mount = spec.worldbody.add_body(
        name="robot_mount", pos=[m + b for m, b in zip(ROBOT_MOUNT, profile.base_pos, strict=True)]
    )
    mount.add_frame().attach_body(arm.body(profile.arm_root_body), ROBOT_PREFIX, "")

    info = SceneInfo(scene=scene, profile=profile, prefix=ROBOT_PREFIX)
    by_name = {i.name: i for i in scene.labware}
    for placement in placements:
        item = by_name[placement.name]
        pos = (placement.x, placement.y, BENCH_TOP_Z)
        info.assets[item.name] = build_labware(
            spec.worldbody, item.name, kinds[item.name], pos, item.volume_ul, item.yaw_rad
        )
        if info.assets[item.name].button_joint:  # the cap slides into its own housing when pressed
            spec.add_exclude(bodyname1=item.name, bodyname2=f"{item.name}/button")
        if not scene.look.finish.plain:
            finish_glass(spec, info.assets[item.name].body, scene.look.finish)
            finish_liquid(spec, info.assets[item.name].particles, scene.look.finish)
        if item.name in scene.look.labware:
            _dress_labware(spec, info.assets[item.name].body, scene.look.labware[item.name])
    return spec, info


def _shifted(placements: list[Placement], scene: SceneSpec) -> list[Placement]:
    """Apply each item's `offset_xy` and `yaw_rad` to its nominal placement; SceneError when a moved
    footprint (the box around it, turned) leaves the bench top or overlaps another."""
    offsets = {i.name: i.offset_xy for i in scene.labware}
    yaws = {i.name: i.yaw_rad for i in scene.labware}
    moved = []
    for p in placements:
        hx, hy = turned_half_xy(p.half_x, p.half_y, yaws[p.name])
        dx, dy = offsets[p.name]
        moved.append(p.model_copy(update={"x": p.x + dx, "y": p.y + dy, "half_x": hx, "half_y": hy}))
    for a in moved:
        if not on_bench(a.x, a.y, a.half_x, a.half_y):
            raise SceneError(f"{a.name} shifted by {offsets[a.name]} m leaves the bench top")
    for i, a in enumerate(moved):
        for b in moved[i + 1 :]:
            if a.overlaps(b):
                raise SceneError(f"{a.name} shifted by {offsets[a.name]} m collides with {b.name}")
    return moved


def compile_scene(scene: SceneSpec, robot: str) -> tuple[mujoco.MjModel, SceneInfo]:
    spec, info = build_scene_spec(scene, robot)
    try:
        model = spec.compile()
    except ValueError as exc:
        raise SceneError(f"the composed scene does not compile: {exc}") from None
    return model, info


def tilt_deg(xmat: np.ndarray) -> float:
    """Angle between a body's z axis and world up, in degrees."""
    return math.degrees(math.acos(float(np.clip(xmat.reshape(3, 3)[2, 2], -1.0, 1.0))))
