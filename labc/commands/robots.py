"""`labc robots`: list the robot profiles labsim can put at the bench."""

from __future__ import annotations

from pathlib import Path

import click

from labc.commands.options import workspace_option


@click.command("robots")
@click.option("--json", "as_json", is_flag=True, help="Print the profiles as JSON.")
@workspace_option(None)
def command(as_json: bool, workspace: Path | None) -> None:
    """List robot profiles (labdata/robots/*.yaml): joints, gripper, control rate."""
    import json

    from labdata.robot_profile import list_profiles, load_profile

    profiles = [load_profile(name) for name in list_profiles()]
    if as_json:
        click.echo(json.dumps([p.model_dump() for p in profiles], indent=2))
        return
    for p in profiles:
        click.echo(
            f"{p.name:8s} {p.description} | {p.n_arm} arm joints + gripper | {p.control_hz:g} Hz | "
            f"state {len(p.state_names)}, action {len(p.action_names)}"
        )
