"""Diagnostic codes of the compiler (E1xxx), and the registration of the skill codes (E2xxx/W2xxx)
into the one table that `protocol_lang.diagnostics.CODES` is, so every code has one title."""

from __future__ import annotations

from protocol_lang.diagnostics import register_codes
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

register_codes(COMPILER_CODES)
register_codes({code: info.title for code, info in SKILL_CODES.items()})
