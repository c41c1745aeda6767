"""`SimQuery` for MuJoCo: the read-only half of `MujocoEnv`, answered from its model and data.

A mixin rather than an object the environment owns: it has no state of its own (it reads the
environment's model, data and components, declared below), and experts, predicates and tests call
these methods on the environment itself, so mixing them in keeps every call site and the public
behaviour as they were while the file holds one concern. The stateful parts it reports on (device
power, pipettes, trackers) are composed objects; the writers are in `labsim.setters`.

Values are returned as copies unless noted, so a caller cannot move the world through them.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

import mujoco
import numpy as np

from labsim.env_fields import EnvFields
from labsim.query import GeomInfo
from labsim.scene_builder import tilt_deg

if TYPE_CHECKING:
    from labsim.assets import AssetInfo
    from labsim.devices import Devices
    from labsim.ik import IKService
    from labsim.pipetting import PipetteState
    from labsim.tips import Tips
    from labsim.trackers import Trackers


class MujocoScratch:
    """`ScratchPose` on the IK's private MjData: the simulation itself is never disturbed."""

    def __init__(
        self, model: mujoco.MjModel, scratch: mujoco.MjData, world: mujoco.MjData | None, tool: int
    ) -> None:
        self._model, self._data, self._tool = model, scratch, tool
        if world is not None:
            scratch.qpos[:] = world.qpos

    def move(self, joint: str, value: float) -> None:
        self._data.qpos[int(self._model.jnt_qposadr[self._model.joint(joint).id])] = value
        mujoco.mj_kinematics(self._model, self._data)

    def place_body(self, body: str, pos: np.ndarray, quat: np.ndarray) -> None:
        adr = int(self._model.jnt_qposadr[self._model.body(body).jntadr[0]])
        self._data.qpos[adr : adr + 3] = pos
        self._data.qpos[adr + 3 : adr + 7] = quat
        mujoco.mj_kinematics(self._model, self._data)

    def site_rot(self, site: str) -> np.ndarray:
        return self._data.site_xmat[self._model.site(site).id].reshape(3, 3).copy()

    def geom_pos(self, geom: int) -> np.ndarray:
        return self._data.geom_xpos[geom].copy()

    def geom_rot(self, geom: int) -> np.ndarray:
        return self._data.geom_xmat[geom].reshape(3, 3).copy()

    def geom_positions(self) -> np.ndarray:
        return self._data.geom_xpos.copy()

    def geom_distance(self, a: int, b: int, margin_m: float) -> float:
        return float(mujoco.mj_geomDistance(self._model, self._data, a, b, margin_m, None))

    def site_pos(self, site: str) -> np.ndarray:
        return self._data.site_xpos[self._model.site(site).id].copy()

    def joint_frame(self, joint: str) -> tuple[np.ndarray, np.ndarray]:
        jid = self._model.joint(joint).id
        return self._data.xanchor[jid].copy(), self._data.xaxis[jid].copy()

    def geom_box(self, geom: int) -> tuple[np.ndarray, np.ndarray]:
        centre, half = self._model.geom_aabb[geom][:3], self._model.geom_aabb[geom][3:]
        rot = self._data.geom_xmat[geom].reshape(3, 3)
        return self._data.geom_xpos[geom] + rot @ centre, np.abs(rot) @ half

    def tool_pos(self) -> np.ndarray:
        return self._data.site_xpos[self._tool].copy()

    def tool_rot(self) -> np.ndarray:
        return self._data.site_xmat[self._tool].reshape(3, 3).copy()


class MujocoQuery(EnvFields):
    """The query methods of `MujocoEnv` (see `labsim.query.SimQuery` for the contract)."""

    # Set by MujocoEnv.__init__, beyond the fields every mixin reads.
    ik: IKService
    trackers: Trackers
    facts: dict[Hashable, Any]
    devices: Devices
    tips: Tips
    _tool: int
    _start_particles: dict[str, int]

    @property
    def time_s(self) -> float:
        return float(self.data.time)

    # ---- object poses ----------------------------------------------------------------------------
    def asset(self, name: str) -> AssetInfo:
        return self.info.asset(name)

    def body_pos(self, name: str) -> np.ndarray:
        return self.data.body(self.info.asset(name).body).xpos.copy()

    def body_rot(self, name: str) -> np.ndarray:
        return self.data.body(self.info.asset(name).body).xmat.reshape(3, 3).copy()

    def object_pose(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        body = self.data.body(self.asset(name).body)
        return body.xpos.copy(), body.xquat.copy()

    def initial_pos(self, name: str) -> np.ndarray:
        return self._start_pos[name]

    def site_pos(self, site: str) -> np.ndarray:
        return self.data.site(site).xpos.copy()

    def initial_site_pos(self, site: str) -> np.ndarray:
        return self._start_site[site]

    def geom_pos(self, geom: str | int) -> np.ndarray:
        gid = self.model.geom(geom).id if isinstance(geom, str) else geom
        return self.data.geom_xpos[gid].copy()

    def geom_rot(self, geom: int) -> np.ndarray:
        return self.data.geom_xmat[geom].reshape(3, 3).copy()

    def geom_size(self, geom: str) -> np.ndarray:
        return self.model.geom_size[self.model.geom(geom).id].copy()

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

    # ---- joints of devices ----------------------------------------------------------------------
    def joint_q(self, joint: str) -> float:
        return float(self.data.qpos[self.model.joint(joint).qposadr[0]])

    def joint_range(self, joint: str) -> tuple[float, float]:
        lo, hi = (float(v) for v in self.model.jnt_range[self.model.joint(joint).id])
        return lo, hi

    def joint_is_hinge(self, joint: str) -> bool:
        return int(self.model.jnt_type[self.model.joint(joint).id]) == int(mujoco.mjtJoint.mjJNT_HINGE)

    def joint_frame(self, joint: str) -> tuple[np.ndarray, np.ndarray]:
        jid = self.model.joint(joint).id
        return self.data.xanchor[jid].copy(), self.data.xaxis[jid].copy()

    def joint_body_pos(self, joint: str) -> np.ndarray:
        return self.data.xpos[self.model.jnt_bodyid[self.model.joint(joint).id]].copy()

    # ---- the robot -------------------------------------------------------------------------------
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

    def arm_limits(self) -> tuple[np.ndarray, np.ndarray]:
        return self.ik.lo.copy(), self.ik.hi.copy()

    def command(self) -> np.ndarray:
        """The action now applied: arm servo targets, then the gripper command (0 open, 1 closed).

        Experts continue from it, so a held object is not dropped when a new skill starts."""
        span = self._grip_closed - self._grip_open
        grip = float(np.mean((self.data.ctrl[self._grip_act] - self._grip_open) / span))
        return np.concatenate([self.data.ctrl[self._arm_act], [grip]])

    # ---- collision queries on scratch state ---------------------------------------------------------
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

    def scratch(self, from_world: bool = True) -> MujocoScratch:
        """The IK's private data: copied from the world (overwriting what the IK left there), or not."""
        return MujocoScratch(self.model, self.ik.data, self.data if from_world else None, self._tool)

    def rehearse(self, command: np.ndarray, control_steps: int) -> MujocoScratch:
        data = mujoco.MjData(self.model)
        data.qpos[:] = self.data.qpos
        data.ctrl[:] = self.data.ctrl
        for _ in range(control_steps):
            data.ctrl[self._arm_act] = command[:-1]
            data.ctrl[self._grip_act] = self._grip_open + command[-1] * (self._grip_closed - self._grip_open)
            for _ in range(self.robot.substeps):
                mujoco.mj_step(self.model, data)
        return MujocoScratch(self.model, data, None, self._tool)

    def geoms(self) -> list[GeomInfo]:
        model, box = self.model, int(mujoco.mjtGeom.mjGEOM_BOX)
        table = []
        for g in range(model.ngeom):
            body = int(model.geom_bodyid[g])
            table.append(
                GeomInfo(
                    id=g,
                    name=model.geom(g).name,
                    body=model.body(body).name,
                    body_id=body,
                    parent_id=int(model.body_parentid[body]),
                    weld_id=int(model.body_weldid[body]),
                    contype=int(model.geom_contype[g]),
                    conaffinity=int(model.geom_conaffinity[g]),
                    is_box=int(model.geom_type[g]) == box,
                    aabb=model.geom_aabb[g].copy(),
                    rbound=model.geom_rbound[g],
                )
            )
        return table

    def moving_geoms(self, joint: str) -> list[int]:
        model = self.model
        bodies = {int(model.jnt_bodyid[model.joint(joint).id])}
        for b in range(min(bodies) + 1, model.nbody):  # MuJoCo numbers a parent before its children
            if int(model.body_parentid[b]) in bodies:
                bodies.add(b)
        return [g for g in range(model.ngeom) if int(model.geom_bodyid[g]) in bodies]

    # ---- device and pipette state ---------------------------------------------------------------
    def device_on(self, name: str) -> bool:
        return self.devices.is_on(name)

    def last_press_s(self, name: str) -> float:
        """Simulated time the device's button was last held down (-inf if never this episode)."""
        return self.devices.last_press_s(name)

    def pipette(self, name: str) -> PipetteState:
        return self.tips.pipette(name)

    def well_volume(self, labware: str, well: str) -> float:
        return self.tips.well_volume(labware, well)

    def tips_left(self, rack: str) -> list[str]:
        """Rack positions still holding a tip, row-major (the order `skills` hands tips out)."""
        return self.tips.tips_left(rack)
