"""Atomic file writes, symlink swaps and file fingerprints shared by the store, the caches and the reports.

A reader of ``path`` sees the old file or the new one, never a half-written one: the bytes go to a
temporary file in the same folder, are flushed to disk, and ``os.replace`` puts the file in place.
A symlink is swapped the same way (a new link under a temporary name, then ``os.replace``).
:func:`text_fingerprint` and :func:`files_fingerprint` are the short hashes that decide whether
a cached result is still current::

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> write_json_atomic(folder / "a.json", {"n": 1}).read_text()
    '{\\n  "n": 1\\n}'
    >>> (folder / "run1").mkdir()
    >>> swap_symlink(folder / "latest", folder / "run1")
    >>> os.readlink(folder / "latest")
    'run1'
    >>> text_fingerprint(["a", "b"])
    '8fb20ef63ced4145'
"""
from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def temporary_sibling(path: Path) -> Path:
    """A unique hidden name next to ``path`` (``.NAME.tmp-<pid>-<random>``) for a write in progress."""
    return path.with_name(f".{path.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")


def fsync_dir(path: str | os.PathLike[str]) -> None:
    """fsync a folder so a rename inside it survives a crash."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: str | os.PathLike[str], data: bytes | bytearray | memoryview | str) -> Path:
    """Write ``data`` (``str`` as UTF-8) to ``path`` atomically: temporary file, fsync, ``os.replace``."""
    path = Path(path)
    tmp = temporary_sibling(path)
    try:
        with open(tmp, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_json_atomic(path: str | os.PathLike[str], obj: Any) -> Path:
    """Write ``obj`` as indented UTF-8 JSON (non-JSON values as ``str``) to ``path`` atomically."""
    return write_atomic(path, json.dumps(obj, indent=2, ensure_ascii=False, default=str))


def swap_symlink(link: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
    """Point ``link`` at ``target`` (a relative link) atomically; refuse to replace a real file or folder."""
    link = Path(link)
    if link.exists() and not link.is_symlink():
        raise RuntimeError(f"{link} exists and is not a symlink; not replacing it")
    tmp = temporary_sibling(link)
    os.symlink(os.path.relpath(target, link.parent), tmp)
    try:
        os.replace(tmp, link)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(link.parent)


def text_fingerprint(parts: Iterable[str]) -> str:
    """Return a 16-hex sha256 over the given strings (order matters)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:16]


def files_fingerprint(files: Iterable[Path], root: Path, content: bool = True) -> str:
    """Fingerprint files by name relative to ``root`` and content (or size + mtime when ``content=False``)."""
    parts = []
    for f in sorted(files):
        rel = f.relative_to(root).as_posix()
        if content:
            parts.append(rel + ":" + hashlib.sha256(f.read_bytes()).hexdigest())
        else:
            st = f.stat()
            parts.append(f"{rel}:{st.st_size}:{st.st_mtime_ns}")
    return text_fingerprint(parts)
