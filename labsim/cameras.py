"""Offscreen cameras: two scene views and the wrist, in a fast or a full render mode.

Rendering cost on a software-GL CPU is set by mesh complexity and shadows, not image size, so the
fast mode draws the robot's collision geometry (a few convex meshes) without shadows, and the full
mode its visual meshes with shadows. Labware is primitives and appears in both.

The fast mode also renders without multisampling and with coarser round primitives: a 96-well plate
beside a 96-tip rack is ~200 cylinders, and at MuJoCo's defaults (4 samples, 28 slices, 16 stacks) the
three cameras took 228 ms a frame there (42 ms in a level-2 scene), 18 ms (5.9 ms) without; at 64-128
px the images differ by a little aliasing.
"""

from __future__ import annotations

from typing import Literal

import mujoco
import numpy as np

ROBOT_COLLISION_GROUP = 0
ROBOT_VISUAL_GROUP = 1
LABWARE_GROUP = 2
LIQUID_GROUP = 3

RenderMode = Literal["fast", "full"]
# (multisamples, slices, stacks) of round primitives per mode; full is MuJoCo's default
QUALITY: dict[str, tuple[int, int, int]] = {"fast": (0, 16, 4), "full": (4, 28, 16)}


class CameraRig:
    """Renders named cameras of one model at one resolution; holds a single GL context."""

    def __init__(
        self, model: mujoco.MjModel, resolution: tuple[int, int], mode: RenderMode, prefix: str = "r0/"
    ) -> None:
        height, width = resolution
        # Read when the renderer's context is made, so set before it; it affects nothing else.
        quality = model.vis.quality
        quality.offsamples, quality.numslices, quality.numstacks = QUALITY[mode]
        self.model = model
        self.mode: RenderMode = mode
        self.renderer = mujoco.Renderer(model, height=height, width=width)
        self.option = mujoco.MjvOption()
        self.option.geomgroup[:] = 0
        self.option.geomgroup[ROBOT_COLLISION_GROUP if mode == "fast" else ROBOT_VISUAL_GROUP] = 1
        self.option.geomgroup[LABWARE_GROUP] = 1
        self.option.geomgroup[LIQUID_GROUP] = 1
        self.option.sitegroup[:] = 0
        self.prefix = prefix

    def camera_name(self, camera: str) -> str:
        """Scene cameras are world cameras; 'wrist' belongs to the robot."""
        return f"{self.prefix}wrist" if camera == "wrist" else camera

    def render(self, data: mujoco.MjData, cameras: list[str]) -> dict[str, np.ndarray]:
        images: dict[str, np.ndarray] = {}
        for camera in cameras:
            self.renderer.update_scene(data, camera=self.camera_name(camera), scene_option=self.option)
            flags = self.renderer.scene.flags
            flags[mujoco.mjtRndFlag.mjRND_SHADOW] = self.mode == "full"
            flags[mujoco.mjtRndFlag.mjRND_REFLECTION] = False
            flags[mujoco.mjtRndFlag.mjRND_SKYBOX] = False
            images[camera] = self.renderer.render().copy()
        return images

    def close(self) -> None:
        self.renderer.close()
