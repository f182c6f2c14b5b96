"""`mkdocs-notion-sync changed`: would a build now publish anything new?

It asks what a warm build asks first, and nothing more: one search for what was edited
since the cache's last sync (looking back over that sync's minute, freshness.py), then
one request per source root (a page root: its object, since search does not list pages
trashed or unshared; a database root: its entries query, which notices entries trashed).
Each answer is judged with the build's own freshness rule, minute guard included: a
cached copy fetched within the minute of its edit could hide a later edit, so it counts
as changed, as the build would fetch it again.

Read-only on the cache: the last-sync record is left as it was, so the build that
follows sees the same changes.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from ..errors import NotSharedError
from ..notion.api import NotionAPI
from ..notion.objects import title_of
from ..settings import Settings
from .cache import Cache
from .databases import database_key, entries_fingerprint, requery
from .freshness import is_fresh, minute_window_start
from .model import Source


@dataclass(frozen=True)
class Change:
    """One thing a build would publish differently."""

    kind: str
    """page, entry, database or source"""
    object_id: str
    title: str
    what: str

    def line(self) -> str:
        """One inert line, whatever the title holds: whitespace runs become one space,
        and control characters (terminal escapes a Notion editor typed) are dropped."""
        spaced = " ".join(self.title.split())
        title = "".join(c for c in spaced if unicodedata.category(c)[0] != "C")
        named = f' "{title}"' if title else ""
        return f"{self.kind} {self.object_id}{named}: {self.what}"


class ChangeCheck:
    """What changed since the cache's last sync."""

    def __init__(self, api: NotionAPI, cache: Cache, settings: Settings) -> None:
        self.api = api
        self.cache = cache
        self.settings = settings
        self._found: dict[str, Change] = {}

    def run(self) -> list[Change] | None:
        """The changes, first found first; None when the cache records no sync (a
        build would fetch everything)."""
        last_sync, validated = self.cache.last_sync(), self.cache.validated()
        if last_sync is None or validated is None:
            return None
        databases = self._synced_databases(validated)
        for obj in self.api.recently_edited(minute_window_start(last_sync), data_sources=True):
            self._judge_edited(obj, validated, databases)
        for source in self.settings.sources:
            if source.kind == "database":
                self._check_database_root(source, validated)
            else:
                self._check_page_root(source)
        return list(self._found.values())

    def _add(self, change: Change) -> None:
        self._found.setdefault(change.object_id, change)

    def _synced_databases(self, validated: set[str]) -> dict[str, str]:
        """Data source and database ids of the synced databases -> the database id."""
        version = self.settings.notion_version
        owners: dict[str, str] = {}
        roots = {s.id for s in self.settings.sources if s.kind == "database"}
        for object_id in validated | roots:
            asked = [Source("database", object_id, "")]
            asked += [s for s in self.settings.sources if s.id == object_id]
            for source in asked:
                snapshot = self.cache.databases.get(database_key(object_id, source, version))
                if snapshot is not None:
                    owners[object_id] = object_id
                    for ds_id in snapshot.data_source_ids:
                        owners[ds_id] = object_id
        return owners

    def _judge_edited(
        self, obj: dict[str, Any], validated: set[str], databases: dict[str, str]
    ) -> None:
        object_id = str(obj.get("id"))
        title = title_of(obj)
        if obj.get("object") == "data_source":
            owner = databases.get(object_id)
            if owner is not None:
                self._add(Change("database", owner, title, "its schema or entries were edited"))
            return
        parent = obj.get("parent") if isinstance(obj.get("parent"), dict) else {}
        assert isinstance(parent, dict)
        in_database = next(
            (
                databases[str(parent[key])]
                for key in ("data_source_id", "database_id")
                if parent.get(key) and str(parent[key]) in databases
            ),
            None,
        )
        trashed = bool(obj.get("in_trash") or obj.get("archived"))
        roots = {source.id for source in self.settings.sources}
        kind = "source" if object_id in roots else "entry" if in_database else "page"
        if object_id in validated:
            cached = self.cache.get_outline(object_id)
            if trashed:
                self._add(Change(kind, object_id, title, "moved to the trash"))
            elif cached is None or not is_fresh(cached, obj):
                self._add(Change(kind, object_id, title, _edited(obj)))
            return
        if trashed:
            return
        if in_database is not None:
            self._add(Change("entry", object_id, title, f"new in database {in_database}"))
        elif str(parent.get("page_id")) in validated:
            self._add(Change("page", object_id, title, f"new under page {parent['page_id']}"))

    def _check_page_root(self, source: Source) -> None:
        try:
            obj = self.api.page(source.id)
        except NotSharedError:
            self._add(Change("source", source.id, "", "no longer shared with the integration"))
            return
        cached = self.cache.get_outline(source.id)
        title = title_of(obj)
        if obj.get("in_trash") or obj.get("archived"):
            self._add(Change("source", source.id, title, "moved to the trash"))
        elif cached is None:
            self._add(Change("source", source.id, title, "not synced yet"))
        elif not is_fresh(cached, obj):
            self._add(Change("source", source.id, title, _edited(obj)))

    def _check_database_root(self, source: Source, validated: set[str]) -> None:
        key = database_key(source.id, source, self.settings.notion_version)
        stored = self.cache.databases.get(key)
        if stored is None:
            self._add(Change("source", source.id, "", "not synced yet"))
            return
        try:
            snapshot = requery(self.api, stored, source)
        except NotSharedError:
            self._add(Change("source", source.id, "", "no longer shared with the integration"))
            return
        title = title_of(stored.container)
        now = {str(e.get("id")): e for e in snapshot.entries}
        before = {str(e.get("id")) for e in stored.entries}
        for entry_id in sorted(before - now.keys()):
            self._add(Change("entry", entry_id, "", "moved to the trash or out of the view"))
        for entry_id, entry in now.items():
            cached = self.cache.get_outline(entry_id)
            if entry_id not in before:
                self._add(Change("entry", entry_id, title_of(entry), f"new in {source.id}"))
            elif entry_id in validated and (cached is None or not is_fresh(cached, entry)):
                self._add(Change("entry", entry_id, title_of(entry), _edited(entry)))
        reordered = entries_fingerprint(snapshot.entries) != entries_fingerprint(stored.entries)
        if reordered and not any(
            c.object_id in now or c.object_id in before for c in self._found.values()
        ):
            self._add(Change("source", source.id, title, "its entries changed order"))


def _edited(obj: dict[str, Any]) -> str:
    return f"edited {obj.get('last_edited_time', '')}".rstrip()
