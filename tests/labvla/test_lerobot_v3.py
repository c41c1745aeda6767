from __future__ import annotations

import json

import numpy as np
import pyarrow.parquet as pq
import pytest

from labvla.data.lerobot import LeRobotDataset
from tests.labvla.conftest import CAMERAS, record, writer


def test_layout_and_metadata(datasets) -> None:
    root = datasets[0]
    info = json.loads((root / "meta/info.json").read_text())
    for key in [
        "codebase_version",
        "robot_type",
        "fps",
        "features",
        "total_episodes",
        "total_frames",
        "total_tasks",
        "chunks_size",
        "data_files_size_in_mb",
        "video_files_size_in_mb",
        "data_path",
        "video_path",
        "splits",
    ]:
        assert key in info
    assert info["codebase_version"] == "v3.0" and info["total_episodes"] == 2 and info["total_frames"] == 24
    assert info["features"]["observation.images.wrist"]["dtype"] == "video"
    assert info["features"]["observation.state"] == {
        "dtype": "float32",
        "shape": [8],
        "names": info["features"]["action"]["names"],
    }
    assert (root / "data/chunk-000/file-000.parquet").exists()  # both episodes share one file
    assert not (root / "data/chunk-000/file-001.parquet").exists()
    for cam in CAMERAS:
        assert (root / f"videos/observation.images.{cam}/chunk-000/file-000.mp4").exists()
    eps = pq.read_table(root / "meta/episodes/chunk-000/file-000.parquet").to_pylist()
    assert [e["labc/seed"] for e in eps] == [0, 1] and eps[1]["dataset_from_index"] == 12
    assert eps[1]["videos/observation.images.wrist/from_timestamp"] == pytest.approx(1.2)
    assert "close_at" in json.loads(eps[0]["labc/randomization"])
    assert pq.read_table(root / "meta/tasks.parquet").num_rows == info["total_tasks"]


def test_stats_pool_all_frames(datasets) -> None:
    ds = LeRobotDataset(datasets[0])
    for name, values in [("observation.state", ds.state), ("action", ds.action)]:
        st = ds.stats[name]
        for q, p in [("q01", 0.01), ("q50", 0.5), ("q99", 0.99)]:
            np.testing.assert_allclose(st[q], np.quantile(values.astype(np.float64), p, axis=0), rtol=1e-6)
        assert st["count"] == [24]
    assert len(ds.stats["observation.images.wrist"]["q99"]) == 3


def test_reader_returns_what_was_written(datasets) -> None:
    ds = LeRobotDataset(datasets[1])
    ref = record(2, "ur5", 6)
    np.testing.assert_array_equal(ds.state, ref.state)
    np.testing.assert_array_equal(ds.action, ref.action)
    assert ds.robots == ["ur5"] and ds.task(0) == ref.tasks[0] and ds.node_id[0] == ref.node_ids[0]
    for cam in CAMERAS:
        frames = ds.episode_images(cam, 0)
        assert frames.shape == ref.images[cam].shape
        assert np.abs(frames.astype(int) - ref.images[cam]).mean() < 8  # lossy h264, same content
    chunk, past_end = ds.action_chunk(10, 4)
    np.testing.assert_array_equal(chunk[:2], ref.action[10:12])
    np.testing.assert_array_equal(chunk[2:], ref.action[[11, 11]])
    assert past_end.tolist() == [False, False, True, True]


def test_frames_index_like_lerobots_dataset(datasets) -> None:
    """`ds[i]` has every feature the dataset declares (what LeRobot's `LeRobotDataset[i]` returns)."""
    ds = LeRobotDataset(datasets[0])
    ref = record(1, "franka", 7)
    frame = ds[13]  # the second episode's second frame
    info = json.loads((datasets[0] / "meta/info.json").read_text())
    assert set(info["features"]) | {"task"} <= set(frame)
    np.testing.assert_array_equal(frame["observation.state"], ref.state[1])
    np.testing.assert_array_equal(frame["action"], ref.action[1])
    assert (frame["episode_index"], frame["frame_index"], frame["index"]) == (1, 1, 13)
    assert frame["timestamp"] == pytest.approx(0.1) and frame["task"] == ref.tasks[1]
    wrist = frame["observation.images.wrist"]
    assert (
        wrist.shape == (3, 32, 32) and wrist.dtype == np.float32 and 0.0 <= wrist.min() <= wrist.max() <= 1.0
    )
    assert np.abs(wrist.transpose(1, 2, 0) * 255 - ref.images["wrist"][1]).mean() < 8
    assert ds[-1]["index"] == len(ds) - 1
    with pytest.raises(IndexError):
        ds[len(ds)]


def test_interrupted_append_leaves_consistent_dataset(tmp_path, monkeypatch) -> None:
    w = writer(tmp_path, "franka", 7)
    w.append(record(0, "franka", 7))

    def crash() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(w, "_commit_episodes", crash)
    with pytest.raises(KeyboardInterrupt):
        w.append(record(1, "franka", 7))  # data and video already rewritten, commit never happens
    ds = LeRobotDataset(tmp_path)
    assert len(ds) == 12 and len(ds.episodes) == 1
    again = writer(tmp_path, "franka", 7)
    assert again.total_episodes == 1
    again.append(record(5, "franka", 7))
    ds = LeRobotDataset(tmp_path)
    assert len(ds) == 24 and len(ds.episodes) == 2
    np.testing.assert_array_equal(ds.state[12:], record(5, "franka", 7).state)
    frames = ds.episode_images("wrist", 1)
    assert np.abs(frames.astype(int) - record(5, "franka", 7).images["wrist"]).mean() < 8
    assert json.loads((tmp_path / "meta/info.json").read_text())["total_frames"] == 24
    assert pq.read_table(tmp_path / "data/chunk-000/file-000.parquet").num_rows == 24


def test_mismatched_episode_is_rejected(tmp_path) -> None:
    w = writer(tmp_path, "franka", 7)
    with pytest.raises(ValueError, match="do not match"):
        w.append(record(0, "ur5", 6))
    with pytest.raises(ValueError, match="tasks has 11 entries"):
        rec = record(0, "franka", 7)
        rec.__class__(**{**rec.__dict__, "tasks": rec.tasks[:-1]})


def test_lerobot_reads_task_strings_from_the_pandas_index(datasets) -> None:
    """LeRobot takes a frame's task as `tasks.iloc[i].name`: the string must be the pandas index."""
    root = datasets[0]
    table = pq.read_table(root / "meta/tasks.parquet")
    pandas_meta = json.loads(table.schema.metadata[b"pandas"])
    assert pandas_meta["index_columns"] == ["task"] and table.column_names == ["task_index", "task"]
    assert LeRobotDataset(root).tasks == table["task"].to_pylist()


def test_episode_rows_carry_their_own_stats(datasets) -> None:
    """LeRobot's episode tools re-aggregate `stats/<feature>/<stat>` from the episode rows."""
    ds = LeRobotDataset(datasets[0])
    for e in ds.episodes:
        lo, hi = e["dataset_from_index"], e["dataset_to_index"]
        np.testing.assert_allclose(e["stats/action/mean"], ds.action[lo:hi].astype(np.float64).mean(0))
        assert e["stats/index/min"] == [lo] and e["stats/index/count"] == [hi - lo]
        assert np.asarray(e["stats/observation.images.wrist/mean"]).shape == (3, 1, 1)


def test_old_video_layout_is_migrated_on_reopen(tmp_path) -> None:
    """Datasets written before the LeRobot check keyed videos by the bare camera; reopening renames them."""
    import pyarrow as pa

    w = writer(tmp_path, "franka", 7)
    w.append(record(0, "franka", 7))
    path = tmp_path / "meta/episodes/chunk-000/file-000.parquet"
    rows = pq.read_table(path).to_pylist()
    pq.write_table(
        pa.Table.from_pylist(
            [
                {k.replace("observation.images.", ""): v for k, v in r.items() if not k.startswith("stats/")}
                for r in rows
            ]
        ),
        path,
    )
    tasks = tmp_path / "meta/tasks.parquet"
    pq.write_table(pq.read_table(tasks).replace_schema_metadata(None), tasks)  # plain columns, as before
    for cam in CAMERAS:
        (tmp_path / f"videos/observation.images.{cam}").rename(tmp_path / f"videos/{cam}")
    assert LeRobotDataset(tmp_path).episode_images("wrist", 0).shape[0] == 12  # reader accepts the old layout
    again = writer(tmp_path, "franka", 7)
    assert b"pandas" in pq.read_table(tasks).schema.metadata  # fixed on open, before any append
    again.append(record(1, "franka", 7))
    ds = LeRobotDataset(tmp_path)
    assert ds.episodes[1]["videos/observation.images.wrist/from_timestamp"] == pytest.approx(1.2)
    assert not (tmp_path / "videos/wrist").exists()
    assert ds.episodes[0]["stats/action/mean"] is None  # old rows have none; the new row keeps its own
    assert len(ds.episodes[1]["stats/action/mean"]) == 8
    assert (
        np.abs(ds.episode_images("wrist", 1).astype(int) - record(1, "franka", 7).images["wrist"]).mean() < 8
    )


def test_reader_takes_tasks_written_by_lerobot(tmp_path) -> None:
    """LeRobot's own writer leaves the task index unnamed (`__index_level_0__`); labc's reader follows it."""
    import pyarrow as pa

    w = writer(tmp_path, "franka", 7)
    w.append(record(0, "franka", 7))
    path = tmp_path / "meta/tasks.parquet"
    table = pq.read_table(path)
    meta = json.loads(table.schema.metadata[b"pandas"])
    meta["index_columns"] = ["__index_level_0__"]
    renamed = pa.table({"task_index": table["task_index"], "__index_level_0__": table["task"]})
    pq.write_table(renamed.replace_schema_metadata({"pandas": json.dumps(meta)}), path)
    assert LeRobotDataset(tmp_path).tasks == table["task"].to_pylist()


def test_frame_cache_holds_whole_episodes_of_every_camera(datasets) -> None:
    """`cache_episodes` counts episodes; with several cameras each episode must still be decoded once."""
    ds = LeRobotDataset(datasets[0], cache_episodes=2)
    assert len(ds.cameras) == 2 and len(ds.episodes) == 2
    for _ in range(2):
        for i in range(len(ds)):
            ds.images(i)
    assert ds._episode_frames.cache_info().misses == len(ds.cameras) * len(ds.episodes)


def test_frame_cache_holds_every_episode_that_fits_the_memory_budget(datasets, monkeypatch) -> None:
    """Random frames from a dataset larger than the cache would decode a video per frame."""
    import labvla.data.lerobot as lerobot

    ds = LeRobotDataset(datasets[0])
    assert ds._episode_frames.cache_info().maxsize == len(ds.cameras) * len(ds.episodes)
    frame = sum(int(np.prod(ds.images(0)[cam].shape)) for cam in ds.cameras)
    monkeypatch.setattr(lerobot, "CACHE_BYTES", frame * len(ds) // len(ds.episodes))  # one episode
    assert LeRobotDataset(datasets[0])._episode_frames.cache_info().maxsize == len(ds.cameras)
