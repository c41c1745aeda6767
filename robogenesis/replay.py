"""Regenerate a stored episode from its metadata.

The episode row carries the attempt seed, the full `DomainSample` and the provenance (protocol file,
slot, cameras, resolution, experts). Replay recompiles the protocol, checks its hash against the one
recorded, rebuilds the scene from the stored sample (nothing is re-drawn) and rolls the expert again
with the same seed. Comparing the result with the stored frames needs a dataset reader, which lives in
labvla; `labc synthesize --replay` joins the two (labc.runtime.replay_check).
"""

from __future__ import annotations

import json
from pathlib import Path

from labinfra.lerobot import (
    EPISODES_PATH,
    PROTOCOL_HASH_COLUMN,
    PROVENANCE_COLUMN,
    RANDOMIZATION_COLUMN,
    ROBOT_COLUMN,
    SEED_COLUMN,
)
from robogenesis.compose import load_compiled
from robogenesis.export.lerobot_v3 import EpisodeRecord
from robogenesis.randomize import DomainSample
from robogenesis.rollout import SlotJob, execute
from robogenesis.runner.stops import Rejection


class ReplayError(RuntimeError):
    pass


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
    provenance = json.loads(row.get(PROVENANCE_COLUMN) or "{}")
    if "source" not in provenance:
        raise ReplayError(f"{root}: episode {index} has no provenance to replay from")
    robot = row[ROBOT_COLUMN]
    try:
        compiled = load_compiled(provenance["source"], robot)
    except ValueError as exc:
        raise ReplayError(str(exc)) from None
    if compiled.protocol.source_sha256 != row[PROTOCOL_HASH_COLUMN]:
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
    sample = DomainSample.model_validate(json.loads(row[RANDOMIZATION_COLUMN]))
    try:
        outcome, _ = execute(job, sample, row[SEED_COLUMN])
    except (ImportError, AttributeError) as exc:
        raise ReplayError(
            f"cannot load the experts {job.experts!r} the episode was made with: {exc}"
        ) from None
    if isinstance(outcome, Rejection):
        raise ReplayError(f"episode {index} did not validate on replay: {outcome.reason} ({outcome.detail})")
    return outcome.model_copy(update={"provenance": {**outcome.provenance, **provenance}})
