"""The language reference lists every diagnostic code there is."""

from __future__ import annotations

import compiler.codes  # noqa: F401  (registers E1xxx/E2xxx)
from protocol_lang.diagnostics import CODES
from tests.conftest import ROOT


def test_reference_lists_every_code():
    text = (ROOT / "docs" / "LANGUAGE.md").read_text()
    missing = [code for code in CODES if f"| {code} |" not in text]
    assert missing == []
