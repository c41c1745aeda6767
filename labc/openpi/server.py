"""A LabVLA checkpoint behind openpi's websocket policy protocol (what `labc serve` runs).

One model serves every connection; requests are answered one at a time (a lock around the model), which
is what a CPU or a single accelerator does anyway. The policy is reset when a connection's instruction
or robot changes, so a client needs no separate reset message (openpi has none). `GET /healthz` answers
200, for orchestration and for tests that wait for the server to come up.
"""

from __future__ import annotations

import http
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from labc.openpi.protocol import (
    ACTIONS_KEY,
    PROMPT_KEY,
    ROBOT_KEY,
    STATE_KEY,
    ProtocolError,
    image_key,
    parse_request,
)

INTERNAL_ERROR = 1011  # websocket close code for "the server failed this request"


class LabVLAService:
    """A checkpoint answering openpi requests: `metadata()` once per connection, `infer(obs)` per chunk."""

    def __init__(self, checkpoint: Path, robot: str | None = None, mode: str = "auto", seed: int = 0) -> None:
        from labvla.policy import LabVLAPolicy

        self.checkpoint = checkpoint
        self.policy = LabVLAPolicy(checkpoint, mode=mode, seed=seed)
        config = self.policy.config
        self.cameras = [str(c) for c in config.cameras]
        self.image_size = int(config.image_size)
        self.robots = {e.name: e for e in config.embodiments}
        if robot is not None and robot not in self.robots:
            raise ValueError(f"robot {robot!r} is not an embodiment of this checkpoint (known: {self.known})")
        self.default_robot = robot or ("franka" if "franka" in self.robots else next(iter(self.robots)))
        self._lock = threading.Lock()
        self._context: tuple[str, str] | None = None

    @property
    def known(self) -> str:
        return ", ".join(self.robots)

    def metadata(self) -> dict[str, Any]:
        """What a client needs to build requests, with an example request it can check itself against."""
        emb = self.robots[self.default_robot]
        size = (self.image_size, self.image_size, 3)
        example: dict[str, Any] = {image_key(c): np.zeros(size, np.uint8) for c in self.cameras}
        example[STATE_KEY] = np.zeros(emb.state_dim, np.float32)
        example[PROMPT_KEY] = "pick up the beaker"
        example[ROBOT_KEY] = self.default_robot
        return {
            "server": "labc",
            "policy": "labvla",
            "checkpoint": str(self.checkpoint),
            "mode": self.policy.mode,
            "cameras": self.cameras,
            "image_size": self.image_size,
            "action_horizon": int(self.policy.config.chunk),
            "robots": {
                n: {"state_dim": e.state_dim, "action_dim": e.action_dim} for n, e in self.robots.items()
            },
            "default_robot": self.default_robot,
            "action_layout": "absolute arm joint targets (rad), then gripper command in [0, 1] (1 closed)",
            "example_observation": example,
        }

    def infer(self, obs: Any) -> dict[str, Any]:
        images, state, prompt, robot = parse_request(obs, self.cameras, self.default_robot)
        emb = self.robots.get(robot)
        if emb is None:
            raise ProtocolError(
                f"robot {robot!r} is not an embodiment of this checkpoint (known: {self.known})"
            )
        if state.shape != (emb.state_dim,):
            raise ProtocolError(
                f"'{STATE_KEY}' has shape {state.shape}; robot {robot} has ({emb.state_dim},)"
            )
        with self._lock:
            if self._context != (prompt, robot):
                self.policy.reset(prompt, robot)
                self._context = (prompt, robot)
            actions = self.policy.act({"images": images, "state": state})
        return {ACTIONS_KEY: np.asarray(actions, dtype=np.float32)}


def _health(connection: Any, request: Any) -> Any:
    if request.path == "/healthz":
        return connection.respond(http.HTTPStatus.OK, "OK\n")
    return None


def make_handler(service: LabVLAService) -> Callable[[Any], None]:
    """The per-connection loop: metadata, then request -> answer until the client leaves."""
    from openpi_client import msgpack_numpy
    from websockets.exceptions import ConnectionClosed

    def handle(connection: Any) -> None:
        packer = msgpack_numpy.Packer()
        try:
            connection.send(packer.pack(service.metadata()))
            while True:
                message = connection.recv()
                started = time.monotonic()
                try:
                    if isinstance(message, str):
                        raise ProtocolError(
                            "requests are msgpack frames (openpi_client.msgpack_numpy), not text"
                        )
                    answer = service.infer(msgpack_numpy.unpackb(message))
                except Exception as exc:  # the client gets the reason as text, as openpi servers do
                    connection.send(f"{type(exc).__name__}: {exc}")
                    connection.close(code=INTERNAL_ERROR, reason="policy error")
                    return
                answer["server_timing"] = {"infer_ms": 1000.0 * (time.monotonic() - started)}
                connection.send(packer.pack(answer))
        except ConnectionClosed:
            return

    return handle


def serve(service: LabVLAService, host: str, port: int, on_ready: Callable[[str], None]) -> None:
    """Serve until interrupted; `on_ready` gets the address (with the real port when `port` is 0)."""
    from websockets.sync.server import serve as ws_serve

    with ws_serve(
        make_handler(service), host, port, compression=None, max_size=None, process_request=_health
    ) as server:
        bound = server.socket.getsockname()
        on_ready(f"ws://{host}:{bound[1]}")
        server.serve_forever()
