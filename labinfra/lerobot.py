"""Names and paths of the LeRobot v3.0 dataset layout, as labc writes and reads it.

The writer (`robogenesis.export.lerobot_v3`), the reader (`labvla.data.lerobot`), the dataset lookups of
`labc train` and the validity floors, and the regeneration check all name the same files and columns;
spelling them once here keeps a rename (LeRobot has renamed video keys before) from splitting them.
"""

from __future__ import annotations

from pathlib import Path

CODEBASE_VERSION = "v3.0"
INFO_PATH = "meta/info.json"
STATS_PATH = "meta/stats.json"
TASKS_PATH = "meta/tasks.parquet"
EPISODES_PATH = "meta/episodes/chunk-000/file-000.parquet"
DATA_PATH = "data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet"
VIDEO_PATH = "videos/{video_key}/chunk-{chunk_index:03d}/file-{file_index:03d}.mp4"

# Per-frame features.
STATE_KEY = "observation.state"
ACTION_KEY = "action"
IMAGE_PREFIX = "observation.images."
WAIT_KEY = "wait_s"  # labc: simulated seconds fast-forwarded after the frame (an idle wait)

# labc's columns of the episodes table: what regenerates an episode.
SEED_COLUMN = "labc/seed"
ROBOT_COLUMN = "labc/robot"
PROTOCOL_HASH_COLUMN = "labc/protocol_hash"
RANDOMIZATION_COLUMN = "labc/randomization"
PROVENANCE_COLUMN = "labc/provenance"


def image_key(camera: str) -> str:
    """LeRobot names a camera's feature, video folder and episode columns `observation.images.<camera>`."""
    return IMAGE_PREFIX + camera


def is_dataset(root: Path) -> bool:
    return (root / INFO_PATH).is_file()


def dataset_roots(root: Path) -> list[Path]:
    """`root` itself when it is a dataset, else its sub-folders that are (one per robot, as
    `labc synthesize` writes them); empty when there are none."""
    if is_dataset(root):
        return [root]
    return sorted(p.parent.parent for p in root.glob(f"*/{INFO_PATH}"))
