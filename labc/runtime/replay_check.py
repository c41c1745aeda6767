"""Regenerate a stored episode and compare it frame by frame with what the dataset holds.

RoboGenesis regenerates the episode (robogenesis.replay) and LabVLA's reader reads the stored one; the
two packages may not import each other, so the comparison lives here, above both. State, action, task,
node id and wait_s must match exactly; images are compared against the stored video within the codec's
loss.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict

from labinfra.lerobot import ACTION_KEY, STATE_KEY
from labvla.data.lerobot import LeRobotDataset
from robogenesis.export.lerobot_v3 import EpisodeRecord
from robogenesis.replay import regenerate

VIDEO_TOLERANCE = 8.0  # mean absolute pixel error that lossy h264 may add


class ReplayResult(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)
    episode_index: int
    frames: int
    identical: bool
    mismatches: list[str]
    record: EpisodeRecord


def replay(root: Path, index: int) -> ReplayResult:
    """Regenerate episode `index` of the dataset at `root` and compare it frame by frame."""
    record = regenerate(root, index)
    ds = LeRobotDataset(root)
    start, stop = ds.episodes[index]["dataset_from_index"], ds.episodes[index]["dataset_to_index"]
    mismatches = []
    if stop - start != len(record.state):
        mismatches.append(f"length: stored {stop - start} frames, replay {len(record.state)}")
    else:
        for name, stored, fresh in [
            (STATE_KEY, ds.state[start:stop], record.state),
            (ACTION_KEY, ds.action[start:stop], record.action),
        ]:
            diff = np.flatnonzero(np.any(stored != fresh, axis=1))
            if diff.size:
                mismatches.append(f"{name} differs first at frame {int(diff[0])}")
        tasks = [ds.task(i) for i in range(start, stop)]
        if tasks != record.tasks:
            mismatches.append("task differs")
        if list(ds.node_id[start:stop]) != record.node_ids:
            mismatches.append("node_id differs")
        fresh_wait = np.zeros(stop - start) if record.wait_s is None else record.wait_s
        if np.any(ds.wait_s[start:stop] != fresh_wait):
            mismatches.append("wait_s differs")
        for cam, frames in record.images.items():
            stored_frames = ds.episode_images(cam, index)
            err = float(np.abs(stored_frames.astype(int) - frames).mean())
            if err > VIDEO_TOLERANCE:
                mismatches.append(f"{cam} video differs (mean abs error {err:.1f})")
    return ReplayResult(
        episode_index=index,
        frames=len(record.state),
        identical=not mismatches,
        mismatches=mismatches,
        record=record,
    )
