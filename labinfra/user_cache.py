"""A per-user cache of data derived from files shipped with labc, so a cold command skips re-deriving it.

The cache only ever holds what can be rebuilt from its source: each entry is stored with the digest of
the source it came from and is used only when that digest still matches, so an edited source is read
afresh and a missing, stale, corrupt or unwritable cache costs nothing but the time it was meant to
save. It lives in `$LABC_CACHE_DIR`, else `$XDG_CACHE_HOME/labc`, else `~/.cache/labc`; files are
written atomically, so concurrent commands never read half an entry.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from labinfra import atomic


def cache_dir() -> Path:
    override = os.environ.get("LABC_CACHE_DIR")
    if override:
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "labc"


def digest(parts: dict[str, str]) -> str:
    """A digest of named texts (file name -> content), independent of the dict's order."""
    h = hashlib.sha256()
    for name in sorted(parts):
        for piece in (name, parts[name]):
            data = piece.encode("utf-8")
            h.update(len(data).to_bytes(8, "little"))
            h.update(data)
    return h.hexdigest()


def cached_json(name: str, key: str, build: Callable[[], Any]) -> Any:
    """`build()`, or the value it returned before for the same `key` (JSON data only).

    A value JSON does not give back exactly (a non-string key, a date, NaN) is returned but not
    stored, so what comes from the cache is always equal to what `build` would return now.
    """
    path = cache_dir() / f"{name}.json"
    try:
        entry = json.loads(path.read_text("utf-8"))
        if isinstance(entry, dict) and entry.get("key") == key and "value" in entry:
            return entry["value"]
    except (OSError, ValueError):
        pass  # no entry yet, unreadable or corrupt: rebuild
    value = build()
    try:
        text = json.dumps({"key": key, "value": value}, ensure_ascii=False, allow_nan=False)
        if json.loads(text)["value"] == value:
            atomic.write_text(path, text)
    except (OSError, TypeError, ValueError):
        pass  # not JSON data, or nowhere to write: the next run rebuilds it
    return value
