"""Smooth motion for scripted experts: minimum-jerk joint trajectories and straight Cartesian moves
solved by IK at every control step, seeded by the previous step so the joint path stays continuous.

An `Arm` wraps one environment for one expert run. It starts from the action the environment is
applying now (so an object held by the previous skill stays held) and only ever yields actions; the
caller (the engine) steps the environment with them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from labdata.deck import WORKSPACE_HIGH, WORKSPACE_LOW
from labsim.rotations import mat_to_quat, quat_to_mat
from robogenesis.experts.base import ExpertOptions, PlanningError
from robogenesis.experts.cache import geom_named, geom_table, per_env
from robogenesis.experts.clearance import folded

if TYPE_CHECKING:
    from labsim.query import SimQuery

ROT_SPEED_RAD_S = 1.2
JOINT_SPEED_RAD_S = 0.8  # mean speed of the farthest joint in a free joint-space move
SPEED_SHARE = 0.9  # of each joint's datasheet speed limit, the most a planned step may use
MIN_MOVE_S = 0.4
MAX_STEP_JUMP_RAD = 0.35
SAME_BRANCH_RAD = 0.3  # a way ending this close to the wanted joints (each) ends in their branch
BENCH_MARGIN_M = 0.01
BENCH_CHECK_EVERY = 5
TRACK_TOL_M = 0.004
TRACK_TOL_DEG = 2.0
CLEAR_TRIES, CLEAR_SPREAD_RAD, CLEAR_SEED = 24, 1.2, 7  # Arm.clear_solutions


def _arm_geoms(env: SimQuery) -> list[int]:
    """Colliding geoms of the arm's moving links: not the gripper (it is meant to work close to
    surfaces), not the base (it stands on the bench at home already)."""
    return per_env(env, "arm_geoms", lambda: _measure_arm_geoms(env))


def _measure_arm_geoms(env: SimQuery) -> list[int]:
    prefix = env.info.prefix
    env.ik.forward(np.asarray(env.robot.home, float))
    scratch = env.scratch(from_world=False)
    bench = geom_named(env, "bench_top")
    return [
        geom.id
        for geom in geom_table(env)
        if geom.contype
        and geom.body.startswith(prefix)
        and not geom.body.startswith(f"{prefix}gripper/")
        and scratch.geom_distance(geom.id, bench, 0.05) >= 0.05
    ]


def _close_enough(result: Any) -> bool:
    """IK's own tolerance is 1 mm / 1 degree; a few millimetres more is invisible to any predicate and
    lets paths run closer to the edge of the workspace."""
    return bool(
        result.success or (result.pos_error_m <= TRACK_TOL_M and result.rot_error_deg <= TRACK_TOL_DEG)
    )


@dataclass(frozen=True)
class Pose:
    """A tool pose in the world: position and 3x3 rotation (columns are the tool axes)."""

    pos: np.ndarray
    rot: np.ndarray

    def quat(self) -> np.ndarray:
        return mat_to_quat(self.rot)

    def moved(self, offset: np.ndarray) -> Pose:
        return Pose(self.pos + np.asarray(offset, float), self.rot)


def above_at(goal: Pose, travel_z: float) -> Pose:
    """`goal` raised to `travel_z` (or left where it is, if higher): where a transit crosses to."""
    return Pose(np.array([*goal.pos[:2], max(travel_z, goal.pos[2])]), goal.rot)


def min_jerk(s: np.ndarray | float) -> np.ndarray | float:
    """Minimum-jerk time scaling: 0 -> 1 with zero velocity and acceleration at both ends."""
    s = np.clip(s, 0.0, 1.0)
    return 10 * s**3 - 15 * s**4 + 6 * s**5


def rot_about(axis: np.ndarray, angle: float) -> np.ndarray:
    """Rotation matrix of `angle` radians about the unit `axis` (Rodrigues)."""
    axis = np.asarray(axis, float) / np.linalg.norm(axis)
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    return np.eye(3) + np.sin(angle) * k + (1 - np.cos(angle)) * (k @ k)


def rot_between(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """The smallest rotation taking direction `u` onto direction `v`."""
    u = np.asarray(u, float) / np.linalg.norm(u)
    v = np.asarray(v, float) / np.linalg.norm(v)
    axis = np.cross(u, v)
    sin, cos = np.linalg.norm(axis), float(np.dot(u, v))
    if sin < 1e-9:
        if cos > 0:
            return np.eye(3)
        ortho = np.cross(u, [1.0, 0.0, 0.0] if abs(u[0]) < 0.9 else [0.0, 1.0, 0.0])
        return rot_about(ortho, np.pi)
    return rot_about(axis / sin, float(np.arctan2(sin, cos)))


def rot_angle(r: np.ndarray) -> float:
    return float(np.arccos(np.clip((np.trace(r) - 1.0) / 2.0, -1.0, 1.0)))


def interpolate_rot(r0: np.ndarray, r1: np.ndarray, s: float) -> np.ndarray:
    """Rotation a fraction `s` of the way from r0 to r1 (geodesic)."""
    rel = r0.T @ r1
    angle = rot_angle(rel)
    if angle < 1e-9:
        return r0
    axis = np.array([rel[2, 1] - rel[1, 2], rel[0, 2] - rel[2, 0], rel[1, 0] - rel[0, 1]])
    if np.linalg.norm(axis) < 1e-9:  # a half turn: any perpendicular axis from the symmetric part
        sym = (rel + np.eye(3)) / 2.0
        axis = sym[:, int(np.argmax(np.diag(sym)))]
    return r0 @ rot_about(axis, s * angle)


def check_workspace(tool: np.ndarray) -> None:
    """PlanningError when the tool would leave the workspace (`labdata.deck`): a demonstration the
    deployment safety monitor would stop is not one to plan, record or export."""
    if np.any(tool < WORKSPACE_LOW) or np.any(tool > WORKSPACE_HIGH):
        raise PlanningError(f"the way passes {np.round(tool, 2).tolist()}, outside the workspace")


class Arm:
    """The motion vocabulary of an expert run on one environment."""

    def __init__(self, env: SimQuery, options: ExpertOptions, rng: np.random.Generator) -> None:
        self.env = env
        self.options = options
        self.rng = rng
        command = np.asarray(env.command(), float)
        self.q = command[:-1].copy()
        self.grip = float(np.clip(command[-1], 0.0, 1.0))
        self.hz = float(env.robot.control_hz)

    # ---- reading -------------------------------------------------------------------------------
    def pose(self) -> Pose:
        """Where the tool really is (measured)."""
        return Pose(self.env.tool_pos(), self.env.tool_rot())

    def planned(self, q: np.ndarray | None = None) -> Pose:
        """Where the commanded joint targets (or `q`) put the tool."""
        pos, quat = self.env.ik.forward(self.q if q is None else q)
        return Pose(pos, quat_to_mat(quat))

    def jitter(self, scale: float, size: int = 3) -> np.ndarray:
        """A uniform perturbation of +-scale (times the noise option) per component."""
        return self.rng.uniform(-1.0, 1.0, size) * scale * self.options.noise

    def timed(self, seconds: float) -> int:
        """Control steps for a nominal duration, scaled by speed and perturbed by noise."""
        factor = 1.0 + 0.15 * self.options.noise * self.rng.uniform(-1.0, 1.0)
        return max(1, round(seconds * factor / self.options.speed * self.hz))

    def action(self) -> np.ndarray:
        return np.concatenate([self.q, [self.grip]])

    # ---- planning ------------------------------------------------------------------------------
    def solve(
        self, pose: Pose, seed: np.ndarray | None = None, restarts: int = 8, near: bool = False
    ) -> np.ndarray:
        """Joints for `pose`. `near` accepts only what descent from the seed or from home reaches: the
        arm's own branch. Random restarts can land in a flipped one (a UR5 elbow down, its shoulder
        turned over), from which the next free move swings the whole arm round behind its base;
        experts that choose among several grasp poses try them all `near` before allowing that."""
        start = self.q if seed is None else seed
        if near:
            for q0 in (start, np.asarray(self.env.robot.home, float)):
                result = self.env.ik.solve(pose.pos, pose.quat(), q_init=q0, restarts=0)
                if _close_enough(result):
                    break
        else:
            result = self.env.ik.solve(pose.pos, pose.quat(), q_init=start, restarts=restarts)
        if not _close_enough(result):
            raise PlanningError(f"IK failed at {np.round(pose.pos, 3).tolist()}: {result.reason}")
        q = np.asarray(result.qpos)
        try:
            self.check_bench(q, pose)
        except PlanningError:
            if near:
                raise
            for q in self.clear_solutions(pose, start):
                return q
            raise
        return q

    def clear_solutions(self, pose: Pose, start: np.ndarray) -> Iterator[np.ndarray]:
        """Solutions for `pose` whose links touch neither the bench nor each other, from seeds spread
        about `start` (a redundant arm reaches most poses in several ways; the one nearest the seed can
        be folded onto itself). Its own generator, so the expert's jitter stream does not depend on
        whether this ran."""
        rng = np.random.default_rng(CLEAR_SEED)
        for _ in range(CLEAR_TRIES):
            q0 = start + rng.uniform(-CLEAR_SPREAD_RAD, CLEAR_SPREAD_RAD, start.shape)
            result = self.env.ik.solve(pose.pos, pose.quat(), q_init=q0, restarts=0)
            if not _close_enough(result):
                continue
            q = np.asarray(result.qpos)
            try:
                self.check_bench(q, pose)
            except PlanningError:
                continue
            yield q

    def check_bench(self, q: np.ndarray, pose: Pose) -> None:
        """Reject arm configurations whose links (not the gripper) touch the bench, or each other:
        IK alone would happily rest an elbow on the bench to reach a low button near the base, or
        fold a Franka's wrist (link 5) onto its shoulder (link 1) to reach down right beside it,
        where the arm then jams and the hand lands 4 cm off."""
        self.env.ik.forward(q)
        scratch = self.env.scratch(from_world=False)
        bench = geom_named(self.env, "bench_top")
        for gid in _arm_geoms(self.env):
            if scratch.geom_distance(gid, bench, BENCH_MARGIN_M) < BENCH_MARGIN_M:
                name = geom_table(self.env)[gid].name
                raise PlanningError(
                    f"reaching {np.round(pose.pos, 3).tolist()} would put {name or 'a link'} on the bench"
                )
        fold = folded(self.env)
        if fold is not None:
            raise PlanningError(f"reaching {np.round(pose.pos, 3).tolist()} would put {fold}")

    def _joint_steps(self, q0: np.ndarray, q1: np.ndarray) -> int:
        """Control steps for a free joint move that keeps its farthest joint under JOINT_SPEED_RAD_S."""
        return self.timed(float(np.max(np.abs(np.asarray(q1) - np.asarray(q0)))) / JOINT_SPEED_RAD_S)

    def _seconds(self, start: Pose, goal: Pose) -> float:
        dist = float(np.linalg.norm(goal.pos - start.pos))
        turn = rot_angle(start.rot.T @ goal.rot)
        return max(MIN_MOVE_S, dist / self.options.linear_speed_m_s, turn / ROT_SPEED_RAD_S)

    # ---- moving (generators of actions) --------------------------------------------------------
    def hold(self, seconds: float, grip: float | None = None) -> Iterator[np.ndarray]:
        if grip is not None:
            self.grip = float(grip)
        for _ in range(max(1, round(seconds / self.options.speed * self.hz))):
            yield self.action()

    def gripper(self, value: float, seconds: float = 0.6) -> Iterator[np.ndarray]:
        """Open (0) or close (1) the gripper over the first half of `seconds`, then let the fingers
        settle. A ramp, not a step: light linkage fingers (Robotiq) snap open violently when a
        squeezed object is let go all at once."""
        steps = max(2, round(seconds / self.options.speed * self.hz))
        ramp = max(1, steps // 2)
        start = self.grip
        for k in range(1, steps + 1):
            self.grip = start + (float(value) - start) * min(1.0, k / ramp)
            yield self.action()

    def joints_to(self, goal: np.ndarray, steps: int) -> Iterator[np.ndarray]:
        """Minimum-jerk joint move in at least `steps`, more when a joint has far to go (so no joint
        is asked to move faster than JOINT_SPEED_RAD_S on average)."""
        for q in self.plan_joints(self.q.copy(), goal, steps):
            self.q = q
            yield self.action()

    def plan_joints(self, start: np.ndarray, goal: np.ndarray, steps: int = 1) -> list[np.ndarray]:
        """The joint targets of `joints_to` from `start`, planned without moving. A joint-space swing
        can carry the tool far from both ends (a UR5 shoulder turning over swept it 20 cm behind the
        bench): every step stays in the workspace the safety monitor enforces."""
        steps = max(steps, self._joint_steps(start, goal))
        qs = [start + (goal - start) * float(min_jerk(k / steps)) for k in range(1, steps + 1)]
        for q in qs:
            check_workspace(self.env.ik.forward(q)[0])
        return qs

    def move_to(self, goal: Pose, seconds: float | None = None) -> Iterator[np.ndarray]:
        """Joint-space move (minimum jerk) to a pose: for free space, away from obstacles."""
        q_goal = self.solve(goal)
        steps = self.timed(seconds if seconds is not None else self._seconds(self.planned(), goal))
        yield from self.joints_to(q_goal, steps)

    def plan_line(
        self,
        goal: Pose,
        seconds: float | None = None,
        path: Any = None,
        start_q: np.ndarray | None = None,
        exact: bool = False,
    ) -> list[np.ndarray]:
        """Joint targets, one per control step, for a straight tool motion (position along a line,
        orientation along the geodesic, minimum-jerk timing) or along `path(s) -> Pose` (arcs for
        doors). Everything is solved before anything moves, so a failure leaves the arm untouched.
        `exact` keeps `seconds` as given (durations a predicate counts)."""
        q = (self.q if start_q is None else np.asarray(start_q, float)).copy()
        start = self.planned(q)
        if exact and seconds is not None:  # durations a predicate counts: no noise, no speed-up
            steps = max(1, round(seconds * self.hz))
        else:
            steps = self.timed(seconds if seconds is not None else self._seconds(start, goal))
        out = []
        for k in range(1, steps + 1):
            s = float(min_jerk(k / steps))
            if path is None:
                target = Pose(start.pos + (goal.pos - start.pos) * s, interpolate_rot(start.rot, goal.rot, s))
            else:
                target = path(s)
            check_workspace(target.pos)
            q = self._track(target, q)
            if k == steps or k % BENCH_CHECK_EVERY == 0:
                self.check_bench(q, target)
            out.append(q)
        return out

    def paced(self, qs: list[np.ndarray]) -> list[np.ndarray]:
        """`qs` with steps inserted wherever a joint would beat SPEED_SHARE of its datasheet speed
        limit: plans are timed in Cartesian terms, and near a singularity a slow tool motion can
        still whip a wrist joint (a Panda's joint 6 at 4 rad/s while tipping a beaker back)."""
        limits = np.asarray(self.env.robot.velocity_limits, float) * SPEED_SHARE / self.hz
        out, prev = [], self.q
        for q in qs:
            q = np.asarray(q, float)
            parts = int(np.ceil(float(np.max(np.abs(q - prev) / limits))))
            out += [prev + (q - prev) * k / parts for k in range(1, parts)]
            out.append(q)
            prev = q
        return out

    def follow(self, qs: list[np.ndarray], grip: float | None = None) -> Iterator[np.ndarray]:
        """Track planned joint targets (paced to the joints' speed limits); with `grip`, ramp the
        gripper to it along the way."""
        qs = self.paced(qs)
        start = self.grip
        for k, q in enumerate(qs, start=1):
            self.q = q
            if grip is not None:
                self.grip = start + (grip - start) * k / len(qs)
            yield self.action()

    def line_to(self, goal: Pose, seconds: float | None = None, path: Any = None) -> Iterator[np.ndarray]:
        yield from self.follow(self.plan_line(goal, seconds, path))

    def plan_transit(
        self, goal: Pose, travel_z: float, start_q: np.ndarray | None = None
    ) -> list[np.ndarray]:
        """Up to `travel_z`, across at that height (turning the wrist on the way), then straight
        down or in to `goal`: the way between two places on a bench cluttered with labware. Planned
        as continuous tracking, so it ends in the joint branch the arm reaches naturally."""
        q = (self.q if start_q is None else np.asarray(start_q, float)).copy()
        out = self.plan_rise(travel_z, q)
        q = out[-1] if out else q
        above = above_at(goal, travel_z)
        try:
            out += self.plan_line(above, start_q=q)
        except PlanningError:
            # Turning the wrist while crossing can pass a singularity: a joint-space move up there,
            # where nothing is in the way, instead.
            q_above = self.solve(above, seed=q)
            out += self.plan_joints(q, q_above, self.timed(self._seconds(self.planned(q), above)))
        out += self.plan_line(goal, start_q=out[-1])
        return out

    def plan_rise(self, travel_z: float, start_q: np.ndarray) -> list[np.ndarray]:
        """Straight up to `travel_z` from the tool pose at `start_q` (nothing when already there)."""
        here = self.planned(start_q)
        if here.pos[2] >= travel_z - 0.01:
            return []
        return self.plan_line(Pose(np.array([*here.pos[:2], travel_z]), here.rot), start_q=start_q)

    def transit(self, goal: Pose, travel_z: float, then: Pose | None = None) -> Iterator[np.ndarray]:
        yield from self.follow(self.plan_travel(goal, travel_z, then))

    def plan_travel(
        self, goal: Pose, travel_z: float, then: Pose | None = None, goal_q: np.ndarray | None = None
    ) -> list[np.ndarray]:
        """`plan_transit`, or a joint-space move when no straight way exists (free space above), to
        the goal in the arm's own branch or, failing that, in any clear one. With `then`, only a branch
        from which the straight line on to `then` is clear too (a rod's last few mm onto its rest).
        With `goal_q`, the way must end in those joints: an expert that planned its work from the
        goal (a press from its stand-off) needs the arm there in that branch, not in the one a
        straight way down happens to reach (a UR5 coming down to a hotplate's button beside its base
        from a place on the other side ended a shoulder turn away, 3 in 10 ood scenes)."""
        try:
            qs = self.plan_transit(goal, travel_z)
            if goal_q is not None and np.max(np.abs(qs[-1] - goal_q)) > SAME_BRANCH_RAD:
                raise PlanningError("the straight way arrives in another branch")
            if then is not None:
                self.plan_line(then, start_q=qs[-1])
        except PlanningError:
            try:
                qs = self.plan_descent(goal, travel_z, then=then, goal_q=goal_q)
            except PlanningError:
                if goal_q is not None:
                    raise
                qs = self.plan_descent(goal, travel_z, near=False, then=then)
        return qs

    def plan_descent(
        self,
        goal: Pose,
        travel_z: float,
        near: bool = True,
        then: Pose | None = None,
        goal_q: np.ndarray | None = None,
    ) -> list[np.ndarray]:
        """A joint-space move to above `goal`, then straight down, planned from the goal up: solved
        downwards from wherever a free move ends, the line to a low spot near the base could need a
        joint flip half way (a Franka putting a rod back on its rest beside the base, 3 in 20 ood
        scenes), while the branch the goal is reached in always connects to the height above it.
        Not `near`: the goal in any branch where the arm is clear of itself and the bench."""
        above = above_at(goal, travel_z)
        goals: Iterable[np.ndarray]
        if goal_q is not None:
            goals = [np.asarray(goal_q, float)]
        elif near:
            goals = [self.solve(goal, near=True)]
        else:  # the first clear branch from which the way up is free of flips
            goals = self.clear_solutions(goal, self.q)
        failure = PlanningError(f"no clear way to {np.round(goal.pos, 3).tolist()}")
        for q_goal in goals:
            try:
                up = self.plan_line(above, start_q=q_goal, seconds=self._seconds(goal, above))
                if then is not None:
                    self.plan_line(then, start_q=q_goal)
                swing = self.plan_swing(up[-1], self.timed(self._seconds(self.planned(), above)))
            except PlanningError as exc:
                failure = exc
                continue
            return [*swing, *reversed(up[:-1]), q_goal]
        raise failure

    def plan_swing(self, goal: np.ndarray, steps: int) -> list[np.ndarray]:
        """A free joint-space move to `goal`, through the home pose when the direct one leaves the
        workspace: between branches a shoulder turn apart, the straight joint interpolation swept a
        UR5's tool 40 cm behind its base, while home (where every episode starts, and from where
        the sampler checked the devices' plans) lies between them."""
        try:
            return self.plan_joints(self.q, goal, steps)
        except PlanningError:
            home = np.asarray(self.env.robot.home, float)
            first = self.plan_joints(self.q, home)
            return [*first, *self.plan_joints(home, goal)]

    def _track(self, target: Pose, previous: np.ndarray) -> np.ndarray:
        result = self.env.ik.solve(target.pos, target.quat(), q_init=previous, restarts=0)
        q = np.asarray(result.qpos)
        if _close_enough(result) and np.max(np.abs(q - previous)) < MAX_STEP_JUMP_RAD:
            return q
        retry = self.env.ik.solve(target.pos, target.quat(), q_init=previous, restarts=4)
        q = np.asarray(retry.qpos)
        if not _close_enough(retry):
            raise PlanningError(
                f"IK failed along a path at {np.round(target.pos, 3).tolist()}: {retry.reason}"
            )
        if np.max(np.abs(q - previous)) >= MAX_STEP_JUMP_RAD:
            raise PlanningError(f"the path at {np.round(target.pos, 3).tolist()} needs a joint flip")
        return q
