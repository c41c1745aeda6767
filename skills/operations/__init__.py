"""Operations: statements that lower to several atomic skills (transport, transfer, heat, mix, put, take).

`lower(op, state)` returns atomic `SkillParams` in execution order; the compiler stamps each with
the statement's span and executes them symbolically. `LoweringError` means no lowering exists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from skills.operations.common import MAX_NODES, ExpansionError, LoweringError, OpArgs
from skills.operations.heat import HeatOp, lower_heat
from skills.operations.mix import MixOp, lower_mix
from skills.operations.put import PutOp, lower_put
from skills.operations.take import TakeOp, lower_take
from skills.operations.transfer import TransferOp, lower_transfer
from skills.operations.transport import TransportOp, lower_transport
from skills.registry import SkillParams
from skills.state import LabState

OperationParams = Annotated[
    TransportOp | TransferOp | HeatOp | MixOp | PutOp | TakeOp,
    Field(discriminator="op"),
]


class Operation(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    name: str
    params: type[OpArgs]
    lower: Callable[[Any, LabState], list[SkillParams]]
    summary: str


OPERATIONS: dict[str, Operation] = {
    op.name: op
    for op in (
        Operation(
            name="transport",
            params=TransportOp,
            lower=lower_transport,
            summary="Pick an object up and place it elsewhere.",
        ),
        Operation(
            name="transfer",
            params=TransferOp,
            lower=lower_transfer,
            summary="Pipette a volume from wells or vessels into others.",
        ),
        Operation(
            name="heat",
            params=HeatOp,
            lower=lower_heat,
            summary="Heat an object on or in a heater for a time.",
        ),
        Operation(
            name="mix",
            params=MixOp,
            lower=lower_mix,
            summary="Mix a container by stirring, a device, or shaking.",
        ),
        Operation(
            name="put", params=PutOp, lower=lower_put, summary="Open a device, place an object in, close it."
        ),
        Operation(
            name="take",
            params=TakeOp,
            lower=lower_take,
            summary="Open a device, take an object out, close it.",
        ),
    )
}


def lower(op: OperationParams, state: LabState) -> list[SkillParams]:
    """Atomic skills for one operation, in order, read against the state before it."""
    return OPERATIONS[op.op].lower(op, state)


__all__ = [
    "MAX_NODES",
    "OPERATIONS",
    "ExpansionError",
    "HeatOp",
    "LoweringError",
    "MixOp",
    "Operation",
    "OperationParams",
    "PutOp",
    "TakeOp",
    "TransferOp",
    "TransportOp",
    "lower",
    "lower_heat",
    "lower_mix",
    "lower_put",
    "lower_take",
    "lower_transfer",
    "lower_transport",
]
