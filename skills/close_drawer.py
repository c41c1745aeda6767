"""close_drawer: push the drawer shut."""

from __future__ import annotations

from typing import Literal

from skills.openings import Opening, OpeningArgs


class CloseDrawerParams(OpeningArgs):
    skill: Literal["close_drawer"] = "close_drawer"


class CloseDrawer(Opening):
    name = "close_drawer"
    params = CloseDrawerParams
    part = "drawer"
    opens = False
    default_duration_s = 6.0
    summary = "Push the drawer shut."
    templates = (
        "Close the drawer of {{ device|noun }}.",
        "Push the drawer of {{ device|noun }} back in.",
        "Slide the drawer of {{ device|noun }} shut.",
    )


SKILL = CloseDrawer()
