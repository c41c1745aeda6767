"""`LabVLAPolicy`: the policy contract (`reset`, `act`) over a LabVLA checkpoint.

Per chunk the backbone runs once on the prompt; its hidden states are reused by all Euler steps of the
expert, which integrate from `sample_noise` times a seeded normal draw (the checkpoint's setting, 0 by
default: a deterministic chunk). Outputs are clipped to the normalized training range before
unnormalizing, so an action never asks for a larger relative motion than the data's q01..q99 of that
dimension. Stage-1 checkpoints (no expert) act by decoding FAST tokens, constrained to exactly
chunk x action-dims coefficients; should a sequence still not decode, the policy holds its current pose
for the chunk and records why in `last_error`, instead of crashing. Only the first `action_horizon`
actions of a chunk are returned (all of them by default): the runner runs what it gets and asks
again, so a shorter horizon closes the loop more often on the same model.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from labvla.checkpoint import load_checkpoint
from labvla.embodiment import Embodiment, to_absolute


@dataclass
class Observation:
    images: dict[str, np.ndarray]  # camera -> uint8 HxWx3
    state: np.ndarray  # float32 [S]


class LabVLAPolicy:
    def __init__(
        self,
        checkpoint: str | Path,
        *,
        device: str = "cpu",
        mode: str = "auto",
        seed: int = 0,
        sample_noise: float | None = None,
        action_horizon: int | None = None,
    ) -> None:
        self.loaded = load_checkpoint(checkpoint, device=device)
        self.model = self.loaded.model.eval()
        self.builder = self.loaded.builder()
        self.config = self.loaded.config
        self.device = torch.device(device)
        self.mode = ("flow" if self.model.expert is not None else "fast") if mode == "auto" else mode
        if self.mode == "flow" and self.model.expert is None:
            raise ValueError("this checkpoint has no action expert (stage 1); use mode='fast'")
        self.seed = seed
        self.sample_noise = self.config.sample_noise if sample_noise is None else sample_noise
        horizon = action_horizon or self.config.action_horizon or self.config.chunk
        if not 1 <= horizon <= self.config.chunk:
            raise ValueError(f"action horizon {horizon} is outside 1..{self.config.chunk} (the chunk)")
        self.action_horizon = horizon
        self.instruction: str | None = None
        self.robot: str | None = None
        self.last_error = ""
        self._generator = torch.Generator().manual_seed(seed)
        self._last_command: float | None = None  # gripper command of the last chunk sent, this episode
        self._seen: list[tuple[int, np.ndarray]] = []  # (step, state) at each act() of this episode
        self._step = 0  # control steps handed out this episode (the runner executes every one)
        self._token_lengths = torch.from_numpy(self.loaded.fast.token_lengths())

    def reset(self, instruction: str, robot: str) -> None:
        self.config.embodiment(robot)  # unknown robots fail here, not mid-episode
        self.instruction, self.robot = instruction, robot
        self._generator = torch.Generator().manual_seed(self.seed)
        self.last_error = ""
        self._last_command = None
        self._seen, self._step = [], 0

    def past_state(self) -> np.ndarray | None:
        """The state seen `state_delta` steps ago, or the earliest seen if none is that old (the training
        frames' rule: `LeRobotDataset.past_state`); None before the first observation."""
        k = self.config.state_delta
        if k is None or not self._seen:
            return None
        older = [state for step, state in self._seen if step <= self._step - k]
        return older[-1] if older else self._seen[0][1]

    def act(self, observation: Observation | dict) -> np.ndarray:
        """An action chunk [chunk, A] in the simulator's layout: absolute arm targets, then gripper."""
        if self.instruction is None or self.robot is None:
            raise RuntimeError("call reset(instruction, robot) before act()")
        images = observation["images"] if isinstance(observation, dict) else observation.images
        state = np.asarray(
            observation["state"] if isinstance(observation, dict) else observation.state, np.float32
        )
        _, emb = self.config.embodiment(self.robot)
        if state.shape != (emb.state_dim,):
            raise ValueError(f"state has shape {state.shape}, robot {self.robot} expects ({emb.state_dim},)")
        past = self.past_state()
        self._seen.append((self._step, state.copy()))
        sample = self.builder.sample(images, state, self.instruction, self.robot, past_state=past)
        batch = self.builder.collate([sample]).to(self.device)
        with torch.no_grad():
            rel = self._flow(batch)[:, : emb.action_dim] if self.mode == "flow" else self._fast(batch, emb)
        if rel is None:
            held = self.hold(state)
            self._step += len(held)
            return held
        # Normalized [-1, 1] is the training range (q01..q99); unnormalizing extrapolates linearly, so an
        # untrained or off-distribution output would become a delta of any size. Clip before it does.
        rel = np.clip(rel, -1.0, 1.0)
        action = to_absolute(self.loaded.stats.robots[self.robot].action.unnormalize(rel), state, emb)
        # The gripper command is absolute and in [0, 1] (the executor's contract). A saturated output
        # unnormalizes a hair past the data's q99 (the quantile map's epsilon), which the safety
        # monitor would clip and log at every step of a closed grip: 69-399 events per press episode.
        action[:, emb.arm_dim] = np.clip(action[:, emb.arm_dim], 0.0, 1.0)
        action = action[: self.action_horizon]
        self._last_command = float(action[-1, emb.arm_dim])
        self._step += len(action)
        return action

    def hold(self, state: np.ndarray) -> np.ndarray:
        """A chunk that keeps the robot as it is: the current arm pose, and the gripper *command* that
        keeps the gripper where it is. The state reports the gripper's opening, not a command, so the
        command is the last one this policy sent in the episode, else the data's command at that
        opening (`GripperHold`); sending the opening itself would close an open Franka to 79%."""
        assert self.robot is not None
        _, emb = self.config.embodiment(self.robot)
        command = self._last_command
        table = self.loaded.stats.robots[self.robot].gripper_hold
        if command is None and table is not None:
            command = table.command(float(state[emb.arm_dim]))
        if command is None:  # a checkpoint from before the table: nothing better is known
            command = float(state[emb.arm_dim])
        row = np.concatenate([state[: emb.arm_dim], [command]]).astype(np.float32)
        return np.tile(row, (self.action_horizon, 1))

    def _flow(self, batch) -> np.ndarray:
        ctx = self.model.hidden_states(
            batch.input_ids,
            batch.attention_mask,
            batch.mm_token_type_ids,
            batch.pixel_values,
            batch.image_grid_thw,
        )
        noise = torch.randn(batch.actions.shape, generator=self._generator) * self.sample_noise
        noise = noise.to(self.device, ctx.dtype)
        out = self.model.sample_actions(
            ctx, batch.prefix_mask, batch.state, batch.embodiment, noise, batch.images
        )
        return out[0].float().cpu().numpy()

    def _fast(self, batch, emb: Embodiment) -> np.ndarray | None:
        coefficients = self.config.chunk * emb.action_dim
        ids = self.model.generate_fast(
            batch.input_ids,
            batch.mm_token_type_ids,
            batch.pixel_values,
            batch.image_grid_thw,
            eos=self.builder.text.special.eos,
            max_tokens=max(self.config.fast_max_tokens, coefficients),
            token_lengths=self._token_lengths,
            coefficients=coefficients,
        )
        decoded = self.loaded.fast.decode(ids, self.config.chunk, emb.action_dim)
        if decoded.ok:
            self.last_error = ""
            return decoded.actions
        self.last_error = f"malformed FAST sequence: {decoded.error}"
        return None
