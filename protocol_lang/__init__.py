"""protocol_lang: the labc protocol language (YAML and `.lab` surfaces, one lark grammar)."""

import sys


def _import_lark_without_regex() -> None:
    """lark imports the third-party `regex` module whenever it is installed (transformers brings it)
    and uses it only for `Lark(regex=True)` and Unicode-category terminals, neither of which labc's
    grammar has; the import is about 4% of a cold `labc compile`. A None entry in `sys.modules` makes
    that one import fail (the import system's documented behaviour), and it is removed at once, so
    anything else still imports `regex` as usual."""
    if "lark" in sys.modules or "regex" in sys.modules:
        return
    sys.modules["regex"] = None  # type: ignore[assignment]
    try:
        import lark  # noqa: F401
    finally:
        if "regex" in sys.modules and sys.modules["regex"] is None:
            del sys.modules["regex"]


_import_lark_without_regex()

from protocol_lang.loader import ParseResult, parse_file, parse_text  # noqa: E402

__all__ = ["ParseResult", "parse_file", "parse_text"]
