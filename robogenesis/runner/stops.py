"""Why an episode, a node or a synthesis attempt ended: one vocabulary for every path.

The values are the strings saved JSON results and dataset reports already hold ("timeout",
"predicate", "workspace", "knocked_off", ...), so old files keep their meaning. Synthesis reports
node-level reasons with the node's skill ("timeout:pick", "planning:pour") and unexpected errors with
the exception's type ("error:KeyError"); the part before the colon is always a `StopReason`.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class StopReason(StrEnum):
    OK = "ok"
    # a node's own outcome
    TIMEOUT = "timeout"  # the node's time ran out before its predicate held
    PREDICATE = "predicate"  # the policy finished, the node's predicate does not hold
    PLANNING = "planning"  # the expert could not plan a trajectory (synthesis)
    NOT_RUN = "not_run"  # an earlier node stopped the run
    # the policy or the simulator
    POLICY_ERROR = "policy_error"  # the policy raised
    STALL = "stall"  # the policy did not answer within the stall timeout
    INSTABILITY = "instability"  # the simulator diverged
    SIM_ERROR = "sim_error"  # the simulator cannot evaluate the node (a predicate it lacks)
    # the safety monitor (robogenesis.runner.safety); NAN and JOINT_LIMITS also the validator's
    NAN = "nan"
    BAD_ACTION = "bad_action"
    JOINT_LIMITS = "joint_limits"
    JOINT_SPEED = "joint_speed"
    EXPLODING = "exploding"
    GRIPPER = "gripper"
    WORKSPACE = "workspace"
    KEEP_OUT = "keep_out"
    # the validator (robogenesis.runner.monitors)
    KNOCKED_OFF = "knocked_off"
    SPILL = "spill"
    # a synthesis attempt that never ran an episode
    SCENE = "scene"  # the randomized scene cannot be built
    EMPTY = "empty"  # the expert produced no actions
    ERROR = "error"  # an unexpected exception (reported with its type)


NODE_LEVEL = frozenset({StopReason.TIMEOUT, StopReason.PREDICATE, StopReason.PLANNING})
# Reasons that are a safe stop in a run's result even when no monitor raised them.
SAFE_STOPS = frozenset(
    {StopReason.POLICY_ERROR, StopReason.STALL, StopReason.INSTABILITY, StopReason.SIM_ERROR}
)


class Stop(Exception):
    """Ends the episode: a monitor refused, the policy or the simulator failed. No further action
    reaches the simulator; the last accepted command stays in force."""

    def __init__(self, reason: StopReason, detail: str, node_id: str | None = None) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail, self.node_id = StopReason(reason), detail, node_id


class Rejection(BaseModel):
    """Why a synthesis attempt was not exported: what the final report counts."""

    model_config = ConfigDict(frozen=True)
    reason: str
    node_id: str | None = None
    detail: str = ""
