"""The runner's walk over the DAG in `labc run`: order, time budgets, retries, and policies that declare themselves done."""

from __future__ import annotations

import numpy as np
import pytest

from labc.runtime.episode import EpisodeSpec, run_episode
from robogenesis.runner.options import RunOptions, node_budget
from tests.helpers.protocols import HOLD_PROTOCOL
from tests.labc.runtime import policies


class DonePolicy(policies._Base):
    """Has nothing to do: answers every instruction with an empty chunk."""

    name = "done"

    def act(self, observation):
        return np.zeros((0, self.env.robot.n_arm + 1))


@pytest.fixture(scope="module")
def waits(tmp_path_factory):
    from robogenesis.compose import load_compiled

    path = tmp_path_factory.mktemp("protocols") / "waits.yaml"
    path.write_text(HOLD_PROTOCOL)
    return load_compiled(path, "franka")


def test_a_policy_that_is_done_is_held_while_a_timer_runs(waits):
    result = run_episode(waits, DonePolicy(), EpisodeSpec(robot="franka"), RunOptions(max_retries=0))
    assert result.completed and result.stop_reason == "ok"
    assert [n.id for n in result.nodes] == ["n0001", "n0002"]  # schedule order
    assert [n.reason for n in result.nodes] == ["ok", "ok"]
    # each wait took its duration (its clock starts at the first check, after the first step)
    for node, duration in zip(result.nodes, (1.0, 0.5), strict=True):
        assert duration <= node.time_s <= duration + 0.1 + 1e-9
    assert result.safety == []


class ScriptedHold(policies._Base):
    """Holds still for `steps` actions, then says it is done; `reports_done` as given."""

    name = "scripted_hold"

    def __init__(self, steps: int, reports_done: bool) -> None:
        super().__init__()
        self.steps, self.reports_done = steps, reports_done

    def reset(self, instruction, robot):
        self.left = self.steps

    def act(self, observation):
        self.left -= 1
        return self.here()[None] if self.left >= 0 else np.zeros((0, self.env.robot.n_arm + 1))


@pytest.mark.parametrize(("reports_done", "seconds"), [(True, 1.5), (False, 1.0)])
def test_a_policy_that_reports_done_is_judged_when_done(waits, reports_done, seconds):
    """The 1 s wait holds after 1 s; a policy that reports when it is done still gets its 1.5 s."""
    policy = ScriptedHold(steps=30, reports_done=reports_done)
    result = run_episode(waits, policy, EpisodeSpec(robot="franka"), RunOptions(max_retries=0))
    first = result.nodes[0]
    assert first.success and seconds <= first.time_s <= seconds + 0.1 + 1e-9


def test_a_node_that_never_succeeds_is_retried_then_stops_the_run(compiled_of):
    options = RunOptions(max_retries=2, time_factor=0.1, time_slack_s=0.2)
    compiled = compiled_of("level1/place")
    result = run_episode(compiled, policies.HoldPolicy(), EpisodeSpec(robot="franka"), options)
    assert not result.completed and not result.safe_stop and result.stop_reason == "timeout"
    first, second = result.nodes
    budget = node_budget(compiled.nodes[0].duration_s, 20.0, options)
    assert (first.reason, first.retries, first.steps) == ("timeout", 2, 3 * budget)
    assert first.time_s == pytest.approx(3 * budget / 20.0)
    assert (second.reason, second.steps, second.time_s) == ("not_run", 0, 0.0)
    assert "place on franka with hold (seed 0, id): stopped: timeout" in result.table()


def test_result_json_round_trips(compiled_of):
    from labc.runtime.results import RunResult

    options = RunOptions(max_retries=0, time_factor=0.05, time_slack_s=0.1)
    result = run_episode(compiled_of("level1/pick"), policies.HoldPolicy(), EpisodeSpec(robot="ur5"), options)
    again = RunResult.model_validate_json(result.model_dump_json())
    assert again == result


class LookingHold(policies._Base):
    """A chunked policy that needs its camera image on every call (as LabVLA does)."""

    name = "looking_hold"
    cameras = ["front"]  # noqa: RUF012

    def act(self, observation):
        image = observation.images["front"]  # KeyError -> policy_error if the runner skipped it
        assert image.shape == (32, 32, 3) and image.any()
        return np.tile(self.here(), (16, 1))


def test_a_chunked_policy_always_sees_a_rendered_image(compiled_of):
    # budgets of about 25 steps: attempts and nodes end mid-chunk, where renders are skipped
    options = RunOptions(max_retries=1, time_factor=0.0001, time_slack_s=1.25)
    spec = EpisodeSpec(robot="franka", resolution=32)
    compiled = compiled_of("level1/place")
    result = run_episode(compiled, LookingHold(), spec, options)
    assert result.stop_reason == "timeout", result.nodes[0].detail
    budget = node_budget(compiled.nodes[0].duration_s, 20.0, options)
    assert budget % 16 and result.nodes[0].steps == 2 * budget
