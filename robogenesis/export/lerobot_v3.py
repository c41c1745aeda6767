"""Writer for the LeRobot v3.0 dataset layout.

Many episodes share one data parquet file and one mp4 per camera, so appending an episode rewrites the
current files. Crash safety comes from ordering: data and video files are replaced first (they only grow
past the committed offsets), then `meta/episodes/...parquet` is replaced; that file is the commit point.
Everything else in `meta/` (info, stats, tasks) is derived from committed episodes and rebuilt on open,
so an interrupted append leaves a dataset whose readers see only whole episodes, and reopening appends
after the last committed episode (rows or packets beyond it are dropped).

The layout follows what LeRobot 0.4.4's `LeRobotDataset` reads (checked by `scripts/check_lerobot_compat.py`):
videos and their episode columns are keyed by the full feature name (`observation.images.<camera>`), the
task string is the pandas index of `meta/tasks.parquet`, and each episode row carries its own
`stats/<feature>/<stat>` so LeRobot's episode tools (delete, split, merge) can re-aggregate stats.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, cast

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from labinfra.atomic import replace_atomically
from labinfra.lerobot import (
    ACTION_KEY,
    CODEBASE_VERSION,
    DATA_PATH,
    EPISODES_PATH,
    IMAGE_PREFIX,
    INFO_PATH,
    PROTOCOL_HASH_COLUMN,
    PROVENANCE_COLUMN,
    RANDOMIZATION_COLUMN,
    ROBOT_COLUMN,
    SEED_COLUMN,
    STATE_KEY,
    STATS_PATH,
    TASKS_PATH,
    VIDEO_PATH,
    WAIT_KEY,
    image_key,
)

QUANTILES = {"q01": 0.01, "q10": 0.10, "q50": 0.50, "q90": 0.90, "q99": 0.99}
VIDEO_CODEC = "libx264"
VIDEO_OPTIONS = {"crf": "12", "bf": "0", "preset": "veryfast"}


class EpisodeRecord(BaseModel):
    """One validated demonstration: per-frame arrays plus what is needed to regenerate it."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    images: dict[str, np.ndarray]  # camera -> uint8 [T, H, W, 3]
    state: np.ndarray  # float32 [T, S]: arm joints then gripper opening in [0, 1]
    action: np.ndarray  # float32 [T, A]: absolute arm joint targets then gripper command
    tasks: list[str]  # instruction of the current node, per frame
    node_ids: list[str]  # compiled-protocol node id, per frame
    # Simulated seconds the world was fast-forwarded after this frame's action (an idle wait), else 0;
    # None means no waits. Timestamps stay frame_index / fps (LeRobot checks that), so this column is
    # where an episode's real simulated duration lives.
    wait_s: np.ndarray | None = None
    robot: str
    seed: int = -1
    protocol_hash: str = ""
    randomization: dict[str, Any] = Field(default_factory=dict)
    provenance: dict[str, Any] = Field(
        default_factory=dict, description="Where the episode came from (protocol, slot, attempt, options)."
    )

    @model_validator(mode="after")
    def _lengths_agree(self) -> EpisodeRecord:
        n = len(self.state)
        if n == 0:
            raise ValueError("an episode needs at least one frame")
        for name, arr in [("action", self.action), *[(f"images[{k}]", v) for k, v in self.images.items()]]:
            if len(arr) != n:
                raise ValueError(f"{name} has {len(arr)} frames, state has {n}")
        if self.wait_s is not None and len(self.wait_s) != n:
            raise ValueError(f"wait_s has {len(self.wait_s)} entries, state has {n}")
        for name, seq in [("tasks", self.tasks), ("node_ids", self.node_ids)]:
            if len(seq) != n:
                raise ValueError(f"{name} has {len(seq)} entries, state has {n}")
        for key, arr in self.images.items():
            if arr.dtype != np.uint8 or arr.ndim != 4 or arr.shape[-1] != 3:
                raise ValueError(f"images[{key}] must be uint8 [T, H, W, 3], got {arr.dtype} {arr.shape}")
        return self


def wait_column(episode: EpisodeRecord) -> np.ndarray:
    n = len(episode.state)
    return np.zeros(n, np.float32) if episode.wait_s is None else np.asarray(episode.wait_s, np.float32)


def with_wait_column(table: Any) -> Any:
    """A data table written before waits were fast-forwarded has no `wait_s`: its frames skipped nothing."""
    import pyarrow as pa

    if WAIT_KEY in table.column_names:
        return table
    return table.append_column(WAIT_KEY, pa.array(np.zeros(table.num_rows, np.float32)))


def _write_json(path: Path, obj: object) -> None:
    replace_atomically(path, lambda p: p.write_text(json.dumps(obj, indent=2)))


def _write_parquet(path: Path, table: Any) -> None:
    import pyarrow.parquet as pq

    replace_atomically(path, lambda p: pq.write_table(table, p))


def episodes_table(rows: Sequence[dict[str, Any]]) -> Any:
    """The episodes table over the union of all rows' columns (missing cells null).

    `pa.Table.from_pylist` takes its columns from the first row only, so columns that later episodes add
    (per-episode stats on a dataset begun by an older labc) would silently be dropped.
    """
    import pyarrow as pa

    keys = list(dict.fromkeys(k for r in rows for k in r))
    return pa.Table.from_pydict({k: [r.get(k) for r in rows] for k in keys})


def tasks_table(tasks: Sequence[str]) -> Any:
    """`meta/tasks.parquet` with the task string as the pandas index.

    LeRobot reads the file with pandas and takes a frame's task as `tasks.iloc[task_index].name`, i.e. the
    index; a plain `task` column would make it return the row number. The pandas metadata is written by
    hand because pandas is not a dependency of the project; the index stays an ordinary `task` column for
    pyarrow readers.
    """
    import pyarrow as pa

    table = pa.table(
        {"task_index": pa.array(range(len(tasks)), pa.int64()), "task": pa.array(tasks, pa.string())}
    )
    pandas_meta = {
        "index_columns": ["task"],
        "column_indexes": [
            {
                "name": None,
                "field_name": None,
                "pandas_type": "unicode",
                "numpy_type": "object",
                "metadata": {"encoding": "UTF-8"},
            }
        ],
        "columns": [
            {
                "name": "task_index",
                "field_name": "task_index",
                "pandas_type": "int64",
                "numpy_type": "int64",
                "metadata": None,
            },
            {
                "name": "task",
                "field_name": "task",
                "pandas_type": "unicode",
                "numpy_type": "object",
                "metadata": None,
            },
        ],
        "attributes": {},
        "creator": {"library": "labc"},
        "pandas_version": "2.2.0",
    }
    return table.replace_schema_metadata({"pandas": json.dumps(pandas_meta)})


def feature_stats(values: np.ndarray) -> dict[str, list[float] | list[int]]:
    """Stats over all frames at once ([N, D]); quantiles of pooled frames, never of per-episode stats."""
    v = values.astype(np.float64).reshape(len(values), -1)
    stats: dict[str, list[float] | list[int]] = {
        "min": v.min(0).tolist(),
        "max": v.max(0).tolist(),
        "mean": v.mean(0).tolist(),
        "std": v.std(0).tolist(),
        "count": [len(v)],
    }
    for name, q in QUANTILES.items():
        stats[name] = np.quantile(v, q, axis=0).tolist()
    return stats


def histogram_stats(hist: np.ndarray, frames: int) -> dict[str, list]:
    """Exact per-channel stats of uint8 pixels (scaled to [0, 1]) from 256-bin histograms [3, 256]."""
    levels = np.arange(256) / 255.0
    total = hist.sum(1, keepdims=True).clip(min=1)
    mean = (hist * levels).sum(1) / total[:, 0]
    var = (hist * (levels - mean[:, None]) ** 2).sum(1) / total[:, 0]
    cdf = np.cumsum(hist, 1) / total

    def per_channel(x: np.ndarray) -> list:
        return [[[float(c)]] for c in x]  # LeRobot's image stats shape [3, 1, 1]

    stats: dict[str, list] = {
        "min": per_channel(levels[np.argmax(hist > 0, 1)]),
        "max": per_channel(levels[255 - np.argmax(hist[:, ::-1] > 0, 1)]),
        "mean": per_channel(mean),
        "std": per_channel(np.sqrt(var)),
        "count": [frames],
    }
    for name, q in QUANTILES.items():
        stats[name] = per_channel(levels[np.argmax(cdf >= q, 1)])
    return stats


class LeRobotV3Writer:
    """Appends episodes to a LeRobot v3.0 dataset at `root`, creating it or continuing an existing one."""

    def __init__(
        self,
        root: str | os.PathLike[str],
        *,
        fps: int,
        robot_type: str,
        cameras: dict[str, tuple[int, int]],
        state_names: Sequence[str],
        action_names: Sequence[str],
        chunks_size: int = 1000,
        data_files_size_in_mb: int = 100,
        video_files_size_in_mb: int = 200,
    ) -> None:
        self.root = Path(root)
        self.fps = fps
        self.robot_type = robot_type
        self.cameras = dict(cameras)
        self.state_names = list(state_names)
        self.action_names = list(action_names)
        self.chunks_size = chunks_size
        self.data_mb = data_files_size_in_mb
        self.video_mb = video_files_size_in_mb
        self._episodes: list[dict[str, Any]] = []
        self._tasks: list[str] = []
        self._load_committed()

    # ---- committed state -------------------------------------------------------------------------
    def _load_committed(self) -> None:
        import pyarrow.parquet as pq

        info_path = self.root / INFO_PATH
        if info_path.exists():
            info = json.loads(info_path.read_text())
            feats = info["features"]
            if info.get("codebase_version") != CODEBASE_VERSION:
                raise ValueError(f"{self.root}: codebase_version {info.get('codebase_version')}, need v3.0")
            if feats[STATE_KEY]["shape"] != [len(self.state_names)] or feats[ACTION_KEY]["shape"] != [
                len(self.action_names)
            ]:
                raise ValueError(f"{self.root}: state/action sizes differ from the existing dataset")
            self._check_cameras(feats)
        episodes_path = self.root / EPISODES_PATH
        if episodes_path.exists():
            self._episodes = pq.read_table(episodes_path).to_pylist()
            self._migrate_video_keys(episodes_path)
        tasks_path = self.root / TASKS_PATH
        tasks_indexed = True
        if tasks_path.exists():
            table = pq.read_table(tasks_path)
            rows = sorted(table.to_pylist(), key=lambda r: r["task_index"])
            self._tasks = [r["task"] for r in rows]
            tasks_indexed = b"pandas" in (table.schema.metadata or {})
        used = {t for ep in self._episodes for t in ep["tasks"]}
        while self._tasks and self._tasks[-1] not in used:  # written before a commit that never came
            self._tasks.pop()
        if not tasks_indexed:  # written before the LeRobot check: LeRobot would read row numbers as tasks
            self._write_tasks()
        if self._episodes and (
            not info_path.exists()
            or json.loads(info_path.read_text())["total_episodes"] != len(self._episodes)
        ):
            self._write_meta()

    def _check_cameras(self, feats: dict[str, Any]) -> None:
        """Appending with other cameras (or image sizes) than the dataset has would leave episodes without
        some videos, or videos the reader cannot index: refuse, saying what the dataset has."""
        prefix = IMAGE_PREFIX
        have = {
            k.removeprefix(prefix): tuple(v["shape"][:2]) for k, v in feats.items() if k.startswith(prefix)
        }
        want = {k: tuple(v) for k, v in self.cameras.items()}
        if have != want:

            def show(cams: dict[str, tuple[int, ...]]) -> str:
                return ", ".join(f"{c} {h}x{w}" for c, (h, w) in sorted(cams.items())) or "none"

            raise ValueError(
                f"{self.root}: the dataset has cameras {show(have)}, this run asks for {show(want)}; "
                "use the dataset's cameras and resolution, or write to another folder"
            )

    def _migrate_video_keys(self, episodes_path: Path) -> None:
        """Move a dataset written by labc before the LeRobot check to LeRobot's video naming.

        Older datasets keyed videos by the bare camera (`videos/front/...`), which LeRobot cannot find.
        Folders are renamed first, then the episodes file (the commit point) is rewritten; both steps are
        idempotent, so a crash in between is finished by the next open.
        """

        for cam in self.cameras:
            old, new = self.root / "videos" / cam, self.root / "videos" / image_key(cam)
            if old.is_dir() and not new.exists():
                os.replace(old, new)
        renames = {f"videos/{cam}/": f"videos/{image_key(cam)}/" for cam in self.cameras}
        if not any(k.startswith(tuple(renames)) for e in self._episodes for k in e):
            return
        self._episodes = [
            {
                next((k.replace(o, n, 1) for o, n in renames.items() if k.startswith(o)), k): v
                for k, v in e.items()
            }
            for e in self._episodes
        ]
        _write_parquet(episodes_path, episodes_table(self._episodes))

    @property
    def total_episodes(self) -> int:
        return len(self._episodes)

    @property
    def episodes(self) -> list[dict[str, Any]]:
        """Committed episode rows (copies): what resuming and replay read."""
        return [dict(e) for e in self._episodes]

    @property
    def total_frames(self) -> int:
        return self._episodes[-1]["dataset_to_index"] if self._episodes else 0

    # ---- appending -------------------------------------------------------------------------------
    def append(self, episode: EpisodeRecord) -> int:
        """Write one episode and commit it; returns its episode index."""
        self._check(episode)
        tasks_before = list(self._tasks)
        try:
            row = self._stage(episode)
            self._episodes.append(row)
            try:
                self._write_tasks()
                self._commit_episodes()
            except BaseException:
                self._episodes.pop()
                raise
        except BaseException:
            # A failed append leaves memory as a reopened writer would find the files: last commit.
            self._tasks = tasks_before
            raise
        self._write_meta()
        return row["episode_index"]

    def _stage(self, episode: EpisodeRecord) -> dict[str, Any]:
        """Write the episode's data and video past the committed end; returns its episodes row."""
        index = len(self._episodes)
        row: dict[str, Any] = {"episode_index": index, "length": len(episode.state)}
        row["tasks"] = list(dict.fromkeys(episode.tasks))
        for task in row["tasks"]:
            if task not in self._tasks:
                self._tasks.append(task)
        row.update(self._append_data(episode, index))
        n = len(episode.state)
        stats: dict[str, dict[str, list]] = {
            STATE_KEY: feature_stats(episode.state),
            ACTION_KEY: feature_stats(episode.action),
            "timestamp": feature_stats((np.arange(n, dtype=np.float32) / self.fps)[:, None]),
            "frame_index": feature_stats(np.arange(n)[:, None]),
            "episode_index": feature_stats(np.full((n, 1), index)),
            "index": feature_stats(np.arange(row["dataset_from_index"], row["dataset_to_index"])[:, None]),
            "task_index": feature_stats(np.array([self._tasks.index(t) for t in episode.tasks])[:, None]),
            WAIT_KEY: feature_stats(wait_column(episode)[:, None]),
        }
        for key in self.cameras:
            row.update(self._append_video(image_key(key), episode.images[key]))
            hist = np.stack(
                [np.bincount(episode.images[key][..., c].ravel(), minlength=256) for c in range(3)]
            )
            row[f"labc/image_hist/{key}"] = hist.ravel().tolist()
            stats[image_key(key)] = histogram_stats(hist, n)
        row.update({f"stats/{feat}/{name}": v for feat, st in stats.items() for name, v in st.items()})
        row.update({"meta/episodes/chunk_index": 0, "meta/episodes/file_index": 0})
        row.update(
            {
                SEED_COLUMN: int(episode.seed),
                ROBOT_COLUMN: episode.robot,
                PROTOCOL_HASH_COLUMN: episode.protocol_hash,
                RANDOMIZATION_COLUMN: json.dumps(episode.randomization, sort_keys=True),
                PROVENANCE_COLUMN: json.dumps(episode.provenance, sort_keys=True),
                # What the frames skipped: the episode lasted length / fps + wait_s simulated seconds.
                "labc/wait_s": float(wait_column(episode).sum()),
                "labc/wait_frames": int(np.count_nonzero(wait_column(episode))),
            }
        )
        return row

    def _check(self, ep: EpisodeRecord) -> None:
        if ep.state.shape[1:] != (len(self.state_names),) or ep.action.shape[1:] != (len(self.action_names),):
            raise ValueError(
                f"episode state/action {ep.state.shape[1:]}/{ep.action.shape[1:]} do not match the dataset's "
                f"({len(self.state_names)},)/({len(self.action_names)},)"
            )
        if set(ep.images) != set(self.cameras):
            raise ValueError(f"episode cameras {sorted(ep.images)} differ from {sorted(self.cameras)}")
        for key, (h, w) in self.cameras.items():
            if ep.images[key].shape[1:3] != (h, w):
                raise ValueError(
                    f"camera {key}: frames {ep.images[key].shape[1:3]}, dataset expects {(h, w)}"
                )

    def _next_file(
        self, prefix: str, size_mb: int, path_of: Callable[[int, int], Path]
    ) -> tuple[int, int, bool]:
        """(chunk, file, continue_existing) for the next episode: the last file until it is full."""
        if not self._episodes:
            return 0, 0, False
        last = self._episodes[-1]
        chunk, file = last[f"{prefix}/chunk_index"], last[f"{prefix}/file_index"]
        path = path_of(chunk, file)
        if path.exists() and path.stat().st_size < size_mb * 1024 * 1024:
            return chunk, file, True
        file += 1
        if file >= self.chunks_size:
            chunk, file = chunk + 1, 0
        return chunk, file, False

    def _append_data(self, ep: EpisodeRecord, index: int) -> dict[str, Any]:
        import pyarrow as pa
        import pyarrow.parquet as pq

        def path_of(c: int, f: int) -> Path:
            return self.root / DATA_PATH.format(chunk_index=c, file_index=f)

        chunk, file, cont = self._next_file("data", self.data_mb, path_of)
        start = self.total_frames
        n = len(ep.state)
        s, a = len(self.state_names), len(self.action_names)
        table = pa.table(
            {
                STATE_KEY: pa.FixedSizeListArray.from_arrays(ep.state.astype(np.float32).ravel(), s),
                ACTION_KEY: pa.FixedSizeListArray.from_arrays(ep.action.astype(np.float32).ravel(), a),
                "timestamp": pa.array(np.arange(n, dtype=np.float32) / self.fps),
                "frame_index": pa.array(np.arange(n, dtype=np.int64)),
                "episode_index": pa.array(np.full(n, index, dtype=np.int64)),
                "index": pa.array(np.arange(start, start + n, dtype=np.int64)),
                "task_index": pa.array(np.array([self._tasks.index(t) for t in ep.tasks], dtype=np.int64)),
                "node_id": pa.array(ep.node_ids, pa.string()),
                "robot": pa.array([ep.robot] * n, pa.string()),
                WAIT_KEY: pa.array(wait_column(ep)),
            }
        )
        path = path_of(chunk, file)
        if cont:
            old = with_wait_column(pq.read_table(path))
            old = old.filter(pa.compute.less(old["episode_index"], index))  # drop uncommitted leftovers
            table = pa.concat_tables([old, table.cast(old.schema)])
        _write_parquet(path, table)
        return {
            "data/chunk_index": chunk,
            "data/file_index": file,
            "dataset_from_index": start,
            "dataset_to_index": start + n,
        }

    def _append_video(self, key: str, frames: np.ndarray) -> dict[str, Any]:
        import av

        prefix = f"videos/{key}"

        def path_of(c: int, f: int) -> Path:
            return self.root / VIDEO_PATH.format(video_key=key, chunk_index=c, file_index=f)

        chunk, file, cont = self._next_file(prefix, self.video_mb, path_of)
        offset = self._episodes[-1][f"{prefix}/to_timestamp"] if cont else 0.0
        path = path_of(chunk, file)
        seg = path.parent / f".{path.name}.segment.mp4"
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._encode(seg, frames)
            if cont:
                with av.open(str(path)) as old, av.open(str(seg)) as new:
                    same = (
                        old.streams.video[0].codec_context.extradata
                        == new.streams.video[0].codec_context.extradata
                    )
                if not same:  # another encoder build: start a new file rather than splice mismatched streams
                    chunk, file, offset = chunk, file + 1, 0.0
                    path, cont = path_of(chunk, file), False
            if cont:
                replace_atomically(path, lambda p: self._splice(path, seg, offset, p))
            else:
                os.replace(seg, path)
        finally:
            seg.unlink(missing_ok=True)
        return {
            f"{prefix}/chunk_index": chunk,
            f"{prefix}/file_index": file,
            f"{prefix}/from_timestamp": offset,
            f"{prefix}/to_timestamp": offset + len(frames) / self.fps,
        }

    def _encode(self, path: Path, frames: np.ndarray) -> None:
        import av

        with av.open(str(path), "w", format="mp4") as out:
            stream = out.add_stream(VIDEO_CODEC, rate=self.fps, options=VIDEO_OPTIONS)
            assert isinstance(stream, av.VideoStream)  # a video codec gives a video stream
            stream.height, stream.width = frames.shape[1:3]
            stream.pix_fmt = "yuv420p"
            for i, img in enumerate(frames):
                frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(img), format="rgb24")
                frame.pts = i
                out.mux(stream.encode(frame))
            out.mux(stream.encode())

    @staticmethod
    def _splice(old_path: Path, seg_path: Path, offset_s: float, out_path: Path) -> None:
        """Copy the committed packets of `old_path`, then the segment's, shifted by `offset_s` (no re-encode)."""
        import av

        with (
            av.open(str(old_path)) as old,
            av.open(str(seg_path)) as seg,
            av.open(str(out_path), "w", format="mp4") as out,
        ):
            src = old.streams.video[0]
            dst = out.add_stream_from_template(src)
            for container, shift, limit in [(old, 0.0, offset_s), (seg, offset_s, None)]:
                stream = container.streams.video[0]
                time_base = stream.time_base
                assert time_base is not None  # every stream of an mp4 has one
                ticks = round(shift / time_base)
                for packet in container.demux(stream):
                    if packet.dts is None:
                        continue
                    assert packet.pts is not None  # the encoder stamps every packet it writes
                    if limit is not None and packet.pts * time_base >= limit - 1e-9:
                        continue  # packets of an episode that was never committed
                    packet.pts += ticks
                    packet.dts += ticks
                    packet.stream = dst
                    out.mux(packet)

    # ---- metadata --------------------------------------------------------------------------------
    def _commit_episodes(self) -> None:

        _write_parquet(self.root / EPISODES_PATH, episodes_table(self._episodes))

    def _write_tasks(self) -> None:
        _write_parquet(self.root / TASKS_PATH, tasks_table(self._tasks))

    def _write_meta(self) -> None:
        self._write_tasks()
        _write_json(self.root / STATS_PATH, self._stats())
        _write_json(self.root / INFO_PATH, self._info())

    def _stats(self) -> dict[str, Any]:
        import pyarrow as pa
        import pyarrow.parquet as pq

        files = sorted({(e["data/chunk_index"], e["data/file_index"]) for e in self._episodes})
        tables = [
            with_wait_column(pq.read_table(self.root / DATA_PATH.format(chunk_index=c, file_index=f)))
            for c, f in files
        ]
        data = pa.concat_tables(tables)
        data = data.filter(pa.compute.less(data["index"], self.total_frames))
        stats: dict[str, Any] = {}
        for name in [STATE_KEY, ACTION_KEY]:
            stats[name] = feature_stats(np.stack(data[name].to_numpy(zero_copy_only=False)))
        for name in ["timestamp", "frame_index", "episode_index", "index", "task_index", WAIT_KEY]:
            stats[name] = feature_stats(data[name].to_numpy()[:, None])
        for key in self.cameras:
            hist = cast(
                np.ndarray,
                sum(np.asarray(e[f"labc/image_hist/{key}"]).reshape(3, 256) for e in self._episodes),
            )
            stats[image_key(key)] = histogram_stats(hist, self.total_frames)
        return stats

    def _info(self) -> dict[str, Any]:
        features: dict[str, Any] = {}
        for key, (h, w) in self.cameras.items():
            features[image_key(key)] = {
                "dtype": "video",
                "shape": [h, w, 3],
                "names": ["height", "width", "channels"],
                "info": {
                    "video.height": h,
                    "video.width": w,
                    "video.codec": "h264",
                    "video.pix_fmt": "yuv420p",
                    "video.is_depth_map": False,
                    "video.fps": self.fps,
                    "video.channels": 3,
                    "has_audio": False,
                },
            }
        features[STATE_KEY] = {
            "dtype": "float32",
            "shape": [len(self.state_names)],
            "names": self.state_names,
        }
        features[ACTION_KEY] = {
            "dtype": "float32",
            "shape": [len(self.action_names)],
            "names": self.action_names,
        }
        features["timestamp"] = {"dtype": "float32", "shape": [1], "names": None}
        for name in ["frame_index", "episode_index", "index", "task_index"]:
            features[name] = {"dtype": "int64", "shape": [1], "names": None}
        for name in ["node_id", "robot"]:
            features[name] = {"dtype": "string", "shape": [1], "names": None}
        features[WAIT_KEY] = {
            "dtype": "float32",
            "shape": [1],
            "names": None,
            "info": {
                "description": "simulated seconds fast-forwarded after this frame (an idle wait, the arm "
                "holding this frame's action); 0 for ordinary frames. Timestamps do not include them: "
                "action chunks must not run across a frame with wait_s > 0 (labvla's reader stops there)."
            },
        }
        return {
            "codebase_version": CODEBASE_VERSION,
            "robot_type": self.robot_type,
            "fps": self.fps,
            "features": features,
            "total_episodes": self.total_episodes,
            "total_frames": self.total_frames,
            "total_tasks": len(self._tasks),
            "chunks_size": self.chunks_size,
            "data_files_size_in_mb": self.data_mb,
            "video_files_size_in_mb": self.video_mb,
            "data_path": DATA_PATH,
            "video_path": VIDEO_PATH,
            "splits": {"train": f"0:{self.total_episodes}"},
        }
