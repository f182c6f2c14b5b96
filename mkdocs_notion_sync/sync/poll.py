"""The live-preview question: did Notion change what the last build published?

One search lists what was edited since the last sync. A page whose edit time differs
from its cached copy's changed; a page whose cached copy is fresh (freshness.py) did
not. The hard case is the minute guard: a copy fetched within the minute of its edit
could hide a later edit of that minute (Notion stamps edits to the minute), so the
stamp cannot tell. Asking for a rebuild then (as polls once did) rebuilds on every poll
until the minute is over, and a rebuild of a big site takes longer than a poll. So the
poller fetches such a page itself and compares its content with the cached copy: only
different content asks for a rebuild. Once a fetch made after the minute shows the same
content, the page is settled and costs nothing more until its stamp moves.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..notion.api import NotionAPI
from .cache import Cache, CachedPage, UnreadableEntry
from .fetch import PageFetcher
from .freshness import is_fresh, minute_over

VOLATILE = ("expiry_time",)
"""Keys of a Notion-hosted file that change on every fetch (with the URL's signature)."""


def content_digest(record: CachedPage) -> str:
    """What a page shows, minus what changes on every fetch: the signed URLs of
    Notion-hosted files (their path stays; the signature and expiry do not)."""
    shown = {
        "properties": record.obj.get("properties"),
        "icon": record.obj.get("icon"),
        "cover": record.obj.get("cover"),
        "parent": record.obj.get("parent"),
        "trashed": bool(record.obj.get("in_trash") or record.obj.get("archived")),
        "blocks": record.blocks,
        "comments": record.comments,
    }
    text = json.dumps(_stable(shown), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _stable(value: Any) -> Any:
    if isinstance(value, dict):
        if "expiry_time" in value and isinstance(value.get("url"), str):
            parts = urlsplit(value["url"])
            return {"url": urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))}
        return {k: _stable(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_stable(item) for item in value]
    return value


class EditPoll:
    """Kept for a whole serve (or watch): which pages a fetch after their edit's
    minute showed unchanged, by their edit time."""

    def __init__(self) -> None:
        self._settled: dict[str, str] = {}

    def changed(
        self,
        api: NotionAPI,
        cache: Cache,
        synced_ids: Iterable[str],
        since: str,
        *,
        comments: bool,
    ) -> bool:
        """True when a rebuild would publish something different: one search, plus a
        fetch of each synced page whose edit the stamp cannot settle."""
        synced = frozenset(synced_ids)
        unsure: list[dict[str, Any]] = []
        for obj in api.recently_edited(since):
            page_id = str(obj.get("id"))
            parent = obj.get("parent")
            database = parent.get("database_id") if isinstance(parent, dict) else None
            if page_id not in synced:
                if str(database) in synced:
                    return True  # a new entry in a synced database
                continue
            cached = cache.get_outline(page_id)
            edited = str(obj.get("last_edited_time", ""))
            if cached is None or cached.last_edited_time != edited:
                return True
            if is_fresh(cached, obj) or self._settled.get(page_id) == edited:
                continue
            unsure.append(obj)
        fetcher = PageFetcher(api, cache, comments=comments)
        return any(self._differs(fetcher, cache, obj) for obj in unsure)

    def _differs(self, fetcher: PageFetcher, cache: Cache, obj: dict[str, Any]) -> bool:
        page_id = str(obj.get("id"))
        try:
            cached = cache.get_page(page_id)
        except UnreadableEntry:
            return True  # the build fetches it again
        if cached is None:
            return True
        now = fetcher.fetch(page_id, obj)
        if content_digest(now) != content_digest(cached):
            return True
        edited = str(obj.get("last_edited_time", ""))
        if minute_over(edited, now.fetched_at):
            self._settled[page_id] = edited
        return False
