"""Privileged setters: the writes that put a scene into a state instead of simulating it there.

For scene setup (the sampler placing fixtures on a randomized layout, a scripted start pose), state
restoration (replay) and tests; never for experts or predicates, which read through `SimQuery` and act
only through `Env.step`. A mixin of `MujocoEnv` for the same reason as `labsim.mujoco_query`: it has
no state of its own and its callers already call these methods on the environment.
"""

from __future__ import annotations

import mujoco
import numpy as np

from labsim.env_fields import EnvFields


class MujocoSetters(EnvFields):
    """The writing methods of `MujocoEnv`; each leaves the kinematics recomputed."""

    _fixture0: dict[int, tuple[np.ndarray, np.ndarray]]

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
        self._start_pos[name] = self.data.body(asset.body).xpos.copy()
        for site in (asset.handle_site, asset.rod_tip_site):
            if site:
                self._start_site[site] = self.data.site(site).xpos.copy()

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
