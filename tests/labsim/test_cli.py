"""`labc robots` and `labc view` as a user runs them."""

from __future__ import annotations

import json

from PIL import Image

from tests.conftest import EXAMPLES


def test_robots_lists_profiles(labc):
    result = labc("robots")
    assert result.code == 0 and all(name in result.out for name in ("franka", "ur5", "xarm7"))
    rows = json.loads(labc("robots", "--json").out)
    assert {r["name"] for r in rows} >= {"franka", "ur5", "xarm7"}


def test_view_renders_a_protocol(labc, tmp_path):
    out = tmp_path / "scene.png"
    result = labc(
        "view",
        EXAMPLES / "labutopia" / "level2" / "heat_liquid.lab",
        "--robot",
        "ur5",
        "--resolution",
        "64",
        "--mode",
        "fast",
        "-o",
        out,
    )
    assert result.code == 0, result.err
    image = Image.open(out)
    assert image.size == (3 * 64, 64)  # front, side and wrist cameras side by side


def test_view_renders_a_randomized_scene(labc, tmp_path):
    """--split/--seed render the drawn scene and name its look; --cameras picks the views."""
    out = tmp_path / "ood.png"
    pour = EXAMPLES / "labutopia" / "level1" / "pour.lab"
    args = ("view", pour, "--resolution", "48", "--mode", "fast", "--cameras", "top,front", "-o", out)
    result = labc(*args, "--split", "ood", "--seed", "4")
    assert result.code == 0, result.err
    assert "ood seed 4: bench " in result.out and " liquid" in result.out
    assert Image.open(out).size == (2 * 48, 48)
    nominal = tmp_path / "nominal.png"
    assert labc(*args[:-1], nominal).code == 0
    assert Image.open(out).tobytes() != Image.open(nominal).tobytes()
    bad = labc("view", pour, "--cameras", "top,bogus", "-o", tmp_path / "z.png")
    assert bad.code == 2 and "unknown cameras ['bogus']" in bad.err


def test_view_reports_bad_input(labc, tmp_path):
    bad_robot = labc(
        "view", EXAMPLES / "labutopia" / "level1" / "pick.lab", "--robot", "r2d2", "-o", tmp_path / "x.png"
    )
    assert bad_robot.code == 2 and "unknown robot 'r2d2'" in bad_robot.err
    junk = tmp_path / "junk.json"
    junk.write_text("[1, 2")
    assert labc("view", junk, "-o", tmp_path / "y.png").code == 2
    assert not (tmp_path / "x.png").exists()
