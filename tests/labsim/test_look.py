"""The lab's look (room, finishes) is seen, never touched: the same physics with or without it.

A scene is built three ways: a bare bench (the oldest recorded episodes), the room with plain
finishes (episodes recorded before finishes existed), and the finished lab. Every body, joint and
collision geom, every mass and inertia, and a seeded rollout with liquid in it must be bit-identical
across the three; only geoms that nothing collides with may differ.
"""

from __future__ import annotations

import mujoco
import numpy as np
import pytest

from labsim.assets.finish import pattern_pixels
from labsim.backend import get_backend
from labsim.scene_builder import compile_scene
from labsim.scene_spec import Finish, LabwareSpec, Material, Room, SceneLook, SceneSpec

SCENE = SceneSpec(
    labware=[
        LabwareSpec(name="src", type="beaker_250ml", site="bench/slot1", volume_ul=15000),
        LabwareSpec(name="flask", type="flask_250ml", site="bench/slot3", volume_ul=8000),
        LabwareSpec(name="rod", type="glass_rod", site="bench/side_left"),
        LabwareSpec(name="pip", type="pipette_p200", site="bench/slot2"),
        LabwareSpec(name="hp", type="hotplate", site="bench/right"),
    ],
    cameras=[],
)
LOOKS = {
    "bare": SceneLook(room=Room(bare=True), finish=Finish(plain=True)),
    "plain": SceneLook(finish=Finish(plain=True)),
    "lab": SceneLook(
        bench=Material(rgba=(0.36, 0.22, 0.12, 1.0), pattern="grain"),
        finish=Finish(liquid_rgba=(0.85, 0.15, 0.2, 0.8), ambient=0.4),
    ),
}


def _scene(look: str, **update: object) -> SceneSpec:
    return SCENE.model_copy(update={"look": LOOKS[look], **update})


def _solid(model: mujoco.MjModel) -> list[tuple]:
    """Every geom something can collide with, by body and in order, with all that physics reads."""
    return [
        (
            model.body(int(model.geom_bodyid[g])).name,
            int(model.geom_type[g]),
            int(model.geom_contype[g]),
            int(model.geom_conaffinity[g]),
            model.geom_size[g].tobytes(),
            model.geom_pos[g].tobytes(),
            model.geom_quat[g].tobytes(),
            model.geom_friction[g].tobytes(),
            model.geom_solref[g].tobytes(),
            int(model.geom_priority[g]),
            int(model.geom_condim[g]),
        )
        for g in range(model.ngeom)
        if model.geom_contype[g] or model.geom_conaffinity[g]
    ]


@pytest.fixture(scope="module")
def models() -> dict[str, mujoco.MjModel]:
    return {look: compile_scene(_scene(look), "franka")[0] for look in LOOKS}


def test_the_look_adds_only_geoms_nothing_collides_with(models: dict[str, mujoco.MjModel]) -> None:
    bare, plain, lab = models["bare"], models["plain"], models["lab"]
    assert bare.ngeom < plain.ngeom < lab.ngeom  # the room, then the liquid's visual spheres
    for model in (plain, lab):
        assert _solid(model) == _solid(bare)
        for field in ("nbody", "njnt", "nq", "nv", "nu", "neq", "nexclude"):
            assert getattr(model, field) == getattr(bare, field), field
        for field in ("body_mass", "body_inertia", "body_ipos", "body_iquat", "body_pos", "body_quat"):
            assert getattr(model, field).tobytes() == getattr(bare, field).tobytes(), field
        assert model.opt.timestep == bare.opt.timestep and model.opt.impratio == bare.opt.impratio


def test_finishes_dress_glass_liquid_and_bench(models: dict[str, mujoco.MjModel]) -> None:
    lab, plain = models["lab"], models["plain"]
    glass = lab.material("finish/glass").id
    shells = [g for g in range(lab.ngeom) if lab.geom_matid[g] == glass]
    assert len(shells) > 20  # beaker, flask and rod walls
    assert all(0.0 < lab.geom_rgba[g, 3] < 1.0 for g in shells)
    assert lab.mat_specular[glass] >= 0.8 and lab.mat_shininess[glass] >= 0.8
    liquid = lab.material("finish/liquid").id
    drops = [g for g in range(lab.ngeom) if lab.geom_matid[g] == liquid]
    assert len(drops) == 23  # 15 + 8 particles of 1000 uL, each drawn once
    assert all(lab.geom_contype[g] == lab.geom_conaffinity[g] == 0 for g in drops)
    np.testing.assert_allclose(lab.geom_rgba[drops[0]], (0.85, 0.15, 0.2, 0.8), atol=1e-6)
    top = lab.material(lab.geom_matid[lab.geom("bench_top").id]).id
    assert lab.mat_texid[top, int(mujoco.mjtTextureRole.mjTEXROLE_RGB)] >= 0
    assert lab.vis.headlight.ambient[0] == pytest.approx(0.4)
    # plain finishes leave the scene as it was before they existed
    assert plain.ntex == 0 and plain.geom_matid[plain.geom("bench_top").id] == -1
    assert plain.vis.headlight.ambient[0] == pytest.approx(0.35)


def test_the_bench_riser_stands_behind_the_bench(models: dict[str, mujoco.MjModel]) -> None:
    """The finished room adds to the world (the riser, its shelf and bottles); everything of the room
    behind the bench top's back edge (riser, wall shelves, window) stands clear of the experts'
    workspace and is drawn only (no contacts)."""
    from labdata.deck import WORKSPACE_HIGH

    lab, plain = models["lab"], models["plain"]
    world = [g for g in range(lab.ngeom) if lab.geom_bodyid[g] == 0]
    assert len(world) > len([g for g in range(plain.ngeom) if plain.geom_bodyid[g] == 0])
    riser = [g for g in world if lab.geom_matid[g] == -1 and lab.geom_pos[g, 0] > WORKSPACE_HIGH[0]]
    assert len(riser) >= 8
    for g in riser:
        assert lab.geom_contype[g] == lab.geom_conaffinity[g] == 0
        assert lab.geom_pos[g, 0] - lab.geom_size[g, 0] > WORKSPACE_HIGH[0]  # cylinders: radius


def _rollout(scene: SceneSpec) -> np.ndarray:
    env = get_backend().build(scene, "franka")
    obs = env.reset(3)
    rng = np.random.default_rng(11)
    target = np.asarray(env.robot.home)
    states = [obs.state, env.data.qpos.copy()]
    for _ in range(15):
        target = target + rng.normal(0, 0.05, len(target))
        obs = env.step(np.concatenate([target, [0.5]]), render=False)
        states += [obs.state, env.data.qpos.copy(), env.data.qvel.copy()]
    env.close()
    return np.concatenate([s.ravel() for s in states])


def test_a_seeded_rollout_is_bit_identical_with_and_without_the_look() -> None:
    runs = {look: _rollout(_scene(look)) for look in LOOKS}
    assert runs["plain"].tobytes() == runs["bare"].tobytes()
    assert runs["lab"].tobytes() == runs["bare"].tobytes()


def test_patterns_are_deterministic_grey_levels() -> None:
    for pattern in ("speckle", "grain", "brushed"):
        a, b = pattern_pixels(pattern), pattern_pixels(pattern)
        assert a.shape == (64, 64, 3) and a.dtype == np.uint8
        np.testing.assert_array_equal(a, b)
        assert np.array_equal(a[..., 0], a[..., 2])  # grey: the material gives the colour
        assert 150 < a.mean() < 255 and a.std() > 2
    with pytest.raises(ValueError):
        pattern_pixels("marble")


def test_the_finished_lab_renders_differently_from_the_plain_one() -> None:
    images = {}
    for look in ("plain", "lab"):
        env = get_backend().build(_scene(look, cameras=["wrist"], resolution=(48, 48)), "franka")
        images[look] = env.reset(0).images["wrist"].astype(int)
        env.close()
    assert np.abs(images["lab"] - images["plain"]).mean() > 5  # a wood bench, not white laminate
