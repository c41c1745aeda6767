"""`labc view`: render a composed scene from every camera so a person can look at it."""

from __future__ import annotations

from pathlib import Path

import click


def _scene_from_file(path: Path, robot: str, resolution: int, mode: str):
    """A SceneSpec from a JSON/YAML SceneSpec file, or from a compiled protocol via the compiler."""
    import json

    import yaml

    from labsim.scene_spec import SceneSpec

    text = path.read_text()
    data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    overrides = {"resolution": (resolution, resolution), "render_mode": mode, "robots": [robot]}
    if isinstance(data, dict) and "labware" in data and "schema" not in data:
        return SceneSpec.model_validate({**data, **overrides})
    try:
        from compiler import compile_file  # type: ignore[attr-defined]
    except ImportError as exc:
        raise click.ClickException(
            f"{path}: not a scene file, and the compiler is unavailable ({exc})"
        ) from None
    compiled = compile_file(path)
    return SceneSpec.from_compiled(
        compiled, robot=robot, resolution=(resolution, resolution), render_mode=mode
    )


@click.command("view")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--robot", default="franka", show_default=True, help="Robot profile (see `labc robots`).")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("scene.png"), show_default=True)
@click.option("--resolution", default=320, show_default=True, help="Square image size per camera.")
@click.option("--mode", type=click.Choice(["fast", "full"]), default="full", show_default=True)
def command(file: Path, robot: str, output: Path, resolution: int, mode: str) -> None:
    """Render FILE's scene from each camera, side by side, into one PNG."""
    import io

    import numpy as np
    from PIL import Image

    from labc.atomic import write_bytes
    from labsim.backend import get_backend
    from labsim.errors import SimulationError

    scene = _scene_from_file(file, robot, resolution, mode)
    try:
        env = get_backend().build(scene, robot)
    except SimulationError as exc:
        raise click.ClickException(str(exc)) from None
    obs = env.reset(0)
    env.close()
    strip = np.concatenate([obs.images[c] for c in scene.cameras], axis=1)
    buffer = io.BytesIO()
    Image.fromarray(strip).save(buffer, format="PNG")
    write_bytes(output, buffer.getvalue())
    click.echo(f"wrote {output} ({', '.join(scene.cameras)}; {mode} mode, {robot})")
