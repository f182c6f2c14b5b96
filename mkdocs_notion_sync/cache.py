"""The on-disk cache: Notion objects and block trees, keyed by id and last_edited_time.

diskcache gives atomic, process-safe writes (SQLite transactions), so a build killed
half-way leaves every entry either old or new, never torn. A cache written by another
format version, or one SQLite cannot read, is cleared and rebuilt rather than trusted.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import diskcache

log = logging.getLogger("mkdocs.plugins.mkdocs_notion_sync.cache")

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

FORMAT = 2
"""Bump when the shape of stored entries changes; older caches are then rebuilt."""


@dataclass
class CachedPage:
    """A page (or database entry) as last fetched: the object, its block tree, and when
    we fetched it, in the server's clock (for same-minute edits)."""

    obj: dict[str, Any]
    blocks: list[dict[str, Any]]
    fetched_at: str
    comments: list[dict[str, Any]] | None = None
    """Fetched only when the `comments` option is on; None means not fetched."""

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

    @property
    def last_edited_time(self) -> str:
        return str(self.obj.get("last_edited_time", ""))


class Cache:
    """Typed access to the diskcache store under cache_dir."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.assets_dir = directory / "assets"
        self._store = self._open()

    def _open(self) -> diskcache.Cache:
        store_dir = self.directory / "store"
        try:
            store = diskcache.Cache(str(store_dir), **SQLITE_SETTINGS)
            if store.get("format") != FORMAT:
                if len(store):
                    log.info("notion-sync: cache format changed, rebuilding the cache")
                store.clear()
                store.set("format", FORMAT)
            return store
        except (sqlite3.DatabaseError, OSError, ValueError, EOFError) as error:
            log.warning(
                "notion-sync: the cache at %s was unreadable (%s); rebuilding it", store_dir, error
            )
            shutil.rmtree(store_dir, ignore_errors=True)
            store = diskcache.Cache(str(store_dir), **SQLITE_SETTINGS)
            store.set("format", FORMAT)
            return store

    def close(self) -> None:
        self._store.close()

    def _get(self, key: str) -> Any:
        try:
            return self._store.get(key)
        except (sqlite3.DatabaseError, EOFError, ValueError, TypeError, AttributeError):
            # A torn or foreign entry is a miss: the page is fetched again and rewritten.
            return None

    def get_page(self, page_id: str) -> CachedPage | None:
        value = self._get(f"page:{page_id}")
        return value if isinstance(value, CachedPage) else None

    def put_page(self, page: CachedPage, outline: PageOutline) -> None:
        """The page and its outline, in one transaction: never one without the other."""
        page_id = page.obj["id"]
        with self._store.transact():
            self._store.set(f"page:{page_id}", page)
            self._store.set(f"outline:{page_id}", outline)

    def get_outline(self, page_id: str) -> PageOutline | None:
        value = self._get(f"outline:{page_id}")
        return value if isinstance(value, PageOutline) else None

    def get_json(self, kind: str, key: str) -> Any:
        return self._get(f"{kind}:{key}")

    def put_json(self, kind: str, key: str, value: Any) -> None:
        self._store.set(f"{kind}:{key}", value)

    def put_many(self, kind: str, values: dict[str, Any]) -> None:
        """Many entries in one transaction: one commit instead of one each."""
        with self._store.transact():
            for key, value in values.items():
                self._store.set(f"{kind}:{key}", value)

    def delete(self, kind: str, key: str) -> None:
        self._store.delete(f"{kind}:{key}")

    def delete_many(self, kind: str, keys: Iterable[str]) -> None:
        with self._store.transact():
            for key in keys:
                self._store.delete(f"{kind}:{key}")

    def clear(self) -> None:
        self._store.clear()
        self._store.set("format", FORMAT)
        shutil.rmtree(self.assets_dir, ignore_errors=True)

    def stats(self) -> dict[str, int]:
        """Entry counts by kind, and sizes, for `mkdocs-notion-sync cache info`."""
        counts: dict[str, int] = {}
        for key in self._store.iterkeys():
            kind = str(key).split(":", 1)[0]
            counts[kind] = counts.get(kind, 0) + 1
        counts.pop("format", None)
        assets = list(self.assets_dir.glob("*")) if self.assets_dir.exists() else []
        counts["asset_files"] = len(assets)
        counts["asset_bytes"] = sum(p.stat().st_size for p in assets if p.is_file())
        counts["store_bytes"] = int(self._store.volume())
        return counts
