"""Every "is this cached page still right?" decision, in one place.

Notion stamps `last_edited_time` to the minute, on its own clock. So a cached copy is
fresh when its edit time is the page's current one AND it was fetched after that minute
ended: an edit later in the same minute would carry the same stamp. Search tells a
warm build what changed since the last sync (its window reaches back over the minute
of that sync, for the same reason); pages search did not list, that the last sync
checked, are reused without a request.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from .cache import CachedPage, PageOutline

ISO = "%Y-%m-%dT%H:%M:%S.000Z"


def minute_window_start(iso: str) -> str:
    """The start of the minute before `iso`: edits stamped in the same minute as the
    previous sync (minute precision) still count as new."""
    moment = datetime.strptime(iso[:16], "%Y-%m-%dT%H:%M").replace(tzinfo=timezone.utc)
    return (moment - timedelta(minutes=1)).strftime(ISO)


def minute_over(last_edited: str, fetched_at: str) -> bool:
    """True when the copy was fetched after the minute of its last edit ended, so no
    later edit can hide behind the same minute-precision timestamp."""
    return bool(last_edited) and fetched_at[:16] > last_edited[:16]


def is_fresh(cached: CachedPage | PageOutline, obj: dict[str, Any]) -> bool:
    """The cached copy shows the page as it is now: same edit time, and that minute
    was over when we fetched it."""
    return cached.last_edited_time == str(obj.get("last_edited_time", "")) and minute_over(
        cached.last_edited_time, cached.fetched_at
    )


def has_what_is_wanted(cached: PageOutline, *, comments: bool) -> bool:
    """A copy fetched without comments does not serve a build that shows them."""
    return cached.has_comments or not comments


class ChangeWindow:
    """What a warm build learned from one search: the pages edited since the last
    sync, and the pages that sync checked."""

    def __init__(self, changed: dict[str, dict[str, Any]], validated: set[str]) -> None:
        self.changed = changed
        self.validated = validated
        self.touched: set[str] = set()
        """Data sources and databases with something new since the last sync: the data
        source itself (a schema edit stamps it) or an entry edited or added in it."""
        for object_id, obj in changed.items():
            if obj.get("object") == "data_source":
                self.touched.add(object_id)
            parent = obj.get("parent")
            if isinstance(parent, dict):
                for key in ("data_source_id", "database_id"):
                    if parent.get(key):
                        self.touched.add(str(parent[key]))

    def unchanged(self, page_id: str) -> bool:
        """Checked by the last sync and not edited since: no request needed."""
        return page_id in self.validated and page_id not in self.changed

    def database_unchanged(self, database_id: str, data_sources: set[str]) -> bool:
        """Checked by the last sync, and search shows nothing new in it: no schema edit,
        no entry edited or added. (An entry moved to the trash leaves search, so a
        source root's database is still queried; one inside a page relies on Notion
        stamping the data source.)"""
        return database_id in self.validated and not (({database_id} | data_sources) & self.touched)


def reusable_unseen(
    cached: PageOutline | None,
    window: ChangeWindow | None,
    page_id: str,
    *,
    comments: bool,
) -> bool:
    """A page nobody handed us an object for can be served from the cache, without a
    request, when the change window vouches for it."""
    return (
        cached is not None
        and window is not None
        and window.unchanged(page_id)
        and has_what_is_wanted(cached, comments=comments)
    )


def reusable(cached: PageOutline | None, obj: dict[str, Any], *, comments: bool) -> bool:
    """A page whose current object we hold: the cached copy serves if it is fresh."""
    return (
        cached is not None
        and is_fresh(cached, obj)
        and has_what_is_wanted(cached, comments=comments)
    )
