"""The MuJoCo backend: a scene compiled from a SceneSpec, stepped with joint-position targets."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import mujoco
import numpy as np

from labsim.assets import AssetInfo
from labsim.backend import Observation, Randomization
from labsim.cameras import CameraRig
from labsim.errors import NumericalInstability, SceneError, UnknownPredicateError
from labsim.ik import IKService
from labsim.pipetting import ATTACH_RADIUS_M, DIP_CLEAR_M, DWELL_S, PipetteState, locate_tip
from labsim.predicates import PREDICATES, button_pressed
from labsim.scene_builder import compile_scene, tilt_deg
from labsim.scene_spec import SceneSpec
from labsim.trackers import Trackers

MAX_QVEL = 200.0
SETTLE_S = 0.2
SHAKER_AMPLITUDE_M = 0.015
SHAKER_HZ = 2.0
EJECT_ARM_M = 0.03  # a tip lifted this far above its rack position may be pushed back in to eject it
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


class MujocoEnv:
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
        self._on = {name: False for name, a in self.info.assets.items() if a.button_joint}
        self._was_pressed = dict.fromkeys(self._on, False)
        self._last_press_s = dict.fromkeys(self._on, -np.inf)
        self._pipettes = {
            n: PipetteState(dial_ul=self._pipette_max(n)) for n, a in self.info.assets.items() if a.tip_site
        }
        self._wells = {
            n: dict.fromkeys(a.wells.names(), self.scene.item(n).volume_ul)
            for n, a in self.info.assets.items()
            if a.wells is not None and not a.tip_geoms
        }
        self._tips = {n: set(a.tip_geoms) for n, a in self.info.assets.items() if a.tip_geoms}
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
            self._update_devices()  # per physics step: a quick press must not slip between controls
            self._drive_devices()
            mujoco.mj_step(self.model, self.data)
        self._guard()
        self._after_control(dt * self.robot.substeps)

    def _still_step(self, seconds: float) -> None:
        """Advance the clock over a world at rest, without physics (see `idle`)."""
        self.data.time += seconds
        self._update_devices()  # a button held down stays pressed: its press memory moves with the clock
        self._after_control(seconds)

    def _after_control(self, seconds: float) -> None:
        self._update_pipettes(seconds)
        self.trackers.update(self, seconds)
        for key, (name, params, held) in list(self._holds.items()):
            ok = PREDICATES[name](self, params)
            self._holds[key] = (name, params, held + seconds if ok else 0.0)

    def _at_rest(self, anchor: np.ndarray) -> bool:
        """Nothing moved since `anchor` (qpos one window ago) and no device drives motion (a shaker
        that is on never rests)."""
        if any(on and self.info.assets[name].platform_joint for name, on in self._on.items()):
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

    def object_pose(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        body = self.data.body(self.asset(name).body)
        return body.xpos.copy(), body.xquat.copy()

    def close(self) -> None:
        if self._cameras is not None:
            self._cameras.close()
            self._cameras = None

    # ---- state access used by predicates, trackers and experts ---------------------------------
    @property
    def time_s(self) -> float:
        return float(self.data.time)

    def asset(self, name: str) -> AssetInfo:
        return self.info.asset(name)

    def body_pos(self, name: str) -> np.ndarray:
        return self.data.body(self.info.asset(name).body).xpos.copy()

    def initial_pos(self, name: str) -> np.ndarray:
        return self._start_pos[name]

    def site_pos(self, site: str) -> np.ndarray:
        return self.data.site(site).xpos.copy()

    def initial_site_pos(self, site: str) -> np.ndarray:
        return self._start_site[site]

    def joint_q(self, joint: str) -> float:
        return float(self.data.qpos[self.model.joint(joint).qposadr[0]])

    def set_joint_q(self, joint: str, value: float) -> None:
        """Set a joint directly (tests, state restoration); kinematics are recomputed."""
        self.data.qpos[self.model.joint(joint).qposadr[0]] = value
        mujoco.mj_forward(self.model, self.data)

    def set_body_pos(self, name: str, pos: np.ndarray, quat: np.ndarray | None = None) -> None:
        """Teleport a free body (labware or particle) and zero its velocity."""
        joint = self.model.body(name).jntadr[0]
        adr, vadr = self.model.jnt_qposadr[joint], self.model.jnt_dofadr[joint]
        self.data.qpos[adr : adr + 3] = pos
        if quat is not None:
            self.data.qpos[adr + 3 : adr + 7] = quat
        self.data.qvel[vadr : vadr + 6] = 0.0
        mujoco.mj_forward(self.model, self.data)

    def place_fixture(self, name: str, offset_xy: tuple[float, float], yaw_rad: float) -> None:
        """Move a fixed item (a device) by `offset_xy` from where the scene put it and turn it to
        `yaw_rad`: the sampler plans the expert against a randomized layout in one nominal scene
        instead of building every draw (a build costs as much as several plans)."""
        from labsim.assets.shapes import yaw_quat

        asset = self.info.asset(name)
        if asset.free:
            raise ValueError(f"{name} is free labware; place_fixture moves fixed items only")
        body = self.model.body(asset.body).id
        pos0, quat0 = self._fixture0.setdefault(
            body, (self.model.body_pos[body].copy(), self.model.body_quat[body].copy())
        )
        self.model.body_pos[body] = pos0 + np.array([offset_xy[0], offset_xy[1], 0.0])
        turn = np.zeros(4)
        mujoco.mju_mulQuat(turn, np.asarray(yaw_quat(yaw_rad)), quat0)
        self.model.body_quat[body] = turn
        mujoco.mj_forward(self.model, self.data)
        self._start_pos[name] = self.body_pos(name).copy()
        for site in (asset.handle_site, asset.rod_tip_site):
            if site:
                self._start_site[site] = self.site_pos(site).copy()

    def arm_hits(self, q: np.ndarray, items: list[str], depth_m: float = 0.002) -> str | None:
        """Which robot geom would sink more than `depth_m` into one of `items` (fixed devices) with
        the arm at joints `q`, as 'geom in item', or None. Solved on the IK's private data with the
        world as it is now, so the simulation is not disturbed: the sampler's check that a planned
        way past a device is clear."""
        data = self.ik.data
        data.qpos[:] = self.data.qpos
        data.qpos[self._arm_q] = q
        mujoco.mj_fwdPosition(self.model, data)
        roots = {self.model.body(self.info.asset(n).body).id: n for n in items}
        robot = self.model.body("robot_mount").id
        root = self.model.body_rootid
        for c in data.contact[: data.ncon]:
            if c.dist >= -depth_m:
                continue
            b1, b2 = (root[self.model.geom_bodyid[g]] for g in (c.geom1, c.geom2))
            for mine, other, geom in ((b1, b2, c.geom1), (b2, b1, c.geom2)):
                if mine == robot and other in roots:
                    return f"{self.model.geom(geom).name or 'a robot geom'} in {roots[other]}"
        return None

    def set_arm(self, q: np.ndarray, gripper_close: float = 0.0) -> None:
        """Put the arm at `q` with matching servo targets (tests, scripted starts)."""
        self.data.qpos[self._arm_q] = q
        self.data.ctrl[self._arm_act] = q
        self.data.ctrl[self._grip_act] = self._grip_open + gripper_close * (
            self._grip_closed - self._grip_open
        )
        span = self.robot.gripper.joint_closed - self.robot.gripper.joint_open
        self.data.qpos[self._grip_q] = self.robot.gripper.joint_open + gripper_close * span
        mujoco.mj_forward(self.model, self.data)

    def command(self) -> np.ndarray:
        """The action now applied: arm servo targets, then the gripper command (0 open, 1 closed).

        Experts continue from it, so a held object is not dropped when a new skill starts."""
        span = self._grip_closed - self._grip_open
        grip = float(np.mean((self.data.ctrl[self._grip_act] - self._grip_open) / span))
        return np.concatenate([self.data.ctrl[self._arm_act], [grip]])

    def tool_rot(self) -> np.ndarray:
        """Tool site orientation as a 3x3 world rotation matrix."""
        return self.data.site_xmat[self._tool].reshape(3, 3).copy()

    def tool_pos(self) -> np.ndarray:
        return self.data.site_xpos[self._tool].copy()

    def distance_to_tool(self, name: str) -> float:
        return float(np.linalg.norm(self.body_pos(name) - self.tool_pos()))

    def gripper_opening(self) -> float:
        g = self.robot.gripper
        q = float(self.data.qpos[self._grip_q])
        return float(np.clip((q - g.joint_closed) / (g.joint_open - g.joint_closed), 0.0, 1.0))

    def tilt_deg(self, name: str) -> float:
        return tilt_deg(self.data.body(self.asset(name).body).xmat)

    def particles_inside(self, particles: list[str], container: str) -> int:
        box = self.asset(container)
        if not box.is_container:
            return 0
        body = self.data.body(box.body)
        rot = body.xmat.reshape(3, 3)
        count = 0
        for name in particles:
            local = rot.T @ (self.data.body(name).xpos - body.xpos)
            if (
                np.hypot(local[0], local[1]) <= box.inner_radius_m + 0.002
                and -0.005 <= local[2] <= box.top_z_m + 0.01
            ):
                count += 1
        return count

    def initial_particles(self, name: str) -> int:
        return self._start_particles.get(name, 0)

    def device_on(self, name: str) -> bool:
        return self._on.get(name, False)

    def last_press_s(self, name: str) -> float:
        """Simulated time the device's button was last held down (-inf if never this episode)."""
        return self._last_press_s.get(name, -np.inf)

    def pipette(self, name: str) -> PipetteState:
        try:
            return self._pipettes[name]
        except KeyError:
            raise SceneError(f"{name} is not a pipette in this scene") from None

    def well_volume(self, labware: str, well: str) -> float:
        return self._wells[labware][well]

    def set_pipette_volume(self, name: str, volume_ul: float) -> None:
        """Turn the pipette's volume dial (the plunger stroke the next aspirate takes)."""
        self.pipette(name).dial_ul = float(volume_ul)

    # ---- internals ----------------------------------------------------------------------------------
    def _pipette_max(self, name: str) -> float:
        from labdata.catalog import load_catalog

        kind = load_catalog().get(self.asset(name).type)
        return float(kind.volume_range_ul[1]) if kind.volume_range_ul else 1000.0

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

    def _drive_devices(self) -> None:
        for name, on in self._on.items():
            asset = self.info.assets[name]
            if asset.platform_joint:
                adr = self.model.joint(asset.platform_joint).qposadr[0]
                target = SHAKER_AMPLITUDE_M * np.sin(2 * np.pi * SHAKER_HZ * self.data.time) if on else 0.0
                # A stiff spring towards the oscillating target stands in for the shaker's motor.
                vadr = self.model.joint(asset.platform_joint).dofadr[0]
                self.data.qfrc_applied[vadr] = (
                    400.0 * (target - self.data.qpos[adr]) - 10.0 * self.data.qvel[vadr]
                )

    def _update_devices(self) -> None:
        for name in self._on:
            pressed = button_pressed(self, name)
            if pressed:
                self._last_press_s[name] = float(self.data.time)
            if pressed and not self._was_pressed[name]:
                self._on[name] = not self._on[name]
                plate = f"{name}/plate"
                from labsim.assets.devices import PLATE_OFF_RGBA, PLATE_ON_RGBA

                try:
                    gid = self.model.geom(plate).id
                except KeyError:
                    gid = -1
                if gid >= 0:
                    self.model.geom_rgba[gid] = PLATE_ON_RGBA if self._on[name] else PLATE_OFF_RGBA
            self._was_pressed[name] = pressed

    def _update_pipettes(self, dt: float) -> None:
        for name, state in self._pipettes.items():
            asset = self.info.assets[name]
            assert asset.tip_site is not None  # every pipette asset has one
            nozzle = self.site_pos(f"{name}/nozzle")
            tip_end = self.site_pos(asset.tip_site)
            if state.tip_from is None:
                self._try_attach(name, state, nozzle)
                continue
            if not state.armed:
                rack, well = state.tip_from
                home = self._tip_slot(rack, well)
                state.armed = bool(tip_end[2] - home[2] > EJECT_ARM_M)
            self._try_eject(name, state, tip_end)
            if state.tip_from is None:
                continue
            where = locate_tip(tip_end, self)
            if state.dipped is not None:
                # One transfer per dip, and a dip lasts until the tip comes up out of the well: a tip
                # that slides a millimetre past a well's edge while it dwells (a pipette wobbling in
                # the fingers) has not been taken out and put back in, so it must not transfer again.
                lab = state.dipped[0]
                out = tip_end[2] > self.body_pos(lab)[2] + self.info.assets[lab].top_z_m + DIP_CLEAR_M
                if out or (where is not None and (where.labware, where.well) != state.dipped):
                    state.dipped, state.dwell_s = None, 0.0
                else:
                    continue
            if where is None:
                state.dwell_s = 0.0
                continue
            state.dwell_s += dt
            if state.dwell_s < DWELL_S:
                continue
            key = (where.labware, where.well)
            state.dipped, state.dwell_s = key, 0.0
            if (
                state.loaded_ul <= 0.0
                and where.well is not None
                and self._wells[where.labware][where.well] > 0
            ):
                take = min(state.dial_ul, self._wells[where.labware][where.well])
                self._wells[where.labware][where.well] -= take
                state.loaded_ul, state.loaded_from = take, key
                state.aspirated.append((where.labware, where.well, take))
            elif state.loaded_ul > 0.0:  # back into the same well too: that is how mixing works
                if where.well is not None:
                    self._wells[where.labware][where.well] += state.loaded_ul
                state.dispensed.append((where.labware, where.well, state.loaded_ul))
                state.loaded_ul, state.loaded_from = 0.0, None

    def _try_attach(self, name: str, state: PipetteState, nozzle: np.ndarray) -> None:
        for rack, remaining in self._tips.items():
            asset = self.info.assets[rack]
            for well in sorted(remaining):
                gid = self.model.geom(asset.tip_geoms[well]).id
                center = self.data.geom_xpos[gid]
                # The nozzle is pushed into the tip: within its radius sideways, inside its height.
                inserted = -0.014 <= nozzle[2] - center[2] <= 0.012 + ATTACH_RADIUS_M
                if inserted and np.hypot(*(nozzle[:2] - center[:2])) < ATTACH_RADIUS_M:
                    remaining.discard(well)
                    self.model.geom_rgba[gid, 3] = 0.0
                    self.model.geom_rgba[self.model.geom(self.info.assets[name].pipette_tip_geom).id, 3] = 1.0
                    state.tip_from, state.had_tip, state.armed = (rack, well), True, False
                    return

    def _tip_slot(self, rack: str, well: str) -> np.ndarray:
        """Where a tip's end sits when pushed into rack position `well` (the rack's top surface)."""
        geom = self.info.assets[rack].tip_geoms[well]
        return self.data.geom_xpos[self.model.geom(geom).id] - np.array([0.0, 0.0, 0.012])

    def tips_left(self, rack: str) -> list[str]:
        """Rack positions still holding a tip, row-major (the order `skills` hands tips out)."""
        remaining = self._tips.get(rack, set())
        grid = self.info.assets[rack].wells
        return [w for w in grid.names() if w in remaining] if remaining and grid is not None else []

    def _try_eject(self, name: str, state: PipetteState, tip_end: np.ndarray) -> None:
        for rack, remaining in self._tips.items():
            asset = self.info.assets[rack]
            for well in asset.tip_geoms:
                if well in remaining:
                    continue
                slot = self._tip_slot(rack, well)
                back_home = (rack, well) == state.tip_from and state.armed
                if np.linalg.norm(slot - tip_end) < ATTACH_RADIUS_M and (
                    back_home or (rack, well) != state.tip_from
                ):
                    self.model.geom_rgba[self.model.geom(self.info.assets[name].pipette_tip_geom).id, 3] = 0.0
                    state.tip_from = None
                    return
