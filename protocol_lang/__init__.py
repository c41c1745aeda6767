"""protocol_lang: the labc protocol language (YAML and `.lab` surfaces, one lark grammar)."""

from protocol_lang.loader import ParseResult, parse_file, parse_text

__all__ = ["ParseResult", "parse_file", "parse_text"]
