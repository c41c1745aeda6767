"""The observation and answer layout both sides of labc's openpi link agree on, and its checks."""

from __future__ import annotations

from typing import Any

import numpy as np

from labinfra.lerobot import IMAGE_PREFIX, STATE_KEY, image_key

PROMPT_KEY = "prompt"  # openpi's name for the instruction
TASK_KEY = "task"  # LeRobot's name for it, accepted as well
ROBOT_KEY = "robot"
ACTIONS_KEY = "actions"


class ProtocolError(ValueError):
    """A message that does not follow the layout (wrong keys, shapes or types)."""


def cameras_of(metadata: dict[str, Any]) -> list[str]:
    """The cameras a server asks for: its `cameras`, else the image keys of its example observation."""
    cameras = metadata.get("cameras")
    if isinstance(cameras, list | tuple):
        return [str(c) for c in cameras]
    example = metadata.get("example_observation")
    if isinstance(example, dict):
        return [k[len(IMAGE_PREFIX) :] for k in example if isinstance(k, str) and k.startswith(IMAGE_PREFIX)]
    return []


def observation(
    images: dict[str, np.ndarray], state: np.ndarray, prompt: str, robot: str, cameras: list[str]
) -> dict[str, Any]:
    """The request for one observation; only the cameras the server asked for travel."""
    missing = [c for c in cameras if c not in images]
    if missing:
        raise ProtocolError(f"the observation lacks camera(s) {', '.join(missing)} that the server asks for")
    obs: dict[str, Any] = {image_key(c): np.ascontiguousarray(images[c], dtype=np.uint8) for c in cameras}
    obs[STATE_KEY] = np.asarray(state, dtype=np.float32)
    obs[PROMPT_KEY] = prompt
    obs[ROBOT_KEY] = robot
    return obs


def actions_of(answer: Any, action_dim: int) -> np.ndarray:
    """The (horizon, action_dim) action chunk of an answer, or ProtocolError saying what is wrong."""
    if not isinstance(answer, dict) or ACTIONS_KEY not in answer:
        keys = ", ".join(map(str, answer)) if isinstance(answer, dict) else type(answer).__name__
        raise ProtocolError(f"the server's answer has no '{ACTIONS_KEY}' (it has: {keys or 'nothing'})")
    actions = answer[ACTIONS_KEY]
    if not isinstance(actions, np.ndarray) or actions.dtype.kind not in "fiu":
        raise ProtocolError(f"'{ACTIONS_KEY}' is not a numeric array ({type(actions).__name__})")
    if actions.ndim != 2 or actions.shape[0] < 1 or actions.shape[1] != action_dim:
        raise ProtocolError(
            f"'{ACTIONS_KEY}' has shape {tuple(actions.shape)}; this robot takes (horizon, {action_dim}): "
            f"absolute arm joint targets, then the gripper command"
        )
    return np.asarray(actions, dtype=float)


def parse_request(
    obs: Any, cameras: list[str], default_robot: str
) -> tuple[dict[str, np.ndarray], np.ndarray, str, str]:
    """(images, state, prompt, robot) of a request, or ProtocolError."""
    if not isinstance(obs, dict):
        raise ProtocolError(f"a request must be a dict of arrays, got {type(obs).__name__}")
    prompt = obs.get(PROMPT_KEY, obs.get(TASK_KEY))
    if not isinstance(prompt, str) or not prompt:
        raise ProtocolError(f"the request needs the instruction as a string under '{PROMPT_KEY}'")
    robot = obs.get(ROBOT_KEY, default_robot)
    if not isinstance(robot, str):
        raise ProtocolError(f"'{ROBOT_KEY}' must be a string")
    state = obs.get(STATE_KEY)
    if not isinstance(state, np.ndarray) or state.ndim != 1:
        raise ProtocolError(f"the request needs '{STATE_KEY}' as a 1-d array")
    images = {}
    for camera in cameras:
        image = obs.get(image_key(camera))
        if not isinstance(image, np.ndarray) or image.ndim != 3 or image.shape[-1] != 3:
            raise ProtocolError(f"the request needs '{image_key(camera)}' as a uint8 HxWx3 array")
        images[camera] = np.asarray(image, dtype=np.uint8)
    return images, state.astype(np.float32), prompt, robot
