"""Progress lines for long nodes (a 30-minute heat, a long stir), so a run is never silent for minutes.

The episode runner (`robogenesis.runner`) reports through `NodeProgress`, in synthesis and `labc run`:
a line when a long node starts, one every `every_wall_s` wall seconds while it runs, and one when it ends, each with
the node id, its skill and the simulated seconds done out of the node's nominal duration. Short nodes
print nothing; an idle wait that the simulator fast-forwards prints its start and end only.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

LONG_NODE_S = 30.0  # nodes whose nominal duration is at least this report progress
EVERY_WALL_S = 10.0


class NodeProgress:
    def __init__(
        self,
        emit: Callable[[str], None] | None,
        prefix: str = "",
        long_s: float = LONG_NODE_S,
        every_wall_s: float = EVERY_WALL_S,
    ) -> None:
        self.emit, self.prefix = emit, prefix
        self.long_s, self.every_wall_s = long_s, every_wall_s
        self._node: Any = None
        self._sim0 = self._wall0 = self._last = 0.0

    def start(self, node: Any, sim_s: float) -> None:
        self._node = node if self.emit is not None and node.duration_s >= self.long_s else None
        self._sim0, self._wall0 = sim_s, time.perf_counter()
        self._last = self._wall0
        self._say(sim_s, "started")

    def tick(self, sim_s: float) -> None:
        if self._node is not None and time.perf_counter() - self._last >= self.every_wall_s:
            self._say(sim_s, "running")

    def end(self, sim_s: float, outcome: str = "done") -> None:
        self._say(sim_s, outcome)
        self._node = None

    def _say(self, sim_s: float, what: str) -> None:
        if self._node is None or self.emit is None:
            return
        now = time.perf_counter()
        self._last = now
        node = self._node
        self.emit(
            f"{self.prefix}{node.id} {node.skill}: {what}, {sim_s - self._sim0:.0f}/{node.duration_s:.0f} s "
            f"simulated, {now - self._wall0:.1f} s wall"
        )
