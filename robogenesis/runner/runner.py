"""The runner: walk a compiled protocol's nodes in schedule order and let a policy perform each one,
under the monitors. Synthesis, `labc run`, `labc bench` and the gymnasium environment all use it.

An episode starts with the reset and the policy's optional `start(EpisodeContext)` hook. Per node try:
every monitor's `begin_node`, a first predicate check (time-based predicates such as wait start their
clock there), the policy's `reset` and optional `bind`; then the runner asks for chunks and steps
every action through the monitors into the simulator, or holds the command through an `Idle`. A node
ends when its predicate holds, when its budget of control steps (idle time included) runs out, or when
the policy is done and the predicate does not hold (held first while it may still come true, unless
`hold_when_done` is off). A failed node is retried up to `max_retries` times from wherever the world now
is (a real robot cannot reset the bench), then the episode stops.

Anything that could hurt ends the episode at once (`Stop`): a monitor's refusal, a policy that raises or
stalls, a simulator that diverges. No further action reaches the simulator after that.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from functools import partial
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from robogenesis.experts.base import Idle
from robogenesis.progress import NodeProgress
from robogenesis.runner.monitors import Monitor
from robogenesis.runner.options import RunOptions, node_budget
from robogenesis.runner.policy import Chunk, DirectCaller, EpisodeContext, PolicyCaller
from robogenesis.runner.stops import Stop, StopReason


class NodeResult(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    skill: str
    instruction: str
    success: bool
    time_s: float = Field(description="simulated seconds spent on the node, every attempt included")
    wall_s: float
    steps: int = Field(description="control steps the node took (actions sent, idle and held steps)")
    retries: int = Field(description="attempts after the first")
    reason: str = Field(description="ok, or why the last attempt failed")
    detail: str = ""


class EpisodeOutcome(BaseModel):
    model_config = ConfigDict(extra="forbid")
    nodes: list[NodeResult]
    completed: bool
    stop_reason: StopReason
    safe_stop: bool
    detail: str = ""
    node_id: str | None = Field(None, description="the node the episode stopped at")


def predicate_holds(env: Any, node: Any) -> bool:
    """The node's success predicate now; a simulator that cannot evaluate it stops the episode."""
    from labsim.errors import SimulationError

    try:
        return bool(env.check(node.predicate, node.args))
    except SimulationError as exc:
        raise Stop(StopReason.SIM_ERROR, f"{node.predicate}: {exc}", node.id) from None


def instability(exc: Any, node_id: str | None = None) -> Stop:
    """A simulator blow-up as a stop: `nan` when the state went non-finite, else `instability`."""
    reason = StopReason.NAN if "NaN" in exc.reason else StopReason.INSTABILITY
    return Stop(reason, str(exc), node_id)


def begin_attempt(env: Any, monitors: Sequence[Monitor], node: Any, options: RunOptions) -> int:
    """Start one try at a node; returns its budget in control steps."""
    for monitor in monitors:
        monitor.begin_node(node)
    predicate_holds(env, node)  # time-based predicates (wait) start their clock at the first check: now
    return node_budget(node.duration_s, env.robot.control_hz, options)


def send_action(
    env: Any,
    monitors: Sequence[Monitor],
    action: Any,
    render: bool = True,
    obs: Any = None,
    label: Any = None,
) -> Any:
    """One action through the monitors into the simulator; the observation after it."""
    from labsim.errors import NumericalInstability

    label = action if label is None else label
    for monitor in monitors:
        action = monitor.before_step(obs, label, action)
    try:
        after = env.step(action, render=render)
    except NumericalInstability as exc:
        raise instability(exc) from None
    for monitor in monitors:
        monitor.after_step(after)
    return after


class Runner:
    """Runs one compiled protocol's nodes in one environment with one policy and its monitors."""

    def __init__(
        self,
        env: Any,
        policy: Any,
        options: RunOptions,
        *,
        robot: str,
        seed: int,
        monitors: Sequence[Monitor] = (),
        protocol: str = "",
        progress: NodeProgress | None = None,
    ) -> None:
        self.env, self.policy, self.options = env, policy, options
        self.robot, self.seed, self.protocol = robot, seed, protocol
        self.monitors = list(monitors)
        self.renders = any(m.renders for m in self.monitors)
        self.progress = progress or NodeProgress(None)
        timeout = options.stall_timeout_s
        self.call: DirectCaller | PolicyCaller = DirectCaller() if timeout is None else PolicyCaller(timeout)
        self.obs: Any = None
        self.sent = 0  # control steps taken: actions sent, idle and held steps
        self.fresh = False  # self.obs is rendered and current
        self.node_id: str | None = None  # the node being performed

    def run(self, nodes: list[Any]) -> EpisodeOutcome:
        self.obs, self.fresh = self.env.reset(self.seed), True
        results: list[NodeResult] = []
        end: tuple[Stop, bool] | None = None  # what ended the episode, and whether it was a safe stop
        try:
            start = self._start(nodes)
            if start is not None:
                end = start, True
            for index, node in enumerate(nodes):
                if end is not None:
                    results.append(self._skipped(node, end[0] if not results else None))
                    continue
                result, stop = self._node(index, node)
                results.append(result)
                if stop is not None:
                    end = stop, True
                elif not result.success:
                    end = Stop(StopReason(result.reason), result.detail, node.id), False
            if end is None:
                try:
                    for monitor in self.monitors:
                        monitor.finish()
                except Stop as exc:
                    end = Stop(exc.reason, exc.detail, exc.node_id or self.node_id), True
        finally:
            self.call.close()
        if end is None:
            return EpisodeOutcome(nodes=results, completed=True, stop_reason=StopReason.OK, safe_stop=False)
        stop, safe = end
        return EpisodeOutcome(
            nodes=results,
            completed=False,
            stop_reason=stop.reason,
            safe_stop=safe,
            detail=stop.detail,
            node_id=stop.node_id,
        )

    def _start(self, nodes: list[Any]) -> Stop | None:
        start = getattr(self.policy, "start", None)
        if start is None or not nodes:
            return None
        context = EpisodeContext(protocol=self.protocol, robot=self.robot, seed=self.seed)
        try:
            self.call(lambda: start(context))
        except Stop as stop:  # nothing ran: every node is skipped, the first carries why
            return stop
        return None

    @staticmethod
    def _skipped(node: Any, why: Stop | None = None) -> NodeResult:
        return NodeResult(
            id=node.id,
            skill=node.skill,
            instruction=node.instruction,
            success=False,
            time_s=0.0,
            wall_s=0.0,
            steps=0,
            retries=0,
            reason=why.reason if why is not None else StopReason.NOT_RUN,
            detail=why.detail if why is not None else "",
        )

    def _node(self, index: int, node: Any) -> tuple[NodeResult, Stop | None]:
        """The node's result, and the stop that ended the episode during it (None: no stop)."""
        env = self.env
        self.node_id = node.id
        started_sim, started_wall, started_steps = env.time_s, time.perf_counter(), self.sent
        self.progress.start(node, started_sim)
        attempt, stop = 0, None
        reason, detail = StopReason.TIMEOUT, ""
        for attempt in range(self.options.max_retries + 1):
            try:
                reason, detail = self._attempt(index, node, attempt)
            except Stop as exc:
                stop = Stop(exc.reason, exc.detail, exc.node_id or node.id)
                reason, detail = stop.reason, stop.detail
                break
            if reason == StopReason.OK:
                break
        self.progress.end(env.time_s, "done" if reason == StopReason.OK else f"failed ({reason})")
        result = NodeResult(
            id=node.id,
            skill=node.skill,
            instruction=node.instruction,
            success=reason == StopReason.OK,
            time_s=env.time_s - started_sim,
            wall_s=time.perf_counter() - started_wall,
            steps=self.sent - started_steps,
            retries=attempt,
            reason=reason,
            detail=detail,
        )
        return result, stop

    def _attempt(self, index: int, node: Any, attempt: int) -> tuple[StopReason, str]:
        """One try at a node: OK or why it failed, and a detail."""
        policy, env = self.policy, self.env
        budget = begin_attempt(env, self.monitors, node, self.options)
        self.call(lambda: policy.reset(node.instruction, self.robot))
        bind = getattr(policy, "bind", None)
        if bind is not None:
            rng = np.random.default_rng([self.seed, index, attempt])
            self.call(lambda: bind(env, node, rng))
        if not self.fresh:  # the last step may have ended mid-chunk, unrendered
            self.obs, self.fresh = env.observe(), True
        patient = bool(getattr(policy, "reports_done", False))  # let it finish before judging
        started = self.sent
        while True:
            chunk = self.call(partial(policy.act, self.obs))
            if isinstance(chunk, Idle):
                if self.sent - started >= budget:
                    return StopReason.TIMEOUT, self._late(node, budget)
                self._idle(chunk.seconds)
                continue
            executed, labels = (chunk.executed, chunk.labels) if isinstance(chunk, Chunk) else (chunk, chunk)
            if len(executed) == 0:
                return self._done(node, budget - (self.sent - started))
            last = len(executed) - 1
            for i, action in enumerate(executed):
                if self.sent - started >= budget:
                    return StopReason.TIMEOUT, self._late(node, budget)
                render = self.renders or i == last
                self.obs = send_action(env, self.monitors, action, render, self.obs, labels[i])
                self.fresh = render
                self.sent += 1
                if not patient and predicate_holds(env, node):
                    return StopReason.OK, ""
            self.progress.tick(env.time_s)

    @staticmethod
    def _late(node: Any, budget: int) -> str:
        return f"{node.predicate} did not hold within {budget} control steps"

    def _idle(self, seconds: float) -> None:
        """Hold the command in force for `seconds` (the simulator fast-forwards a world at rest); the
        monitors see it as one action (the recorder keeps one frame standing for the interval)."""
        from labsim.errors import NumericalInstability

        env = self.env
        hold = np.asarray(env.command(), dtype=float)
        for monitor in self.monitors:
            hold = monitor.before_step(self.obs, hold, hold)
        try:
            waited = env.idle(seconds)
        except NumericalInstability as exc:
            raise instability(exc) from None
        for monitor in self.monitors:
            monitor.waited(waited)
        self._observe()
        self.sent += round(waited * env.robot.control_hz)
        self.progress.tick(env.time_s)

    def _observe(self) -> None:
        self.obs, self.fresh = self.env.observe(), True
        for monitor in self.monitors:
            monitor.after_step(self.obs)

    def _done(self, node: Any, steps_left: int) -> tuple[StopReason, str]:
        """The policy is done. Judge the predicate; with `hold_when_done`, first hold the last command
        while the predicate's clock runs, for at most the steps left (the simulator fast-forwards a
        world at rest, so a 30-minute wait costs about what a 10-second one does)."""
        from labsim.errors import NumericalInstability

        env = self.env
        if predicate_holds(env, node):
            return StopReason.OK, ""
        if self.options.hold_when_done and steps_left > 0:
            hz = env.robot.control_hz
            try:
                seconds = env.idle(steps_left / hz, until=lambda: predicate_holds(env, node))
            except NumericalInstability as exc:
                raise instability(exc) from None
            self.sent += round(seconds * hz)
            self._observe()
            if predicate_holds(env, node):
                return StopReason.OK, ""
        return StopReason.PREDICATE, f"the policy finished but {node.predicate} does not hold"
