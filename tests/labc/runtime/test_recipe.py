"""The end-to-end recipe in miniature: synthesize -> train both stages and the ablations -> bench -> results."""

from __future__ import annotations

import json
import re
import runpy
import shutil
import sys

import pytest

from tests.labc.runtime.conftest import ROOT

RECIPE = ROOT / "examples" / "recipes" / "pick_press.py"


@pytest.mark.slow
def test_recipe_miniature_end_to_end(tmp_path, monkeypatch, capfd):
    ws, results = tmp_path / "ws", tmp_path / "results.md"
    argv = [
        str(RECIPE), "--episodes", "1", "--steps", "2", "--batch", "2", "--bench-episodes", "1",
        "--robots", "franka", "--tasks", "press", "--splits", "id", "--max-retries", "0",
        "--workers", "0", "--resolution", "32", "--variants", "labvla,no_stage1,no_stage1_total,no_ki", "--seeds", "0",
        "--stage1-tasks", "level1/press,level1/pick", "--stage1-episodes", "1", "--solo", "franka",
        "--dart-episodes", "1", "--state-delta", "4", "--workspace", str(ws), "--results", str(results),
    ]  # fmt: skip
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as done:
        runpy.run_path(str(RECIPE), run_name="__main__")
    assert done.value.code == 0
    assert (ws / "data" / "franka" / "meta" / "info.json").exists()
    assert (ws / "checkpoints" / "latest").read_text().startswith("stage2")  # ablations left it alone
    text = results.read_text()
    for name in ("labvla", "no_stage1", "no_stage1_total", "no_ki"):
        bench = json.loads((ws / "runs" / "bench" / f"{name}.json").read_text())
        (episode,) = bench["episodes"]
        assert bench["policy"]["name"] == "labvla" and episode["task"] == "press"
        ok = int(episode["success"])
        assert re.search(rf"\| {name} \| 1 \| {ok} \| {episode['stop_reason']} 1 \|", text)
    for name in ("replay", "nearest"):  # the validity floors, from the recipe's own data
        bench = json.loads((ws / "runs" / "bench" / f"{name}.json").read_text())
        assert bench["policy"]["name"] == name and bench["policy"]["data"] == str(ws / "data")
        assert len(bench["episodes"]) == 1 and f"| {name} | 1 |" in text
    assert "## Differences from the replay floor (`labc bench compare`)" in text
    assert "nearest vs replay:" in text and "labvla vs replay:" in text
    assert "labc train --stage flow --steps 2 --no-insulation" in text
    # Stage 1 learns from its own, broader data (both tasks); stage 2 and the ablations from press.
    stage1 = json.loads((ws / "stage1-data" / "report.json").read_text())
    assert stage1["accepted"] == 2
    assert f"--data {ws / 'stage1-data'} --workspace {ws}" in text
    assert "labc train --stage flow --steps 4 --preset" in text  # equal total steps: 2 + 2
    # DART recovery episodes join the clean ones in every stage-2 training, not the floors' data.
    dart = json.loads((ws / "dart-data" / "report.json").read_text())
    assert dart["accepted"] == 1 and "--dart 0.05" in text
    stage2_lines = [line for line in text.splitlines() if line.startswith("labc train --stage flow")]
    assert len(stage2_lines) == 5  # stage 2, no stage 1 (twice: equal expert and total steps), no KI, solo
    assert all(f"--data {ws / 'dart-data'}" in line for line in stage2_lines)
    assert all("--state-delta 4" in line for line in stage2_lines)  # the model and every ablation alike
    assert (
        json.loads((ws / "checkpoints" / "stage2" / "step-000002" / "config.json").read_text())["state_delta"]
        == 4
    )
    assert "labc bench --suite labutopia --levels 1 --tasks press --policy labvla" in text
    # Cross-embodiment: stage 2 on franka's data alone, compared on franka's episodes.
    assert (ws / "runs" / "bench" / "solo_franka.json").exists()
    assert "## Cross-embodiment: franka alone against franka together" in text
    assert re.search(r"\| 1 \| press \| id \| \w+ \| \d/1 \| \d/1 \|", text)
    # The figures beside the page, and the CPU time it cost.
    for png in ("results_training.png", "results_success.png"):
        assert (tmp_path / png).read_bytes()[:4] == b"\x89PNG" and f"]({png})" in text
    assert re.search(r"- total: \d+\.\d\d CPU hours .* over \d+ commands\n", text)
    # A second sitting in the same workspace redoes nothing and keeps the first one's figures, except a
    # training run the first sitting did not finish: that one continues from its last checkpoint.
    commands = len(re.findall(r"^labc ", text, flags=re.M))
    stage2 = ws / "checkpoints" / "stage2"
    assert (stage2 / "latest").read_text().strip() == "step-000002"
    done = json.loads((ws / "recipe-done.json").read_text())
    (cut,) = [k for k in done if k.startswith("labc train --stage flow") and f"--workspace {ws} " in k]
    assert "--resume --save-every 1" in cut
    del done[cut]  # as if the sitting had ended during step 2
    (ws / "recipe-done.json").write_text(json.dumps(done))
    (stage2 / "latest").write_text("step-000001")
    shutil.rmtree(stage2 / "step-000002")
    capfd.readouterr()
    with pytest.raises(SystemExit) as again:
        runpy.run_path(str(RECIPE), run_name="__main__")
    assert again.value.code == 0
    assert f"--resume: continuing from {stage2 / 'step-000001'}" in capfd.readouterr().err
    assert (stage2 / "latest").read_text().strip() == "step-000002"
    assert f"{commands - 1} of them done in earlier sittings" in results.read_text()
