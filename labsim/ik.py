"""Inverse kinematics as a robot service: damped least squares on MuJoCo site Jacobians.

It works on a private MjData (the simulation is never disturbed), moves only the arm joints, clamps to
the profile's limits, and retries from perturbed seeds before it reports a pose unreachable.
"""

from __future__ import annotations

import mujoco
import numpy as np
from pydantic import BaseModel, ConfigDict

from labdata.robot_profile import RobotProfile

POS_TOL_M = 1e-3
ROT_TOL_RAD = np.deg2rad(1.0)


class IKResult(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)
    success: bool
    qpos: list[float]
    pos_error_m: float
    rot_error_deg: float
    reason: str = ""


class IKService:
    """Solve arm joint positions that put the tool site at a world pose (position, quat wxyz)."""

    def __init__(self, model: mujoco.MjModel, profile: RobotProfile, prefix: str) -> None:
        self.model = model
        self.profile = profile
        self.data = mujoco.MjData(model)
        self.site_id = model.site(f"{prefix}gripper/{profile.gripper.tool_site}").id
        joints = [model.joint(f"{prefix}{j}") for j in profile.arm_joints]
        self.qadr = np.array([j.qposadr[0] for j in joints])
        self.dadr = np.array([j.dofadr[0] for j in joints])
        self.lo = np.array([lo for lo, _ in profile.joint_limits])
        self.hi = np.array([hi for _, hi in profile.joint_limits])

    def forward(self, q: np.ndarray, qpos_rest: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Tool site (position, quat wxyz) at arm joints `q`."""
        if qpos_rest is not None:
            self.data.qpos[:] = qpos_rest
        self.data.qpos[self.qadr] = q
        mujoco.mj_kinematics(self.model, self.data)
        quat = np.zeros(4)
        mujoco.mju_mat2Quat(quat, self.data.site_xmat[self.site_id])
        return self.data.site_xpos[self.site_id].copy(), quat

    def _errors(self, pos: np.ndarray, quat: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        err_pos = pos - self.data.site_xpos[self.site_id]
        if quat is None:
            return err_pos, np.zeros(3)
        current = np.zeros(4)
        mujoco.mju_mat2Quat(current, self.data.site_xmat[self.site_id])
        conj = np.zeros(4)
        mujoco.mju_negQuat(conj, current)
        diff = np.zeros(4)
        mujoco.mju_mulQuat(diff, quat, conj)
        err_rot = np.zeros(3)
        mujoco.mju_quat2Vel(err_rot, diff, 1.0)
        return err_pos, err_rot

    def _descend(
        self, q: np.ndarray, pos: np.ndarray, quat: np.ndarray | None, iters: int
    ) -> tuple[np.ndarray, float, float]:
        jacp = np.zeros((3, self.model.nv))
        jacr = np.zeros((3, self.model.nv))
        damping = 1e-3
        for _ in range(iters):
            self.data.qpos[self.qadr] = q
            mujoco.mj_kinematics(self.model, self.data)
            mujoco.mj_comPos(self.model, self.data)
            err_p, err_r = self._errors(pos, quat)
            if np.linalg.norm(err_p) < POS_TOL_M * 0.2 and np.linalg.norm(err_r) < ROT_TOL_RAD * 0.2:
                break
            mujoco.mj_jacSite(self.model, self.data, jacp, jacr, self.site_id)
            if quat is None:
                jac, err = jacp[:, self.dadr], err_p
            else:
                jac, err = np.vstack([jacp[:, self.dadr], jacr[:, self.dadr]]), np.concatenate([err_p, err_r])
            step = jac.T @ np.linalg.solve(jac @ jac.T + damping * np.eye(len(err)), err)
            norm = np.linalg.norm(step)
            if norm > 0.3:
                step *= 0.3 / norm
            q = np.clip(q + step, self.lo, self.hi)
        self.data.qpos[self.qadr] = q
        mujoco.mj_kinematics(self.model, self.data)
        err_p, err_r = self._errors(pos, quat)
        return q, float(np.linalg.norm(err_p)), float(np.linalg.norm(err_r))

    def solve(
        self,
        pos: np.ndarray,
        quat: np.ndarray | None = None,
        q_init: np.ndarray | None = None,
        qpos_rest: np.ndarray | None = None,
        restarts: int = 8,
        seed: int = 0,
    ) -> IKResult:
        """Joint positions reaching the pose within 1 mm / 1 degree, or success=False with a reason.

        `qpos_rest` is the full model qpos (objects, other joints) the solve is done against; quat=None
        solves position only.
        """
        pos = np.asarray(pos, float)
        quat = None if quat is None else np.asarray(quat, float) / np.linalg.norm(quat)
        if qpos_rest is not None:
            self.data.qpos[:] = qpos_rest
        rng = np.random.default_rng(seed)
        start = np.asarray(self.profile.home if q_init is None else q_init, float)
        best: tuple[np.ndarray, float, float] | None = None
        for attempt in range(restarts + 1):
            q0 = start if attempt == 0 else np.clip(start + rng.normal(0, 0.6, len(start)), self.lo, self.hi)
            if attempt > restarts // 2:
                q0 = rng.uniform(self.lo, self.hi)
            q, ep, er = self._descend(q0.copy(), pos, quat, iters=200)
            if best is None or ep + 0.1 * er < best[1] + 0.1 * best[2]:
                best = (q, ep, er)
            if ep <= POS_TOL_M and er <= ROT_TOL_RAD:
                return IKResult(
                    success=True, qpos=q.tolist(), pos_error_m=ep, rot_error_deg=float(np.rad2deg(er))
                )
        assert best is not None
        q, ep, er = best
        reason = (
            f"unreachable: best solution misses by {ep * 1000:.1f} mm and {np.rad2deg(er):.1f} deg "
            f"after {restarts + 1} starts"
        )
        return IKResult(
            success=False, qpos=q.tolist(), pos_error_m=ep, rot_error_deg=float(np.rad2deg(er)), reason=reason
        )
