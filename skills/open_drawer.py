"""open_drawer: grasp the drawer handle and pull the drawer open."""

from __future__ import annotations

from typing import Literal

from skills.openings import Opening, OpeningArgs


class OpenDrawerParams(OpeningArgs):
    skill: Literal["open_drawer"] = "open_drawer"


class OpenDrawer(Opening):
    name = "open_drawer"
    params = OpenDrawerParams
    part = "drawer"
    opens = True
    default_duration_s = 8.0
    summary = "Grasp the drawer handle and pull the drawer open."
    templates = (
        "Open the drawer of {{ device|noun }}.",
        "Grasp the drawer handle of {{ device|noun }} and pull the drawer out.",
        "Pull out the drawer of {{ device|noun }}.",
    )


SKILL = OpenDrawer()
