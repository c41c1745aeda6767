"""Can the arm reach a randomized layout? The check the sampler runs before it keeps a draw.

Wide placement (tens of centimetres, turned devices) puts some draws out of an arm's workspace. The
sampler must redraw those rather than hand the expert an impossible scene, and it must do so cheaply:
building the randomized scene for every draw would cost as much as a short episode. So the nominal
scene is built once per (scene, robot) and process; each item's working points (the grasp point of a
free vessel or rod, a device's handle and button) are stored in the item's own frame, moved by the
draw's shift and turn, and solved with the IK the experts use (`env.ik`): top-down at the grasp point
and 10 cm above it for free items, the tool at the point for a handle (with the stand-off the
articulation experts take) or a button.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

LIFT_CHECK_M = 0.10  # the pick expert lifts and carries from about this high above the grasp
HANDLE_STAND_OFF_M = 0.06  # robogenesis.experts.articulation: the tool stops this far in front of a handle
IK_RESTARTS = 4


class _Point:
    """A working point in its item's frame: where, and how the tool must meet it."""

    def __init__(self, local: np.ndarray, kind: str) -> None:
        self.local = local
        self.kind = kind  # "top" (top-down grasp), "rod" (top-down across the rod), "any" (position)


class ReachModel:
    """The nominal scene of one protocol on one robot, with its items' working points."""

    def __init__(self, scene_json: str, robot: str) -> None:
        from labsim.backend import get_backend
        from labsim.scene_spec import SceneSpec
        from robogenesis.experts.grasp import grasp_plan

        scene = SceneSpec.model_validate_json(scene_json).model_copy(update={"cameras": []})
        env = get_backend().build(scene, robot)
        from labsim.mujoco_env import MujocoEnv  # after get_backend, which chooses the GL first

        if not isinstance(env, MujocoEnv):  # the button's body is read from MuJoCo's model
            raise TypeError(f"the reach check needs the MuJoCo backend, not {type(env).__name__}")
        self.env = env
        self.points: dict[str, list[_Point]] = {}
        self.origin: dict[str, np.ndarray] = {}
        for name, asset in self.env.info.assets.items():
            origin = self.env.body_pos(name).copy()
            self.origin[name] = origin
            points = []
            if asset.free and asset.shape in ("cylinder", "flask", "rod"):
                plan = grasp_plan(self.env, name)
                points.append(_Point(plan.pos - origin, "rod" if asset.rod_tip_site else "top"))
            if asset.handle_site:
                points.append(_Point(self.env.site_pos(asset.handle_site) - origin, "any"))
            if asset.button_joint:
                body = self.env.model.jnt_bodyid[self.env.model.joint(asset.button_joint).id]
                points.append(_Point(self.env.data.xpos[body] - origin, "any"))
            self.points[name] = points

    def problem(self, shifts: dict[str, tuple[float, float]], yaws: dict[str, float]) -> str | None:
        """Why the arm cannot work this draw (the first item it fails on), or None when it can."""
        from robogenesis.experts.grasp import UP, natural_yaw, top_down

        for name, points in self.points.items():
            yaw = yaws.get(name, 0.0)
            c, s = math.cos(yaw), math.sin(yaw)
            turn = np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])
            dx, dy = shifts.get(name, (0.0, 0.0))
            origin = self.origin[name] + np.array([dx, dy, 0.0])
            for point in points:
                pos = origin + turn @ point.local
                goals: list[tuple[np.ndarray, list[np.ndarray] | None]]
                if point.kind == "any":
                    front = turn @ np.array([-1.0, 0.0, 0.0])  # devices face -x before they turn
                    goals = [(pos + front * HANDLE_STAND_OFF_M, None), (pos, None)]
                else:
                    across = yaw + math.pi / 2 if point.kind == "rod" else natural_yaw(self.env, pos)
                    grips = top_down(self.env, across)
                    goals = [(p, grips) for p in (pos, pos + UP * LIFT_CHECK_M)]
                for goal, rots in goals:
                    if not self._reaches(goal, rots):
                        return f"{name}: the arm does not reach {np.round(goal, 3).tolist()}"
        return None

    def _reaches(self, pos: np.ndarray, rots: list[np.ndarray] | None) -> bool:
        """Position only for a handle or button; for a top-down grasp, in some orientation and in
        a branch where the arm touches neither the bench nor itself (the experts' own check: a Panda
        can put its hand right beside its base only by folding its wrist onto it)."""
        from robogenesis.experts.base import ExpertOptions, PlanningError
        from robogenesis.experts.motion import TRACK_TOL_DEG, TRACK_TOL_M, Arm, Pose

        home = np.asarray(self.env.robot.home, float)
        if rots is None:
            result = self.env.ik.solve(pos, None, q_init=home, restarts=IK_RESTARTS)
            return result.pos_error_m <= TRACK_TOL_M and result.rot_error_deg <= TRACK_TOL_DEG
        arm = Arm(self.env, ExpertOptions(), np.random.default_rng(0))
        for rot in rots:
            try:
                arm.solve(Pose(pos, rot), seed=home, restarts=IK_RESTARTS)
            except PlanningError:
                continue
            return True
        return False


@cache
def reach_model(scene_json: str, robot: str) -> ReachModel:
    """One per nominal scene and robot in a process (a worker sees few protocols)."""
    return ReachModel(scene_json, robot)
