from __future__ import annotations

import numpy as np
import pytest

from labsim.backend import Env, Randomization, get_backend
from labsim.errors import NumericalInstability, SceneError
from labsim.scene_builder import compile_scene
from labsim.scene_spec import LabwareSpec, SceneSpec

# One scene per LabUtopia level-1 task, with the labware each needs.
LEVEL1 = {
    "pick": [("beaker", "beaker_250ml", None, 0.0)],
    "place": [("beaker", "beaker_100ml", None, 0.0), ("plate", "hotplate", "bench/right", 0.0)],
    "open_door": [("box", "drying_box", "bench/back", 0.0)],
    "close_door": [("box", "drying_box", "bench/back", 0.0)],
    "open_drawer": [("cab", "cabinet", "bench/back", 0.0)],
    "close_drawer": [("cab", "cabinet", "bench/back", 0.0)],
    "pour": [("src", "beaker_250ml", None, 20000.0), ("dst", "beaker_500ml", None, 0.0)],
    "press": [("plate", "hotplate", None, 0.0)],
    "shake": [("flask", "flask_250ml", None, 30000.0), ("shaker", "shaker", None, 0.0)],
    "stir": [("beaker", "beaker_500ml", None, 40000.0), ("rod", "glass_rod", None, 0.0)],
    "pipette": [
        ("pip", "pipette_p200", None, 0.0),
        ("tips", "tiprack_200ul", "bench/rack", 0.0),
        ("plate", "plate_96", None, 50.0),
        ("res", "reservoir_12", None, 1000.0),
    ],
}


def _scene(task: str, **kw) -> SceneSpec:
    items = [LabwareSpec(name=n, type=t, site=s, volume_ul=v) for n, t, s, v in LEVEL1[task]]
    return SceneSpec(labware=items, **kw)


@pytest.mark.parametrize("task", sorted(LEVEL1))
def test_level1_scene_compiles(task: str) -> None:
    model, info = compile_scene(_scene(task), "franka")
    assert model.nu >= 8 and set(info.assets) == {n for n, *_ in LEVEL1[task]}
    for name, asset in info.assets.items():
        assert model.body(asset.body).id > 0, name


def test_scene_errors() -> None:
    with pytest.raises(SceneError, match="unknown labware"):
        compile_scene(SceneSpec(labware=[LabwareSpec(name="x", type="beakr_250ml")]), "franka")
    with pytest.raises(SceneError, match="collides"):
        compile_scene(
            SceneSpec(
                labware=[
                    LabwareSpec(name="a", type="drying_box", site="bench/back"),
                    LabwareSpec(name="b", type="cabinet", site="bench/left"),
                ]
            ),
            "franka",
        )


def _rollout(env: Env, seed: int) -> np.ndarray:
    obs = env.reset(seed)
    states = [obs.state]
    rng = np.random.default_rng(123)
    target = np.asarray(env.robot.home)
    for _ in range(10):
        target = target + rng.normal(0, 0.05, len(target))
        obs = env.step(np.concatenate([target, [0.5]]))
        states.append(obs.state)
    return np.concatenate([np.stack(states).ravel(), *(env.object_pose("src")), env.object_pose("dst")[0]])


def test_same_seed_same_trajectory_and_images() -> None:
    env = get_backend().build(
        _scene("pour", resolution=(64, 64)), "franka", Randomization(object_xy_m=0.02, joint_noise_rad=0.05)
    )
    a, b, c = _rollout(env, 7), _rollout(env, 7), _rollout(env, 8)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)
    img1 = env.reset(3).images
    img2 = env.reset(3).images
    assert set(img1) == {"front", "side", "wrist"}
    for cam, img in img1.items():
        assert img.shape == (64, 64, 3) and img.dtype == np.uint8
        np.testing.assert_array_equal(img, img2[cam])
        assert img.std() > 5  # not a blank frame
    hold = np.concatenate([env.robot.home, [0.0]])
    blind = env.step(hold, render=False)
    assert blind.images == {} and blind.state.shape == (env.robot.n_arm + 1,)
    assert set(env.step(hold).images) == {"front", "side", "wrist"}
    env.close()


def test_blow_up_raises_typed_error() -> None:
    env = get_backend().build(_scene("pick", cameras=[]), "franka")
    env.reset(0)
    env.data.qvel[env.model.body("beaker").dofadr[0]] = 1e6
    with pytest.raises(NumericalInstability, match=r"velocity|NaN|acceleration") as info:
        env.step(np.concatenate([env.robot.home, [0.0]]))
    assert info.value.reason
    with pytest.raises(NumericalInstability, match="NaN"):
        env.step(np.full(env.robot.n_arm + 1, np.nan))
    env.close()
