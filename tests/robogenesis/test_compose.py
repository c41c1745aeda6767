from __future__ import annotations

from robogenesis.compose import CompositionError, base_scene, builtin_suite, episode_nodes, load_compiled
from tests.conftest import EXAMPLES


def test_suite_is_level1_and_level2() -> None:
    suite = builtin_suite()
    assert {p.parent.name for p in suite} == {"level1", "level2"}
    assert len(suite) == len(list((EXAMPLES / "labutopia/level1").glob("*.yaml"))) + len(
        list((EXAMPLES / "labutopia/level2").glob("*.yaml"))
    )


def test_episode_follows_the_schedule_and_scene_the_objects() -> None:
    compiled = load_compiled(EXAMPLES / "labutopia/level2/heat_liquid.yaml", "ur5")
    nodes = episode_nodes(compiled)
    start = {n.id: n.start_s for lane in compiled.schedule.lanes for n in lane.nodes}
    assert [start[n.id] for n in nodes] == sorted(start.values())
    assert [n.skill for n in nodes][:2] == ["pick", "place"]
    scene = base_scene(compiled, "ur5", ["front"], (32, 32))
    assert {(i.name, i.type, i.site) for i in scene.labware} == {
        ("beaker", "beaker_250ml", "bench/center"),
        ("hotplate", "hotplate", "bench/right"),
    }
    assert scene.item("beaker").volume_ul == 100000.0
    assert scene.robots == ["ur5"] and scene.resolution == (32, 32)


def test_compiled_json_is_accepted_and_bad_input_is_explained(tmp_path) -> None:
    compiled = load_compiled(EXAMPLES / "labutopia/level1/pick.yaml", "franka")
    path = tmp_path / "pick.json"
    path.write_text(compiled.to_json())
    assert load_compiled(path, "franka").to_json() == compiled.to_json()
    bad = tmp_path / "bad.yaml"
    bad.write_text("labc: 1\nprotocol: x\nsteps:\n  - pick ghost\n")
    try:
        load_compiled(bad, "franka")
    except CompositionError as exc:
        assert "does not compile" in str(exc) and "bad.yaml" in str(exc)
    else:
        raise AssertionError("an undeclared object must not compile")
