"""Through the data engine, on the compiled level-1 pick example: the scripted experts' episode
validates, and a deliberately broken pick (it lets go as soon as it has closed) is rejected at the
pick node's predicate."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from robogenesis.experts.pick import PickExpert
from robogenesis.experts.registry import get_expert
from tests.robogenesis.conftest import slot_job

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PICK = EXAMPLES / "labutopia" / "level1" / "pick.yaml"
PIPETTING = EXAMPLES / "pipette_protocol.yaml"
BROKEN = "tests.robogenesis.test_experts_engine:broken_experts"


class BrokenPick(PickExpert):
    """The real pick, except the gripper opens again once it has closed: the lift leaves the
    beaker behind."""

    def actions(self, env: Any, params: Any, rng: np.random.Generator) -> Iterator[np.ndarray]:
        closed = False
        for action in super().actions(env, params, rng):
            closed = closed or action[-1] >= 1.0
            if closed:
                action = action.copy()
                action[-1] = 0.0
            yield action


def broken_experts(name: str) -> Any:
    return BrokenPick() if name == "pick" else get_expert(name)


def _slot(robot: str, experts: str, protocol: Path = PICK) -> Any:
    from robogenesis.rollout import run_slot

    return run_slot(slot_job(protocol, robot, experts=experts))


@pytest.mark.parametrize("robot", ["franka", "ur5"])
def test_pick_example_validates_and_broken_pick_is_rejected(robot: str) -> None:
    from robogenesis.runner.policy import DEFAULT_EXPERTS

    good = _slot(robot, DEFAULT_EXPERTS)
    assert good.episode is not None, [r.model_dump() for r in good.rejections]
    bad = _slot(robot, BROKEN)
    assert bad.episode is None
    assert [r.reason for r in bad.rejections] == ["predicate:pick"]


@pytest.mark.slow
def test_pipette_protocol_synthesizes_on_franka() -> None:
    """The README's pipetting example, 118 nodes (pick the pipette, tips, aspirate, dispense, mix,
    drop tips, put it back): one validated episode whose frames walk every node in order."""
    from robogenesis.compose import episode_nodes, load_compiled
    from robogenesis.runner.policy import DEFAULT_EXPERTS

    result = _slot("franka", DEFAULT_EXPERTS, PIPETTING)
    assert result.episode is not None, [r.model_dump() for r in result.rejections]
    walked = list(dict.fromkeys(result.episode.node_ids))
    assert walked == [n.id for n in episode_nodes(load_compiled(PIPETTING, "franka"))]
    assert len(walked) == 118
