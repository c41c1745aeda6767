"""transfer V from A[.wells] to B[.wells]: pipette V into every target well.

Lowering decides what a technician decides at the bench:
- which pipette: the named one, else the most precise declared pipette whose range covers V, else
  the largest one, with V split into equal trips no larger than its maximum;
- how sources pair with targets: one source to many targets, many sources into one target, or
  pairwise for equal counts (E2027 otherwise);
- tips: `once` = one fresh tip for the whole statement, `always` = a fresh tip per target well,
  `never` = keep whatever tip is on (none: aspirate reports E2013). Tips come from the pipette's
  declared rack, else from compatible racks in declaration order, moving on when one runs out;
- mixing: `mix_times` aspirate/dispense cycles in each target well, by default with half of V
  (kept within the pipette's range) so the tip stays above the dead volume.
The pipette is picked up first unless an arm already holds it, and put back where it was after.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field, PositiveFloat

from skills.aspirate import AspirateParams
from skills.codes import violation
from skills.dispense import DispenseParams
from skills.display import amount
from skills.drop_tip import DropTipParams
from skills.operations.common import MAX_NODES, ExpansionError, LoweringError, OpArgs, arm_for, borrow
from skills.pick_up_tip import PickUpTipParams
from skills.registry import SkillParams
from skills.state import LabState

TipPolicy = Literal["always", "once", "never"]


class TransferOp(OpArgs):
    op: Literal["transfer"] = "transfer"
    volume_ul: PositiveFloat
    source: str
    source_wells: list[str] | None = None
    target: str
    target_wells: list[str] | None = None
    mix_times: int = Field(default=0, ge=0)
    mix_volume_ul: PositiveFloat | None = None
    new_tip: TipPolicy = "once"
    pipette: str | None = None


def choose_pipette(state: LabState, volume_ul: float) -> str:
    """The declared pipette for `volume_ul` (see the module docstring); E2025 when none is declared."""
    ranges = {name: r for name in state.pipettes if (r := state.type_of(name).volume_range_ul) is not None}
    if not ranges:
        raise LoweringError(
            violation("E2025", f"no pipette is declared for a transfer of {amount(volume_ul)}")
        )
    fitting = [name for name, (low, high) in ranges.items() if low <= volume_ul <= high]
    if fitting:
        return min(fitting, key=lambda name: ranges[name][1])
    if volume_ul > max(high for _, high in ranges.values()):
        return max(ranges, key=lambda name: ranges[name][1])
    return min(ranges, key=lambda name: ranges[name][0])  # too small for all: aspirate reports E2004


def pair_wells(op: TransferOp) -> list[tuple[str | None, str | None]]:
    sources: list[str | None] = list(op.source_wells) if op.source_wells else [None]
    targets: list[str | None] = list(op.target_wells) if op.target_wells else [None]
    if len(sources) == 1:
        return [(sources[0], target) for target in targets]
    if len(targets) == 1:
        return [(source, targets[0]) for source in sources]
    if len(sources) == len(targets):
        return list(zip(sources, targets, strict=True))
    raise LoweringError(
        violation(
            "E2027",
            f"{len(sources)} source wells cannot pair with {len(targets)} target wells",
            subject=op.source,
        )
    )


class _TipSupply:
    """Hands out racks for successive tip pick-ups, moving to the next rack when one is empty."""

    def __init__(self, state: LabState, pipette: str) -> None:
        declared = state.pipettes[pipette].tips
        fits = state.type_of(pipette).tip_types
        racks = (
            [declared] if declared else [name for name in state.tipracks if state.objects[name].type in fits]
        )
        if not racks:
            raise LoweringError(violation("E2026", f"no tiprack is declared for {pipette}", subject=pipette))
        self.racks = racks
        self.free = {}
        for rack in racks:
            grid = state.type_of(rack).wells
            self.free[rack] = (
                len([w for w in grid.names() if w not in state.tipracks[rack].used]) if grid else 0
            )

    def next_rack(self) -> str:
        rack = next((r for r in self.racks if self.free[r] > 0), self.racks[-1])
        self.free[rack] -= 1
        return rack


def lower_transfer(op: TransferOp, state: LabState) -> list[SkillParams]:
    pairs = pair_wells(op)
    pipette = op.pipette or choose_pipette(state, op.volume_ul)
    if pipette not in state.pipettes:
        raise LoweringError(violation("E2010", f"{pipette} is not a pipette", subject=pipette))
    low, high = state.type_of(pipette).volume_range_ul or (op.volume_ul, op.volume_ul)
    trips = max(1, math.ceil(op.volume_ul / high - 1e-9))
    per_trip = op.volume_ul / trips
    steps = len(pairs) * 2 * (trips + op.mix_times)
    if steps > MAX_NODES:  # before building them: 1 L through a p20, 384 times, is 38 million
        raise ExpansionError(steps)
    mix_volume = op.mix_volume_ul or min(max(op.volume_ul / 2, low), high)
    arm = arm_for(state, pipette, op.arm)
    tips = _TipSupply(state, pipette) if op.new_tip != "never" else None

    body: list[SkillParams] = []
    if tips is not None and state.pipettes[pipette].tip is not None:
        body.append(DropTipParams(pipette=pipette, arm=arm))
    for index, (source_well, target_well) in enumerate(pairs):
        if tips is not None and (index == 0 or op.new_tip == "always"):
            if index > 0:
                body.append(DropTipParams(pipette=pipette, arm=arm))
            body.append(PickUpTipParams(pipette=pipette, rack=tips.next_rack(), arm=arm))
        for _ in range(trips):
            body.append(
                AspirateParams(
                    pipette=pipette, source=op.source, well=source_well, volume_ul=per_trip, arm=arm
                )
            )
            body.append(
                DispenseParams(
                    pipette=pipette, target=op.target, well=target_well, volume_ul=per_trip, arm=arm
                )
            )
        for _ in range(op.mix_times):
            body.append(
                AspirateParams(
                    pipette=pipette, source=op.target, well=target_well, volume_ul=mix_volume, arm=arm
                )
            )
            body.append(
                DispenseParams(
                    pipette=pipette, target=op.target, well=target_well, volume_ul=mix_volume, arm=arm
                )
            )
    if tips is not None:
        body.append(DropTipParams(pipette=pipette, arm=arm))
    return borrow(state, pipette, arm, body)
