"""The pick/press recipe rewrites its results page around the block another recipe owns."""

from __future__ import annotations

import runpy

from tests.labc.runtime.conftest import ROOT

RECIPE = runpy.run_path(str(ROOT / "examples" / "recipes" / "pick_press.py"))
MARK = RECIPE["KEPT_MARKER"]


def test_the_expert_suite_block_survives_a_rewrite_verbatim_at_the_end() -> None:
    block = f"{MARK}\n## The scripted expert\n\n| a | b |\n|---|---|\n| 1 | 2 |\n{MARK}"
    previous = f"# Old results\n\nold table\n\n{block}\n\ntrailing words of the old page\n"
    new = "# Results\n\nnew table\n"
    page = RECIPE["with_kept_block"](new, previous)
    assert page.startswith(new)
    assert page.endswith(block + "\n")
    assert page.count(MARK) == 2 and "old table" not in page and "trailing words" not in page
    assert RECIPE["with_kept_block"](new, page) == page  # rewriting again changes nothing


def test_a_page_without_a_complete_block_keeps_nothing() -> None:
    new = "# Results\n"
    assert RECIPE["with_kept_block"](new, "# Old\n") == new
    assert RECIPE["with_kept_block"](new, f"# Old\n{MARK}\nhalf a block\n") == new


def test_the_committed_page_keeps_its_block() -> None:
    previous = (ROOT / "docs" / "results.md").read_text()
    start = previous.index(MARK)
    block = previous[start : previous.index(MARK, start + 1) + len(MARK)]
    assert RECIPE["with_kept_block"]("# Results\n", previous).endswith("\n\n" + block + "\n")
