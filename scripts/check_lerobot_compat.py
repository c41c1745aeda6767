"""Check that LeRobot's own `LeRobotDataset` reads a labc dataset the way labc's reader does.

labc cannot depend on LeRobot (LeRobot 0.4.4 pins torch<2.11, the project pins a newer torch), so the
claim "readable by LeRobot" is only tested here, with LeRobot installed in a separate environment:

    python3 -m venv /tmp/lerobot-venv
    /tmp/lerobot-venv/bin/pip install torch==2.9.1 torchvision==0.24.1 lerobot==0.4.4
    /tmp/lerobot-venv/bin/python scripts/check_lerobot_compat.py labc-out/data/franka

labc's reader (`labvla.data.lerobot`, which needs only numpy, pyarrow and av) is imported from this
checkout, so both readers run in the same process over the same files. Every frame is compared: state,
action, timestamp, indices, task string and decoded camera images (within codec tolerance; both sides
decode the same h264 stream, so differences come only from the RGB conversion). Action chunks with
`delta_timestamps`, as LeRobot policies train on them, are compared against labc's `action_chunk` (which
also ends a chunk at a fast-forwarded wait frame, where LeRobot's loader does not).
Prints one PASS/FAIL line per check and exits 1 if any check fails.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local folder: never let LeRobot reach for the Hub
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from labinfra.lerobot import IMAGE_PREFIX  # from the checkout, put on the path above


class Checker:
    """Runs named checks, prints each outcome, and remembers whether any failed."""

    def __init__(self) -> None:
        self.failed: list[str] = []

    def check(self, name: str, fn: Callable[[], str | None]) -> Any:
        """Run `fn`; an AssertionError or any exception is a failure, its return value a detail to print."""
        try:
            detail = fn()
        except Exception as exc:  # report every broken check, not only the first
            self.failed.append(name)
            msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            print(f"FAIL  {name}: {type(exc).__name__}: {msg[:300]}")
            if os.environ.get("CHECK_TRACEBACK"):
                traceback.print_exc()
            return None
        print(f"PASS  {name}" + (f" ({detail})" if detail else ""))
        return detail


def _close(a: Any, b: Any, what: str, atol: float = 0.0) -> None:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape or not np.allclose(a, b, rtol=0, atol=atol):
        diff = np.abs(a - b).max() if a.shape == b.shape else f"shapes {a.shape} vs {b.shape}"
        raise AssertionError(f"{what}: LeRobot and labc differ (max |diff| {diff})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="dataset folder (the one holding meta/info.json)")
    parser.add_argument("--repo-id", default="local/dataset", help="any name; nothing is downloaded")
    parser.add_argument("--video-backend", default="pyav", help="LeRobot decoder: pyav or torchcodec")
    parser.add_argument(
        "--pixel-tol", type=float, default=3.0, help="max |diff| per pixel in 0..255 between the two decodes"
    )
    parser.add_argument("--horizon", type=int, default=8, help="action chunk length for delta_timestamps")
    args = parser.parse_args(argv)
    root = args.root.resolve()

    import lerobot
    from lerobot.datasets.lerobot_dataset import LeRobotDataset, LeRobotDatasetMetadata

    from labvla.data.lerobot import LeRobotDataset as LabcDataset

    print(
        f"lerobot {getattr(lerobot, '__version__', '?')}, dataset {root}, video backend {args.video_backend}"
    )
    c = Checker()
    state: dict[str, Any] = {}

    def open_labc() -> str:
        state["labc"] = LabcDataset(root)
        return f"{len(state['labc'])} frames, cameras {state['labc'].cameras}"

    c.check("labc reader opens the dataset (the reference)", open_labc)
    if "labc" not in state:
        return 1
    labc = state["labc"]

    def load_meta() -> str:
        meta = LeRobotDatasetMetadata(args.repo_id, root=root)
        state["meta"] = meta
        return f"{meta.total_episodes} episodes, {meta.total_frames} frames, {meta.total_tasks} tasks"

    c.check("LeRobotDatasetMetadata loads info, stats, tasks, episodes", load_meta)
    meta = state.get("meta")

    def meta_matches() -> str:
        assert meta is not None, "metadata did not load"
        assert meta.total_episodes == len(meta.episodes) == len(labc.episodes), "episode counts"
        assert meta.total_frames == len(labc), f"total_frames {meta.total_frames} vs {len(labc)}"
        assert meta.fps == labc.fps, "fps"
        tasks = [str(t) for t in meta.tasks.sort_values("task_index").index]
        assert tasks == labc.tasks, f"task strings: LeRobot {tasks[:2]}... labc {labc.tasks[:2]}..."
        assert meta.total_tasks == len(tasks), "total_tasks"
        assert sorted(meta.video_keys) == sorted(IMAGE_PREFIX + k for k in labc.cameras), "video keys"
        for i in range(meta.total_episodes):
            e, ours = meta.episodes[i], labc.episodes[i]
            for key in ["episode_index", "length", "dataset_from_index", "dataset_to_index", "tasks"]:
                assert e[key] == ours[key], f"episode {i} {key}: {e[key]} vs {ours[key]}"
            for vk in meta.video_keys:
                path = root / meta.get_video_file_path(i, vk)
                assert path.exists(), f"episode {i}: LeRobot looks for {path}"
        return f"tasks {len(tasks)}, video keys {meta.video_keys}"

    c.check("metadata agrees with labc (counts, tasks, episodes, video files)", meta_matches)

    def stats_cover() -> str:
        assert meta is not None and meta.stats is not None, "meta/stats.json did not load"
        for key, ft in meta.features.items():
            if ft["dtype"] == "string":
                continue
            st = meta.stats.get(key)
            assert st is not None, f"no stats for {key}"
            want = (3, 1, 1) if ft["dtype"] in ("video", "image") else tuple(ft["shape"])
            for name in ["min", "max", "mean", "std"]:
                assert np.asarray(st[name]).shape == want, f"stats[{key}][{name}] shape"
        return f"{len(meta.stats)} features"

    c.check("stats.json has min/max/mean/std of LeRobot's shapes for every numeric feature", stats_cover)

    def load_ds() -> str:
        ds = LeRobotDataset(args.repo_id, root=root, video_backend=args.video_backend)
        state["ds"] = ds
        return f"{len(ds)} frames"

    c.check("LeRobotDataset opens offline", load_ds)
    ds = state.get("ds")

    def frames() -> str:
        assert ds is not None, "dataset did not open"
        assert len(ds) == len(labc), f"len {len(ds)} vs {len(labc)}"
        worst, mean_sum, n_img = 0.0, 0.0, 0
        for i in range(len(ds)):
            item = ds[i]
            _close(item["observation.state"], labc.state[i], f"frame {i} observation.state")
            _close(item["action"], labc.action[i], f"frame {i} action")
            for key, ref in [
                ("episode_index", labc.episode_index[i]),
                ("frame_index", labc.frame_index[i]),
                ("index", i),
                ("task_index", labc.task_index[i]),
            ]:
                assert int(item[key]) == int(ref), f"frame {i} {key}: {int(item[key])} vs {int(ref)}"
            # Timestamps are float32 in the parquet files (as LeRobot writes them): past ~64 s their
            # spacing exceeds 1e-6, so compare within LeRobot's own tolerance_s default (1e-4).
            _close(item["timestamp"], labc.frame_index[i] / labc.fps, f"frame {i} timestamp", atol=1e-4)
            assert item["task"] == labc.task(i), f"frame {i} task {item['task']!r} vs {labc.task(i)!r}"
            for cam, ref in labc.images(i).items():
                img = item[IMAGE_PREFIX + cam].numpy()  # float [3, H, W] in [0, 1]
                ours = ref.transpose(2, 0, 1).astype(np.float64)
                assert img.shape == ours.shape, f"frame {i} {cam}: shape {img.shape} vs {ours.shape}"
                diff = np.abs(img * 255.0 - ours)
                worst, mean_sum, n_img = (
                    max(worst, float(diff.max())),
                    mean_sum + float(diff.mean()),
                    n_img + 1,
                )
            if worst > args.pixel_tol:
                raise AssertionError(f"frame {i}: images differ by up to {worst:.1f}/255")
        return f"{len(ds)} frames, {n_img} images, pixel |diff| max {worst:.2f} mean {mean_sum / n_img:.3f}"

    c.check("every frame: state, action, timestamp, indices, task, images", frames)

    def chunks() -> str:
        h = args.horizon
        deltas = {"action": [k / labc.fps for k in range(h)]}
        for cam in labc.cameras:
            deltas[IMAGE_PREFIX + cam] = [-1 / labc.fps, 0.0]
        dsd = LeRobotDataset(
            args.repo_id, root=root, video_backend=args.video_backend, delta_timestamps=deltas
        )
        for i in range(len(dsd)):
            item = dsd[i]
            ref, pad = labc.action_chunk(i, h)
            got_pad = item["action_is_pad"].numpy().astype(bool)
            # labc ends a chunk at a wait frame (wait_s > 0: minutes pass before the next frame);
            # LeRobot's loader knows nothing of waits, so past that frame only labc pads.
            cut = pad & ~got_pad
            if cut.any():
                first = int(np.argmax(cut))
                assert first > 0 and labc.wait_s[i + first - 1] > 0, f"frame {i}: chunk cut without a wait"
            _close(item["action"].numpy()[~cut], ref[~cut], f"frame {i} action chunk")
            assert not (got_pad & ~pad).any(), f"frame {i} action_is_pad"
            lo, _ = labc.episode_bounds(int(labc.episode_index[i]))
            prev = labc.images(max(i - 1, lo))
            for cam in labc.cameras:
                got = item[IMAGE_PREFIX + cam].numpy()[0] * 255.0
                ours = prev[cam].transpose(2, 0, 1).astype(np.float64)
                if np.abs(got - ours).max() > args.pixel_tol:
                    raise AssertionError(f"frame {i} {cam}: previous frame differs")
        return f"horizon {h}, previous camera frame"

    c.check("delta_timestamps: action chunks + padding, previous frames clamp at episode start", chunks)

    print(f"{'FAILED: ' + ', '.join(c.failed) if c.failed else 'all checks passed'}")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
