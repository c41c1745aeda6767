"""`labc deck [PROTOCOL]`: the bench map, with what a protocol puts where (or the empty deck).

The text map is schematic: the slot grid in the middle as the robot sees it (its left on the left,
the back at the top), the device sites beside it, then the task sites and everything placed
elsewhere. `--png FILE` draws the same deck to scale (pillow, from the `sim` extra).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click

from labc.commands.options import check_robots, workspace_option

CELL = 15
# Rows of the schematic, back to front: (left device site, three slots, right device site).
ROWS = [
    ("bench/corner_left", ("bench/slot7", "bench/slot6", "bench/slot8"), "bench/corner_right"),
    ("", ("bench/slot3", "bench/slot5", "bench/slot4"), ""),
    ("bench/side_left", ("bench/slot1", "bench/slot9", "bench/slot2"), "bench/side_right"),
]


@dataclass(frozen=True)
class Occupant:
    """One object on the deck: where it stands (a site, or an automatic spot) and its footprint."""

    name: str
    type: str
    site: str
    x: float
    y: float
    half: tuple[float, float]


def occupants(compiled: object) -> tuple[list[Occupant], list[tuple[str, str]]]:
    """(objects standing on the bench, (object, what it stands on or in) for the others), placed as
    the compiler and the simulator place them."""
    from labdata.catalog import load_catalog
    from labdata.deck import SITES, footprint, place_all

    catalog = load_catalog()
    objects = list(getattr(compiled, "objects", []))
    names = {o.name for o in objects}
    kinds = {o.name: catalog.get(o.type) for o in objects}
    standing = [o for o in objects if o.at not in names]
    items = [(o.name, o.at if o.at in SITES else None, footprint(kinds[o.name])) for o in standing]
    placed = place_all(items)
    types = {o.name: o.type for o in objects}
    bench = [Occupant(p.name, types[p.name], p.site, p.x, p.y, (p.half_x, p.half_y)) for p in placed]
    return bench, [(o.name, o.at) for o in objects if o.at in names]


def text_map(bench: list[Occupant], stacked: list[tuple[str, str]]) -> str:
    """The schematic map, a line per row of slots, then the sites off the grid."""
    from labdata.deck import DECK, TASK_SITES

    at_site: dict[str, list[str]] = {}
    for o in bench:
        at_site.setdefault(o.site, []).append(o.name)

    def cell(site: str, line: int) -> str:
        if not site:
            return " " * CELL
        text = site.removeprefix("bench/") if line == 0 else (", ".join(at_site.get(site, [])) or "·")
        return (text if len(text) < CELL else text[: CELL - 2] + "…").ljust(CELL)

    out = ["bench, seen from above: the back at the top, the robot at the front (bottom)", ""]
    for left, slots, right in ROWS:
        for line in (0, 1):
            middle = " ".join(f"[{cell(s, line)}]" for s in slots)
            out.append(f"{cell(left, line)} | {middle} | {cell(right, line)}".rstrip())
    out.append((" " * (CELL + 3) + "(robot)".center(3 * (CELL + 3))).rstrip())
    out.append("")
    out.append("slots fit SBS labware (127.76 x 85.48 mm); corners fit large devices (60 x 60 cm),")
    out.append("sides a hotplate or stirrer; a corner device's door or drawer opens over the side in front.")
    tasks = [
        f"{s.name.removeprefix('bench/')}: {', '.join(at_site.get(s.name, [])) or '·'}" for s in TASK_SITES
    ]
    out.append("task sites (the LabUtopia suite's; they overlap the grid): " + "; ".join(tasks))
    auto = [o for o in bench if o.site not in DECK]
    if auto:
        out.append(
            "placed automatically: " + "; ".join(f"{o.name} at ({o.x:.2f}, {o.y:.2f}) m" for o in auto)
        )
    if stacked:
        out.append("on or in other objects: " + "; ".join(f"{name} at {host}" for name, host in stacked))
    return "\n".join(out)


@click.command("deck")
@click.argument("protocol", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--robot", default=None, help="Compile the protocol for this robot profile.")
@click.option(
    "--png",
    "png",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also draw the deck to scale into this PNG file.",
)
@workspace_option(None)
def command(protocol: Path | None, robot: str | None, png: Path | None, workspace: Path | None) -> None:
    """Print the bench map: slots, device sites, task sites, and what PROTOCOL puts where."""
    bench: list[Occupant] = []
    stacked: list[tuple[str, str]] = []
    title = "empty deck"
    if protocol is not None:
        from compiler import compile_file
        from labc.protocol_io import check_path, report

        check_path(protocol)
        check_robots([robot] if robot else [])
        result = compile_file(protocol, robot=robot)
        report(result.diagnostics, result.sources, "text")
        if not result.ok or result.compiled is None:
            raise click.exceptions.Exit(1)
        bench, stacked = occupants(result.compiled)
        title = protocol.name
    click.echo(text_map(bench, stacked))
    if png is not None:
        from labc.deck_png import draw_deck
        from labinfra.atomic import write_bytes

        write_bytes(png, draw_deck(bench, title))
        click.echo(f"wrote {png}", err=True)
