"""Tiny synthetic LeRobot v3.0 datasets (two robots of different sizes) and models trained on them once."""

from __future__ import annotations

from pathlib import Path

import pytest

from labvla.data.synthetic import make_episode
from robogenesis.export.lerobot_v3 import EpisodeRecord, LeRobotV3Writer

CAMERAS = {"scene_left": (32, 32), "wrist": (32, 32)}
ROBOTS = {"franka": (7, [0, 1]), "ur5": (6, [2])}  # arm joints (+1 gripper), episode seeds
LENGTH = 12


def writer(root: Path, robot: str, arm: int) -> LeRobotV3Writer:
    names = [f"joint{i}" for i in range(arm)] + ["gripper"]
    return LeRobotV3Writer(
        root, fps=10, robot_type=robot, cameras=CAMERAS, state_names=names, action_names=names
    )


def record(seed: int, robot: str, arm: int, length: int = LENGTH) -> EpisodeRecord:
    ep = make_episode(seed, robot=robot, arm_joints=arm, length=length, cameras=tuple(CAMERAS))
    return EpisodeRecord(**ep.__dict__)


@pytest.fixture(scope="session")
def datasets(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("data")
    paths = []
    for robot, (arm, seeds) in ROBOTS.items():
        w = writer(root / robot, robot, arm)
        for seed in seeds:
            w.append(record(seed, robot, arm))
        paths.append(root / robot)
    return paths


@pytest.fixture(scope="session")
def stage1(datasets: list[Path], tmp_path_factory: pytest.TempPathFactory):
    from labvla.train import TrainOptions, train

    out = tmp_path_factory.mktemp("stage1")
    return train(
        TrainOptions(
            data=datasets, out=out, stage="fast", steps=150, batch=8, lr_backbone=3e-3, progress=False
        )
    )


@pytest.fixture(scope="session")
def stage2(datasets: list[Path], stage1, tmp_path_factory: pytest.TempPathFactory):
    from labvla.train import TrainOptions, train

    out = tmp_path_factory.mktemp("stage2")
    opts = TrainOptions(
        data=datasets,
        out=out,
        stage="flow",
        init=stage1.checkpoint,
        steps=12,
        batch=4,
        lr_backbone=1e-3,
        lr_expert=1e-3,
        save_every=6,
        progress=False,
    )
    return opts, train(opts)


@pytest.fixture(scope="session")
def young(datasets: list[Path], tmp_path_factory: pytest.TempPathFactory):
    """A stage-1 model after two steps: what a policy looks like early in training."""
    from labvla.train import TrainOptions, train

    out = tmp_path_factory.mktemp("young")
    return train(TrainOptions(data=datasets, out=out, stage="fast", steps=2, batch=2, progress=False))
