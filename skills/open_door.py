"""open_door: grasp the door handle and pull the door open."""

from __future__ import annotations

from typing import Literal

from skills.openings import Opening, OpeningArgs


class OpenDoorParams(OpeningArgs):
    skill: Literal["open_door"] = "open_door"


class OpenDoor(Opening):
    name = "open_door"
    params = OpenDoorParams
    part = "door"
    opens = True
    default_duration_s = 10.0
    summary = "Grasp the door handle and pull the door open."
    templates = (
        "Open the {{ part }} of {{ device|noun }}.",
        "Grasp the handle of {{ device|noun }} and swing the {{ part }} open.",
        "Pull the {{ part }} of {{ device|noun }} open by its handle.",
    )


SKILL = OpenDoor()
