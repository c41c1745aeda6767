"""A small example bench and one example call per skill and operation.

`labc skills` renders its example instructions from these, and the tests use them to check that
every template renders against a real state.
"""

from __future__ import annotations

from skills.aspirate import AspirateParams
from skills.close_door import CloseDoorParams
from skills.close_drawer import CloseDrawerParams
from skills.dispense import DispenseParams
from skills.drop_tip import DropTipParams
from skills.open_door import OpenDoorParams
from skills.open_drawer import OpenDrawerParams
from skills.operations import HeatOp, MixOp, OperationParams, PutOp, TakeOp, TransferOp, TransportOp
from skills.pick import PickParams
from skills.pick_up_tip import PickUpTipParams
from skills.place import PlaceParams
from skills.pour import PourParams
from skills.press_button import PressButtonParams
from skills.registry import SkillParams, skill_of
from skills.shake import ShakeParams
from skills.state import Declaration, LabState
from skills.stir import StirParams
from skills.wait import WaitParams

EXAMPLE_BENCH: list[Declaration] = [
    Declaration(name="tips", type="tiprack_200ul", location="bench/slot1"),
    Declaration(
        name="reservoir",
        type="reservoir_12",
        location="bench/slot2",
        contents={"A1": {"water": 10000.0}, "A2": {"sample": 2000.0}},
    ),
    Declaration(name="plate", type="plate_96", location="bench/slot3"),
    Declaration(
        name="beaker_1", type="beaker_250ml", location="bench/left", contents={None: {"water": 100000.0}}
    ),
    Declaration(name="beaker_2", type="beaker_250ml", location="bench/center"),
    Declaration(
        name="flask_1", type="flask_250ml", location="bench/back", contents={None: {"buffer": 80000.0}}
    ),
    Declaration(name="rod", type="glass_rod", location="bench/rack"),
    Declaration(name="pipette", type="pipette_p200", location="bench/stand", tips="tips"),
    Declaration(name="hotplate", type="hotplate", location="bench/right"),
    Declaration(name="drying_box", type="drying_box", location="bench/far_left"),
    Declaration(name="cabinet", type="cabinet", location="bench/under"),
]

# A run of the example bench in which every skill appears and every step is valid, so each example
# instruction is rendered against the state a real protocol would have at that point.
EXAMPLE_SEQUENCE: list[SkillParams] = [
    OpenDoorParams(device="drying_box"),
    CloseDoorParams(device="drying_box"),
    OpenDrawerParams(device="cabinet"),
    CloseDrawerParams(device="cabinet"),
    PickParams(object="beaker_1"),
    PourParams(source="beaker_1", target="beaker_2", volume_ul=20000.0),
    ShakeParams(object="beaker_1", duration_s=30.0),
    PlaceParams(object="beaker_1", target="hotplate", relation="on"),
    PressButtonParams(device="hotplate", setpoint_c=60.0),
    WaitParams(duration_s=300.0),
    PressButtonParams(device="hotplate"),
    PickParams(object="rod"),
    StirParams(container="beaker_2", rod="rod", duration_s=60.0),
    PlaceParams(object="rod", target="bench/rack", relation="at"),
    PickParams(object="pipette"),
    PickUpTipParams(pipette="pipette", rack="tips", well="A1"),
    AspirateParams(pipette="pipette", source="reservoir", well="A1", volume_ul=50.0),
    DispenseParams(pipette="pipette", target="plate", well="A2", volume_ul=50.0),
    DropTipParams(pipette="pipette"),
    PlaceParams(object="pipette", target="bench/stand", relation="at"),
]

EXAMPLE_OPERATIONS: dict[str, OperationParams] = {
    "transport": TransportOp(object="beaker_1", target="bench/center_left"),
    "transfer": TransferOp(
        volume_ul=50.0, source="reservoir", source_wells=["A1"], target="plate", target_wells=["A2", "A3"]
    ),
    "heat": HeatOp(object="beaker_1", heater="hotplate", temperature_c=60.0, duration_s=300.0),
    "mix": MixOp(container="beaker_1", times=3),
    "put": PutOp(object="beaker_2", device="drying_box"),
    "take": TakeOp(object="beaker_2", device="drying_box", target="bench/center"),
}


def example_state() -> LabState:
    return LabState.initial(EXAMPLE_BENCH)


def example_calls() -> dict[str, tuple[SkillParams, LabState]]:
    """Each skill's first call in EXAMPLE_SEQUENCE, with the state just before it."""
    from skills.execution import run_skill

    state = example_state()
    calls: dict[str, tuple[SkillParams, LabState]] = {}
    for params in EXAMPLE_SEQUENCE:
        calls.setdefault(skill_of(params).name, (params, state.copy()))
        run_skill(state, params)
    return calls
