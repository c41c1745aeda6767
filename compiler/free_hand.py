"""A step that needs a free gripper while the arm holds something: put it down, act, pick it up.

Working a door or drawer means grasping its handle, so the arm cannot hold anything else; yet "take the
beaker out of the drying box" ends with the door closed and the beaker in hand. A technician sets the
beaker down beside the box, shuts the door and picks the beaker up again, and so does the compiler: a
handle step that finds its arm full is wrapped in `place X at <site>` and `pick X`, with the site chosen
on the deck (`labdata.deck`) against where everything stands at that moment. Only when no bench site is
free does the step reach its precondition, which then refuses it (E2005) with a hint.

The site is a grid slot or task site within easy reach (not a device corner at the edge of the arm's
workspace), clear of the sweep of every door or drawer (it would be knocked over), with room around
it: scenes are randomized (labware shifts by up to 14 cm), so a site that only just clears its
neighbours on the nominal deck is where a shifted beaker would stand. Among sites with enough room the
one nearest the robot wins (the shortest, safest carry).
"""

from __future__ import annotations

import math

from labdata.catalog import LabwareType
from labdata.deck import DECK, SITES, SPOTS, Placement, footprint, free_sites
from skills.base import ArmArgs
from skills.close_door import CloseDoorParams
from skills.close_drawer import CloseDrawerParams
from skills.open_door import OpenDoorParams
from skills.open_drawer import OpenDrawerParams
from skills.pick import PickParams
from skills.place import PlaceParams
from skills.registry import SkillParams
from skills.state import LabState

NEEDS_FREE_HAND: tuple[type[ArmArgs], ...] = (
    OpenDoorParams,
    CloseDoorParams,
    OpenDrawerParams,
    CloseDrawerParams,
)
STAGING_REACH_M = 0.72  # from the robot mount: the LabUtopia tasks' own left/right sites, no farther
SWEEP_DEPTH_M = 0.20  # a door opened by its handle's 13-18 cm of travel, a drawer pulled as far
ROOM_M = 0.10  # clearance to every neighbour beyond which a site is as good as any other


class Deck:
    """Where things stand during symbolic execution: the declared layout (auto-placed labware
    included) as the simulator will build it, updated by what the steps moved."""

    def __init__(self, initial: list[Placement], types: dict[str, LabwareType]) -> None:
        self.initial = {p.name: p for p in initial}
        self.types = types

    def standing(self, state: LabState) -> list[Placement]:
        """Footprints on the bench top now; held objects and those on or in others take none."""
        out = []
        for name, obj in state.objects.items():
            if state.holder_of(name) is not None:
                continue
            if obj.location is None and name in self.initial:
                out.append(self.initial[name])
            elif obj.location in SPOTS and name in self.types:
                x, y = SPOTS[obj.location]
                hx, hy = footprint(self.types[name])
                out.append(Placement(name=name, site=obj.location, x=x, y=y, half_x=hx, half_y=hy))
        return out + [self._sweep(p) for p in out if self._opens(p.name)]

    def _opens(self, name: str) -> bool:
        kind = self.types.get(name)
        return kind is not None and any(kind.has(a) for a in ("has_door", "has_drawer", "has_lid"))

    @staticmethod
    def _sweep(device: Placement) -> Placement:
        """The floor in front of a door or drawer (devices face the robot, which stands at -x): what an
        opening door panel or drawer sweeps, and where the arm works the handle."""
        depth = SWEEP_DEPTH_M / 2
        x = device.x - device.half_x - depth
        return Placement(
            name=f"{device.name}:sweep", site=device.site, x=x, y=device.y, half_x=depth, half_y=device.half_y
        )

    def staging_site(self, state: LabState, name: str) -> str | None:
        """The free bench site with the most room around it for `name`, or None."""
        half = footprint(self.types[name])
        standing = self.standing(state)
        free = [
            site
            for site in free_sites(half, standing)
            if DECK[site].group != "device" and math.hypot(*SITES[site]) <= STAGING_REACH_M
        ]
        if not free:
            return None

        def score(site: str) -> tuple[float, float]:
            x, y = SITES[site]
            gaps = [
                max(abs(x - p.x) - half[0] - p.half_x, abs(y - p.y) - half[1] - p.half_y) for p in standing
            ]
            return min(min(gaps, default=ROOM_M), ROOM_M), -math.hypot(x, y)

        return max(free, key=score)  # max keeps the deck's order among equals


def with_free_hand(params: SkillParams, state: LabState, deck: Deck) -> list[SkillParams]:
    """`params`, wrapped in putting down and picking up what its arm holds when it needs a free hand."""
    if not isinstance(params, NEEDS_FREE_HAND) or params.arm >= len(state.arms):
        return [params]
    arm = params.arm
    held = state.arms[arm].holding
    if held is None or held not in deck.types:
        return [params]
    site = deck.staging_site(state, held)
    if site is None:
        return [params]  # the precondition refuses it (E2005)
    return [
        PlaceParams(object=held, target=site, relation="at", arm=arm),
        params,
        PickParams(object=held, arm=arm),
    ]
