"""Synthetic demonstrations for tests and benchmarks, used until RoboGenesis data is available.

Trajectories are smooth (sums of low-frequency sines) so FAST compresses them as it would real
motion, and each frame's images depend on the state (a moving blob over a gradient background), so a
model can read the state from pixels; episodes are plain arrays, ready for the dataset writer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class SyntheticEpisode:
    images: dict[str, np.ndarray]
    state: np.ndarray
    action: np.ndarray
    tasks: list[str]
    node_ids: list[str]
    robot: str
    seed: int
    randomization: dict[str, float] = field(default_factory=dict)


INSTRUCTIONS = [
    "pick up the beaker from the rack",
    "place the beaker on the hot plate",
    "press the button of the hot plate",
    "open the door of the incubator",
]


def render(state: np.ndarray, size: int, camera: int) -> np.ndarray:
    """A gradient background with a bright disc whose position and colour follow the state."""
    yy, xx = np.mgrid[0:size, 0:size] / max(size - 1, 1)
    cx = 0.5 + 0.35 * np.sin(state[0] + camera)
    cy = 0.5 + 0.35 * np.cos(state[1 % len(state)] - camera)
    disc = ((xx - cx) ** 2 + (yy - cy) ** 2) < 0.04
    img = np.stack([xx * 120 + 40 * camera, yy * 120, (1 - xx) * 80 + 30], axis=-1)
    img[disc] = [230, 200 * float(np.clip(state[-1], 0, 1)), 60]
    return img.clip(0, 255).astype(np.uint8)


def make_episode(
    seed: int,
    *,
    robot: str = "franka",
    arm_joints: int = 7,
    length: int = 40,
    image_size: int = 32,
    cameras: tuple[str, ...] = ("scene_left", "wrist"),
    instruction: str | None = None,
) -> SyntheticEpisode:
    """One episode: state = arm joints then gripper in [0, 1]; action = next state as absolute targets."""
    rng = np.random.default_rng(seed)
    t = np.linspace(0, 1, length + 1)[:, None]
    freq = rng.uniform(0.3, 1.5, size=(1, arm_joints))
    phase = rng.uniform(0, 2 * np.pi, size=(1, arm_joints))
    amp = rng.uniform(0.2, 0.8, size=(1, arm_joints))
    arm = amp * np.sin(2 * np.pi * freq * t + phase) + rng.uniform(-0.5, 0.5, size=(1, arm_joints))
    close_at = rng.uniform(0.3, 0.7)
    grip = np.where(t < close_at, 1.0, 0.0)
    traj = np.concatenate([arm, grip], axis=1).astype(np.float32)
    state, action = traj[:-1], traj[1:]
    text = instruction or INSTRUCTIONS[seed % len(INSTRUCTIONS)]
    images = {cam: np.stack([render(s, image_size, i) for s in state]) for i, cam in enumerate(cameras)}
    return SyntheticEpisode(
        images=images,
        state=state,
        action=action,
        tasks=[text] * length,
        node_ids=[f"n{seed % len(INSTRUCTIONS)}"] * length,
        robot=robot,
        seed=seed,
        randomization={"close_at": float(close_at)},
    )
