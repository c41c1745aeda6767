from __future__ import annotations

import json

from skills.operations import OPERATIONS
from skills.registry import SKILLS


def test_text_listing_names_every_skill_and_operation(labc) -> None:
    result = labc("skills")
    assert result.code == 0
    for name in [*SKILLS, *OPERATIONS]:
        assert f"  {name}(" in result.out
    assert 'e.g. "Aspirate 50 µL of water from well A1 of the reservoir."' in result.out


def test_json_listing(labc) -> None:
    result = labc("skills", "--format", "json")
    data = json.loads(result.out)
    pick = next(row for row in data["skills"] if row["name"] == "pick")
    assert pick["signature"] == "pick(object: str, arm: int = 0)"
    assert pick["predicate"] == pick["expert"] == "pick" and pick["default_duration_s"] == 8.0
    transfer = next(row for row in data["operations"] if row["name"] == "transfer")
    assert transfer["lowers_to"][:2] == ["pick", "pick_up_tip"] and transfer["example"]


def test_one_name_and_an_unknown_name(labc) -> None:
    result = labc("skills", "heat", "--format", "json")
    data = json.loads(result.out)
    assert data["skills"] == [] and [row["name"] for row in data["operations"]] == ["heat"]
    bad = labc("skills", "pik")
    assert bad.code == 2 and "did you mean pick" in bad.err and "Traceback" not in bad.err
