"""Can the arm reach a randomized layout? The check the sampler runs before it keeps a draw.

Wide placement (tens of centimetres, turned devices) puts some draws out of an arm's workspace. The
sampler must redraw those rather than hand the expert an impossible scene, and it must do so cheaply:
building the randomized scene for every draw would cost as much as a short episode. So the nominal
scene is built once per (scene, robot) and process. A free vessel's or rod's grasp point is stored in
the item's own frame, moved by the draw's shift and turn, and solved with the IK the experts use
(`SimQuery.ik`), top-down at the point and 10 cm above it. A device (door, drawer, button) is moved in that
scene itself (`place_fixture`) and its expert plans the whole motion against it, the travel from home
included: a handle in reach is not enough when its opening arc or the way in is not (+-8 cm and 0.35 rad
let 2-3 in 8 such draws through when only the handle was checked).
"""

from __future__ import annotations

import itertools
import math
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

if TYPE_CHECKING:
    from labdata.deck import Placement

SWEEP_TRAVEL_M = 0.20  # handle travel whose sweep must be clear: the open experts pull 0.16-0.18 m
SWEEP_CLEARANCE_M = 0.01
OPENS: dict[str, Literal["door", "drawer"]] = {"open_door": "door", "open_drawer": "drawer"}
IK_RESTARTS = 4
LIFT_BRANCHES = 6  # clear grasp solutions tried for a lift when the first cannot rise
JITTER_MARGIN_M = 0.005  # the pick expert's grasp jitter is at most 4 mm sideways
WAY_CHECK_EVERY = 3  # control steps between collision checks along a planned way (20 Hz: < 2 cm apart)
# The open hand at the reset pose, around the tool point: a Robotiq 2F-85 opens 85 mm, and a reset pose
# need not point the fingers straight down.
HAND_HALF_M = 0.06
HAND_BELOW_TOOL_M = 0.02
HAND_CLEARANCE_M = 0.03


def _device_experts() -> dict[str, Any]:
    from robogenesis.experts.articulation import OpenDoorExpert, OpenDrawerExpert
    from robogenesis.experts.press import PressExpert

    return {e().name: e for e in (OpenDoorExpert, OpenDrawerExpert, PressExpert)}


class _Point:
    """A working point in its item's frame: where, and how the tool must meet it."""

    def __init__(self, local: np.ndarray, kind: str) -> None:
        self.local = local
        self.kind = kind  # "top" (top-down grasp), "rod" (top-down across the rod)


class ReachModel:
    """The nominal scene of one protocol on one robot, with its items' working points."""

    def __init__(self, scene_json: str, robot: str, worked: tuple[tuple[str, str], ...] = ()) -> None:
        from labsim.backend import PlanningScene, get_backend
        from labsim.scene_spec import SceneSpec
        from robogenesis.experts.grasp import grasp_plan

        scene = SceneSpec.model_validate_json(scene_json).model_copy(update={"cameras": []})
        env = get_backend().build(scene, robot)
        if not isinstance(env, PlanningScene):
            raise TypeError(
                f"the reach check needs a backend with planning setters, not {type(env).__name__}"
            )
        self.env: PlanningScene = env
        self.points: dict[str, list[_Point]] = {}
        self.devices: dict[str, list[Any]] = {}  # device -> the experts of what the protocol does to it
        self.opened: dict[str, Literal["door", "drawer"]] = {}  # device -> the part the protocol opens
        self.origin: dict[str, np.ndarray] = {}
        for name, asset in self.env.info.assets.items():
            origin = self.env.body_pos(name).copy()
            self.origin[name] = origin
            points = []
            if asset.free and asset.shape in ("cylinder", "flask", "rod"):
                plan = grasp_plan(self.env, name)
                points.append(_Point(plan.pos - origin, "rod" if asset.rod_tip_site else "top"))
            self.points[name] = points
        for skill, device in worked:
            if skill in _device_experts() and not self.env.info.assets[device].free:
                self.devices.setdefault(device, []).append(_device_experts()[skill]())
            if skill in OPENS and not self.env.info.assets[device].free:
                self.opened[device] = OPENS[skill]

    def problem(
        self,
        shifts: dict[str, tuple[float, float]],
        yaws: dict[str, float],
        home_offset: tuple[float, ...] = (),
    ) -> str | None:
        """Why the arm cannot work this draw (the first item it fails on), or None when it can.
        `home_offset` is the draw's reset pose (offset per arm joint from home), where plans start."""
        from robogenesis.experts.grasp import base_xy, natural_yaw, top_down

        for name in self.devices:  # all moved before any check: the answer depends on the draw only
            self.env.place_fixture(name, shifts.get(name, (0.0, 0.0)), yaws.get(name, 0.0))
        for name, points in self.points.items():
            yaw = yaws.get(name, 0.0)
            c, s = math.cos(yaw), math.sin(yaw)
            turn = np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])
            dx, dy = shifts.get(name, (0.0, 0.0))
            origin = self.origin[name] + np.array([dx, dy, 0.0])
            for point in points:
                pos = origin + turn @ point.local
                across = yaw + math.pi / 2 if point.kind == "rod" else natural_yaw(self.env, pos)
                rots = top_down(self.env, across)
                # The expert's grasp jitter moves the hand up to JITTER_MARGIN_M nearer the base or
                # further out: at the edge of a UR5's reach beside its base, 4 mm inwards left no
                # clear branch (ood stir_glassrod seed 40008).
                radial = np.append(pos[:2] - base_xy(self.env), 0.0)
                radial /= max(float(np.linalg.norm(radial)), 1e-9)
                for point in (pos - radial * JITTER_MARGIN_M, pos + radial * JITTER_MARGIN_M):
                    if not self._lifts(point, rots):
                        return f"{name}: the arm cannot lift straight up from {np.round(point, 3).tolist()}"
        return self.device_problem(shifts, yaws, home_offset)

    def swept(self, shifts: dict[str, tuple[float, float]], yaws: dict[str, float]) -> list[Placement]:
        """Where the doors and drawers the protocol opens swing or slide, as bench boxes that the
        draw's distractors are laid out clear of (they would otherwise stand at the same free sites
        in every draw, and a tube rack in a drying box's arc stopped its door a quarter open: 2 in 10
        ood open_close scenes on a Franka)."""
        from labdata.deck import Placement
        from labsim.sweep import swept_boxes

        out = []
        for device, part in self.opened.items():
            self.env.place_fixture(device, shifts.get(device, (0.0, 0.0)), yaws.get(device, 0.0))
            for box in swept_boxes(self.env, device, part, SWEEP_TRAVEL_M):
                half_x, half_y = box.half_x + SWEEP_CLEARANCE_M, box.half_y + SWEEP_CLEARANCE_M
                out.append(
                    Placement(
                        name=f"{device} {part}", site="", x=box.x, y=box.y, half_x=half_x, half_y=half_y
                    )
                )
        return out

    def sweep_problem(
        self, shifts: dict[str, tuple[float, float]], yaws: dict[str, float], placed: list[Placement]
    ) -> str | None:
        """Which item of the laid-out draw (`placed`, from `lay_out`) other than a distractor stands
        where a door or drawer the protocol opens would swing or slide, or None: another device
        stops it, a beaker of the protocol is knocked over."""
        boxes = self.swept(shifts, yaws)
        for item in placed:
            if item.name.startswith("distractor_"):
                continue
            for box in boxes:
                if box.name.startswith(f"{item.name} "):  # its own door
                    continue
                if (
                    abs(box.x - item.x) < box.half_x + item.half_x
                    and abs(box.y - item.y) < box.half_y + item.half_y
                ):
                    return f"the {box.name} would sweep into {item.name}"
        return None

    def hand_problem(
        self, placed: list[Placement], tops: dict[str, float], home_offset: tuple[float, ...] = ()
    ) -> str | None:
        """Which laid-out item (`placed`; those with a top height in `tops`) stands under or in the
        open hand at the reset pose, or None. A UR5's hand rests 15 cm above the bench and an ood reset
        pose lowers it to 7; a 100 mL distractor under it went along between the open fingers and was
        dropped onto the beaker to be picked (ood pour_liquid seed 74007)."""
        tool = self._tool_at(home_offset)
        lowest = float(tool[2]) - HAND_BELOW_TOOL_M - HAND_CLEARANCE_M
        for item in placed:
            top = tops.get(item.name)
            if (
                top is not None
                and top > lowest
                and abs(item.x - tool[0]) < item.half_x + HAND_HALF_M
                and abs(item.y - tool[1]) < item.half_y + HAND_HALF_M
            ):
                return (
                    f"the hand at its reset pose (tool at z {tool[2]:.3f} m) is over {item.name}"
                    f" (top at {top:.3f} m)"
                )
        return None

    def _start(self, home_offset: tuple[float, ...]) -> np.ndarray:
        start = np.asarray(self.env.robot.home, float)
        if home_offset:
            lo, hi = self.env.arm_limits()
            start = np.clip(start + np.asarray(home_offset, float), lo, hi)
        return start

    def _tool_at(self, home_offset: tuple[float, ...]) -> np.ndarray:
        self.env.set_arm(self._start(home_offset))
        return self.env.tool_pos().copy()

    def device_problem(
        self,
        shifts: dict[str, tuple[float, float]],
        yaws: dict[str, float],
        home_offset: tuple[float, ...] = (),
    ) -> str | None:
        """The devices' part of `problem` alone: a new reset pose for an arrangement whose free items
        already passed needs only this."""
        if not self.devices:
            return None
        for name in self.devices:  # all moved before any check: the answer depends on the draw only
            self.env.place_fixture(name, shifts.get(name, (0.0, 0.0)), yaws.get(name, 0.0))
        start = self._start(home_offset)
        self.env.set_arm(start)
        hit = self.env.arm_hits(start, list(self.devices))
        if hit:
            return f"the arm at its reset pose touches a device ({hit})"
        for name, experts in self.devices.items():
            for expert in experts:
                found = self._plans(expert, name)
                if found:
                    return f"{name}: {expert.name}: {found}"
        return None

    def _plans(self, expert: Any, device: str) -> str | None:
        """The expert's own plan from the reset pose, the travel to its stand-off included, and clear of
        every device on the way in: a handle within reach whose opening arc or way in the arm cannot
        follow is as infeasible as one out of reach."""
        from robogenesis.experts.base import ExpertOptions, PlanningError
        from robogenesis.experts.motion import Arm
        from robogenesis.experts.press import PressPlan
        from robogenesis.experts.scene import travel_height

        arm = Arm(self.env, ExpertOptions(), np.random.default_rng(0))
        try:
            plan = expert.plan(arm, device)
            pre, q_pre, reach = plan[0], plan[1], plan[2]
            # A press plans its own way (its stand-off's branch must be reachable from here).
            way = (
                plan.way
                if isinstance(plan, PressPlan)
                else arm.plan_travel(pre, travel_height(self.env, pre.pos))
            )
        except PlanningError as exc:
            return exc.reason
        for q in [*way[::WAY_CHECK_EVERY], q_pre, *reach[::WAY_CHECK_EVERY]]:
            hit = self.env.arm_hits(q, list(self.devices))
            if hit:
                return f"the way to it would put {hit}"
        return None

    def _lifts(self, pos: np.ndarray, rots: list[np.ndarray]) -> bool:
        """A top-down grasp at `pos`, in some orientation and in a branch where the arm touches neither
        the bench nor itself (the experts' own check: a Panda can put its hand right beside its base
        only by folding its wrist onto it), from which the straight line up to the pick expert's
        highest lift is one the arm can follow. Both ends in reach were not enough: a UR5 at 0.86 m
        out reached the grasp and 10 cm above it but not the 15-17 cm its lift goes to, and a Franka
        reached a rod 24 cm from its base only in branches folded so far that it could not rise
        from them (5 in 40 ood scenes, where the expert then stopped on a PlanningError)."""
        from robogenesis.experts.base import ExpertOptions, PlanningError
        from robogenesis.experts.grasp import UP
        from robogenesis.experts.motion import Arm, Pose
        from robogenesis.experts.pick import LIFT_JITTER_M

        home = np.asarray(self.env.robot.home, float)
        options = ExpertOptions()
        arm = Arm(self.env, options, np.random.default_rng(0))
        top = pos + UP * (options.lift_m + LIFT_JITTER_M)
        for rot in rots:
            grasp = Pose(pos, rot)
            try:
                first = [arm.solve(grasp, seed=home, restarts=IK_RESTARTS)]
                arm.solve(Pose(top, rot), seed=first[0], restarts=IK_RESTARTS)  # cheap refusal first
            except PlanningError:
                continue
            for q in itertools.chain(
                first, itertools.islice(arm.clear_solutions(grasp, home), LIFT_BRANCHES)
            ):
                try:
                    arm.plan_line(Pose(top, rot), start_q=q)
                except PlanningError:
                    continue
                return True
        return False


@cache
def reach_model(scene_json: str, robot: str, worked: tuple[tuple[str, str], ...] = ()) -> ReachModel:
    """One per nominal scene, robot and protocol in a process (a worker sees few protocols)."""
    return ReachModel(scene_json, robot, worked)
