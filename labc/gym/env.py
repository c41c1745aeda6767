"""`LabEnv`: one compiled protocol as a gymnasium environment, node by node, under the run's safety monitor.

The caller drives instead of a policy: each `step(action)` sends one action through the same pieces the
episode runner of `labc run` and synthesis uses (`robogenesis.runner.runner`: the safety monitor, the
node budget, the success predicate, the stop vocabulary), so an episode here ends for the same reasons,
at the same step, as `labc run` ends it for a learned policy sending the same actions (the predicate is
judged after every action; `labc run` waits for a scripted expert to finish its motion first). A node whose predicate holds gives way to the next node
in schedule order; a node that runs out of its budget is retried (up to `max_retries`) from wherever the
world is, as `labc run` does, and then the episode is truncated. A safe stop terminates the episode and
no further action reaches the simulator.

Observations are named and shaped as the features of the LeRobot datasets `labc synthesize` writes:
`observation.images.<camera>` (uint8 HxWx3), `observation.state` (float32: arm joints, then the gripper
opening), and `task`, the current node's instruction. Actions are the dataset's `action`: absolute arm
joint targets, then the gripper command in [0, 1] (1 closed).

For a policy that needs the simulator itself (the scripted experts), `env.unwrapped` exposes `sim` (the
labsim environment), `node` (the current compiled node), `attempt` (its try, from 0), `robot` and
`seed`: `ExpertPolicy.bind(env.unwrapped.sim, env.unwrapped.node, rng)` is what the runner calls.
"""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from labinfra.lerobot import IMAGE_PREFIX, STATE_KEY
from robogenesis.runner.options import RunOptions
from robogenesis.runner.runner import begin_attempt, predicate_holds, send_action
from robogenesis.runner.stops import Stop, StopReason

IMAGE_KEY = IMAGE_PREFIX + "{}"
TASK_KEY = "task"
MAX_SEED = 2**31 - 1
STATE_MARGIN = 0.5  # rad beyond the limits that an observed state may still reach


class LabEnv(gym.Env):
    """A protocol (a `.yaml`/`.lab` file or a compiled `.json`) on one robot, in the randomized scene of
    each reset's seed (RoboGenesis's composition and the `split`'s randomization, as `labc run`)."""

    metadata = {"render_modes": ["rgb_array"], "render_fps": 20}  # noqa: RUF012

    def __init__(
        self,
        protocol: str | Path,
        robot: str = "franka",
        split: str = "id",
        cameras: tuple[str, ...] | list[str] = ("front", "side", "wrist"),
        resolution: int = 128,
        max_retries: int = 2,
        options: RunOptions | None = None,
        render_mode: str | None = None,
    ) -> None:
        from labdata.robot_profile import load_profile
        from labsim.gl import prefer_headless
        from robogenesis.compose import episode_nodes, load_compiled

        prefer_headless()  # before anything below imports mujoco; a user's MUJOCO_GL wins
        if split not in ("id", "ood"):
            raise ValueError(f"split must be 'id' or 'ood', got {split!r}")
        if render_mode not in (None, "rgb_array"):
            raise ValueError(f"render_mode must be None or 'rgb_array', got {render_mode!r}")
        if render_mode == "rgb_array" and not cameras:
            raise ValueError("render_mode='rgb_array' shows the first camera; name at least one")
        self.protocol = Path(protocol)
        self.robot, self.split = robot, split
        self.cameras, self.resolution = list(cameras), int(resolution)
        self.options = options or RunOptions(max_retries=max_retries)
        self.render_mode = render_mode
        self.compiled = load_compiled(self.protocol, robot)  # CompositionError (a ValueError) if it cannot
        self.nodes = episode_nodes(self.compiled)
        profile = load_profile(robot)
        self.profile = profile
        self.metadata = {**self.metadata, "render_fps": profile.control_hz}
        limits = np.asarray(profile.joint_limits, dtype=np.float32)
        self.action_space = spaces.Box(
            low=np.append(limits[:, 0], 0.0).astype(np.float32),
            high=np.append(limits[:, 1], 1.0).astype(np.float32),
            dtype=np.float32,
        )
        texts = [n.instruction for n in self.nodes]
        charset = frozenset(string.printable) | frozenset("".join(texts))
        obs: dict[str, spaces.Space[Any]] = {
            IMAGE_KEY.format(c): spaces.Box(0, 255, (self.resolution, self.resolution, 3), np.uint8)
            for c in self.cameras
        }
        # The joints' range with room for a transient past a limit; the gripper opening is in [0, 1].
        obs[STATE_KEY] = spaces.Box(
            low=np.append(limits[:, 0] - STATE_MARGIN, 0.0).astype(np.float32),
            high=np.append(limits[:, 1] + STATE_MARGIN, 1.0).astype(np.float32),
            dtype=np.float32,
        )
        obs[TASK_KEY] = spaces.Text(max_length=max(map(len, texts)), min_length=0, charset=charset)
        self.observation_space = spaces.Dict(obs)
        self.sim: Any = None
        self.monitor: Any = None
        self.seed: int | None = None
        self._reset_state()

    def _reset_state(self) -> None:
        self.index, self.attempt, self.budget, self.sent = 0, 0, 0, 0
        self.stop_reason: str | None = None
        self.detail = ""
        self._last: Any = None

    # ---- what the expert (and anything else that reads the simulator) needs --------------------------
    @property
    def node(self) -> Any:
        """The compiled node being performed (the last one once the episode is over)."""
        return self.nodes[min(self.index, len(self.nodes) - 1)]

    # ---- gymnasium ---------------------------------------------------------------------------------
    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        from labc.runtime.episode import EpisodeSpec, build_env

        super().reset(seed=seed)
        episode_seed = int(self.np_random.integers(0, MAX_SEED)) if seed is None else int(seed)
        self.close()
        spec = EpisodeSpec(robot=self.robot, seed=episode_seed, split=self.split, resolution=self.resolution)
        self.sim = build_env(self.compiled, spec, self.cameras)
        self.seed = episode_seed
        self._reset_state()
        observation = self.sim.reset(episode_seed)
        self.monitor = self.options.safety_monitor(self.sim)
        self.budget = begin_attempt(self.sim, [self.monitor], self.node, self.options)
        self._last = self._observation(observation)
        return self._last, self._info()

    def step(self, action: Any) -> tuple[dict[str, Any], float, bool, bool, dict[str, Any]]:
        if self.sim is None:
            raise RuntimeError("call reset() before step()")
        if self.stop_reason is not None:  # over: nothing more reaches the simulator
            return (
                self._copy(),
                0.0,
                self.stop_reason != StopReason.TIMEOUT,
                self.stop_reason == StopReason.TIMEOUT,
                self._info(),
            )
        reward = 0.0
        try:
            observation = send_action(self.sim, [self.monitor], action, render=bool(self.cameras))
            self.sent += 1
            if predicate_holds(self.sim, self.node):
                reward = 1.0 / len(self.nodes)  # the episode's rewards sum to the fraction of nodes done
                self.index += 1
                if self.index == len(self.nodes):
                    self.stop_reason = StopReason.OK
                else:
                    self._begin(attempt=0)
            elif self.sent >= self.budget:
                if self.attempt < self.options.max_retries:
                    self._begin(attempt=self.attempt + 1)
                else:
                    self.stop_reason = StopReason.TIMEOUT
                    self.detail = f"{self.node.predicate} did not hold within {self.budget} control steps"
        except Stop as stop:
            self.stop_reason, self.detail = stop.reason, stop.detail
            observation = self.sim.observe(render=bool(self.cameras))
        self._last = self._observation(observation)
        truncated = self.stop_reason == StopReason.TIMEOUT
        terminated = self.stop_reason is not None and not truncated
        return self._last, reward, terminated, truncated, self._info()

    def render(self) -> np.ndarray | None:
        if self.render_mode != "rgb_array" or self._last is None:
            return None
        return np.array(self._last[IMAGE_KEY.format(self.cameras[0])])

    def close(self) -> None:
        if self.sim is not None:
            self.sim.close()
            self.sim = None

    # ---- internals ---------------------------------------------------------------------------------
    def _copy(self) -> dict[str, Any]:
        """A fresh copy of the last observation (callers keep what they are given)."""
        return {k: v.copy() if isinstance(v, np.ndarray) else v for k, v in self._last.items()}

    def _begin(self, attempt: int) -> None:
        self.attempt, self.sent = attempt, 0
        self.budget = begin_attempt(self.sim, [self.monitor], self.node, self.options)

    def _observation(self, observation: Any) -> dict[str, Any]:
        out: dict[str, Any] = {IMAGE_KEY.format(c): np.array(observation.images[c]) for c in self.cameras}
        out[STATE_KEY] = np.asarray(observation.state, dtype=np.float32).copy()
        out[TASK_KEY] = self.node.instruction
        return out

    def _info(self) -> dict[str, Any]:
        node = self.node
        return {
            "node_id": node.id,
            "node_index": min(self.index, len(self.nodes) - 1),
            "nodes": len(self.nodes),
            "skill": node.skill,
            "predicate": node.predicate,
            "predicate_args": node.args.model_dump(mode="json"),
            "attempt": self.attempt,
            "step_budget": self.budget,
            "stop_reason": self.stop_reason,
            "detail": self.detail,
            "is_success": self.stop_reason == StopReason.OK,
            "seed": self.seed,
        }
