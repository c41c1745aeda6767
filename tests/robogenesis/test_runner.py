"""The one episode runner: synthesis and `labc run` drive the same loop, under the same safety monitor
(which clips in deployment and rejects in synthesis), with the same `Idle` semantics and one
vocabulary of stop reasons."""

from __future__ import annotations

import ast

import pytest

from labc.runtime.episode import EpisodeSpec, run_episode
from robogenesis.rollout import run_slot
from robogenesis.runner.options import RunOptions
from robogenesis.runner.policy import ExpertPolicy
from robogenesis.runner.runner import Runner
from robogenesis.runner.stops import StopReason
from tests.conftest import ROOT
from tests.helpers import TINY
from tests.helpers.tiny_experts import PAUSE_STEPS
from tests.robogenesis.conftest import slot_job


def _run(protocol, experts: str):
    from robogenesis.compose import load_compiled

    policy = ExpertPolicy(f"{TINY}:{experts}")
    spec = EpisodeSpec(robot="franka", resolution=16)
    return run_episode(load_compiled(protocol, "franka"), policy, spec, RunOptions(max_retries=0))


def test_synthesis_and_labc_run_go_through_the_one_runner(hold_protocol, monkeypatch) -> None:
    calls: list[str] = []
    inner = Runner.run

    def counted(self, nodes):
        calls.append(type(self.policy).__name__)
        return inner(self, nodes)

    monkeypatch.setattr(Runner, "run", counted)
    assert run_slot(slot_job(hold_protocol, experts=f"{TINY}:get_expert")).episode is not None
    assert _run(hold_protocol, "get_expert").completed
    assert calls == ["ExpertPolicy", "ExpertPolicy"]


def test_a_demonstration_the_safety_monitor_would_clip_is_not_exported(hold_protocol) -> None:
    """One step at twice a joint's speed limit: `labc run` clips it and carries on; synthesis, where the
    same monitor audits, rejects the attempt with the clip's reason."""
    run = _run(hold_protocol, "broken_fast")
    assert run.completed and not run.safe_stop
    assert set(run.safety_counts) == {"joint_speed:clipped"}
    slot = run_slot(slot_job(hold_protocol, experts=f"{TINY}:broken_fast"))
    assert slot.episode is None
    [rejection] = slot.rejections
    assert (rejection.reason, rejection.node_id) == ("joint_speed", "n0001")
    assert "would clip" in rejection.detail


def test_an_expert_goes_on_after_an_idle_in_synthesis_and_in_labc_run(hold_protocol) -> None:
    """Steps, an `Idle` through the wait, steps again: both paths run all of it and take the same
    simulated time; synthesis records one frame standing for the idle interval."""
    slot = run_slot(slot_job(hold_protocol, experts=f"{TINY}:pause"))
    episode = slot.episode
    assert episode is not None
    per_node = 2 * PAUSE_STEPS + 1
    assert episode.node_ids == ["n0001"] * per_node + ["n0002"] * per_node
    idle = [0.0] * PAUSE_STEPS
    assert list(episode.wait_s) == pytest.approx([*idle, 1.0, *idle, *idle, 0.5, *idle])
    run = _run(hold_protocol, "pause")
    assert run.completed
    assert [n.steps for n in run.nodes] == [2 * PAUSE_STEPS + 20, 2 * PAUSE_STEPS + 10]  # 20 Hz
    assert run.sim_s == pytest.approx(slot.sim_s)


def test_stop_reasons_keep_the_strings_saved_results_hold() -> None:
    assert {r.value for r in StopReason} == {
        *("ok", "timeout", "predicate", "planning", "not_run", "policy_error", "stall", "instability"),
        *("sim_error", "nan", "bad_action", "joint_limits", "joint_speed", "exploding", "gripper"),
        *("workspace", "keep_out", "knocked_off", "spill", "scene", "empty", "error"),
    }


def test_no_module_spells_a_stop_reason_of_its_own() -> None:
    """A module-level constant whose value is a stop reason is a second vocabulary."""
    values = {r.value for r in StopReason}
    found = []
    for package in ("labc", "robogenesis", "labsim", "labvla"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if path.name == "stops.py":
                continue
            for node in ast.parse(path.read_text(encoding="utf-8")).body:
                if (
                    isinstance(node, ast.Assign)
                    and isinstance(node.value, ast.Constant)
                    and node.value.value in values
                ):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []


def test_an_expert_whose_plan_fails_before_moving_draws_another() -> None:
    """Near the edge of reach one random variation of a plan works and the next does not; before
    anything has moved the expert policy draws again, up to EXPERT_PLANS plans, then fails."""
    from types import SimpleNamespace

    import numpy as np

    from robogenesis.experts.base import PlanningError
    from robogenesis.runner.policy import EXPERT_PLANS
    from tests.helpers import tiny_experts

    env = SimpleNamespace(robot=SimpleNamespace(n_arm=2, home=[0.1, 0.2]))
    tiny_experts.UNLUCKY.clear()
    for fails in (EXPERT_PLANS - 1, EXPERT_PLANS):
        policy = ExpertPolicy(experts="tests.helpers.tiny_experts:unlucky")
        policy.reset("move", "tiny")
        policy.bind(env, SimpleNamespace(expert=f"unlucky-{fails}", args=None), np.random.default_rng(0))
        if fails < EXPERT_PLANS:
            assert np.allclose(policy.act(None), [[0.1, 0.2, 0.0]])
            assert len(policy.act(None)) == 0  # then done
        else:
            with pytest.raises(PlanningError):
                policy.act(None)
        assert tiny_experts.UNLUCKY[fails].plans == min(fails + 1, EXPERT_PLANS)
