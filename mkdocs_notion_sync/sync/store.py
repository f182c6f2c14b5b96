"""The diskcache store on disk: a damaged store is told apart from a failing disk.

A store that SQLite itself calls damaged ("file is not a database", "database disk image
is malformed", a file shorter than its own header says, a failed integrity check) is
rebuilt: what it held is lost anyway. Every other storage error (a full disk, an I/O
error, a read-only mount, a folder that cannot be made, another process holding the
database) says nothing about the content, so it stops the build with one line and the
store is left as it was: deleting it would turn a passing disk problem into a cold
rebuild, or, offline, into no site at all.

Damage met in the middle of a build (a torn page of the database) leaves a mark; the
next build runs SQLite's integrity check before it trusts the store again. Checking
every time would read the whole database on every warm build.
"""

from __future__ import annotations

import shutil
import sqlite3
import struct
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from pathlib import Path
from typing import Any

import diskcache
import diskcache.core

from ..errors import CacheError
from ..log import log

STORAGE_ERRORS = (sqlite3.Error, OSError, diskcache.Timeout)
"""What the disk (or SQLite on it) raises; damage is told apart by `is_damage`."""
SQLITE_CORRUPT = 11
SQLITE_NOTADB = 26
DAMAGE_MARK = "damaged"
"""A file in the store folder: damage was met, check integrity before trusting it."""
HEADER = b"SQLite format 3\x00"


def first_cause(error: BaseException) -> BaseException:
    """The storage error that started it: diskcache's ROLLBACK after a failed commit
    raises "cannot rollback - no transaction is active" over the "disk is full"."""
    while isinstance(error.__context__, STORAGE_ERRORS):
        error = error.__context__
    return error


def is_damage(error: BaseException) -> bool:
    """SQLite's own verdict that the file is not, or no longer, a sound database."""
    error = first_cause(error)
    if not isinstance(error, sqlite3.DatabaseError):
        return False
    code = getattr(error, "sqlite_errorcode", None)  # Python 3.11+
    if isinstance(code, int):
        return code & 0xFF in (SQLITE_CORRUPT, SQLITE_NOTADB)
    # Before 3.11, and for errors made by hand: SQLite's CORRUPT and NOTADB are the codes
    # Python maps to the base class; full, I/O, read-only and busy are OperationalErrors.
    return type(error) is sqlite3.DatabaseError


def describe(error: BaseException) -> str:
    """The error as one line (an OSError's message may hold a path with a newline)."""
    error = first_cause(error)
    text = str(error) or type(error).__name__
    return " ".join(text.split())


def mark_damaged(store_dir: Path) -> None:
    """Best effort: a disk that cannot take the mark will fail the next build anyway."""
    with suppress(OSError):
        (store_dir / DAMAGE_MARK).touch()


def storage_error(store_dir: Path, doing: str, error: BaseException) -> CacheError:
    """A storage error as one line naming the store; damage is marked for the next build."""
    if is_damage(error):
        mark_damaged(store_dir)
        return CacheError(
            f"the cache at {store_dir} is damaged ({describe(error)}); the next build "
            "checks it and rebuilds it if it must"
        )
    return CacheError(
        f"cannot {doing} the cache at {store_dir}: {describe(error)}; the cache was left "
        "as it was (free some disk space or make the folder writable, then build again)"
    )


@contextmanager
def storage(store_dir: Path, doing: str) -> Iterator[None]:
    """Storage errors raised inside become one-line `CacheError`s."""
    try:
        yield
    except STORAGE_ERRORS as error:
        raise storage_error(store_dir, doing, error) from None


def open_store(store_dir: Path, options: dict[str, Any], fmt: int) -> diskcache.Cache:
    """The store at `store_dir` holding entries of format `fmt`: rebuilt if damaged,
    cleared if written by another format, and a `CacheError` if the disk fails."""
    try:
        try:
            damage = damage_found(store_dir)
            if damage is None:
                return _open(store_dir, options, fmt)
        except STORAGE_ERRORS as error:
            if not is_damage(error):
                raise
            damage = describe(error)
        log.warning("the cache at %s is damaged (%s); rebuilding it", store_dir, damage)
        shutil.rmtree(store_dir)
        return _open(store_dir, options, fmt)
    except STORAGE_ERRORS as error:
        raise storage_error(store_dir, "open", error) from None


def _open(store_dir: Path, options: dict[str, Any], fmt: int) -> diskcache.Cache:
    store = diskcache.Cache(str(store_dir), **options)
    try:
        if store.get("format") != fmt:
            if len(store):
                log.info("cache format changed, rebuilding the cache")
            store.clear()
            store.set("format", fmt)
    except BaseException:
        store.close()
        raise
    return store


def damage_found(store_dir: Path) -> str | None:
    """Why the store cannot be trusted, found without opening it through diskcache: a
    database file shorter than its header says (a copy or restore cut short), or a
    failed integrity check after damage was met. None when nothing is known wrong."""
    database = store_dir / diskcache.core.DBNAME
    if not database.is_file():
        return None
    with database.open("rb") as handle:
        header = handle.read(100)
    if len(header) == 100 and header.startswith(HEADER):
        page_size = struct.unpack(">H", header[16:18])[0]
        page_size = 65536 if page_size == 1 else page_size
        changes, pages = struct.unpack(">II", header[24:32])
        valid_for = struct.unpack(">I", header[92:96])[0]
        if valid_for == changes and database.stat().st_size < pages * page_size:
            return "the database file is shorter than its header says"
    mark = store_dir / DAMAGE_MARK
    if not mark.exists():
        return None
    with closing(sqlite3.connect(database)) as connection:
        verdict = connection.execute("PRAGMA integrity_check(1)").fetchall()
    if verdict != [("ok",)]:
        found = " ".join(str(verdict[0][0]).split()) if verdict else "no answer"
        return f"integrity check: {found}"
    mark.unlink()
    return None
