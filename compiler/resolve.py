"""Name resolution: declarations against the catalog and the bench, references against declarations.

Produces the `skills.Declaration` list the symbolic state starts from, the `ResolvedObject` list the
compiled protocol carries, and diagnostics that point at the declaration or reference at fault.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from compiler.model import ResolvedObject
from labdata.catalog import Catalog, LabwareType, UnknownType
from labdata.deck import SITES, Placement, footprint, place_all
from labdata.errors import LayoutError, PlacementError
from protocol_lang import ast
from protocol_lang.diagnostics import Diagnostic, did_you_mean
from protocol_lang.span import Span
from skills.state import Declaration


def bench_sites() -> list[str]:
    """Named bench locations, from the deck in labdata (the simulator places labware on the same one)."""
    return list(SITES)


def robot_names() -> list[str]:
    # Here, not at the top: most protocols name no robot, and the profile models cost a cold compile.
    from labdata.robot_profile import list_profiles

    return list_profiles()


@dataclass
class Resolution:
    declarations: list[Declaration] = field(default_factory=list)
    objects: list[ResolvedObject] = field(default_factory=list)
    types: dict[str, LabwareType] = field(default_factory=dict)
    spans: dict[str, Span | None] = field(default_factory=dict)
    placements: list[Placement] = field(default_factory=list)  # the bench top before the first step
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def error(self, code: str, message: str, span: Span | None, hint: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(code=code, message=message, span=span, hint=hint))


def resolve(protocol: ast.Protocol, catalog: Catalog, robot: str | None) -> Resolution:
    out = Resolution()
    decls: list[ast.LabwareDecl | ast.InstrumentDecl] = [*protocol.labware, *protocol.instruments]
    names = [d.name for d in decls]
    sites = bench_sites()
    _check_robots(protocol, robot, out)
    for decl in decls:
        try:
            kind = catalog.get(decl.type)
        except UnknownType as exc:
            hint = (
                f"did you mean `{exc.suggestions[0]}`?"
                if exc.suggestions
                else "`labc labware` lists the known types"
            )
            out.error(
                "E1001", f"unknown type `{decl.type}` for `{decl.name}`", decl.type_span or decl.span, hint
            )
            continue
        out.types[decl.name] = kind
        out.spans[decl.name] = decl.span
        if decl.at is not None and decl.at not in sites and decl.at not in names:
            hint = did_you_mean(decl.at, [*sites, *names]) or f"bench locations: {', '.join(sites)}"
            out.error(
                "E1007", f"`{decl.at}` is neither a bench location nor a declared object", decl.span, hint
            )
            continue
        if decl.at == decl.name:
            out.error("E1007", f"`{decl.name}` cannot stand on itself", decl.span)
            continue
        contents = _contents(decl, kind, out) if isinstance(decl, ast.LabwareDecl) else {}
        tips = None
        if isinstance(decl, ast.InstrumentDecl) and decl.tips:
            tips = decl.tips[0]
            for rack in decl.tips:
                if rack not in names:
                    out.error(
                        "E1002", f"tip rack `{rack}` is never declared", decl.span, did_you_mean(rack, names)
                    )
        out.declarations.append(
            Declaration(name=decl.name, type=decl.type, location=decl.at, contents=contents, tips=tips)
        )
        out.objects.append(
            ResolvedObject(
                name=decl.name,
                type=decl.type,
                kind=kind.kind,
                instrument=isinstance(decl, ast.InstrumentDecl),
                at=decl.at,
                contents={(well or ""): liquids for well, liquids in contents.items()},
                tips=tips,
                span=decl.span,
            )
        )
    _check_layout(out)
    # Labware declared without `at` stands where the simulator will put it (the same place_all): the
    # symbolic state knows that spot, so an object borrowed for a step (the pipette, a shaken flask)
    # has somewhere to go back to.
    site = {p.name: p.site for p in out.placements}
    out.declarations = [
        d.model_copy(update={"location": site[d.name]}) if d.location is None and d.name in site else d
        for d in out.declarations
    ]
    return out


def _check_layout(out: Resolution) -> None:
    """Objects standing on the bench must fit where they are declared (E1008), as the simulator will
    place them; caught here, the error points at the declaration instead of failing a synthesis run."""
    names = {o.name for o in out.objects}
    items = [(o.name, o.at, footprint(out.types[o.name])) for o in out.objects if o.at not in names]
    try:
        out.placements = place_all(items)
    except PlacementError as exc:
        where = f"it overlaps `{exc.clash}`" if exc.clash else "it reaches past the edge of the bench"
        out.error(
            "E1008",
            f"`{exc.name}` does not fit at {exc.site}: {where}",
            out.spans.get(exc.name),
            _free_hint(exc.free),
        )
    except LayoutError as exc:
        out.error("E1008", str(exc), None, "declare fewer objects without a location, or give them locations")


def _free_hint(free: list[str]) -> str:
    """Name the free sites that fit, the grid and device sites first; `labc deck` shows the map."""
    if not free:
        return "no bench site is free for it; `labc deck` shows the map"
    shown = ", ".join(free[:6]) + (f" and {len(free) - 6} more" if len(free) > 6 else "")
    return f"free sites that fit it: {shown} (`labc deck` shows the map)"


def _contents(
    decl: ast.LabwareDecl, kind: LabwareType, out: Resolution
) -> dict[str | None, dict[str, float]]:
    contents: dict[str | None, dict[str, float]] = {}
    for entry in decl.contents:
        if not isinstance(entry.volume, ast.Quantity):
            continue  # an unresolved parameter was already reported
        if entry.well is not None:
            if kind.wells is None:
                out.error(
                    "E1005",
                    f"`{decl.name}` ({decl.type}) has no wells; give its contents without a well",
                    entry.span,
                )
                continue
            from protocol_lang.wells import WellError, expand

            try:
                expand(ast.Well(name=entry.well), kind.wells.rows, kind.wells.cols)
            except WellError as exc:
                out.error("E1005", f"`{decl.name}`: {exc}", entry.span)
                continue
        mixture = contents.setdefault(entry.well, {})
        mixture[entry.liquid] = mixture.get(entry.liquid, 0.0) + entry.volume.base()
    return contents


def _check_robots(protocol: ast.Protocol, robot: str | None, out: Resolution) -> None:
    if robot is None and not protocol.robots:
        return
    known = robot_names()
    for name in protocol.robots:
        if name not in known:
            out.error(
                "E1006",
                f"unknown robot `{name}`",
                protocol.span,
                did_you_mean(name, known) or f"known robots: {', '.join(known)}",
            )
    if robot is not None and robot not in known:
        out.error(
            "E1006",
            f"unknown robot `{robot}` (--robot)",
            None,
            did_you_mean(robot, known) or f"known robots: {', '.join(known)}",
        )
    elif robot is not None and protocol.robots and robot not in protocol.robots:
        out.error(
            "E1006",
            f"the protocol allows {', '.join(protocol.robots)}, not `{robot}`",
            protocol.span,
            "compile for an allowed robot, or add it to `robots`",
        )


def check_ref(
    ref: ast.Ref, declared: dict[str, LabwareType], out: list[Diagnostic], *, site_ok: bool = False
) -> bool:
    """A reference names a declared object (or, where allowed, a bench location)."""
    if ref.name in declared:
        return True
    if site_ok and "/" in ref.name:
        sites = bench_sites()
        if ref.name in sites:
            return True
        out.append(
            Diagnostic(
                code="E1007",
                message=f"unknown bench location `{ref.name}`",
                span=ref.span,
                hint=did_you_mean(ref.name, sites) or f"bench locations: {', '.join(sites)}",
            )
        )
        return False
    out.append(
        Diagnostic(
            code="E1002",
            message=f"`{ref.name}` is never declared",
            span=ref.span,
            hint=did_you_mean(ref.name, declared) or "declare it under `labware` or `instruments`",
        )
    )
    return False
