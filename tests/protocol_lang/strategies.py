"""hypothesis strategies for whole protocols, used by the round-trip and fuzz properties."""

from __future__ import annotations

from hypothesis import strategies as st

from protocol_lang import ast
from protocol_lang.units import KNOWN

NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,7}", fullmatch=True)
UNITS = {
    dim: sorted(u for u, info in KNOWN.items() if info.dimension == dim)
    for dim in ("volume", "time", "temperature")
}
WELLS = st.builds(lambda r, c: f"{r}{c}", st.sampled_from("ABCDEFGH"), st.integers(1, 12))
NUMBERS = st.one_of(st.integers(1, 5000).map(float), st.integers(1, 9999).map(lambda n: n / 100))


def quantity(dimension: str, params: list[str]) -> st.SearchStrategy:
    literal = st.builds(
        lambda v, u: ast.Quantity(value=v, unit=u), NUMBERS, st.sampled_from(UNITS[dimension])
    )
    if params:
        return st.one_of(literal, st.sampled_from(params).map(lambda n: ast.ParamRef(name=n)))
    return literal


def refs(names: list[str]) -> st.SearchStrategy[ast.Ref]:
    plain = st.sampled_from(names).map(lambda n: ast.Ref(name=n))
    part = st.builds(lambda n, p: ast.Ref(name=n, part=p), st.sampled_from(names), st.sampled_from(ast.PARTS))
    selectors = st.one_of(
        WELLS.map(lambda w: ast.Well(name=w)),
        st.builds(
            lambda a, b: ast.WellRange(start=min(a, b, key=_order), end=max(a, b, key=_order)), WELLS, WELLS
        ),
        st.sampled_from("ABCDEFGH").map(lambda r: ast.WellRow(row=r)),
        st.integers(1, 12).map(lambda c: ast.WellCol(col=c)),
    )
    wells = st.builds(lambda n, s: ast.Ref(name=n, wells=s), st.sampled_from(names), selectors)
    return st.one_of(plain, part, wells)


def _order(well: str) -> tuple[int, int]:
    return ord(well[0]), int(well[1:])


def simple_statements(names: list[str], qparams: list[str], cparams: list[str]) -> st.SearchStrategy:
    r = refs(names)
    vol, dur, temp = (quantity(d, qparams) for d in ("volume", "time", "temperature"))
    count = st.one_of(
        st.integers(1, 9).map(lambda n: ast.Count(value=n)),
        *([st.sampled_from(cparams).map(lambda n: ast.ParamRef(name=n))] if cparams else []),
    )
    opt = lambda s: st.one_of(st.none(), s)  # noqa: E731
    return st.one_of(
        st.builds(ast.Pick, object=r),
        st.builds(ast.Place, object=r, relation=st.sampled_from(["on", "in", "at"]), target=r),
        st.builds(ast.Open, target=r),
        st.builds(ast.Close, target=r),
        st.builds(ast.Press, target=r),
        st.builds(ast.Pour, volume=opt(vol), source=r, target=r),
        st.builds(ast.Shake, object=r, duration=opt(dur)),
        st.builds(ast.Stir, object=r, rod=r, duration=opt(dur)),
        st.builds(ast.Wait, duration=dur),
        st.builds(ast.Transport, object=r, target=r),
        st.builds(
            ast.Transfer,
            volume=vol,
            source=r,
            target=r,
            mix_times=opt(count),
            new_tip=opt(st.sampled_from(["always", "once", "never"])),
        ),
        st.builds(ast.Heat, object=r, heater=r, temperature=temp, duration=dur),
        st.builds(ast.Mix, object=r, times=opt(count)),
        st.builds(ast.Put, object=r, device=r),
        st.builds(ast.Take, object=r, device=r),
    )


@st.composite
def protocols(draw) -> ast.Protocol:
    names = draw(st.lists(NAMES, min_size=1, max_size=5, unique=True))
    param_names = draw(st.lists(NAMES, max_size=3, unique=True))
    params: list[ast.ParamDecl] = []
    for name in param_names:
        if draw(st.booleans()):
            params.append(ast.ParamDecl(name=name, value=ast.Count(value=draw(st.integers(1, 20)))))
        else:
            params.append(ast.ParamDecl(name=name, value=draw(quantity("volume", []))))
    qparams = [p.name for p in params if isinstance(p.value, ast.Quantity)]
    cparams = [p.name for p in params if isinstance(p.value, ast.Count)]
    simple = simple_statements(names, qparams, cparams)
    statements = st.recursive(
        simple,
        lambda children: st.one_of(
            st.builds(ast.Parallel, branches=st.lists(children, min_size=1, max_size=3)),
            st.builds(
                ast.Repeat,
                times=st.integers(1, 5).map(lambda n: ast.Count(value=n)),
                body=st.lists(children, min_size=1, max_size=3),
            ),
        ),
        max_leaves=8,
    )
    # Volume params only feed volume slots: keep temperature/time slots literal when params exist.
    liquid = st.one_of(NAMES, st.just("distilled water"))
    volume = quantity("volume", qparams)
    vessel = st.lists(st.builds(lambda v, liq: ast.Content(volume=v, liquid=liq), volume, liquid), max_size=2)
    welled = st.lists(WELLS, max_size=3, unique=True).flatmap(
        lambda wells: st.tuples(
            *[
                st.builds(lambda v, liq, w=w: ast.Content(well=w, volume=v, liquid=liq), volume, liquid)
                for w in wells
            ]
        ).map(list)
    )
    contents = st.one_of(vessel, welled)
    split = draw(st.integers(0, len(names)))
    labware = [
        ast.LabwareDecl(
            name=n,
            type=draw(NAMES),
            at=draw(st.one_of(st.none(), st.just("bench/slot1"), st.just("bench/left"))),
            contents=draw(contents),
        )
        for n in names[:split]
    ]
    instruments = [
        ast.InstrumentDecl(name=n, type=draw(NAMES), tips=draw(st.lists(st.sampled_from(names), max_size=2)))
        for n in names[split:]
    ]
    return ast.Protocol(
        name=draw(NAMES),
        description=draw(
            st.one_of(
                st.none(), st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=30)
            )
        ),
        robots=draw(st.lists(st.sampled_from(["franka", "ur5", "xarm7"]), max_size=2, unique=True)),
        params=params,
        labware=labware,
        instruments=instruments,
        steps=draw(st.lists(statements, min_size=1, max_size=6)),
    )
