"""The on-disk cache: Notion objects and block trees, keyed by id and last_edited_time.

diskcache gives atomic, process-safe writes (SQLite transactions), so a build killed
half-way leaves every entry either old or new, never torn. A cache written by another
format version, or one SQLite calls damaged, is cleared and rebuilt rather than trusted;
a failing disk is reported and the cache left alone (store.py).

Reads tell "no entry" from "an entry that cannot be read" (a damaged or deleted value
file): the first is a miss, the second `UnreadableEntry`, so a page body that is gone is
fetched again or named in an error, never published as an empty page.

Each kind of entry is a typed `Namespace` (pages, outlines, databases, renders, ...):
its key prefix and the type of what it holds are written down once, here.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import diskcache

from ..errors import CacheError
from .store import (
    STORAGE_ERRORS,
    describe,
    is_damage,
    mark_damaged,
    open_store,
    storage,
    storage_error,
)

SQLITE_SETTINGS: dict[str, Any] = {
    "sqlite_cache_size": 1024,
    "sqlite_mmap_size": 2**24,
    "eviction_policy": "none",
    "cull_limit": 0,
}
"""diskcache opens one SQLite connection per thread, each with its own page cache
(32 MiB by default); the sync's threads read each entry once, so a small cache per
connection keeps memory flat without slowing anything down. Nothing is evicted: the
cache holds one copy of the workspace, and diskcache's default 1 GB cap would drop
pages silently (to be fetched again) on a big one, and costs queries on every write."""

FORMAT = 3
"""Bump when the shape of stored entries changes; older caches are then rebuilt.
3: pages and outlines keep the warnings their fetch printed."""

T = TypeVar("T")
_ABSENT = object()


class UnreadableEntry(CacheError):
    """An entry is there but its value cannot be read: a value file deleted or damaged,
    a torn pickle, a value of another kind."""

    def __init__(self, key: str, reason: str) -> None:
        super().__init__(f"the cached entry {key} cannot be read ({reason})")
        self.key = key
        self.reason = reason


@dataclass
class CachedPage:
    """A page (or database entry) as last fetched: the object, its block tree, and when
    we fetched it, in the server's clock (for same-minute edits)."""

    obj: dict[str, Any]
    blocks: list[dict[str, Any]]
    fetched_at: str
    comments: list[dict[str, Any]] | None = None
    """Fetched only when the `comments` option is on; None means not fetched."""
    warnings: list[str] = field(default_factory=list)
    """What fetching it warned about (a tree cut off at the nesting limit): printed
    again by every build the cached copy serves, so `--strict` judges them alike."""

    @property
    def last_edited_time(self) -> str:
        return str(self.obj.get("last_edited_time", ""))


@dataclass
class PageOutline:
    """What a sync needs of a cached page without its blocks: the object, when it was
    fetched, its child pages and its files. Small, so warm builds read only this."""

    obj: dict[str, Any]
    fetched_at: str
    children: list[tuple[str, str]]
    """(child_page | child_database, id) in Notion's order."""
    files: list[tuple[str, dict[str, Any]]]
    """(owner block id, file object) of every file-bearing block."""
    has_comments: bool = False
    warnings: list[str] = field(default_factory=list)
    """The page's fetch warnings (see CachedPage.warnings)."""

    @property
    def last_edited_time(self) -> str:
        return str(self.obj.get("last_edited_time", ""))


@dataclass
class DatabaseSnapshot:
    """A database as last fetched: the container, its data sources (schemas), the view
    it follows, and its entries in query order. Schemas and view are kept until search
    says a data source changed; the entries are re-queried when a source root asks."""

    container: dict[str, Any]
    schemas: list[dict[str, Any]]
    entries: list[dict[str, Any]]
    view: dict[str, Any] | None = None
    linked: bool = False
    """A linked database: the view shows a data source of a database elsewhere."""

    @property
    def data_source_ids(self) -> set[str]:
        return {str(schema.get("id")) for schema in self.schemas}


class Namespace(Generic[T]):
    """One kind of entry: its own key prefix, and only values of its type come back."""

    def __init__(self, cache: Cache, prefix: str, kind: type[Any]) -> None:
        self._cache = cache
        self.prefix = prefix
        self._kind = kind

    def _key(self, key: str) -> str:
        return f"{self.prefix}:{key}"

    def get(self, key: str) -> T | None:
        """The entry, or None when there is none or it cannot be read: for entries whose
        loss costs only a request (it is fetched again and rewritten)."""
        try:
            return self.load(key)
        except UnreadableEntry:
            return None

    def load(self, key: str) -> T | None:
        """The entry, or None when there is none; `UnreadableEntry` when it is there but
        cannot be read, for callers that must not mistake that for a miss."""
        full_key = self._key(key)
        value = self._cache.read(full_key)
        if value is None or isinstance(value, self._kind):
            return value
        raise UnreadableEntry(full_key, f"it holds a {type(value).__name__}")

    def put(self, key: str, value: T) -> None:
        with self._cache.writing():
            self._cache._store.set(self._key(key), value)

    def put_many(self, values: Mapping[str, T]) -> None:
        """Many entries in one transaction: one commit instead of one each."""
        with self._cache.writing(), self._cache._store.transact():
            for key, value in values.items():
                self._cache._store.set(self._key(key), value)

    def delete_many(self, keys: Iterable[str]) -> None:
        with self._cache.writing(), self._cache._store.transact():
            for key in keys:
                self._cache._store.delete(self._key(key))


class Cache:
    """The diskcache store under cache_dir, one typed namespace per kind of entry."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.assets_dir = directory / "assets"
        self._store = self._open()
        self.pages: Namespace[CachedPage] = Namespace(self, "page", CachedPage)
        self.outlines: Namespace[PageOutline] = Namespace(self, "outline", PageOutline)
        self.databases: Namespace[DatabaseSnapshot] = Namespace(self, "db", DatabaseSnapshot)
        """Keyed by database id and what the source asks of it (sync/databases.py)."""
        self.listed: Namespace[dict[str, Any]] = Namespace(self, "listed", dict)
        """Page objects a cold build's listing found, until its walk reads them."""
        self.renders: Namespace[tuple[Any, ...]] = Namespace(self, "render", tuple)
        """Per page: what its last rendering depended on (site/render_cache.py)."""
        self.assets: Namespace[str] = Namespace(self, "asset", str)
        """Asset index key -> the stored file's name (site/assets.py)."""
        self.history: Namespace[dict[str, list[str]]] = Namespace(self, "history", dict)
        """Key `paths`: page id -> every site path it was published at (sync/history.py)."""
        self._meta: Namespace[Any] = Namespace(self, "meta", object)

    def _open(self) -> diskcache.Cache:
        return open_store(self.store_dir, SQLITE_SETTINGS, FORMAT)

    @property
    def store_dir(self) -> Path:
        return self.directory / "store"

    def writing(self) -> AbstractContextManager[None]:
        """Around every write: a full, failing or read-only disk is one line."""
        return storage(self.store_dir, "write to")

    def close(self) -> None:
        self._store.close()

    def read(self, key: str) -> Any:
        """The stored value, or None when there is no entry. `UnreadableEntry` when the
        entry is there but its value is not: diskcache answers a deleted value file as a
        miss, so a miss is asked again whether the key exists."""
        try:
            value = self._store.get(key, default=_ABSENT)
            if value is _ABSENT:
                if key in self._store:
                    raise UnreadableEntry(key, "its value file is missing or unreadable")
                return None
            return value
        except UnreadableEntry:
            raise
        except STORAGE_ERRORS as error:
            if not is_damage(error):
                raise storage_error(self.store_dir, "read", error) from None
            mark_damaged(self.store_dir)
            raise UnreadableEntry(key, describe(error)) from None
        except Exception as error:
            # Unpickling damaged bytes raises nearly any exception type.
            raise UnreadableEntry(key, f"{type(error).__name__}: {error}") from None

    # -- pages ---------------------------------------------------------------------

    def get_page(self, page_id: str) -> CachedPage | None:
        """The page's body; None if never stored, `UnreadableEntry` if it is damaged."""
        return self.pages.load(page_id)

    def put_page(self, page: CachedPage, outline: PageOutline) -> None:
        """The page and its outline, in one transaction: never one without the other."""
        page_id = page.obj["id"]
        with self.writing(), self._store.transact():
            self._store.set(self.pages._key(page_id), page)
            self._store.set(self.outlines._key(page_id), outline)

    def get_outline(self, page_id: str) -> PageOutline | None:
        return self.outlines.get(page_id)

    # -- what the last sync saw ----------------------------------------------------

    def last_sync(self) -> str | None:
        """When the last complete sync began, on Notion's clock."""
        value = self._meta.get("last_sync")
        return value if isinstance(value, str) else None

    def validated(self) -> set[str] | None:
        """Pages the last sync checked against Notion (None: no record)."""
        value = self._meta.get("validated")
        return set(value) if isinstance(value, list) else None

    def record_sync(
        self,
        started: str,
        validated: Iterable[str],
        left_out: Mapping[str, dict[str, Any]] | None = None,
    ) -> None:
        """`left_out`: see `left_out()`; written with the rest, so the two always agree."""
        with self.writing(), self._store.transact():
            self._store.set(self._meta._key("last_sync"), started)
            self._store.set(self._meta._key("validated"), sorted(validated))
            self._store.set(self._meta._key("left_out"), dict(left_out or {}))

    def left_out(self) -> dict[str, dict[str, Any]]:
        """Pages the last sync left out (include/exclude) without fetching them, with
        their objects as it saw them (`{}` when it judged by id alone). Their cached
        copies, if any, are older than that sync, so they are never reused unseen."""
        value = self._meta.get("left_out")
        return value if isinstance(value, dict) else {}

    def users(self) -> dict[str, dict[str, Any]] | None:
        value = self._meta.get("users")
        return value if isinstance(value, dict) else None

    def put_users(self, users: dict[str, dict[str, Any]]) -> None:
        self._meta.put("users", users)

    # -- where pages were published ------------------------------------------------

    def path_history(self) -> dict[str, list[str]]:
        """Page id -> the site paths it was ever published at; `{}` when none is kept
        (a damaged entry, too: it is rebuilt from this build on, and the redirects
        file, if any, still holds the rest)."""
        value = self.history.get("paths")
        return value if isinstance(value, dict) else {}

    def put_path_history(self, paths: dict[str, list[str]]) -> None:
        self.history.put("paths", paths)

    # -- the whole store -----------------------------------------------------------

    def clear(self) -> None:
        with self.writing():
            self._store.clear()
            self._store.set("format", FORMAT)
        shutil.rmtree(self.assets_dir, ignore_errors=True)

    def stats(self) -> dict[str, int]:
        """Entry counts by kind, and sizes, for `mkdocs-notion-sync cache info`."""
        counts: dict[str, int] = {}
        with storage(self.store_dir, "read"):
            for key in self._store.iterkeys():
                kind = str(key).split(":", 1)[0]
                counts[kind] = counts.get(kind, 0) + 1
            counts.pop("format", None)
            assets = list(self.assets_dir.glob("*")) if self.assets_dir.exists() else []
            counts["asset_files"] = len(assets)
            counts["asset_bytes"] = sum(p.stat().st_size for p in assets if p.is_file())
            counts["store_bytes"] = int(self._store.volume())
        return counts
