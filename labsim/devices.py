"""Device state: which instruments are switched on, when their buttons were last held down, and the
shaker platforms they drive.

Composed into the environment (`env.devices`) rather than mixed in, because it owns state that lives
for one episode (power, press memory) and is reset with it; the environment calls `update` and `drive`
on every physics step and reads the rest through its query surface (`device_on`, `last_press_s`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mujoco
import numpy as np

from labsim.predicates import button_pressed

if TYPE_CHECKING:
    from labsim.query import SimQuery
    from labsim.scene_builder import SceneInfo

SHAKER_AMPLITUDE_M = 0.015
SHAKER_HZ = 2.0


class Devices:
    """Power and press memory of every device with a button; a press toggles power, as a real one does."""

    def __init__(self, model: mujoco.MjModel, data: mujoco.MjData, info: SceneInfo, sim: SimQuery) -> None:
        self._model, self._data, self._info, self._sim = model, data, info, sim
        self.power: dict[str, bool] = {}
        self._was_pressed: dict[str, bool] = {}
        self._last_press_s: dict[str, float] = {}
        self.reset()

    def reset(self) -> None:
        """Every device off, no press remembered (a new episode)."""
        self.power = {name: False for name, a in self._info.assets.items() if a.button_joint}
        self._was_pressed = dict.fromkeys(self.power, False)
        self._last_press_s = dict.fromkeys(self.power, -np.inf)

    def is_on(self, name: str) -> bool:
        return self.power.get(name, False)

    def last_press_s(self, name: str) -> float:
        """Simulated time the device's button was last held down (-inf if never this episode)."""
        return self._last_press_s.get(name, -np.inf)

    def driving(self) -> bool:
        """A device that moves the world by itself is on (a running shaker never rests)."""
        return any(on and self._info.assets[name].platform_joint for name, on in self.power.items())

    def drive(self) -> None:
        """Apply the shaker motors' forces for the coming physics step."""
        model, data = self._model, self._data
        for name, on in self.power.items():
            asset = self._info.assets[name]
            if asset.platform_joint:
                adr = model.joint(asset.platform_joint).qposadr[0]
                target = SHAKER_AMPLITUDE_M * np.sin(2 * np.pi * SHAKER_HZ * data.time) if on else 0.0
                # A stiff spring towards the oscillating target stands in for the shaker's motor.
                vadr = model.joint(asset.platform_joint).dofadr[0]
                data.qfrc_applied[vadr] = 400.0 * (target - data.qpos[adr]) - 10.0 * data.qvel[vadr]

    def update(self) -> None:
        """Read the buttons: a press (up to down) toggles power and recolours the device's plate."""
        for name in self.power:
            pressed = button_pressed(self._sim, name)
            if pressed:
                self._last_press_s[name] = float(self._data.time)
            if pressed and not self._was_pressed[name]:
                self.power[name] = not self.power[name]
                plate = f"{name}/plate"
                from labsim.assets.devices import PLATE_OFF_RGBA, PLATE_ON_RGBA

                try:
                    gid = self._model.geom(plate).id
                except KeyError:
                    gid = -1
                if gid >= 0:
                    self._model.geom_rgba[gid] = PLATE_ON_RGBA if self.power[name] else PLATE_OFF_RGBA
            self._was_pressed[name] = pressed
