"""labsim speed: physics steps/s, ms per frame per camera in both render modes, what the lab's look
costs (the bare bench, the room with plain finishes, the finished lab: fast mode, interleaved), and
the real-time factor of a 20 s episode with three cameras at 10 Hz (target: >= 2x real time on one core).

Run: .venv/bin/python benchmarks/sim_bench.py [--robot franka] [--resolution 128]
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("MUJOCO_GL", "egl")
os.environ.setdefault("OMP_NUM_THREADS", "1")


def main() -> None:
    import mujoco
    import numpy as np

    from labsim.backend import get_backend
    from labsim.cameras import CameraRig
    from labsim.scene_spec import LabwareSpec, SceneSpec

    parser = argparse.ArgumentParser()
    parser.add_argument("--robot", default="franka")
    parser.add_argument("--resolution", type=int, default=128)
    parser.add_argument("--episode-s", type=float, default=20.0)
    args = parser.parse_args()
    labware = [
        LabwareSpec(name="src", type="beaker_250ml", volume_ul=20000),
        LabwareSpec(name="dst", type="beaker_500ml"),
        LabwareSpec(name="plate", type="hotplate", site="bench/right"),
        LabwareSpec(name="oven", type="drying_box", site="bench/back"),
    ]
    res = (args.resolution, args.resolution)
    scene = SceneSpec(labware=labware, resolution=res, cameras=[])
    env = get_backend().build(scene, args.robot)
    env.reset(0)
    n = 5000
    start = time.perf_counter()
    for _ in range(n):
        mujoco.mj_step(env.model, env.data)
    sps = n / (time.perf_counter() - start)
    print(
        f"physics: {sps:,.0f} steps/s ({sps * env.model.opt.timestep:.1f}x real time), {env.model.nbody} bodies"
    )

    cams = ["front", "side", "wrist"]
    for mode in ("fast", "full"):
        rig = CameraRig(env.model, res, mode)  # type: ignore[arg-type]
        rig.render(env.data, cams)
        reps = 20 if mode == "fast" else 5
        for cam in cams:
            start = time.perf_counter()
            for _ in range(reps):
                rig.render(env.data, [cam])
            print(
                f"render {mode:4s} {cam:5s} {res[0]}x{res[1]}: {1000 * (time.perf_counter() - start) / reps:6.1f} ms/frame"
            )
        rig.close()
    env.close()
    room_cost(labware, res, args.robot, cams)

    episode = SceneSpec(labware=labware, resolution=res, cameras=cams, render_mode="fast")
    env = get_backend().build(episode, args.robot)
    env.reset(0)
    home = np.asarray(env.robot.home)
    control_steps = round(args.episode_s * env.robot.control_hz)
    render_every = round(env.robot.control_hz / 10.0)
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    frames = 0
    for k in range(control_steps):
        target = home + 0.2 * np.sin(0.5 * k / env.robot.control_hz + np.arange(len(home)))
        obs_images = k % render_every == 0
        env.scene = env.scene.model_copy(update={"cameras": cams if obs_images else []})
        obs = env.step(np.concatenate([target + rng.normal(0, 0.001, len(home)), [0.0]]))
        frames += len(obs.images)
    wall = time.perf_counter() - start
    print(
        f"episode: {args.episode_s:.0f} s sim, {frames} frames (3 cameras at 10 Hz, fast mode) in {wall:.2f} s wall "
        f"-> real-time factor {args.episode_s / wall:.2f}x (target >= 2x)"
    )
    env.close()


def room_cost(labware: list, res: tuple[int, int], robot: str, cams: list[str], reps: int = 30) -> None:
    """ms per three-camera frame, fast mode: the bare bench, the room with plain finishes (the scene
    before glass, liquid and bench finishes existed) and the finished lab, interleaved so that load on
    the machine hits all alike."""
    import numpy as np

    from labsim.backend import get_backend
    from labsim.cameras import CameraRig
    from labsim.scene_spec import Finish, Room, SceneLook, SceneSpec

    looks = {
        "bare bench": SceneLook(room=Room(bare=True), finish=Finish(plain=True)),
        "plain room": SceneLook(finish=Finish(plain=True)),
        "finished lab": SceneLook(),
    }
    rigs = {}
    for name, look in looks.items():
        scene = SceneSpec(labware=labware, resolution=res, cameras=[], look=look)
        env = get_backend().build(scene, robot)
        env.reset(0)
        rigs[name] = (env, CameraRig(env.model, res, "fast"))
        rigs[name][1].render(env.data, cams)
    times: dict[str, list[float]] = {name: [] for name in rigs}
    for _ in range(reps):
        for name, (env, rig) in rigs.items():
            start = time.perf_counter()
            rig.render(env.data, cams)
            times[name].append(1000 * (time.perf_counter() - start))
    bare, plain, lab = (float(np.median(times[n])) for n in rigs)
    print(
        f"look: {bare:.1f} ms (bare bench) -> {plain:.1f} ms (plain room, x{plain / bare:.2f}) -> {lab:.1f} ms"
        f" (finished lab, x{lab / bare:.2f}; x{lab / plain:.2f} over the plain room) per 3-camera fast frame"
    )
    for env, rig in rigs.values():
        rig.close()
        env.close()


if __name__ == "__main__":
    main()
