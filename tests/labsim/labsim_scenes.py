"""Scenes and robots shared by the labsim tests."""

from __future__ import annotations

from labsim.scene_spec import LabwareSpec, SceneSpec

ROBOTS = ["franka", "ur5", "xarm7"]

BENCH = SceneSpec(
    labware=[
        LabwareSpec(name="b1", type="beaker_250ml", site="bench/slot1", volume_ul=12000),
        LabwareSpec(name="b2", type="beaker_100ml", site="bench/slot3"),
        LabwareSpec(name="hp", type="hotplate", site="bench/right"),
        LabwareSpec(name="box", type="drying_box", site="bench/back"),
        LabwareSpec(name="rod", type="glass_rod", site="bench/side_left"),
        LabwareSpec(name="rack", type="tiprack_200ul", site="bench/rack"),
        LabwareSpec(name="pip", type="pipette_p200", site="bench/slot2"),
    ],
    cameras=[],
)
DRAWER = SceneSpec(labware=[LabwareSpec(name="cab", type="cabinet", site="bench/back")], cameras=[])
