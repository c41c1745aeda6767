"""The MuJoCo backend: a scene compiled from a SceneSpec, stepped with joint-position targets.

`MujocoEnv` is split by concern. This module is the stepping core: reset, the control and physics
loop, resting and clock jumps, the numerical guard, observation and success checks. The rest:

- `labsim.mujoco_query.MujocoQuery` (mixin): the read-only query surface `labsim.query.SimQuery`
  (kinematics, collision queries, object poses, device state) that experts and predicates use;
- `labsim.setters.MujocoSetters` (mixin): privileged writes for scene setup, replay and tests;
- `labsim.devices.Devices` (`env.devices`): device power, button presses, shaker motors;
- `labsim.tips.Tips` (`env.tips`): pipette tip mechanics, aspirate and dispense, well volumes;
- `labsim.trackers.Trackers` (`env.trackers`): per-episode history some predicates need.

Stateful concerns are composed objects the environment owns and resets; stateless views over the
engine's model and data are mixins, so callers keep calling `env.body_pos(...)` on the environment.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

import mujoco
import numpy as np

from labsim.backend import Env, Observation, Randomization
from labsim.cameras import CameraRig
from labsim.devices import Devices
from labsim.errors import NumericalInstability, UnknownPredicateError
from labsim.ik import IKService
from labsim.mujoco_query import MujocoQuery
from labsim.predicates import PREDICATES
from labsim.scene_builder import compile_scene
from labsim.scene_spec import SceneSpec
from labsim.setters import MujocoSetters
from labsim.tips import Tips
from labsim.trackers import Trackers

MAX_QVEL = 200.0
SETTLE_S = 0.2
# The world is at rest when, over a window of REST_S, no coordinate (arm joint, door, labware) moved
# more than REST_DQ and no liquid particle more than REST_PARTICLE_M. Soft contacts keep resting
# particles jittering at a few mm/s, so a speed threshold would never fire; a slow real motion (a door
# swinging, a beaker sliding) moves far more than a millimetre in half a second. A freshly poured or
# jostled pile of 9 mm particles creeps by a few millimetres per half second for several seconds,
# rearranging inside its container: that changes nothing a predicate reads (particles in containers),
# so particles get their radius as tolerance, and their spin (spheres) is ignored.
REST_DQ = 1e-3
REST_PARTICLE_M = 4.5e-3
REST_S = 0.5


class MujocoBackend:
    def build(self, scene: SceneSpec, robot: str, randomization: Randomization | None = None) -> MujocoEnv:
        return MujocoEnv(scene, robot, randomization)


class MujocoEnv(MujocoQuery, MujocoSetters):
    """One robot at a lab bench. See `labsim.backend.Env` for the contract."""

    def __init__(self, scene: SceneSpec, robot: str, randomization: Randomization | None = None) -> None:
        self.model, self.info = compile_scene(scene, robot)
        self.data = mujoco.MjData(self.model)
        self.scene = scene
        self.robot = self.info.profile
        self.randomization = randomization or Randomization()
        offset = self.randomization.home_offset_rad
        if offset and len(offset) != self.robot.n_arm:
            raise ValueError(
                f"home_offset_rad has {len(offset)} values; {robot} has {self.robot.n_arm} arm joints"
            )
        self.ik = IKService(self.model, self.robot, self.info.prefix)
        self._cameras: CameraRig | None = None
        p = self.info.prefix
        self._arm_q = self.ik.qadr
        self._arm_act = np.array([self.model.actuator(f"{p}{j}_servo").id for j in self.robot.arm_joints])
        g = self.robot.gripper
        self._grip_act = np.array([self.model.actuator(f"{p}gripper/{a.name}").id for a in g.actuators])
        self._grip_open = np.array([a.open for a in g.actuators])
        self._grip_closed = np.array([a.closed for a in g.actuators])
        self._grip_q = self.model.joint(f"{p}gripper/{g.opening_joint}").qposadr[0]
        self._tool = self.model.site(f"{p}gripper/{g.tool_site}").id
        self._rgba0 = self.model.geom_rgba.copy()
        self._light0 = self.model.light_diffuse.copy()
        self._lo, self._hi = self.ik.lo, self.ik.hi
        self.trackers = Trackers()
        # What controllers measure once per scene (gripper geometry, collision geom sets), freed with it.
        self.facts: dict[Hashable, Any] = {}
        self._holds: dict[str, tuple[Any, Any, float]] = {}
        self._fixture0: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # place_fixture's nominal poses
        self._start_pos: dict[str, np.ndarray] = {}
        self._start_site: dict[str, np.ndarray] = {}
        self._start_particles: dict[str, int] = {}
        self.devices = Devices(self.model, self.data, self.info, self)
        self.tips = Tips(self.model, self.data, self.info, self)
        self._rest_q = self._rest_index()
        self.reset(0)

    # ---- contract -------------------------------------------------------------------------------
    def reset(self, seed: int) -> Observation:
        rng = np.random.default_rng(seed)
        mujoco.mj_resetData(self.model, self.data)
        self.model.geom_rgba[:] = self._rgba0
        lo, hi = self.randomization.light_scale
        self.model.light_diffuse[:] = self._light0 * rng.uniform(lo, hi)
        home = (
            np.asarray(self.robot.home)
            + rng.uniform(-1, 1, self.robot.n_arm) * self.randomization.joint_noise_rad
        )
        if self.randomization.home_offset_rad:
            home = home + np.asarray(self.randomization.home_offset_rad, float)
        home = np.clip(home, self._lo, self._hi)
        self.data.qpos[self._arm_q] = home
        self.data.ctrl[self._arm_act] = home
        self.data.ctrl[self._grip_act] = self._grip_open
        for asset in self.info.assets.values():
            if asset.free and self.randomization.object_xy_m > 0:
                shift = rng.uniform(-1, 1, 2) * self.randomization.object_xy_m
                for body in [asset.body, *asset.particles]:
                    adr = self.model.jnt_qposadr[self.model.body(body).jntadr[0]]
                    self.data.qpos[adr : adr + 2] += shift
        self.devices.reset()
        self.tips.reset()
        mujoco.mj_forward(self.model, self.data)
        for _ in range(round(SETTLE_S / self.model.opt.timestep)):
            mujoco.mj_step(self.model, self.data)
        self._guard()
        self.data.time = 0.0
        self._start_pos = {n: self.body_pos(n).copy() for n in self.info.assets}
        self._start_site = {  # handles (articulation travel) and rod tips (the rod's lie on its rest)
            site: self.site_pos(site).copy()
            for a in self.info.assets.values()
            for site in (a.handle_site, a.rod_tip_site)
            if site
        }
        self._start_particles = {
            n: self.particles_inside(a.particles, n) for n, a in self.info.assets.items() if a.particles
        }
        self.trackers.reset(self)
        self._holds = {}
        return self.observe()

    def step(self, action: np.ndarray, render: bool = True) -> Observation:
        action = np.asarray(action, dtype=float)
        if action.shape != (self.robot.n_arm + 1,):
            raise ValueError(f"action must have shape ({self.robot.n_arm + 1},), got {action.shape}")
        if not np.all(np.isfinite(action)):
            raise NumericalInstability("action contains NaN or inf", self.time_s)
        self.data.ctrl[self._arm_act] = np.clip(action[: self.robot.n_arm], self._lo, self._hi)
        close = float(np.clip(action[-1], 0.0, 1.0))
        self.data.ctrl[self._grip_act] = self._grip_open + close * (self._grip_closed - self._grip_open)
        self._physics_step()
        return self.observe(render)

    def idle(self, seconds: float, until: Callable[[], bool] | None = None) -> float:
        """Hold the current command for `seconds` of simulated time, unrendered; returns the seconds
        that passed (fewer when `until()` came true first; it is asked after every control step).

        While anything moves (the arm settling, liquid sloshing, a shaker running) the physics is
        stepped as `step` would. Once everything has been at rest for `REST_S`, a held command keeps
        it at rest, so the clock jumps instead: device state, trackers, pipettes and predicate hold
        clocks advance by the skipped time exactly as per-step updates of a still world would. Without
        `until` the jump is one update, so a 30-minute oven step costs what a 10-second one does."""
        control_dt = self.model.opt.timestep * self.robot.substeps
        total = max(0, round(seconds / control_dt))
        window = max(1, round(REST_S / control_dt))
        done, resting, anchor = 0, False, self.data.qpos.copy()
        while done < total:
            if resting:
                n = 1 if until is not None else total - done
                self._still_step(n * control_dt)
            else:
                self._physics_step()
                n = 1
                if (done + 1) % window == 0:
                    resting = self._at_rest(anchor)
                    anchor = self.data.qpos.copy()
            done += n
            if until is not None and until():
                break
        return done * control_dt

    def _physics_step(self) -> None:
        dt = self.model.opt.timestep
        for _ in range(self.robot.substeps):
            self.devices.update()  # per physics step: a quick press must not slip between controls
            self.devices.drive()
            mujoco.mj_step(self.model, self.data)
        self._guard()
        self._after_control(dt * self.robot.substeps)

    def _still_step(self, seconds: float) -> None:
        """Advance the clock over a world at rest, without physics (see `idle`)."""
        self.data.time += seconds
        self.devices.update()  # a button held down stays pressed: its press memory moves with the clock
        self._after_control(seconds)

    def _after_control(self, seconds: float) -> None:
        self.tips.update(seconds)
        self.trackers.update(self, seconds)
        for key, (name, params, held) in list(self._holds.items()):
            ok = PREDICATES[name](self, params)
            self._holds[key] = (name, params, held + seconds if ok else 0.0)

    def _at_rest(self, anchor: np.ndarray) -> bool:
        """Nothing moved since `anchor` (qpos one window ago) and no device drives motion (a shaker
        that is on never rests)."""
        if self.devices.driving():
            return False
        moved = np.abs(self.data.qpos - anchor)
        rigid, drops = self._rest_q
        return bool(np.all(moved[rigid] < REST_DQ) and np.all(moved[drops] < REST_PARTICLE_M))

    def _rest_index(self) -> tuple[np.ndarray, np.ndarray]:
        """qpos indices `_at_rest` compares: (every coordinate but liquid particles', particle positions)."""
        drops = [
            self.model.jnt_qposadr[self.model.body(body).jntadr[0]]
            for asset in self.info.assets.values()
            for body in asset.particles
        ]
        spans = [np.arange(a, a + 7) for a in drops]  # a free joint: position, then quaternion
        particle = np.concatenate(spans) if spans else np.zeros(0, int)
        xyz = np.concatenate([span[:3] for span in spans]) if spans else np.zeros(0, int)
        return np.setdiff1d(np.arange(self.model.nq), particle), xyz

    def observe(self, render: bool = True) -> Observation:
        images: dict[str, np.ndarray] = {}
        if render and self.scene.cameras:
            if self._cameras is None:
                self._cameras = CameraRig(
                    self.model, self.scene.resolution, self.scene.render_mode, self.info.prefix
                )
            images = self._cameras.render(self.data, self.scene.cameras)
        q = self.data.qpos[self._arm_q]
        state = np.concatenate([q, [self.gripper_opening()]]).astype(np.float32)
        return Observation(images=images, state=state, time_s=self.time_s)

    def check(self, predicate: str, params: Any) -> bool:
        """True when the named predicate holds now (and, with success_hold_s > 0, has held that long)."""
        fn = PREDICATES.get(predicate)
        if fn is None:
            raise UnknownPredicateError(
                f"unknown predicate {predicate!r}; known: {', '.join(sorted(PREDICATES))}"
            )
        ok = bool(fn(self, params))
        if self.scene.success_hold_s <= 0:
            return ok
        key = f"{predicate}:{params!r}"
        if key not in self._holds:
            self._holds[key] = (predicate, params, 0.0)
        held = self._holds[key][2]
        return ok and held >= self.scene.success_hold_s

    def close(self) -> None:
        if self._cameras is not None:
            self._cameras.close()
            self._cameras = None

    def set_pipette_volume(self, name: str, volume_ul: float) -> None:
        """Turn the pipette's volume dial (the plunger stroke the next aspirate takes): an action the
        joint-target `step` cannot express, since a parallel gripper cannot work the knob."""
        self.tips.pipette(name).dial_ul = float(volume_ul)

    # ---- internals ----------------------------------------------------------------------------------
    def _guard(self) -> None:
        d = self.data
        if not (np.all(np.isfinite(d.qpos)) and np.all(np.isfinite(d.qvel))):
            raise NumericalInstability("NaN or inf in the physics state", self.time_s)
        worst = float(np.max(np.abs(d.qvel))) if d.qvel.size else 0.0
        if worst > MAX_QVEL:
            dof = int(np.argmax(np.abs(d.qvel)))
            jid = self.model.dof_jntid[dof]
            # Free joints (particles, labware) are unnamed: name their body instead.
            name = self.model.joint(jid).name
            joint = repr(name) if name else f"of {self.model.body(self.model.jnt_bodyid[jid]).name}"
            raise NumericalInstability(
                f"velocity {worst:.0f} on joint {joint} exceeds {MAX_QVEL}", self.time_s
            )
        if d.warning[mujoco.mjtWarning.mjWARN_BADQACC].number > 0:
            raise NumericalInstability("the solver produced a bad acceleration (mjWARN_BADQACC)", self.time_s)


if TYPE_CHECKING:  # mypy checks here that the environment keeps the whole backend contract

    def _is_env(env: MujocoEnv) -> Env:
        return env
