"""What a run reports: one result per DAG node and the run's outcome, as a table and as JSON."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from robogenesis.runner.runner import NodeResult
from robogenesis.runner.safety import SafetyEvent


class RunResult(BaseModel):
    model_config = ConfigDict(extra="forbid")
    protocol: str
    source: str
    robot: str
    policy: str
    seed: int
    split: str
    completed: bool
    stop_reason: str = Field(description="ok, or the reason of the node that ended the run")
    safe_stop: bool = Field(description="the run was stopped by the monitor or a failing policy/simulator")
    nodes: list[NodeResult]
    safety: list[SafetyEvent] = Field(default_factory=list)
    safety_counts: dict[str, int] = Field(default_factory=dict)
    sim_s: float
    wall_s: float
    video: str | None = None

    def table(self) -> str:
        """A plain-text table: one row per node, then the outcome line."""
        head = ("node", "skill", "ok", "time_s", "retries", "reason", "instruction")
        rows = [
            (
                n.id,
                n.skill,
                "yes" if n.success else "no",
                f"{n.time_s:.1f}",
                str(n.retries),
                n.reason,
                n.instruction,
            )
            for n in self.nodes
        ]
        widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head) - 1)]
        lines = [
            "  ".join([*(c.ljust(w) for c, w in zip(r[:-1], widths, strict=True)), r[-1]]).rstrip()
            for r in [head, *rows]
        ]
        lines += [f"{n.id}: {n.reason}: {n.detail}" for n in self.nodes if n.detail]
        outcome = "completed" if self.completed else f"stopped: {self.stop_reason}"
        lines.append(
            f"{self.protocol} on {self.robot} with {self.policy} (seed {self.seed}, {self.split}): {outcome}; "
            f"{self.sim_s:.1f} s simulated in {self.wall_s:.1f} s"
        )
        clipped = {k: v for k, v in self.safety_counts.items() if k.endswith(":clipped")}
        if clipped:
            lines.append(
                "safety: " + ", ".join(f"{k.split(':')[0]} clipped x{v}" for k, v in sorted(clipped.items()))
            )
        stops = [e for e in self.safety if e.outcome == "stopped"]
        for event in stops:
            lines.append(f"safety stop at {event.node_id} step {event.step}: {event.kind}: {event.detail}")
        return "\n".join(lines)
