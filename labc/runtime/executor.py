"""The executor: walk a compiled protocol's DAG in schedule order and let a policy perform each node.

An episode starts with the policy's optional `start(EpisodeContext)` hook (protocol, robot, seed),
for policies that choose something per episode (the replay floor picks its recorded episode). Per
node: the policy gets the node's instruction (`reset`), and the extension hook `bind` if it has one;
then the executor asks for action chunks, passes every action through the safety monitor, steps the
simulator, and checks the node's success predicate after each step (for a policy that `reports_done`,
after it is done). A node ends when the predicate holds (success) or its time runs out; a policy that
declares itself done (empty chunk) is held in place while the clock runs, so time-based predicates
(wait) can still come true; the simulator fast-forwards that hold once the world is at rest. A failed node is retried up
to `max_retries` times from wherever the world now is (a real robot cannot reset the bench), then the
run stops.

Anything that could hurt ends the run in a safe stop: the monitor's refusals, a policy that raises or
does not answer within the stall timeout, a simulator that diverges. No further action reaches the
simulator after a safe stop; the last accepted command stays in force (the servos hold).
"""

from __future__ import annotations

import math
import queue
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from labc.runtime.results import (
    INSTABILITY,
    NOT_DONE,
    NOT_RUN,
    OK,
    POLICY_ERROR,
    SIM_ERROR,
    STALL,
    TIMEOUT,
    NodeResult,
)
from labc.runtime.safety import SafetyLimits, SafetyMonitor, SafetyStop
from robogenesis.progress import NodeProgress

Frame = Callable[[Any, str], None]  # (observation, instruction) -> None: the video recorder's hook


class RunOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    max_retries: int = Field(2, ge=0, description="attempts after the first before a node fails the run")
    time_factor: float = Field(3.0, gt=0.0, description="a node may take this many times its duration...")
    time_slack_s: float = Field(10.0, ge=0.0, description="...plus this")
    stall_timeout_s: float = Field(60.0, gt=0.0, description="longest wait for one act() call")
    limits: SafetyLimits = Field(default_factory=SafetyLimits)


class EpisodeContext(BaseModel):
    """What a policy's optional `start` hook learns when an episode begins (after the reset)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    protocol: str = Field(description="the compiled protocol's name")
    robot: str
    seed: int


class _Stop(Exception):
    """Ends the run in a safe stop with a reason (policy or simulator); the monitor raises SafetyStop."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail = reason, detail


class PolicyCaller:
    """Calls the policy on a daemon thread so a policy that hangs cannot hang the run.

    After a stall the worker is abandoned (it is a daemon: it never blocks interpreter exit) and the
    caller refuses further calls; the run has stopped anyway."""

    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self._jobs: queue.Queue[Callable[[], Any] | None] = queue.Queue()
        self._results: queue.Queue[tuple[bool, Any]] = queue.Queue()
        self._broken = False
        threading.Thread(target=self._serve, daemon=True, name="labc-policy").start()

    def _serve(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            try:
                self._results.put((True, job()))
            except BaseException as exc:  # the policy's failure is data for the executor
                self._results.put((False, exc))

    def close(self) -> None:
        """Let the worker thread end (after its current call, if it is stalled in one)."""
        self._jobs.put(None)

    def __call__(self, fn: Callable[[], Any]) -> Any:
        if self._broken:
            raise _Stop(STALL, "the policy is still busy with an earlier call")
        self._jobs.put(fn)
        try:
            ok, value = self._results.get(timeout=self.timeout_s)
        except queue.Empty:
            self._broken = True
            raise _Stop(STALL, f"the policy did not answer within {self.timeout_s:g} s") from None
        if not ok:
            raise _Stop(POLICY_ERROR, f"{type(value).__name__}: {value}")
        return value


def node_budget(duration_s: float, control_hz: float, options: RunOptions) -> int:
    return math.ceil((duration_s * options.time_factor + options.time_slack_s) * control_hz)


# The pieces of one node attempt, shared by the Executor (which drives a policy) and the gymnasium
# environments (where the caller drives): the same monitor, budgets, predicate checks and stop reasons.
STOPS = (SafetyStop, _Stop)  # what ends a run in a safe stop


def stopped(stop: SafetyStop | _Stop) -> tuple[str, str]:
    """(reason, detail) of a safe stop, in the one StopReason vocabulary."""
    if isinstance(stop, SafetyStop):
        return stop.event.kind, stop.event.detail
    return stop.reason, stop.detail


def predicate_holds(env: Any, node: Any) -> bool:
    """The node's success predicate now; a simulator that cannot evaluate it stops the run."""
    from labsim.errors import SimulationError

    try:
        return bool(env.check(node.predicate, node.args))
    except SimulationError as exc:
        raise _Stop(SIM_ERROR, f"{node.predicate}: {exc}") from None


def begin_attempt(env: Any, monitor: SafetyMonitor, node: Any, options: RunOptions) -> int:
    """Start one try at a node; returns its budget in control steps."""
    monitor.node_id = node.id
    monitor.sync()
    predicate_holds(env, node)  # time-based predicates (wait) start their clock at the first check: now
    return node_budget(node.duration_s, env.robot.control_hz, options)


def send_action(env: Any, monitor: SafetyMonitor, action: Any, render: bool = True) -> Any:
    """One action through the monitor into the simulator; the observation after it."""
    from labsim.errors import NumericalInstability

    safe = monitor.filter(action)
    try:
        return env.step(safe, render=render)
    except NumericalInstability as exc:
        raise _Stop(INSTABILITY, str(exc)) from None


class EpisodeOutcome(BaseModel):
    model_config = ConfigDict(extra="forbid")
    nodes: list[NodeResult]
    completed: bool
    stop_reason: str
    safe_stop: bool


class Executor:
    """Runs one compiled protocol in one environment with one policy."""

    def __init__(
        self,
        env: Any,
        policy: Any,
        robot: str,
        seed: int,
        options: RunOptions,
        on_frame: Frame | None = None,
        protocol: str = "",
        on_progress: Callable[[str], None] | None = None,
    ) -> None:
        self.env, self.policy, self.robot, self.seed = env, policy, robot, seed
        self.protocol = protocol
        self.options = options
        self.monitor = SafetyMonitor(env, options.limits)
        self.call = PolicyCaller(options.stall_timeout_s)
        self.on_frame = on_frame
        self.progress = NodeProgress(on_progress)
        self.obs: Any = None
        self.sent = 0  # actions that reached the simulator

    def run(self, nodes: list[Any]) -> EpisodeOutcome:
        self.obs = self.env.reset(self.seed)
        self.monitor.sync()
        results: list[NodeResult] = []
        stop_reason, safe_stop = OK, False
        try:
            start = getattr(self.policy, "start", None)
            if start is not None and nodes:
                context = EpisodeContext(protocol=self.protocol, robot=self.robot, seed=self.seed)
                try:
                    self.call(lambda: start(context))
                except _Stop as stop:  # nothing ran: every node is skipped, the first carries why
                    first = self._skipped(nodes[0]).model_copy(
                        update={"reason": stop.reason, "detail": stop.detail}
                    )
                    rest = [self._skipped(n) for n in nodes[1:]]
                    return EpisodeOutcome(
                        nodes=[first, *rest], completed=False, stop_reason=stop.reason, safe_stop=True
                    )
            for index, node in enumerate(nodes):
                if stop_reason != OK:
                    results.append(self._skipped(node))
                    continue
                result, safe_stop = self._node(index, node)
                results.append(result)
                if not result.success:
                    stop_reason = result.reason
        finally:
            self.call.close()
        return EpisodeOutcome(
            nodes=results, completed=stop_reason == OK, stop_reason=stop_reason, safe_stop=safe_stop
        )

    @staticmethod
    def _skipped(node: Any) -> NodeResult:
        return NodeResult(
            id=node.id,
            skill=node.skill,
            instruction=node.instruction,
            success=False,
            time_s=0.0,
            wall_s=0.0,
            steps=0,
            retries=0,
            reason=NOT_RUN,
        )

    def _node(self, index: int, node: Any) -> tuple[NodeResult, bool]:
        """(result, whether the run ended in a safe stop)."""
        started_sim, started_wall, started_steps = self.env.time_s, time.perf_counter(), self.sent
        self.progress.start(node, started_sim)
        attempt = 0
        reason, detail, safe = TIMEOUT, "", False
        for attempt in range(self.options.max_retries + 1):
            try:
                ok, reason, detail = self._attempt(index, node, attempt)
            except STOPS as stop:
                (reason, detail), safe = stopped(stop), True
                break
            if ok:
                reason, detail = OK, ""
                break
        self.progress.end(self.env.time_s, "done" if reason == OK else f"failed ({reason})")
        result = NodeResult(
            id=node.id,
            skill=node.skill,
            instruction=node.instruction,
            success=reason == OK,
            time_s=self.env.time_s - started_sim,
            wall_s=time.perf_counter() - started_wall,
            steps=self.sent - started_steps,
            retries=attempt,
            reason=reason,
            detail=detail,
        )
        return result, safe

    def _attempt(self, index: int, node: Any, attempt: int) -> tuple[bool, str, str]:
        """One try at a node: (success, reason, detail)."""
        policy, env = self.policy, self.env
        budget = begin_attempt(env, self.monitor, node, self.options)
        self.call(lambda: policy.reset(node.instruction, self.robot))
        bind = getattr(policy, "bind", None)
        if bind is not None:
            rng = np.random.default_rng([self.seed, index, attempt])
            self.call(lambda: bind(env, node, rng))
        sent, done = 0, False
        patient = bool(getattr(policy, "reports_done", False))  # let it finish before judging
        self.obs = env.observe()  # the last step may have ended mid-chunk, unrendered
        while sent < budget:
            if done:
                return self._hold(node, budget - sent)
            obs = self.obs
            chunk = self.call(partial(policy.act, obs))
            if len(chunk) == 0:
                done = True
                if predicate_holds(env, node):
                    return True, OK, ""
                continue
            last = len(chunk) - 1
            for i, action in enumerate(chunk):
                self.obs = send_action(env, self.monitor, action, i == last or self.on_frame is not None)
                sent += 1
                self.sent += 1
                if self.on_frame is not None:
                    self.on_frame(self.obs, node.instruction)
                if not patient and predicate_holds(env, node):
                    return True, OK, ""
                if sent >= budget:
                    break
            self.progress.tick(env.time_s)
        if done:
            return False, NOT_DONE, f"the policy finished but {node.predicate} does not hold"
        return False, TIMEOUT, f"{node.predicate} did not hold within {budget} control steps"

    def _hold(self, node: Any, steps: int) -> tuple[bool, str, str]:
        """The policy is done: hold the last command while the predicate's clock runs, for at most
        `steps` control steps. The simulator fast-forwards a world at rest (`Env.idle`), so a
        30-minute wait costs about what a 10-second one does; the predicate is asked every step."""
        from labsim.errors import NumericalInstability

        env = self.env
        hz = env.robot.control_hz
        try:
            seconds = env.idle(steps / hz, until=lambda: predicate_holds(env, node))
        except NumericalInstability as exc:
            raise _Stop(INSTABILITY, str(exc)) from None
        held = round(seconds * hz)
        self.sent += held
        self.obs = env.observe()
        if self.on_frame is not None:
            self.on_frame(self.obs, node.instruction)
        if predicate_holds(env, node):
            return True, OK, ""
        return False, NOT_DONE, f"the policy finished but {node.predicate} does not hold"
