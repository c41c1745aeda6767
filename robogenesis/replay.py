"""Regenerate a stored episode from its metadata and compare it with what the dataset holds.

The episode row carries the attempt seed, the full `DomainSample` and the provenance (protocol file,
slot, cameras, resolution, experts). Replay recompiles the protocol, checks its hash against the one
recorded, rebuilds the scene from the stored sample (nothing is re-drawn) and rolls the expert again
with the same seed. State, action, task, node id and wait_s must match the dataset exactly; images are compared
against the stored video within the codec's loss.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict

from robogenesis.compose import load_compiled
from robogenesis.export.lerobot_v3 import EPISODES_PATH, EpisodeRecord
from robogenesis.randomize import DomainSample
from robogenesis.rollout import SlotJob, execute
from robogenesis.validate import Rejection

VIDEO_TOLERANCE = 8.0  # mean absolute pixel error that lossy h264 may add


class ReplayError(RuntimeError):
    pass


class ReplayResult(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)
    episode_index: int
    frames: int
    identical: bool
    mismatches: list[str]
    record: EpisodeRecord


def stored_row(root: Path, index: int) -> dict:
    import pyarrow.parquet as pq

    path = root / EPISODES_PATH
    if not path.exists():
        raise ReplayError(f"{root}: not a dataset (no {EPISODES_PATH})")
    rows = pq.read_table(path).to_pylist()
    if not 0 <= index < len(rows):
        raise ReplayError(f"{root}: no episode {index} (the dataset has {len(rows)})")
    return rows[index]


def regenerate(root: Path, index: int) -> EpisodeRecord:
    """Roll the episode again from its stored seed, sample and provenance."""
    row = stored_row(root, index)
    provenance = json.loads(row.get("labc/provenance") or "{}")
    if "source" not in provenance:
        raise ReplayError(f"{root}: episode {index} has no provenance to replay from")
    robot = row["labc/robot"]
    try:
        compiled = load_compiled(provenance["source"], robot)
    except ValueError as exc:
        raise ReplayError(str(exc)) from None
    if compiled.protocol.source_sha256 != row["labc/protocol_hash"]:
        raise ReplayError(
            f"{provenance['source']} changed since episode {index} was recorded (protocol hash differs)"
        )
    job = SlotJob(
        source=provenance["source"],
        compiled_json=compiled.to_json(),
        robot=robot,
        slot=provenance["slot"],
        seed=provenance["run_seed"],
        split=provenance["split"],
        cameras=provenance["cameras"],
        resolution=tuple(provenance["resolution"]),
        experts=provenance["experts"],
        dart_sigma_rad=provenance.get("dart_sigma_rad", 0.0),
    )
    sample = DomainSample.model_validate(json.loads(row["labc/randomization"]))
    try:
        outcome, _ = execute(job, sample, row["labc/seed"])
    except (ImportError, AttributeError) as exc:
        raise ReplayError(
            f"cannot load the experts {job.experts!r} the episode was made with: {exc}"
        ) from None
    if isinstance(outcome, Rejection):
        raise ReplayError(f"episode {index} did not validate on replay: {outcome.reason} ({outcome.detail})")
    return outcome.model_copy(update={"provenance": {**outcome.provenance, **provenance}})


def replay(root: Path, index: int) -> ReplayResult:
    """Regenerate episode `index` of the dataset at `root` and compare it frame by frame."""
    from labvla.data.lerobot import LeRobotDataset

    record = regenerate(root, index)
    ds = LeRobotDataset(root)
    start, stop = ds.episodes[index]["dataset_from_index"], ds.episodes[index]["dataset_to_index"]
    mismatches = []
    if stop - start != len(record.state):
        mismatches.append(f"length: stored {stop - start} frames, replay {len(record.state)}")
    else:
        for name, stored, fresh in [
            ("observation.state", ds.state[start:stop], record.state),
            ("action", ds.action[start:stop], record.action),
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
