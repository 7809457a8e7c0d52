"""Reader leases: shared ``fcntl`` locks that pin a store version while a reader uses it.

Every version has one lease file, ``STORE/.leases/<version>.lease``. A reader holds a *shared*
``flock`` on it for as long as it reads (:func:`acquire` / :func:`release`); a writer removes a
version only while it holds an *exclusive*, non-blocking ``flock`` on the same file
(:func:`retire`), so a version with a live reader is never removed. The kernel drops the locks of
a process that dies (even by ``SIGKILL``), so a killed reader pins nothing, and its lease file is
deleted with the version. The protocol has no window:

- the writer moves the version folder away *while holding* the exclusive lock, and only then
  deletes the lease file;
- the reader checks that the version still exists *after* it holds the shared lock; a reader that
  finds it gone releases the lease and resolves the current version again.

    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> held, fh = acquire(root, "v000001", lambda: True)
    >>> held, retire(root, "v000001", lambda: None)       # pinned: the writer leaves it alone
    (True, False)
    >>> release(fh)
    >>> retire(root, "v000001", lambda: None)
    True
"""
from __future__ import annotations

import fcntl
import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

log = logging.getLogger(__name__)

LEASES_DIR: str = ".leases"
SUFFIX: str = ".lease"


def lease_file(root: Path, version: str) -> Path:
    """The lease file of ``version`` in the store at ``root``.

    >>> lease_file(Path("/s"), "v000003").as_posix()
    '/s/.leases/v000003.lease'
    """
    return root / LEASES_DIR / f"{version}{SUFFIX}"


def acquire(root: Path, version: str, present: Callable[[], bool]) -> tuple[bool, IO[bytes] | None]:
    """Take a shared lease on ``version``; return (version still present, open lease file or None).

    ``present`` is called once the lease is held; when it returns False the lease is released at
    once and (False, None) is returned. A store the reader cannot write to (no lease folder can be
    made) is read without a lease: (present(), None).
    """
    path = lease_file(root, version)
    try:
        path.parent.mkdir(exist_ok=True)
        fh = open(path, "ab")
    except OSError as exc:
        log.debug("no reader lease on %s (%s); reading without one", path, exc)
        return present(), None
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_SH)
        if present():
            return True, fh
    except BaseException:
        fh.close()
        raise
    fh.close()
    return False, None


def release(fh: IO[bytes] | None) -> None:
    """Release a lease taken by :func:`acquire` (closing the file drops the lock)."""
    if fh is not None:
        fh.close()


def is_leased(root: Path, version: str) -> bool:
    """True when some live process holds a lease on ``version``."""
    path = lease_file(root, version)
    if not path.exists():
        return False
    with open(path, "ab") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
    return False


def retire(root: Path, version: str, remove: Callable[[], None]) -> bool:
    """Run ``remove`` (which must take the version out of sight) unless a reader holds a lease.

    Returns True when ``remove`` ran (the lease file is deleted after it), False when the version
    is leased. ``remove`` runs while the exclusive lock is held, so no reader can pin the version
    half-way.
    """
    path = lease_file(root, version)
    try:
        path.parent.mkdir(exist_ok=True)
        fh = open(path, "ab")
    except OSError:
        remove()
        return True
    with fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        remove()
        path.unlink(missing_ok=True)
    return True


def clean(root: Path, existing: Iterable[str]) -> int:
    """Delete lease files of versions that no longer exist and nobody holds; return how many."""
    folder = root / LEASES_DIR
    if not folder.is_dir():
        return 0
    keep = set(existing)
    gone = 0
    for path in folder.glob(f"*{SUFFIX}"):
        version = path.name.removesuffix(SUFFIX)
        if version not in keep and retire(root, version, lambda: None):
            gone += 1
    return gone


def holders(root: Path) -> dict[str, bool]:
    """Every lease file's version and whether a live reader holds it (for ``summary`` and tests)."""
    folder = root / LEASES_DIR
    if not folder.is_dir():
        return {}
    return {p.name.removesuffix(SUFFIX): is_leased(root, p.name.removesuffix(SUFFIX))
            for p in sorted(folder.glob(f"*{SUFFIX}"))}

