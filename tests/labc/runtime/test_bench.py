"""`labc bench`: Wilson intervals, the level structure, and a table that agrees with its episodes."""

from __future__ import annotations

import json
import math

import pytest

from labc.cli import main
from labc.runtime.bench import episode_seed, suite_tasks, wilson


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [(0, 10, 0.0, 0.2775), (5, 10, 0.2366, 0.7634), (10, 10, 0.7225, 1.0), (1, 1, 0.2065, 1.0)],
)
def test_wilson_interval(k, n, low, high):
    lo, hi = wilson(k, n)
    assert lo == pytest.approx(low, abs=1e-4) and hi == pytest.approx(high, abs=1e-4)


def test_wilson_contains_the_rate_and_narrows_with_n():
    for n in (3, 30, 300):
        lo, hi = wilson(n // 3, n)
        assert lo <= (n // 3) / n <= hi
    assert math.isclose(wilson(0, 0)[1], 1.0)
    assert wilson(30, 300)[1] - wilson(30, 300)[0] < wilson(3, 30)[1] - wilson(3, 30)[0]


def test_level_three_is_level_two_on_held_out_values():
    cells = suite_tasks([2, 3], ["id", "ood"])
    level2 = {(c.task, c.split) for c in cells if c.level == 2}
    level3 = {(c.task, c.split) for c in cells if c.level == 3}
    assert level2 and all(split == "id" for _, split in level2)  # level 3 reports the ood episodes
    assert level3 == {(task, "ood") for task, _ in level2}
    alone = suite_tasks([2], ["id", "ood"])
    assert {c.split for c in alone} == {"id", "ood"}


def test_seeds_are_fixed_per_task_robot_split_and_episode():
    seeds = {
        episode_seed("labutopia", t, r, s, k)
        for t in ("pick", "place")
        for r in ("franka", "ur5")
        for s in ("id", "ood")
        for k in range(3)
    }
    assert len(seeds) == 24
    assert episode_seed("labutopia", "pick", "ur5", "id", 1) == episode_seed(
        "labutopia", "pick", "ur5", "id", 1
    )


def test_unknown_level_or_task_is_a_usage_error(tmp_path, capsys):
    assert main(["bench", "--levels", "7", "--workspace", str(tmp_path)]) == 2
    assert "unknown level 7" in capsys.readouterr().err
    assert main(["bench", "--levels", "1", "--tasks", "juggle", "--workspace", str(tmp_path)]) == 2
    assert "no task 'juggle'" in capsys.readouterr().err


def _bench(tmp_path, name: str) -> dict:
    code = main(
        [
            "bench",
            "--levels",
            "1",
            "--tasks",
            "pick,open_drawer",
            "--policy",
            "expert",
            "--episodes",
            "2",
            "--split",
            "id,ood",
            "--robots",
            "franka",
            "--quiet",
            "--out",
            str(tmp_path),
            "--name",
            name,
        ]
    )
    assert code == 0
    return json.loads((tmp_path / f"{name}.json").read_text())


@pytest.mark.slow
def test_expert_bench_table_matches_its_episodes_and_repeats(tmp_path, capsys):
    report = _bench(tmp_path, "first")
    table = capsys.readouterr().out
    episodes = report["episodes"]
    assert len(episodes) == 2 * 2 * 2  # tasks x splits x episodes
    for row in report["rows"]:
        mine = [
            e
            for e in episodes
            if (e["task"], e["split"], e["level"]) == (row["task"], row["split"], row["level"])
        ]
        k, n = sum(e["success"] for e in mine), len(mine)
        assert (row["successes"], row["episodes"]) == (k, n)
        assert row["rate"] == pytest.approx(k / n)
        assert tuple(row["ci95"]) == pytest.approx(wilson(k, n))
        line = f"| 1 | {row['task']} | {row['split']} | {k}/{n} | {100 * k / n:.1f}% |"
        assert line in table
    assert (tmp_path / "first.md").read_text().strip() in table
    again = _bench(tmp_path, "second")

    def stable(r):
        return [{k: v for k, v in e.items() if k != "wall_s"} for e in r["episodes"]]

    assert stable(again) == stable(report)  # fixed seeds: the same policy gives the same episodes
    assert all(e["success"] for e in episodes), [e for e in episodes if not e["success"]]


def test_a_task_whose_protocol_has_errors_is_exit_1_and_a_non_protocol_exit_2(tmp_path):
    """The same mistake gets the same code as `labc run`: errors in a protocol are 1, a file that is
    not a protocol is 2; both before any episode runs."""
    from labc.runtime.bench import BenchError, BenchProtocolError, BenchTask, PolicySpec, plan
    from robogenesis.runner.options import RunOptions

    broken = tmp_path / "broken.lab"
    broken.write_text(
        'labc 1\nprotocol broken "A pour from a beaker never declared."\n\npour 5 mL from a into b\n'
    )
    missing = tmp_path / "missing.lab"
    for path, error in [(broken, BenchProtocolError), (missing, BenchError)]:
        cell = BenchTask(level=1, task=path.stem, path=path, split="id")
        with pytest.raises(error) as caught:
            plan("labutopia", [cell], ["franka"], 1, PolicySpec(name="expert"), RunOptions())
        assert caught.type is error and path.name in str(caught.value)


def test_the_report_says_where_failed_episodes_stopped():
    """A long workflow's bench answers where the policy fails: per task and robot, how far the failed
    episodes got and at which skill, most frequent first."""
    from labc.runtime.bench import BenchReport, EpisodeRecord, PolicySpec, summarize

    def record(episode: int, success: bool, skill: str | None, reason: str, done: int) -> EpisodeRecord:
        return EpisodeRecord(
            level=4, task="device_operation", robot="franka", split="id", episode=episode, seed=episode,
            success=success, stop_reason=reason, failed_node=None if success else "n0004",
            failed_skill=skill, safe_stop=False, nodes_done=done, nodes=13, sim_s=1.0, wall_s=1.0,
        )  # fmt: skip

    records = [
        record(0, False, "close_door", "timeout", 3),
        record(1, False, "place", "workspace", 2),
        record(2, False, "close_door", "timeout", 4),
        record(3, True, None, "ok", 13),
    ]
    report = BenchReport(
        suite="labutopia", policy=PolicySpec(name="expert"), robots=["franka"], splits=["id"], levels=[4],
        episodes_per_task=4, rows=summarize(records), episodes=records, wall_s=4.0,
    )  # fmt: skip
    table = report.markdown()
    row = "| 4 | device_operation | franka | 3 | 3.0 of 13 | close_door: timeout x2, place: workspace x1 |"
    assert row in table, table
    everything_passed = report.model_copy(update={"episodes": records[3:]})
    assert "Where failed episodes stopped" not in everything_passed.markdown()
