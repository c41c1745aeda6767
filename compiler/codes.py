"""Diagnostic codes of the compiler (E1xxx), and `all_codes()`: the language's, the compiler's and the
skills' codes (E2xxx/W2xxx) in one table, so every code has one title.

The compiler is the lowest package that sees all three owners, so it joins them here, on request,
rather than each package writing into a table in protocol_lang when it happens to be imported."""

from __future__ import annotations

from protocol_lang.diagnostics import CODES as LANGUAGE_CODES
from skills.codes import CODES as SKILL_CODES

COMPILER_CODES: dict[str, str] = {
    "E1001": "unknown labware or instrument type",
    "E1002": "name never declared",
    "E1003": "the object has no such part",
    "E1004": "one object used by two parallel branches",
    "E1005": "wells on labware without them, or wells it does not have",
    "E1006": "unknown robot",
    "E1007": "unknown location",
    "E1008": "an object does not fit on the bench",
    "E1009": "the protocol unrolls to too many skill steps",
    "E1010": "a volume no container in the catalog holds",
}


def all_codes() -> dict[str, str]:
    """Every diagnostic code labc can report, with its title; a code owned twice is a bug."""
    table: dict[str, str] = {}
    skill_titles = {code: info.title for code, info in SKILL_CODES.items()}
    for owner in (LANGUAGE_CODES, COMPILER_CODES, skill_titles):
        for code, title in owner.items():
            if table.setdefault(code, title) != title:
                raise ValueError(f"diagnostic code {code} defined twice: {table[code]!r} vs {title!r}")
    return table
