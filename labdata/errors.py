"""Errors about the lab's static facts: a robot that has no profile, labware that does not fit the deck.

They live below the simulator and the compiler so both can raise and catch them: the compiler turns a
`PlacementError` into E1008 at the declaration, the simulator into a `SceneError` for its callers.
"""

from __future__ import annotations

from typing import ClassVar


class UnknownName(KeyError):
    """A name a table does not have (a labware type, a skill); `suggestions` holds close names for a
    "did you mean". Subclasses say what kind of name it was."""

    what: ClassVar[str] = "name"

    def __init__(self, name: str, suggestions: list[str]) -> None:
        super().__init__(name)
        self.name = name
        self.suggestions = suggestions

    def __str__(self) -> str:
        hint = f"; did you mean {', '.join(f'`{s}`' for s in self.suggestions)}?" if self.suggestions else ""
        return f"unknown {self.what} `{self.name}`{hint}"


class LabDataError(Exception):
    """Base class for everything labdata raises on purpose."""


class UnknownRobotError(LabDataError):
    """No robot profile with that name exists in labdata/robots/."""


class LayoutError(LabDataError):
    """The deck cannot hold what was asked: an unknown site, or no free site left for an object."""


class PlacementError(LayoutError):
    """An object that does not fit where it was asked to stand: it overlaps `clash` (None: the edge);
    `free` names the sites where it would fit."""

    def __init__(self, name: str, site: str, clash: str | None, free: list[str] | None = None) -> None:
        self.name = name
        self.site = site
        self.clash = clash
        self.free = free or []
        super().__init__(f"{name} at {site} collides with {clash or 'the bench edge'}")
