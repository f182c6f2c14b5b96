"""One build at a time per cache_dir.

Two builds on one cache_dir (two CI jobs, `mkdocs serve` and `mkdocs build`) would
write the same staged pages and prune each other's: the second build waits for the
first, says so at INFO, and gives up after `lock_timeout` seconds with one line. The
lock is held for one build, from the sync to the end of MkDocs' build (MkDocs reads the
staged pages after the sync returns), never for a whole `mkdocs serve` session.

It is an OS file lock (`filelock`: flock on POSIX, LockFileEx on Windows), so it is
released when the process that holds it dies, however it dies: no stale lock files.
"""

from __future__ import annotations

import threading
from pathlib import Path

import filelock

from ..errors import CacheError
from ..log import log

LOCK_NAME = ".lock"


class BuildLock:
    """The lock on one cache_dir; `acquire` and `release` may be called more than once."""

    def __init__(self, cache_dir: Path, timeout: float) -> None:
        self.cache_dir = cache_dir
        self.timeout = timeout
        self._lock = filelock.FileLock(cache_dir / LOCK_NAME, thread_local=False)
        self._held = False
        self._guard = threading.Lock()

    def acquire(self) -> None:
        """Wait (at most `timeout` seconds) until no other build uses the cache_dir."""
        with self._guard:
            if self._held:
                return
            try:
                self.cache_dir.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise CacheError(
                    f"cannot create the cache folder {self.cache_dir} "
                    f"({error.strerror or error}); set cache_dir to a folder that can be made"
                ) from None
            try:
                try:
                    self._lock.acquire(timeout=0)
                except filelock.Timeout:
                    log.info(
                        "another build is using the cache at %s; waiting up to %gs for it",
                        self.cache_dir,
                        self.timeout,
                    )
                    self._lock.acquire(timeout=self.timeout)
            except filelock.Timeout:
                raise CacheError(
                    f"another build kept the cache at {self.cache_dir} for more than "
                    f"{self.timeout:g}s; wait for it to finish, give this build its own "
                    "cache_dir, or raise lock_timeout"
                ) from None
            except OSError as error:
                raise CacheError(
                    f"cannot lock the cache at {self.cache_dir} ({error.strerror or error}); "
                    "make the folder writable"
                ) from None
            self._held = True

    def release(self) -> None:
        with self._guard:
            if self._held:
                self._held = False
                self._lock.release()
