"""`labc labware`: the labware and instrument types a protocol may declare, from the catalog in skills/.

Diagnostics such as E1001 (unknown type) and E2010 (the object cannot do this) send the user here: each
type with what it holds (capacity, wells, slots, pipette range) and what it affords (graspable, has_door,
heats, ...), which is what decides the skills it can take part in.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

import click

from labc.commands.options import workspace_option


def _holds(row: dict[str, Any]) -> str:
    """One phrase for the type's capacity: what a protocol author checks against their volumes."""
    from skills.base import volume

    if row["wells"]:
        w = row["wells"]
        if "holds_tips" in row["affordances"]:
            return f"{w['rows'] * w['cols']} tips"
        return f"{w['rows'] * w['cols']} wells x {volume(w['well_capacity_ul'])}"
    if row["volume_range_ul"]:
        low, high = row["volume_range_ul"]
        return f"pipettes {volume(low)}-{volume(high)}"
    if row["capacity_ul"]:
        return volume(row["capacity_ul"])
    if row["slots"]:
        return f"{row['slots']} slot{'s' if row['slots'] > 1 else ''}"
    return ""


def describe_labware() -> list[dict[str, Any]]:
    from labdata.catalog import load_catalog

    catalog = load_catalog()
    rows = []
    for name in catalog.names():
        t = catalog.types[name]
        rows.append(
            {
                "name": name,
                "kind": t.kind,
                "instrument": t.instrument,
                "description": t.description,
                "capacity_ul": t.capacity_ul,
                "wells": t.wells.model_dump() if t.wells else None,
                "volume_range_ul": list(t.volume_range_ul) if t.volume_range_ul else None,
                "tip_types": list(t.tip_types),
                "max_temperature_c": t.max_temperature_c,
                "slots": t.slots,
                "affordances": sorted(t.affordances),
                "size_m": list(t.geometry.outer_size_m),
            }
        )
    return rows


@click.command("labware")
@click.argument("name", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--instruments", is_flag=True, help="Only instrument types (declared under `instruments`).")
@workspace_option(None)
def command(name: str | None, fmt: str, instruments: bool, workspace: Path | None) -> None:
    """List the labware and instrument types (or one NAME) that protocols declare and hints refer to."""
    rows = describe_labware()
    if instruments:
        rows = [row for row in rows if row["instrument"]]
    if name is not None:
        known = [row["name"] for row in rows]
        rows = [row for row in rows if row["name"] == name or row["kind"] == name]
        if not rows:
            close = difflib.get_close_matches(name, known, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else "; `labc labware` lists them all"
            raise click.UsageError(f"no labware or instrument type or kind named `{name}`{hint}")
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for title, group in (
        ("Labware", [r for r in rows if not r["instrument"]]),
        ("Instruments", [r for r in rows if r["instrument"]]),
    ):
        if not group:
            continue
        click.echo(title)
        for row in group:
            size = " x ".join(f"{v * 1000:g}" for v in row["size_m"])
            click.echo(f"  {row['name']:24s} {row['kind']:10s} {_holds(row):20s} {size} mm")
            click.echo(f"      {row['description']}; affords {', '.join(row['affordances'])}")
