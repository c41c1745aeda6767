"""Any openpi-served policy as a labc policy, through openpi-client's `WebsocketClientPolicy`.

The server's metadata says which cameras it wants (`cameras`, or the image keys of its
`example_observation`); each `act` sends those images, the state and the node's instruction (`prompt`) and
expects `actions` of shape (horizon, the robot's arm joints + 1) as absolute targets. Everything that can
go wrong on the link (nobody listening, a handshake that fails, an answer of the wrong shape, a server
error) raises `OpenpiError` with what happened; inside an episode the runner turns that into a
`policy_error` safe stop, and `check_server` lets a command refuse to start instead.
"""

from __future__ import annotations

import socket
import warnings
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from labc.openpi.protocol import ProtocolError, actions_of, cameras_of, observation
from labc.runtime.policies import PolicyLoadError

CONNECT_TIMEOUT_S = 5.0


class OpenpiError(PolicyLoadError):
    """The openpi server cannot be reached or does not answer as the protocol says."""


def split_url(url: str) -> tuple[str, int]:
    """(host, port) of `ws://HOST:PORT`, or OpenpiError."""
    parts = urlsplit(url)
    if parts.scheme not in ("ws", "wss") or not parts.hostname:
        raise OpenpiError(f"--server must look like ws://HOST:PORT, got {url!r}")
    try:
        port = parts.port or (443 if parts.scheme == "wss" else 80)
    except ValueError:
        raise OpenpiError(f"--server has an invalid port: {url!r}") from None
    return parts.hostname, port


class OpenpiPolicy:
    """The policy contract (`reset`, `act`) over a websocket connection to an openpi policy server."""

    name = "openpi"

    def __init__(self, server: str, timeout_s: float = CONNECT_TIMEOUT_S) -> None:
        from openpi_client.websocket_client_policy import WebsocketClientPolicy

        host, port = split_url(server)
        try:  # openpi-client waits for a server; probe first so "nobody there" is an answer, not a hang
            socket.create_connection((host, port), timeout=timeout_s).close()
        except OSError as exc:
            raise OpenpiError(f"no openpi policy server at {server}: {exc.strerror or exc}") from None
        try:
            with warnings.catch_warnings():  # openpi-client connects outside a `with`; websockets 17 frowns
                warnings.filterwarnings("ignore", "connect\\(\\) must be used as a context manager")
                self.client = WebsocketClientPolicy(host=server)
        except Exception as exc:  # a port that answers, but not with the websocket protocol
            raise OpenpiError(
                f"{server} did not complete an openpi handshake: {type(exc).__name__}: {exc}"
            ) from None
        self.server = server
        self.metadata: dict[str, Any] = dict(self.client.get_server_metadata() or {})
        self.cameras = cameras_of(self.metadata)
        self.instruction: str | None = None
        self.robot: str | None = None

    def reset(self, instruction: str, robot: str) -> None:
        self.instruction, self.robot = instruction, robot
        self.client.reset()

    def act(self, obs: Any) -> np.ndarray:
        if self.instruction is None or self.robot is None:
            raise RuntimeError("call reset(instruction, robot) before act()")
        images = obs["images"] if isinstance(obs, dict) else obs.images
        state = np.asarray(obs["state"] if isinstance(obs, dict) else obs.state, dtype=np.float32)
        try:
            request = observation(images, state, self.instruction, self.robot, self.cameras)
            answer = self.client.infer(request)
            return actions_of(answer, action_dim=state.shape[0])
        except ProtocolError as exc:
            raise OpenpiError(f"{self.server}: {exc}") from None
        except RuntimeError as exc:  # openpi-client raises the server's text frame
            raise OpenpiError(f"{self.server} failed the request: {str(exc).strip()}") from None
        except Exception as exc:  # the connection dropped
            raise OpenpiError(f"{self.server}: the connection failed: {type(exc).__name__}: {exc}") from None

    def close(self) -> None:
        ws = getattr(self.client, "_ws", None)  # openpi-client keeps its connection there, with no close()
        if ws is not None:
            ws.close()


def check_server(server: str, robot: str, resolution: int) -> dict[str, Any]:
    """Connect, send one observation shaped as an episode's first, check the answer; the metadata.

    Raises OpenpiError before any episode runs: a server that is down, wants a camera the simulator does
    not have, or answers with the wrong shapes."""
    from labdata.robot_profile import load_profile
    from labsim.scene_spec import SCENE_CAMERAS

    policy = OpenpiPolicy(server)
    try:
        unknown = [c for c in policy.cameras if c not in (*SCENE_CAMERAS, "wrist")]
        if unknown:
            raise OpenpiError(
                f"{server} asks for camera(s) {', '.join(unknown)}; the simulator has "
                f"{', '.join([*SCENE_CAMERAS, 'wrist'])}"
            )
        profile = load_profile(robot)
        state = np.append(np.asarray(profile.home, np.float32), 1.0).astype(np.float32)
        images = {c: np.zeros((resolution, resolution, 3), np.uint8) for c in policy.cameras}
        policy.reset("check the connection", robot)
        policy.act({"images": images, "state": state})
        return policy.metadata
    finally:
        policy.close()
