"""One rebuild at a time: an advisory lock (``fcntl.flock``) on a file in the store.

The kernel drops a flock when the process holding it dies, so a lock left by a
crashed or killed rebuild never blocks the next one. The file also holds the
pid of the holder, written after the lock is taken and cleared on a clean
release: a waiting rebuild can name who it waits for, and a rebuild that finds
a pid there on entry knows the previous one stopped before finishing.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as d, store_lock(d) as held:
...     held.previous_pid is None
True
"""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

__all__ = ["LOCK_NAME", "LockBusy", "HeldLock", "store_lock"]

LOCK_NAME = "lock"


class LockBusy(Exception):
    """Another process holds the store's lock. str(err) is one line naming it."""

    def __init__(self, store: Path, pid: int | None):
        self.store = store
        self.pid = pid
        who = f"pid {pid}" if pid else "pid unknown"
        super().__init__(f"{store}: another rebuild is running ({who}); wait for it, or pass --wait to queue behind it")


@dataclass(frozen=True)
class HeldLock:
    path: Path
    previous_pid: int | None  # the pid a killed or crashed holder left behind, if any


def _pid_in(handle) -> int | None:
    handle.seek(0)
    text = handle.read().strip()
    return int(text) if text.isdigit() else None


def _holder_pid(handle, patience: float = 1.0) -> int | None:
    """The pid of the lock's holder. It writes it just after it takes the lock, so a rebuild that
    started at the same moment may find the file still empty: it reads again for up to `patience`
    seconds (a rebuild takes seconds, so a holder that never writes one has finished meanwhile)."""
    deadline = time.monotonic() + patience
    while (pid := _pid_in(handle)) is None and time.monotonic() < deadline:
        time.sleep(0.01)
    return pid


def _try_lock(handle) -> bool:
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


@contextmanager
def store_lock(store_dir: str | Path, *, wait: bool = False) -> Iterator[HeldLock]:
    """Hold the store's lock for the duration of the block; creates the store folder.

    Raises LockBusy at once when another process holds it, unless `wait`.
    """
    store_dir = Path(store_dir)
    store_dir.mkdir(parents=True, exist_ok=True)
    path = store_dir / LOCK_NAME
    with open(path, "a+", encoding="ascii") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            holder = _holder_pid(handle)
            if holder is not None or not _try_lock(handle):
                raise LockBusy(store_dir, holder) from None
        previous = _pid_in(handle)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        try:
            yield HeldLock(path, previous if previous != os.getpid() else None)
        finally:
            handle.seek(0)
            handle.truncate()
            handle.flush()
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
