"""hypothesis strategies for whole protocols, used by the round-trip and fuzz properties.

Protocols come with parameters of every kind (volume, time, temperature, count), `{name}` references
in the slots of their kind, and comments and blank lines on every line that can carry them (in the
normal form that `protocol_lang.trivia` reads back)."""

from __future__ import annotations

from hypothesis import strategies as st

from protocol_lang import ast
from protocol_lang.trivia import clean
from protocol_lang.units import KNOWN, LIMITS

NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,7}", fullmatch=True)
UNITS = {
    dim: sorted(u for u, info in KNOWN.items() if info.dimension == dim)
    for dim in ("volume", "time", "temperature")
}
WELLS = st.builds(lambda r, c: f"{r}{c}", st.sampled_from("ABCDEFGH"), st.integers(1, 12))
NUMBERS = st.one_of(st.integers(1, 5000).map(float), st.integers(1, 9999).map(lambda n: n / 100))


# What a comment may say: any printable text (YAML reads no control characters or line separators).
COMMENT = st.text(
    st.characters(
        codec="utf-8", exclude_categories=["Cs", "Cc", "Cn", "Zl", "Zp"], exclude_characters="\ufeff"
    ),
    max_size=20,
).map(lambda text: ("#" + text).rstrip())


def lines_before(*, lead: bool) -> st.SearchStrategy[tuple[str, ...]]:
    """Comment and blank lines before a line, in normal form (`lead`: may start with a blank)."""
    return st.lists(st.one_of(st.just(""), COMMENT), max_size=3).map(lambda lines: clean(lines, lead=lead))


def trivia(*, lead: bool = True) -> st.SearchStrategy[ast.Trivia | None]:
    made = st.builds(ast.Trivia, before=lines_before(lead=lead), after=st.one_of(st.none(), COMMENT))
    return st.one_of(st.none(), made.map(lambda t: t if t.before or t.after else None))


def tail() -> st.SearchStrategy[ast.Trivia | None]:
    """Comments at the end of a block or of the file: no trailing blank line, no end-of-line comment."""
    return st.one_of(
        st.none(), lines_before(lead=True).map(lambda lines: ast.Trivia(before=lines) if lines else None)
    )


def with_trivia(node: st.SearchStrategy, *, lead: bool = True) -> st.SearchStrategy:
    return st.builds(lambda n, t: n.model_copy(update={"trivia": t}), node, trivia(lead=lead))


def quantity(dimension: str, params: list[str]) -> st.SearchStrategy:
    literal = st.builds(
        lambda v, u: ast.Quantity(value=v, unit=u), NUMBERS, st.sampled_from(UNITS[dimension])
    ).filter(lambda q: q.base() <= LIMITS[dimension][0])  # within the language's bounds (E0407)
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


def counts(cparams: list[str], high: int = 9) -> st.SearchStrategy:
    return st.one_of(
        st.integers(1, high).map(lambda n: ast.Count(value=n)),
        *([st.sampled_from(cparams).map(lambda n: ast.ParamRef(name=n))] if cparams else []),
    )


def simple_statements(
    names: list[str], qparams: dict[str, list[str]], cparams: list[str]
) -> st.SearchStrategy:
    """One statement of each kind; a `{param}` stands only in a slot of its kind."""
    r = refs(names)
    vol, dur, temp = (quantity(d, qparams.get(d, [])) for d in ("volume", "time", "temperature"))
    count = counts(cparams)
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
    param_names = draw(st.lists(NAMES, max_size=4, unique=True))
    params: list[ast.ParamDecl] = []
    for name in param_names:
        kind = draw(st.sampled_from(["count", "volume", "time", "temperature"]))
        value = ast.Count(value=draw(st.integers(1, 20))) if kind == "count" else draw(quantity(kind, []))
        params.append(ast.ParamDecl(name=name, value=value, trivia=draw(trivia())))
    qparams: dict[str, list[str]] = {}
    for p in params:
        if isinstance(p.value, ast.Quantity):
            qparams.setdefault(p.value.dimension, []).append(p.name)
    cparams = [p.name for p in params if isinstance(p.value, ast.Count)]
    simple = with_trivia(simple_statements(names, qparams, cparams))
    statements = st.recursive(
        simple,
        lambda children: st.one_of(
            with_trivia(
                st.builds(ast.Parallel, branches=st.lists(children, min_size=1, max_size=3), tail=tail())
            ),
            with_trivia(
                st.builds(
                    ast.Repeat,
                    times=counts(cparams, high=5),
                    body=st.lists(children, min_size=1, max_size=3),
                    tail=tail(),
                )
            ),
        ),
        max_leaves=8,
    )
    # Volume params only feed volume slots: keep temperature/time slots literal when params exist.
    liquid = st.one_of(NAMES, st.just("distilled water"))
    volume = quantity("volume", qparams.get("volume", []))
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
    # The first declaration and the first step follow the blank line the formatter always writes.
    labware = [
        ast.LabwareDecl(
            name=n,
            type=draw(NAMES),
            at=draw(st.one_of(st.none(), st.just("bench/slot1"), st.just("bench/left"))),
            contents=draw(contents),
            trivia=draw(trivia(lead=i > 0)),
        )
        for i, n in enumerate(names[:split])
    ]
    instruments = [
        ast.InstrumentDecl(
            name=n,
            type=draw(NAMES),
            tips=draw(st.lists(st.sampled_from(names), max_size=2)),
            trivia=draw(trivia(lead=i > 0 or split > 0)),
        )
        for i, n in enumerate(names[split:])
    ]
    steps = draw(st.lists(statements, min_size=1, max_size=6))
    first = steps[0].trivia
    if first is not None:
        steps[0] = steps[0].model_copy(
            update={"trivia": first.model_copy(update={"before": clean(first.before, lead=False)})}
        )
    robots = draw(st.lists(st.sampled_from(["franka", "ur5", "xarm7"]), max_size=2, unique=True))
    header = {
        line: t
        for line, t in (
            ("labc", draw(trivia(lead=False))),
            ("protocol", draw(trivia())),
            ("robots", draw(trivia()) if robots else None),
        )
        if t is not None
    }
    return ast.Protocol(
        name=draw(NAMES),
        description=draw(
            st.one_of(
                st.none(), st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=30)
            )
        ),
        robots=robots,
        params=params,
        labware=labware,
        instruments=instruments,
        steps=steps,
        header=header,
        tail=draw(tail()),
    )
