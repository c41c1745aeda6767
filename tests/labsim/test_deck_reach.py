"""Every deck site is within reach of every robot profile, checked with the IK the experts use.

Slots: the corner wells and the centre of an SBS plate in each slot, top-down just above the
labware (the gripper) and 25 cm above the bench (the tool holding a pipette over a tiprack). Device
sites: each device's handle and button, as the randomizer's reach check sees them, for the devices
the deck's note names for that site."""

from __future__ import annotations

import numpy as np
import pytest

from labdata.catalog import load_catalog
from labdata.deck import BENCH_TOP_Z, SLOTS
from labsim.scene_spec import LabwareSpec, SceneSpec
from tests.labsim.labsim_scenes import ROBOTS

PLATE = load_catalog().get("plate_96")
# Devices side by side in the four device sites; a second set for the other corner devices.
DEVICES = [
    [("drying_box", "bench/corner_left"), ("cabinet", "bench/corner_right")],
    [
        ("hotplate", "bench/side_left"),
        ("magnetic_stirrer", "bench/side_right"),
        ("centrifuge", "bench/corner_left"),
    ],
]
# The shaker's button is at its far front corner: in a corner site it is beyond the xArm7's reach.
SHAKER = [("shaker", "bench/corner_right")]


def _points() -> list[tuple[str, np.ndarray]]:
    wells = PLATE.wells
    assert wells is not None
    corners = [wells.offset(w) for w in ("A1", f"A{wells.cols}", "H1", f"H{wells.cols}")]
    height = PLATE.geometry.outer_size_m[2]
    points = []
    for slot in SLOTS:
        for dx, dy in [(0.0, 0.0), *corners]:
            for z in (height + 0.02, 0.25):
                points.append((slot.name, np.array([slot.x + dx, slot.y + dy, BENCH_TOP_Z + z])))
    return points


def _reaches(env, pos: np.ndarray) -> bool:
    from robogenesis.experts.grasp import natural_yaw, top_down
    from robogenesis.experts.motion import TRACK_TOL_DEG, TRACK_TOL_M, Pose

    home = np.asarray(env.robot.home, float)
    for rot in top_down(env, natural_yaw(env, pos)):
        result = env.ik.solve(pos, Pose(pos, rot).quat(), q_init=home, restarts=4)
        if result.pos_error_m <= TRACK_TOL_M and result.rot_error_deg <= TRACK_TOL_DEG:
            return True
    return False


@pytest.mark.parametrize("robot", ROBOTS)
def test_every_slot_and_device_site_is_within_reach(robot: str) -> None:
    from labsim.backend import get_backend
    from robogenesis.reach import ReachModel

    env = get_backend().build(SceneSpec(cameras=[]), robot)
    try:
        missed = [
            f"{name} at {np.round(pos, 3).tolist()}" for name, pos in _points() if not _reaches(env, pos)
        ]
    finally:
        env.close()
    assert not missed, missed
    for devices in [*DEVICES, *([SHAKER] if robot != "xarm7" else [])]:
        scene = SceneSpec(labware=[LabwareSpec(name=t, type=t, site=s) for t, s in devices], cameras=[])
        assert ReachModel(scene.model_dump_json(), robot).problem({}, {}) is None
