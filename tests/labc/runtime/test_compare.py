"""`labc bench compare` on two hand-made result files; `labc bench` itself stays a plain bench."""

from __future__ import annotations

import json

import pytest

from labc.cli import main


def _episodes(task: str, robot: str, successes: int, n: int, split: str = "id") -> list[dict]:
    return [
        {
            "level": 1, "task": task, "robot": robot, "split": split, "episode": k, "seed": k,
            "success": k < successes, "stop_reason": "ok" if k < successes else "timeout",
            "safe_stop": False, "nodes_done": int(k < successes), "nodes": 1, "sim_s": 1.0, "wall_s": 1.0,
        }
        for k in range(n)
    ]  # fmt: skip


def _report(path, policy: str, cells: dict[tuple[str, str], int], n: int = 20) -> str:
    episodes = [e for (task, robot), k in cells.items() for e in _episodes(task, robot, k, n)]
    report = {
        "suite": "labutopia", "policy": {"name": policy}, "robots": sorted({r for _, r in cells}),
        "splits": ["id"], "levels": [1], "episodes_per_task": n, "rows": [], "episodes": episodes,
        "wall_s": 1.0,
    }  # fmt: skip
    path.write_text(json.dumps(report))
    return str(path)


def test_compare_prints_differences_intervals_and_significance(tmp_path, capsys):
    a = _report(
        tmp_path / "base.json", "expert", {("pick", "franka"): 4, ("pick", "ur5"): 4, ("press", "franka"): 10}
    )
    b = _report(
        tmp_path / "new.json", "labvla", {("pick", "franka"): 18, ("pick", "ur5"): 5, ("press", "franka"): 12}
    )
    assert main(["bench", "compare", a, b]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(
        "| level | task | split | robot | base | new | difference (pp) | 95% CI (Newcombe)"
    )
    rows = {
        tuple(c.strip() for c in line.split("|")[2:5]): line for line in lines if line.startswith("| 1 |")
    }
    # pooled pick: 8/40 vs 23/40; franka alone 4/20 vs 18/20 (significant), ur5 4/20 vs 5/20 (not)
    assert "| 8/40 | 23/40 | +37.5 |" in rows["pick", "id", "all"] and rows["pick", "id", "all"].endswith(
        "| yes * |"
    )
    assert "| 4/20 | 18/20 | +70.0 |" in rows["pick", "id", "franka"]
    assert (
        rows["pick", "id", "ur5"].endswith("| no |")
        and "| +5.0 | [-20.6, +29.9] |" in rows["pick", "id", "ur5"]
    )
    assert rows["press", "id", "all"].endswith("| no |") and ("press", "id", "ur5") not in rows
    assert lines[-1] == "new vs base: 2 of 5 differences significant at 0.05 (two-sided two-proportion test)"


def test_compare_takes_the_first_file_as_baseline_for_all_others(tmp_path, capsys):
    a = _report(tmp_path / "a.json", "expert", {("pick", "franka"): 10})
    b = _report(tmp_path / "b.json", "replay", {("pick", "franka"): 20})
    c = _report(tmp_path / "c.json", "nearest", {("pick", "franka"): 0})
    assert main(["bench", "compare", a, b, c]) == 0
    out = capsys.readouterr().out
    assert (
        "| pick | id | all | 10/20 | 20/20 | +50.0 |" in out
        and "| pick | id | all | 10/20 | 0/20 | -50.0 |" in out
    )
    assert "b vs a:" in out and "c vs a:" in out and "| franka |" not in out  # one robot: pooled rows only


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (["one"], "at least two"),
        (["one", "missing"], "cannot read"),
        (["one", "junk"], "not a `labc bench` result"),
    ],
)
def test_compare_bad_input_is_a_usage_error(tmp_path, capsys, files, message):
    _report(tmp_path / "one.json", "expert", {("pick", "franka"): 1})
    (tmp_path / "junk.json").write_text('{"rows": 3}')
    code = main(["bench", "compare", *[str(tmp_path / f"{f}.json") for f in files]])
    assert code == 2 and message in capsys.readouterr().err


def test_bench_options_still_reach_the_bench(tmp_path, capsys):
    """`labc bench` became a group for `compare`; its own options work as before."""
    code = main(["bench", "--levels", "9", "--out", str(tmp_path)])
    assert code == 2 and "unknown level 9" in capsys.readouterr().err
    code = main(["bench", "--policy", "replay", "--out", str(tmp_path)])
    assert code == 2 and "--policy replay needs --data" in capsys.readouterr().err
