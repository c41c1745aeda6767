"""close_door: push the door shut."""

from __future__ import annotations

from typing import Literal

from skills.openings import Opening, OpeningArgs


class CloseDoorParams(OpeningArgs):
    skill: Literal["close_door"] = "close_door"


class CloseDoor(Opening):
    name = "close_door"
    params = CloseDoorParams
    part = "door"
    opens = False
    default_duration_s = 8.0
    summary = "Push the door shut."
    templates = (
        "Close the {{ part }} of {{ device|noun }}.",
        "Push the {{ part }} of {{ device|noun }} shut.",
        "Swing the {{ part }} of {{ device|noun }} closed until it latches.",
    )


SKILL = CloseDoor()
