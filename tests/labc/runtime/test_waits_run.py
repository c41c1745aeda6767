"""`labc run` through a 30-minute wait: the runner's hold fast-forwards the still world, the wait's
predicate still judges simulated time, and long nodes print progress (stderr, so `--json` parses)."""

from __future__ import annotations

import json

from labc.runtime.episode import EpisodeSpec, run_episode
from robogenesis.runner.options import RunOptions
from robogenesis.runner.policy import ExpertPolicy

WAIT = """\
labc: 1
protocol: incubate
robots: [franka, ur5]
labware:
  beaker: {type: beaker_250ml, at: bench/center}
steps:
  - wait 30 min
  - wait 2 s
"""


def test_a_30_minute_wait_runs_in_simulated_time(tmp_path) -> None:
    from robogenesis.compose import load_compiled

    path = tmp_path / "incubate.yaml"
    path.write_text(WAIT)
    lines: list[str] = []
    result = run_episode(
        load_compiled(path, "ur5"), ExpertPolicy(), EpisodeSpec(robot="ur5"), RunOptions(max_retries=0),
        progress=lines.append,
    )  # fmt: skip
    assert result.completed, result.table()
    long, short = result.nodes
    # The hold ends the step the predicate first holds: 1800 s after the wait's clock started.
    assert 1800.0 <= long.time_s <= 1800.1 and 2.0 <= short.time_s <= 2.1
    assert long.steps == round(long.time_s * 20)  # every control step of the hold is accounted for
    assert result.sim_s < 1802.3
    # Only the long node reports, when it starts and ends.
    assert lines[0] == "n0001 wait: started, 0/1800 s simulated, 0.0 s wall"
    assert lines[-1].startswith("n0001 wait: done, 1800/1800 s simulated")
    assert not any("n0002" in line for line in lines)


def test_labc_run_prints_progress_of_long_nodes_on_stderr(labc, tmp_path) -> None:
    path = tmp_path / "incubate.yaml"
    path.write_text(WAIT)
    result = labc("run", path, "--robot", "franka", "--json", "--out", tmp_path / "runs")
    assert result.code == 0, result.err
    assert json.loads(result.out)["completed"]
    assert "incubate on franka: n0001 wait: started, 0/1800 s simulated" in result.err
    assert "incubate on franka: n0001 wait: done, 1800/1800 s simulated" in result.err
