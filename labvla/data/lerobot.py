"""Reader for LeRobot v3.0 datasets (LeRobot's own package is not a dependency: it pins another torch).

It follows the episodes table, the commit point of the writer, so frames of an interrupted append are
never seen. Video frames are decoded with PyAV by seeking to the episode's start inside the shared mp4.
"""

from __future__ import annotations

import json
import operator
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from labinfra.lerobot import (
    ACTION_KEY,
    CODEBASE_VERSION,
    EPISODES_PATH,
    IMAGE_PREFIX,
    INFO_PATH,
    STATE_KEY,
    STATS_PATH,
    TASKS_PATH,
    WAIT_KEY,
    image_key,
)

# Decoded frames one dataset keeps in memory (uint8): 2 GiB holds about 500 episodes of three 64-px
# cameras, or 30 at 256 px.
CACHE_BYTES = 2 << 30


class LeRobotDataset:
    """Frames, action chunks and decoded images of one dataset; tables are held in memory as arrays."""

    def __init__(self, root: str | Path, *, cache_episodes: int | None = None) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.root = Path(root)
        info_path = self.root / INFO_PATH
        if not info_path.exists():
            raise FileNotFoundError(f"{self.root} is not a LeRobot dataset (no {INFO_PATH})")
        self.info: dict[str, Any] = json.loads(info_path.read_text())
        if self.info.get("codebase_version") != CODEBASE_VERSION:
            raise ValueError(f"{self.root}: codebase_version {self.info.get('codebase_version')}, need v3.0")
        self.stats: dict[str, Any] = json.loads((self.root / STATS_PATH).read_text())
        self.fps: int = int(self.info["fps"])
        self.episodes: list[dict[str, Any]] = pq.read_table(self.root / EPISODES_PATH).to_pylist()
        self.tasks: list[str] = _read_tasks(self.root / TASKS_PATH)
        self.cameras: list[str] = [
            k.removeprefix(IMAGE_PREFIX)
            for k, v in self.info["features"].items()
            if k.startswith(IMAGE_PREFIX) and v["dtype"] == "video"
        ]
        files = sorted({(e["data/chunk_index"], e["data/file_index"]) for e in self.episodes})
        path = self.info["data_path"]
        tables = [pq.read_table(self.root / path.format(chunk_index=c, file_index=f)) for c, f in files]
        if not tables:
            raise ValueError(f"{self.root}: the dataset holds no episodes")
        total = self.episodes[-1]["dataset_to_index"]
        data = pa.concat_tables(tables)
        data = data.filter(pa.compute.less(data["index"], total)).sort_by("index")
        self.state = np.stack(data[STATE_KEY].to_numpy(zero_copy_only=False)).astype(np.float32)
        self.action = np.stack(data[ACTION_KEY].to_numpy(zero_copy_only=False)).astype(np.float32)
        self.episode_index = data["episode_index"].to_numpy()
        self.frame_index = data["frame_index"].to_numpy()
        self.task_index = data["task_index"].to_numpy()
        self.node_id: list[str] = data["node_id"].to_pylist()
        self.robot: list[str] = data["robot"].to_pylist()
        # Seconds fast-forwarded after each frame (an idle wait); absent in datasets from before waits.
        names = data.column_names
        self.wait_s = (
            data[WAIT_KEY].to_numpy().astype(np.float32) if WAIT_KEY in names else np.zeros(len(self.state))
        )
        self._waits = np.flatnonzero(self.wait_s > 0)
        # Entries are (camera, episode) pairs: room for `cache_episodes` whole episodes, every camera.
        # Training draws frames from random episodes, so a cache smaller than the dataset decodes a video
        # for almost every frame (1.5 s per step at batch 8 on 360 episodes with 64 held, against 0.2 s):
        # by default it holds every episode whose decoded frames fit in CACHE_BYTES.
        if cache_episodes is None:
            cache_episodes = self._episodes_that_fit(CACHE_BYTES)
        cache = cache_episodes * max(1, len(self.cameras))
        self._episode_frames = lru_cache(maxsize=cache)(self._decode_episode)

    def __len__(self) -> int:
        return len(self.state)

    def _episodes_that_fit(self, budget: int) -> int:
        per_frame = sum(
            int(np.prod(self.info["features"][image_key(cam)]["shape"]))
            for cam in self.cameras
            if image_key(cam) in self.info["features"]
        )
        per_episode = max(1, per_frame * len(self) // max(1, len(self.episodes)))
        return max(1, min(len(self.episodes), budget // per_episode))

    def __getitem__(self, i: int) -> dict[str, Any]:
        """Frame `i` with the keys LeRobot's own `LeRobotDataset[i]` has, so code written for it reads
        labc's datasets: `observation.images.<camera>` channel-first float32 in [0, 1],
        `observation.state`, `action`, `timestamp`, `frame_index`, `episode_index`, `index`,
        `task_index`, `task` (the node's instruction), and labc's `node_id`, `robot` and `wait_s`. Arrays are
        numpy (LeRobot gives torch tensors of the same shapes), so reading needs no torch."""
        n = len(self)
        index = operator.index(i)
        if not -n <= index < n:
            raise IndexError(f"frame {index} of a dataset with {n} frames")
        index %= n
        frame: dict[str, Any] = {
            image_key(camera): image.transpose(2, 0, 1).astype(np.float32) / 255.0
            for camera, image in self.images(index).items()
        }
        frame.update(
            {
                STATE_KEY: self.state[index],
                ACTION_KEY: self.action[index],
                "timestamp": np.float32(self.frame_index[index] / self.fps),
                "frame_index": int(self.frame_index[index]),
                "episode_index": int(self.episode_index[index]),
                "index": index,
                "task_index": int(self.task_index[index]),
                "task": self.task(index),
                "node_id": self.node_id[index],
                WAIT_KEY: np.float32(self.wait_s[index]),
                "robot": self.robot[index],
            }
        )
        return frame

    @property
    def robots(self) -> list[str]:
        return sorted(set(self.robot))

    def episode_bounds(self, episode: int) -> tuple[int, int]:
        e = self.episodes[episode]
        return e["dataset_from_index"], e["dataset_to_index"]

    def task(self, i: int) -> str:
        return self.tasks[int(self.task_index[i])]

    def action_chunk(self, i: int, horizon: int) -> tuple[np.ndarray, np.ndarray]:
        """Actions i..i+horizon-1 of frame i's episode; past its end the last action repeats, flagged in `pad`.

        A wait frame (`wait_s` > 0) ends a chunk like the episode's end does: the frames after it come
        minutes of simulated time later, so the actions there are not this chunk's next steps. The
        chunk holds the wait frame's action (the arm held still through the wait) and masks the rest."""
        _, end = self.episode_bounds(int(self.episode_index[i]))
        later = self._waits[np.searchsorted(self._waits, i) :]
        if later.size and later[0] < end:
            end = int(later[0]) + 1
        idx = np.arange(i, i + horizon)
        pad = idx >= end
        return self.action[np.minimum(idx, end - 1)], pad

    def past_state(self, i: int, frames: int) -> np.ndarray:
        """The state `frames` frames before frame i, or the earliest state since the episode began or a
        wait ended (what a policy that keeps the states it was shown has seen: `LabVLAPolicy`)."""
        start, _ = self.episode_bounds(int(self.episode_index[i]))
        earlier = self._waits[: np.searchsorted(self._waits, i)]
        if earlier.size and earlier[-1] >= start:
            start = int(earlier[-1]) + 1
        return self.state[max(i - frames, start)]

    def images(self, i: int) -> dict[str, np.ndarray]:
        """Decoded camera frames (uint8 HxWx3) of global frame i."""
        ep = int(self.episode_index[i])
        return {key: self._episode_frames(key, ep)[int(self.frame_index[i])] for key in self.cameras}

    def episode_images(self, key: str, episode: int) -> np.ndarray:
        return self._episode_frames(key, episode)

    def _decode_episode(self, key: str, episode: int) -> np.ndarray:
        import av

        e = self.episodes[episode]
        # LeRobot keys videos by feature name; datasets from labc before that fix used the bare camera.
        vkey = image_key(key)
        if f"videos/{vkey}/chunk_index" not in e:
            vkey = key
        path = self.root / self.info["video_path"].format(
            video_key=vkey,
            chunk_index=e[f"videos/{vkey}/chunk_index"],
            file_index=e[f"videos/{vkey}/file_index"],
        )
        start, length = e[f"videos/{vkey}/from_timestamp"], e["length"]
        frames: list[np.ndarray] = []
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            time_base = stream.time_base
            if time_base is None:  # every stream the exporter writes has one
                raise ValueError(f"{path}: the video stream has no time base")
            container.seek(int(start / time_base), stream=stream, backward=True, any_frame=False)
            for frame in container.decode(stream):
                if frame.pts is None:  # not placed in time: it cannot be matched to a frame index
                    continue
                t = float(frame.pts * time_base)
                if t < start - 0.5 / self.fps:
                    continue
                frames.append(frame.to_ndarray(format="rgb24"))
                if len(frames) == length:
                    break
        if len(frames) != length:
            raise ValueError(
                f"{path}: episode {episode} has {len(frames)} decodable frames, expected {length}"
            )
        return np.stack(frames)


def _read_tasks(path: Path) -> list[str]:
    """Task strings by task_index; LeRobot stores the string as the pandas index, whatever its column name.

    labc names that index column `task`; LeRobot's own writer leaves it unnamed (`__index_level_0__`).
    """
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    column = "task"
    if column not in table.column_names:
        pandas_meta = json.loads((table.schema.metadata or {}).get(b"pandas", b"{}"))
        index = [c for c in pandas_meta.get("index_columns", []) if isinstance(c, str)]
        if not index:
            raise ValueError(f"{path}: no task column and no pandas index column")
        column = index[0]
    rows = sorted(zip(table["task_index"].to_pylist(), table[column].to_pylist(), strict=True))
    return [task for _, task in rows]
