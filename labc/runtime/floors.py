"""Validity floors: two policies that cannot see, built from a recorded dataset.

A bench is only informative when it cannot be solved without perception. These two policies measure
how far it can: if they do well, the scenes vary too little and a high score of a learned policy means
little.

- `replay` plays one recorded demonstration of the same protocol and robot open loop: no camera, no
  state, the expert's actions of each node in order, each node's once (a retry gets nothing new). The
  episode is chosen from the run's seed (`seed mod` the number of recorded episodes, in dataset order),
  so a bench is reproducible.
- `nearest` looks only at the robot's joint state: among the recorded frames of the same protocol,
  robot and node it finds the nearest `observation.state` (Euclidean, joints in rad, gripper in [0, 1])
  and sends the recorded action chunk that followed it, cut at the end of that node's segment.

Both need the node being executed (they look up its frames by compiled node id, which stands in for
the instruction that a learned policy reads) and the episode's protocol and seed; they receive them
through the runner's optional `start` and `bind` hooks, and their actions pass the same safety
monitor as any policy's. Datasets are read with LabVLA's LeRobot v3 reader; images are never decoded.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict

from labc.runtime.policies import PolicyLoadError
from labinfra import lerobot
from robogenesis.runner.policy import EpisodeContext

NEAREST_CHUNK = 16  # LabVLA's tiny preset predicts chunks of this length


class Demo(BaseModel):
    """One recorded episode: where it lives and the global frame range of each node."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    dataset: int
    episode: int
    protocol: str
    robot: str
    seed: int
    segments: dict[str, tuple[int, int]]


def dataset_roots(root: Path) -> list[Path]:
    """`root` itself when it is a LeRobot dataset, else its dataset subfolders (one per robot, as
    `labc synthesize` writes them)."""
    if not root.is_dir():
        raise PolicyLoadError(f"--data {root}: no such folder")
    found = lerobot.dataset_roots(root)
    if not found:
        raise PolicyLoadError(
            f"--data {root}: not a LeRobot dataset and holds none (no */{lerobot.INFO_PATH})"
        )
    return found


class FloorData:
    """The recorded state and action arrays of one or more datasets, indexed by protocol and robot."""

    def __init__(self, root: Path) -> None:
        from labvla.data.lerobot import LeRobotDataset

        self.root = root
        self.datasets: list[Any] = []
        self.demos: list[Demo] = []
        for path in dataset_roots(root):
            try:
                data = LeRobotDataset(path)
            except (OSError, ValueError, KeyError) as exc:
                raise PolicyLoadError(f"--data {path}: cannot read the dataset: {exc}") from None
            self.datasets.append(data)
            self.demos += _demos(len(self.datasets) - 1, data)

    def of(self, protocol: str, robot: str) -> list[Demo]:
        return [d for d in self.demos if d.protocol == protocol and d.robot == robot]

    def require(self, protocol: str, robot: str) -> None:
        """Raise a usage error unless some episode records `protocol` on `robot`."""
        if self.of(protocol, robot):
            return
        have = sorted({f"{d.protocol}/{d.robot}" for d in self.demos}) or ["no labc episodes"]
        raise PolicyLoadError(
            f"--data {self.root} has no episode of {protocol} on {robot} (it has: {', '.join(have)}); "
            f"synthesize one with `labc synthesize PROTOCOL --robots {robot}`"
        )

    def arrays(self, demo: Demo) -> tuple[np.ndarray, np.ndarray]:
        data = self.datasets[demo.dataset]
        return data.state, data.action


def _demos(index: int, data: Any) -> list[Demo]:
    """The dataset's episodes that carry labc provenance (protocol name), with their node segments."""
    out = []
    for row in data.episodes:
        provenance = json.loads(row.get(lerobot.PROVENANCE_COLUMN) or "{}")
        if "protocol" not in provenance:
            continue
        start, end = int(row["dataset_from_index"]), int(row["dataset_to_index"])
        segments: dict[str, tuple[int, int]] = {}
        for i in range(start, end):
            first, _ = segments.get(data.node_id[i], (i, i))
            segments[data.node_id[i]] = (first, i + 1)
        out.append(
            Demo(
                dataset=index,
                episode=int(row["episode_index"]),
                protocol=provenance["protocol"],
                robot=str(row.get(lerobot.ROBOT_COLUMN) or data.robot[start]),
                seed=int(row.get(lerobot.SEED_COLUMN, -1)),
                segments=segments,
            )
        )
    return out


class FloorPolicy:
    """What both floors share: the data, the episode's demos, and the current node's segment."""

    cameras: list[str] = []  # noqa: RUF012  (blind by construction)

    def __init__(self, data: FloorData) -> None:
        self.data = data
        self.demos: list[Demo] = []
        self.segment: tuple[int, int] = (0, 0)

    def start(self, context: EpisodeContext) -> None:
        self.data.require(context.protocol, context.robot)
        self.demos = self.data.of(context.protocol, context.robot)
        self.choose(context.seed)

    def choose(self, seed: int) -> None:
        """Pick what the episode uses (nothing by default)."""

    def reset(self, instruction: str, robot: str) -> None:
        self.segment = (0, 0)

    def _segment(self, demo: Demo, node_id: str) -> tuple[int, int]:
        if node_id not in demo.segments:
            raise ValueError(
                f"recorded episode {demo.episode} of {demo.protocol} has no frames for node {node_id} "
                "(the protocol changed since it was recorded?)"
            )
        return demo.segments[node_id]


class ReplayPolicy(FloorPolicy):
    """One recorded episode, played back open loop node by node."""

    name = "replay"
    reports_done = True  # judge each node when its recorded segment has been played, as in the data

    def __init__(self, data: FloorData) -> None:
        super().__init__(data)
        self.demo: Demo | None = None
        self._played: set[str] = set()
        self._sent = False

    def choose(self, seed: int) -> None:
        self.demo = self.demos[seed % len(self.demos)]
        self._played = set()

    def bind(self, env: Any, node: Any, rng: np.random.Generator) -> None:
        """A node's segment plays once per episode: a retry would restart it from the segment's first
        pose, wherever the arm now is (a jump the safety monitor stops), so a retry is an empty chunk."""
        if self.demo is None:
            raise RuntimeError("the replay policy needs start(context) before bind()")
        self.segment = self._segment(self.demo, node.id)
        self._sent = node.id in self._played
        self._played.add(node.id)

    def act(self, observation: Any) -> np.ndarray:
        if self.demo is None:
            raise RuntimeError("the replay policy needs start(context) and bind() before act()")
        _, action = self.data.arrays(self.demo)
        start, end = self.segment
        if self._sent:
            return np.zeros((0, action.shape[1]))
        self._sent = True
        return np.asarray(action[start:end], dtype=float)


class NearestPolicy(FloorPolicy):
    """State-only nearest neighbour over the recorded frames of the same protocol, robot and node."""

    name = "nearest"

    def __init__(self, data: FloorData, chunk: int = NEAREST_CHUNK) -> None:
        super().__init__(data)
        self.chunk = chunk
        self._states: np.ndarray = np.zeros((0, 0), dtype=np.float32)  # the candidate frames' states
        self._where: list[tuple[Demo, int, int]] = []  # per candidate: its demo, frame, segment end

    def bind(self, env: Any, node: Any, rng: np.random.Generator) -> None:
        states, self._where = [], []
        for demo in self.demos:
            start, end = self._segment(demo, node.id)
            states.append(self.data.arrays(demo)[0][start:end])
            self._where += [(demo, i, end) for i in range(start, end)]
        self._states = np.concatenate(states)

    def act(self, observation: Any) -> np.ndarray:
        if not self._where:
            raise RuntimeError("the nearest policy needs start(context) and bind() before act()")
        now = np.asarray(observation.state, dtype=np.float32)[: self._states.shape[1]]
        best = int(np.argmin(np.linalg.norm(self._states - now, axis=1)))
        demo, i, end = self._where[best]
        _, action = self.data.arrays(demo)
        return np.asarray(action[i : min(i + self.chunk, end)], dtype=float)
