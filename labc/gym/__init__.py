"""gymnasium environments for the LabUtopia-style suite and for any protocol.

`import labc.gym` registers, under the `labc` namespace:

- one id per task of levels 1, 2 and 4 (`examples/labutopia/level{1,2,4}/`), named after the protocol file
  in CamelCase: `labc/Pick-v0`, `labc/Press-v0`, `labc/HeatLiquid-v0`, `labc/CleanBeaker-v0`, ...;
- level 3 (generalization) as the level-2 tasks on the held-out randomization values, exactly as
  `labc bench` defines it: `labc/HeatLiquidOOD-v0`, ...;
- `labc/Protocol-v0`, which takes any protocol file: `gymnasium.make("labc/Protocol-v0", protocol=PATH)`.

Every id accepts `LabEnv`'s keyword arguments (`robot`, `split`, `cameras`, `resolution`, `max_retries`,
`options`, `render_mode`). gymnasium imports the module named before a colon, so
`gymnasium.make("labc.gym:labc/Pick-v0")` works without importing this module first.
"""

from __future__ import annotations

from pathlib import Path

import gymnasium

from labc.gym.env import IMAGE_KEY, STATE_KEY, TASK_KEY, LabEnv

NAMESPACE = "labc"
ENTRY_POINT = "labc.gym.env:LabEnv"
LEVEL_FOLDERS = {1: "level1", 2: "level2", 4: "level4"}
GENERALIZATION = (3, "level2", "OOD")  # level 3: level-2 tasks on the `ood` split


def _examples() -> Path:
    from labc.runtime.bench import EXAMPLES

    return EXAMPLES


def env_name(stem: str) -> str:
    """`open_transport_pour` -> `OpenTransportPour`."""
    return "".join(part.capitalize() for part in stem.split("_"))


def suite_ids(root: Path | None = None) -> dict[str, dict[str, object]]:
    """Every suite id with the keyword arguments it is registered with, in level and name order."""
    root = root or _examples()
    ids: dict[str, dict[str, object]] = {}
    for level, folder in sorted(LEVEL_FOLDERS.items()):
        for path in sorted((root / folder).glob("*.yaml")):
            ids[f"{NAMESPACE}/{env_name(path.stem)}-v0"] = {
                "protocol": str(path),
                "split": "id",
                "level": level,
            }
    level, folder, suffix = GENERALIZATION
    for path in sorted((root / folder).glob("*.yaml")):
        ids[f"{NAMESPACE}/{env_name(path.stem)}{suffix}-v0"] = {
            "protocol": str(path),
            "split": "ood",
            "level": level,
        }
    return ids


def register_all() -> list[str]:
    """Register the suite and `labc/Protocol-v0`; idempotent (a second import changes nothing)."""
    registered = []
    for env_id, spec in suite_ids().items():
        if env_id not in gymnasium.registry:
            kwargs = {k: v for k, v in spec.items() if k != "level"}
            gymnasium.register(id=env_id, entry_point=ENTRY_POINT, kwargs=kwargs)
        registered.append(env_id)
    protocol_id = f"{NAMESPACE}/Protocol-v0"
    if protocol_id not in gymnasium.registry:
        gymnasium.register(id=protocol_id, entry_point=ENTRY_POINT)
    registered.append(protocol_id)
    return registered


ENV_IDS = register_all()

__all__ = ["ENV_IDS", "IMAGE_KEY", "STATE_KEY", "TASK_KEY", "LabEnv", "env_name", "register_all", "suite_ids"]
