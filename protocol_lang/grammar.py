"""The one lark grammar of the language, built once per process."""

from __future__ import annotations

import functools
from pathlib import Path

from lark import Lark

GRAMMAR_FILE = Path(__file__).with_name("grammar.lark")
START_SYMBOLS = ["file", "step", "block_head", "param_value", "contents_list"]

# Statement keywords, for "did you mean `transfer`?" on a misspelt step.
STEP_KEYWORDS: tuple[str, ...] = (
    "pick", "place", "open", "close", "press", "pour", "shake", "stir", "wait",
    "transport", "transfer", "heat", "mix", "put", "take", "parallel", "repeat",
)  # fmt: skip
DECLARATION_KEYWORDS: tuple[str, ...] = ("labc", "protocol", "robots", "param", "labware", "instrument")


@functools.cache
def parser() -> Lark:
    """LALR with the contextual lexer: linear time, and keywords only where the grammar accepts them."""
    return Lark(
        GRAMMAR_FILE.read_text(encoding="utf-8"),
        parser="lalr",
        lexer="contextual",
        start=START_SYMBOLS,
        propagate_positions=True,
        maybe_placeholders=False,
        cache=True,
    )
