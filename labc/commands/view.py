"""`labc view`: render a composed scene from every camera so a person can look at it."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import click

from labc.commands.options import InputError, check_robots, workspace_option


def _scene_from_file(path: Path, robot: str, resolution: int, mode: str) -> tuple[Any, Any]:
    """(SceneSpec, CompiledProtocol or None) from a protocol (.lab/.yaml, compiled here), a compiled
    protocol (.json from the workspace), or a SceneSpec file (.json/.yaml with `labware`)."""
    import json

    import yaml
    from pydantic import ValidationError

    from labsim.scene_spec import SceneSpec

    options: dict[str, Any] = {"robot": robot, "resolution": (resolution, resolution), "render_mode": mode}
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".lab" or (
        path.suffix in (".yaml", ".yml") and text.lstrip().startswith(("labc", "#"))
    ):
        compiled = _compile(path, robot)
        return SceneSpec.from_compiled(compiled, **options), compiled
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise click.UsageError(
            f"{path}: neither a protocol, a compiled protocol nor a scene file ({exc})"
        ) from None
    try:
        if isinstance(data, dict) and data.get("schema") == "labc.compiled/1":
            from compiler.model import CompiledProtocol

            compiled = CompiledProtocol.model_validate(data)
            return SceneSpec.from_compiled(compiled, **options), compiled
        if isinstance(data, dict) and "labware" in data:
            overrides = {"resolution": (resolution, resolution), "render_mode": mode, "robots": [robot]}
            return SceneSpec.model_validate({**data, **overrides}), None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(map(str, first["loc"])) or "top level"
        raise InputError(
            f"{path}: not a valid {exc.title} ({exc.error_count()} error(s); {where}: {first['msg']})"
        ) from None
    raise click.UsageError(f"{path}: neither a protocol, a compiled protocol nor a scene file")


def _compile(path: Path, robot: str):
    from compiler import compile_file
    from labc.protocol_io import report

    result = compile_file(path, robot=robot)
    report(result.diagnostics, result.sources, "text")
    if not result.ok:
        raise click.exceptions.Exit(1)
    return result.compiled


@click.command("view")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--robot", default="franka", show_default=True, help="Robot profile (see `labc robots`).")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="PNG to write (default: the workspace's views/<file>-<robot>.png).",
)
@click.option(
    "--resolution",
    type=click.IntRange(min=16, max=4096),
    default=320,
    show_default=True,
    help="Square image size per camera.",
)
@click.option("--mode", type=click.Choice(["fast", "full"]), default="full", show_default=True)
@click.option(
    "--cameras",
    default="front,side,wrist",
    show_default=True,
    help="Comma-separated cameras: front, side, top, wrist.",
)
@click.option(
    "--split",
    type=click.Choice(["id", "ood"]),
    help="Render the randomized scene of this split (placement, clutter, cameras, materials, room,"
    " lighting) that `labc run --split SPLIT --seed SEED` builds; default: the nominal scene.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the randomized scene.")
@workspace_option("writes views/<file>-<robot>.png unless -o")
def command(
    file: Path,
    robot: str,
    output: Path | None,
    resolution: int,
    mode: str,
    cameras: str,
    split: str | None,
    seed: int,
    workspace: Path | None,
) -> None:
    """Render FILE's scene from each camera, side by side, into one PNG."""
    import io

    import numpy as np
    from PIL import Image
    from pydantic import ValidationError

    from labc.workspace import Workspace, announce_default
    from labinfra.atomic import write_bytes
    from labsim.backend import get_backend
    from labsim.errors import SimulationError

    if output is None:
        output = Workspace.resolve(workspace).root / "views" / f"{file.stem}-{robot}.png"
        announce_default("output", output)
    check_robots([robot])
    scene, compiled = _scene_from_file(file, robot, resolution, mode)
    try:
        scene = scene.model_copy(
            update={"cameras": type(scene).model_validate({"cameras": _names(cameras)}).cameras}
        )
    except ValidationError as exc:
        raise click.BadParameter(exc.errors()[0]["msg"], param_hint="--cameras") from None
    try:
        if split is None:
            env = get_backend().build(scene, robot)
        else:
            env = _randomized(scene, compiled, robot, split, seed)
    except SimulationError as exc:
        raise click.ClickException(str(exc)) from None
    obs = env.reset(0)
    env.close()
    strip = np.concatenate([obs.images[c] for c in scene.cameras], axis=1)
    buffer = io.BytesIO()
    Image.fromarray(strip).save(buffer, format="PNG")
    write_bytes(output, buffer.getvalue())
    click.echo(f"wrote {output} ({', '.join(scene.cameras)}; {mode} mode, {robot})")


def _names(cameras: str) -> list[str]:
    return [c.strip() for c in cameras.split(",") if c.strip()]


def _randomized(scene: Any, compiled: Any, robot: str, split: str, seed: int) -> Any:
    """The scene drawn from `seed` in `split` (as labc.runtime.episode draws it), and a line naming
    the look it drew."""
    import numpy as np

    from robogenesis.bands import Split
    from robogenesis.compose import worked_devices
    from robogenesis.randomize import build_env, sample_domain

    worked = worked_devices(compiled) if compiled is not None else ()
    sample = sample_domain(scene, cast(Split, split), np.random.default_rng([seed, 0]), worked=worked)
    look = [f"bench {sample.bench}", f"light x{sample.lighting.intensity:.2f}"]
    if sample.room is not None:
        look += [
            f"walls {sample.room.wall}",
            f"floor {sample.room.floor}",
            f"{sample.room.bottles} bottles/shelf",
        ]
    if sample.finish is not None:
        look += [f"{sample.finish.liquid} liquid", f"{sample.finish.glass} glass"]
    look.append(f"{len(sample.clutter)} distractors")
    click.echo(f"{split} seed {seed}: " + ", ".join(look))
    return build_env(scene, robot, sample)
