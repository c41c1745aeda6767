"""Composition: what a compiled protocol puts on the bench and in which order its nodes run.

The compiled DAG is the single source: its objects become the scene (labsim places them), and the
episode is every node in scheduled start order, ties broken by id, so one arm's episode replays the
schedule the compiler proved valid.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from labsim.scene_spec import SceneSpec

if TYPE_CHECKING:
    from compiler.model import CompiledProtocol, SkillNode

SUITE_LEVELS = ("level1", "level2")
COMPILED_SUFFIX = ".json"


class CompositionError(ValueError):
    """A protocol cannot become an episode (it does not compile, or it has nothing to do)."""


class NotAProtocolError(CompositionError):
    """The file is not a protocol at all (missing, or a `.json` that is not a compiled protocol): bad
    input for the command, as opposed to a protocol with errors."""


def episode_nodes(compiled: CompiledProtocol) -> list[SkillNode]:
    """Every node in scheduled start order (ties by id); unscheduled nodes would be a compiler bug."""
    start = {n.id: n.start_s for lane in compiled.schedule.lanes for n in lane.nodes}
    missing = [n.id for n in compiled.nodes if n.id not in start]
    if missing:
        raise CompositionError(f"nodes {', '.join(missing)} are not in the schedule")
    return sorted(compiled.nodes, key=lambda n: (start[n.id], n.id))


def base_scene(
    compiled: CompiledProtocol, robot: str, cameras: list[str], resolution: tuple[int, int]
) -> SceneSpec:
    return SceneSpec.from_compiled(compiled, robot=robot, cameras=cameras, resolution=resolution)


def worked_devices(compiled: CompiledProtocol) -> tuple[tuple[str, str], ...]:
    """(skill, device) for every door, drawer and button the protocol works: the sampler has their
    experts plan on each draw (`robogenesis.reach`). Closing is left out: it works what opening left."""
    found = {
        (node.skill, str(getattr(node.args, "device", "")))
        for node in compiled.nodes
        if node.skill in ("open_door", "open_drawer", "press_button")
    }
    return tuple(sorted(found))


def load_compiled(source: str | os.PathLike[str], robot: str) -> CompiledProtocol:
    """A protocol file compiled for `robot`, or a compiled `.json` (what `labc compile` writes)."""
    from compiler.model import CompiledProtocol

    path = Path(source)
    if not path.is_file():
        raise NotAProtocolError(f"{path}: no such protocol file")
    if path.suffix == COMPILED_SUFFIX:
        try:
            return CompiledProtocol.model_validate_json(path.read_text())
        except ValueError as exc:
            first = str(exc).splitlines()[0]
            raise NotAProtocolError(f"{path}: not a compiled protocol ({first})") from None
    from compiler import compile_file

    result = compile_file(path, robot=robot)
    if result.compiled is None:
        shown = [d for d in result.diagnostics if d.severity == "error"] or result.diagnostics
        message = shown[0].message if shown else "unknown error"
        raise CompositionError(f"{path}: does not compile for {robot}: {message}")
    if not result.compiled.nodes:
        raise CompositionError(f"{path}: the protocol has no steps to demonstrate")
    return result.compiled


def suite_root() -> Path:
    """The LabUtopia-style suite, `examples/labutopia/`, which an installed labc carries as package data
    (`labc_suite`, see setup.py); found the same way in a checkout, through the editable install."""
    from importlib.resources import files

    return Path(str(files("labc_suite"))) / "labutopia"


def builtin_suite(root: Path | None = None) -> list[Path]:
    """The LabUtopia-style level-1 and level-2 examples (one `.yaml` per task)."""
    root = root or suite_root()
    paths = [p for level in SUITE_LEVELS for p in sorted((root / level).glob("*.yaml"))]
    if not paths:
        raise CompositionError(f"no built-in suite found under {root}/level1 and level2")
    return paths
