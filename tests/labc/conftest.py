"""Shared pieces of the labc tests (command line, gymnasium environments, the openpi server and client)."""

from __future__ import annotations

from tests.conftest import EXAMPLES as ALL_EXAMPLES

EXAMPLES = ALL_EXAMPLES / "labutopia"
