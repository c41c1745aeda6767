"""The layering is a contract: labc -> {robogenesis, labvla, compiler} -> {labsim, skills} -> lab data ->
protocol_lang -> labinfra. A package imports only packages on lower layers, never one above it or beside
it; imports inside functions count the same (they are how heavy modules stay lazy, not a way around the
layers). Edges that still break the rule are listed in KNOWN, each with its reason, so the list can only
shrink: an entry that no longer occurs fails too, and must be removed."""

from __future__ import annotations

import ast
from collections import defaultdict

from tests.conftest import ROOT
from tests.helpers.imports import absolute_imports
from tests.helpers.layers import LAYERS

RANK = {package: rank for rank, layer in enumerate(LAYERS) for package in layer}

# (importer, imported) -> why it is still there. Remove an entry with the import it excuses.
KNOWN: dict[tuple[str, str], str] = {
    ("robogenesis", "compiler"): (
        "robogenesis compiles protocol files itself (compose.load_compiled) and reads CompiledProtocol "
        "from compiler.model; the contract belongs below both, or the compiling in labc"
    ),
}


def imports_by_package() -> dict[tuple[str, str], list[str]]:
    """(importer, imported) package edges across packages, each with the places that make it."""
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for package in RANK:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for target, line in absolute_imports(tree):
                if target in RANK and target != package:
                    edges[package, target].append(f"{path.relative_to(ROOT)}:{line}")
    return edges


def test_no_upward_or_sideways_imports() -> None:
    bad = {
        edge: places
        for edge, places in imports_by_package().items()
        if RANK[edge[1]] >= RANK[edge[0]] and edge not in KNOWN
    }
    assert bad == {}, "imports against the layering (importer, imported): places"


def test_known_exceptions_still_occur() -> None:
    edges = imports_by_package()
    gone = [edge for edge in KNOWN if edge not in edges]
    assert gone == [], "these exceptions no longer occur: remove them from KNOWN"


def test_labvla_never_imports_the_compiler() -> None:
    assert ("labvla", "compiler") not in imports_by_package()
