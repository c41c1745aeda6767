"""The user cache gives back exactly what its builder returned for the same key, and nothing else."""

from __future__ import annotations

import json
import math

import pytest

from labinfra import user_cache
from labinfra.user_cache import cached_json, digest


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("LABC_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def counting(value):
    calls = []

    def build():
        calls.append(1)
        return value

    return build, calls


def test_a_hit_skips_the_builder_and_returns_equal_data(cache):
    value = {"a.yaml": {"types": [{"name": "x", "volume": 1.5, "ok": True, "none": None}]}}
    build, calls = counting(value)
    assert cached_json("thing", "k1", build) == value
    assert cached_json("thing", "k1", build) == value
    assert len(calls) == 1
    assert json.loads((cache / "thing.json").read_text())["key"] == "k1"


def test_a_new_key_rebuilds_and_replaces_the_entry(cache):
    cached_json("thing", "k1", lambda: [1])
    build, calls = counting([2])
    assert cached_json("thing", "k2", build) == [2]
    assert cached_json("thing", "k2", build) == [2]
    assert len(calls) == 1


def test_data_json_would_change_is_returned_but_never_stored(cache):
    for value in ({1: "int key"}, [math.nan], {"when": object()}):
        build, calls = counting(value)
        assert cached_json("odd", "k", build) is value
        assert not (cache / "odd.json").exists()
        cached_json("odd", "k", build)
        assert len(calls) == 2


def test_a_corrupt_entry_is_rebuilt(cache):
    cache.mkdir()
    (cache / "thing.json").write_text('{"key": "k", "val')
    assert cached_json("thing", "k", lambda: {"v": 1}) == {"v": 1}
    assert json.loads((cache / "thing.json").read_text())["value"] == {"v": 1}


def test_an_unwritable_cache_still_returns_the_value(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("LABC_CACHE_DIR", str(blocker / "cache"))
    assert cached_json("thing", "k", lambda: [1, 2]) == [1, 2]


def test_cache_dir_follows_xdg_when_not_overridden(tmp_path, monkeypatch):
    monkeypatch.delenv("LABC_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert user_cache.cache_dir() == tmp_path / "labc"


def test_digest_depends_on_names_and_contents_not_order():
    assert digest({"a": "1", "b": "2"}) == digest({"b": "2", "a": "1"})
    assert digest({"a": "1", "b": "2"}) != digest({"a": "2", "b": "1"})
    assert digest({"ab": ""}) != digest({"a": "b"})
