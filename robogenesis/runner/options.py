"""How the runner treats one episode: retries, a node's time budget, the stall guard, the safety role.

`labc run` keeps the defaults; synthesis uses `RunOptions.synthesis()`: no retries (a demonstration is
one clean try), no hold after the expert is done (its trajectory ended: the predicate holds or the
attempt is rejected), the policy called in the runner's thread (an expert's exception is data for the
rejection report), and the safety monitor in its audit role (a demonstration it would clip or stop is
not exported, so a policy trained on the data never learns what deployment refuses).
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from robogenesis.runner.safety import SafetyAudit, SafetyLimits, SafetyMonitor


class RunOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    max_retries: int = Field(2, ge=0, description="attempts after the first before a node fails the run")
    time_factor: float = Field(3.0, gt=0.0, description="a node may take this many times its duration...")
    time_slack_s: float = Field(10.0, ge=0.0, description="...plus this")
    stall_timeout_s: float | None = Field(
        60.0, gt=0.0, description="longest wait for one act() call; None calls the policy directly"
    )
    hold_when_done: bool = Field(
        True, description="a policy that is done is held while the node's predicate may still come true"
    )
    safety: Literal["filter", "audit"] = Field(
        "filter",
        description="filter: clip small excesses and send the clipped action; audit: any clip stops "
        "the episode with the clip's reason",
    )
    limits: SafetyLimits = Field(default_factory=SafetyLimits)

    @classmethod
    def synthesis(cls) -> RunOptions:
        return cls(max_retries=0, stall_timeout_s=None, hold_when_done=False, safety="audit")

    def safety_monitor(self, env: Any) -> SafetyMonitor:
        """The deployment safety monitor for `env`, in this run's role."""
        kind = SafetyAudit if self.safety == "audit" else SafetyMonitor
        return kind(env, self.limits)


def node_budget(duration_s: float, control_hz: float, options: RunOptions) -> int:
    """Control steps a node may take (simulated time, idle waits included)."""
    return math.ceil((duration_s * options.time_factor + options.time_slack_s) * control_hz)
