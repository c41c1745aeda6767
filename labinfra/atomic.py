"""Atomic file writes: a reader never sees a half-written file, and a crash never truncates one.

The temporary file is created under a unique name by whoever writes it (`os.open(..., 0o666)` here, the
encoder or pyarrow in `replace_atomically`), never with `tempfile.mkstemp`, whose files are always 0600:
outputs land on shared machines, where a colleague in the same group must be able to read them, so the
final mode is whatever the user's umask says.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path


def temporary_name(target: Path, suffix: str = ".tmp") -> Path:
    """A hidden, unique sibling of `target` (same folder, so the final rename is atomic)."""
    return target.with_name(f".{target.name}.{uuid.uuid4().hex[:12]}{suffix}")


def replace_atomically(
    path: str | os.PathLike[str], write: Callable[[Path], object], suffix: str = ".tmp"
) -> Path:
    """Let `write` create and fill a temporary sibling of `path`, then rename it over `path`.

    For writers that insist on a file name (pyarrow, PyAV); `suffix` keeps the extension such a writer
    may read the format from. On any failure the temporary file is removed and the target is untouched.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_name(target, suffix)
    try:
        write(tmp)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write to a temporary file in the same folder, fsync it, then rename over the target."""

    def fill(tmp: Path) -> None:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())

    return replace_atomically(path, fill)


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    return write_bytes(path, text.encode("utf-8"))
