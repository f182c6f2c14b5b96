"""Walks the sources into a tree of pages, fetching only what changed since last time.

Freshness (freshness.py): one search request returns the 100 most recently edited pages,
so a build asks Notion "what changed since the last sync?" and reuses every other cached
page without a request. Adding, moving or deleting a child page edits its parent, so the
tree's shape is covered too. Database entries come from their query (100 a request),
which carries each entry's last_edited_time.

This module is over 400 lines because the walk is one algorithm: the pages, the
databases and the fallbacks of `on_error` share one set of bookkeeping (what was seen,
what was verified, what was counted) that splitting would scatter.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import itertools
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from typing import Any

from ..errors import CacheError, CapabilityError, NotionSyncError, NotSharedError, OfflineMiss
from ..log import Warnings, log
from ..notion.api import NotionAPI
from ..notion.objects import payload, property_files, title_of
from ..settings import Settings
from .cache import Cache, CachedPage, DatabaseSnapshot, PageOutline, UnreadableEntry
from .databases import (
    columns_of,
    database_key,
    entries_fingerprint,
    fetch_snapshot,
    requery,
)
from .fetch import PageFetcher, outline_of
from .freshness import ISO, ChangeWindow, minute_window_start, reusable_unseen
from .model import Page, PageKind, Source, SyncedTree
from .publish import Publishing, Verdict
from .views import layout_of

LISTING_LIMIT = 20_000
"""Page objects a cold build lists through search (200 requests at most) before asking
for the rest one by one: listing pays when the listed pages are the sources' pages,
which is usual (an integration sees only the pages shared with it)."""
LISTING_BATCH = 500
"""Listed page objects wait in the cache, written this many to a transaction."""

Progress = Callable[[int, int], None]
Refresh = Callable[[str], "dict[str, Any] | None"]
"""Given an owner id, a fresh file object (new signed URL) or None."""
SubmitFile = Callable[[str, dict[str, Any], "Refresh | None"], None]
"""Where the walk hands each file it finds (owner id, file object, how to refresh its
URL), so downloads start while the signed URLs are fresh."""


class SourceWalk:
    """One build's walk over the sources."""

    def __init__(
        self,
        api: NotionAPI | None,
        cache: Cache,
        settings: Settings,
        pool: ThreadPoolExecutor,
        warnings: Warnings,
        *,
        submit_file: SubmitFile,
        progress: Progress | None = None,
    ) -> None:
        if api is None and not settings.offline:
            raise ValueError("an online sync needs an API client")
        self.api = api
        self.cache = cache
        self.settings = settings
        self.warnings = warnings
        self.submit_file = submit_file
        self.progress = progress
        self._pool = pool
        self._lock = threading.Lock()
        self._pending: list[Future[None]] = []
        self._done = 0
        self._total = 0
        self.fetched = 0
        self._pages_fetched = 0
        """Pages and entries fetched: only they can name people the users list lacks."""
        self.cached = 0
        self._window: ChangeWindow | None = None
        """What changed since the last sync; None on a cold build."""
        self._objects: dict[str, dict[str, Any]] = {}
        """Page objects search already returned, so those pages need no retrieve."""
        self._listed: set[str] = set()
        """Pages whose objects a cold build's listing put in the cache."""
        self._source_ids: set[str] = set()
        self._degraded = False
        """Notion failed the change check and on_error is warn: use the cache throughout."""
        self._seen: set[str] = set()
        self._left_out: dict[str, NotionSyncError] = {}
        """Why each page or database left out under on_error: warn was left out (a
        source root left out fails the build with that reason, not a guess)."""
        self._unverified: set[str] = set()
        """Pages served from the cache because Notion failed: checked again next time."""
        self._verified_embeds: set[str] = set()
        self._fetcher = (
            PageFetcher(api, cache, comments=settings.comments) if api is not None else None
        )
        self._publishing = Publishing(show_drafts=settings.show_drafts, was_left_out={})
        """include/exclude (sync/publish.py)."""
        self._from_cache: dict[str, bool] = {}
        """Whether each page counted came from the cache (to uncount pages left out)."""

    # -- the walk ---------------------------------------------------------------

    def run(self, sources: Iterable[Source], embeds: Iterable[str] = ()) -> SyncedTree:
        """The sources' trees; `embeds` are further pages (embedded in hand-written
        pages) fetched through the same cache and freshness check, but not published."""
        sources = list(sources)
        embedded: dict[str, CachedPage] = {}
        self._source_ids = {source.id for source in sources}
        self._publishing.was_left_out = self.cache.left_out()
        local_start = (datetime.now(timezone.utc) - timedelta(seconds=1)).strftime(ISO)
        try:
            if not self.settings.offline:
                try:
                    self._load_change_window()
                except NotionSyncError as error:
                    if not self._tolerated(error):
                        raise
                    self.warnings.warn(f"serving cached copies, Notion is unavailable: {error}")
                    self._degraded = True
            roots = [self._root(source) for source in sources]
            for page_id in dict.fromkeys(embeds):
                record = self._embedded(page_id)
                if record is not None:
                    embedded[page_id] = record
            self._drain()
            for root in roots:
                self._publishing.settle(root, self._uncount)
        finally:
            self._cancel_pending()
            # Left-over listed objects are only space (a later walk never reads them), and
            # a disk failing here must not hide the error that ended the walk.
            with contextlib.suppress(CacheError):
                self.cache.listed.delete_many(self._listed)
        users = self._users()
        if self.api is not None and not self._degraded:
            # Notion's clock if it sent one (its Date header), else ours at the start.
            # A degraded sync records nothing: the next one looks back to the last good one.
            started = (
                self.api.server_now(first=True) if self.api.metrics.first_server_date else None
            )
            verified = (self._seen | self._verified_embeds) - self._unverified
            left_out_now = self._publishing.left_out_now
            self.cache.record_sync(started or local_start, verified, left_out_now)
        self._publishing.report(roots)
        return SyncedTree(
            roots=roots,
            fetched=self.fetched,
            cached=self.cached,
            embeds=embedded,
            users=users,
            left_out=self._publishing.left_out,
        )

    def _keep_listed(self, batch: dict[str, dict[str, Any]]) -> None:
        """Listed objects go to the cache, not memory: 20,000 of them would weigh more
        than the rest of the sync."""
        self.cache.listed.put_many(batch)
        self._listed.update(batch)
        batch.clear()

    def _listed_object(self, page_id: str) -> dict[str, Any] | None:
        return self.cache.listed.get(page_id) if page_id in self._listed else None

    def _users(self) -> dict[str, dict[str, Any]]:
        """Workspace members by id, so people and authors show names: partial user
        objects carry only an id. Listed again only when a page or entry was fetched."""
        cached = self.cache.users()
        if self.api is None or (cached is not None and not self._pages_fetched):
            return cached or {}
        try:
            users = {str(user.get("id")): user for user in self.api.users()}
        except CapabilityError:
            users = {}  # without "Read user information", people show as ids
        self.cache.put_users(users)
        return users

    def _embedded(self, page_id: str) -> CachedPage | None:
        try:
            outline = self._load(page_id, None, counted=False)
        except NotionSyncError as error:
            if not self._tolerated(error):
                raise
            cached = self.cache.pages.get(page_id)
            self.warnings.warn(
                f"embedded page {page_id}: {error}"
                + ("; using the cached copy" if cached else "; the embed is left empty")
            )
            return cached
        self._submit_files(page_id, outline)
        with self._lock:
            self._verified_embeds.add(page_id)  # the next change window covers it
        return self.body(page_id, outline.obj)

    def body(self, page_id: str, obj: dict[str, Any]) -> CachedPage:
        """The page's blocks and comments, for rendering after the walk. A cached copy
        that cannot be read (its value file damaged or deleted) is fetched again; offline,
        or when that fails, the build stops naming the page: never an empty page."""
        try:
            record = self.cache.pages.load(page_id)
            reason = "it is not in the cache"
        except UnreadableEntry as error:
            record, reason = None, error.reason
        if record is not None:
            return record
        named = f'page "{" ".join(title_of(obj).split())}" ({page_id})'
        if self._fetcher is None:
            raise CacheError(
                f"the cached copy of {named} cannot be read ({reason}); build online to "
                "fetch it again"
            )
        if self._degraded:
            raise CacheError(
                f"the cached copy of {named} cannot be read ({reason}) and Notion is "
                "unavailable to fetch it again"
            )
        log.info("the cached copy of %s cannot be read (%s); fetching it again", named, reason)
        try:
            self._fetcher.load(page_id, obj or None, None)
            record = self.cache.pages.load(page_id)
        except CacheError:
            raise
        except NotionSyncError as error:
            raise CacheError(
                f"the cached copy of {named} cannot be read ({reason}) and fetching it "
                f"again failed: {error}"
            ) from None
        if record is None:
            raise CacheError(f"the cached copy of {named} cannot be written back")
        return record

    def _load_change_window(self) -> None:
        """Ask Notion once what changed since the last sync. Without a record of the
        last sync (a cold build), search instead lists page objects 100 a request, so
        most pages need no request of their own before their blocks are fetched."""
        assert self.api is not None
        last_sync = self.cache.last_sync()
        validated = self.cache.validated()
        if last_sync is None or validated is None:
            batch: dict[str, dict[str, Any]] = {}
            for obj in itertools.islice(self.api.recently_edited(""), LISTING_LIMIT):
                batch[str(obj.get("id"))] = obj
                if len(batch) == LISTING_BATCH:
                    self._keep_listed(batch)
            self._keep_listed(batch)
            return
        since = minute_window_start(last_sync)
        changed = {
            str(obj["id"]): obj for obj in self.api.recently_edited(since, data_sources=True)
        }
        self._objects.update(changed)
        self._window = ChangeWindow(changed, validated)

    def _root(self, source: Source) -> Page:
        if source.kind == "database":
            root = self._database_page(source.id, source, None)
        else:
            # The root is always asked for (one request): search does not list pages
            # that were trashed or unshared, so only this notices a source going away.
            root = self._page(source.id, "page", source, None, self._root_object(source.id))
        if root is None:
            reason = self._left_out.get(source.id)
            if reason is not None and not isinstance(reason, NotSharedError):
                raise reason
            cached = self.cache.get_outline(source.id)
            if cached is not None and (cached.obj.get("in_trash") or cached.obj.get("archived")):
                raise NotSharedError(source.id, source.kind, trashed=True)
            raise NotSharedError(source.id, source.kind)
        return root

    def _root_object(self, page_id: str) -> dict[str, Any] | None:
        if self.api is None or self._degraded:
            return None
        try:
            return self.api.page(page_id)
        except NotionSyncError:
            return None  # _page asks again and reports the error per on_error

    # -- scheduling on the session's pool ----------------------------------------

    def _drain(self) -> None:
        """Wait for every scheduled page, including those scheduled while waiting."""
        while True:
            with self._lock:
                if not self._pending:
                    return
                pending, self._pending = self._pending, []
            for future in pending:
                future.result()

    def _cancel_pending(self) -> None:
        """After a failure: drop what has not started, wait for what has (the pool
        outlives this walk, so nothing of it may run on into the next build)."""
        with self._lock:
            pending, self._pending = self._pending, []
        for future in pending:
            future.cancel()
        concurrent.futures.wait(pending)

    def _schedule(self, fn: Callable[[], None]) -> None:
        with self._lock:
            self._total += 1
            self._pending.append(self._pool.submit(fn))

    def _tick(self) -> None:
        with self._lock:
            self._done += 1
            done, total = self._done, max(self._total, self._done)
        if self.progress:
            self.progress(done, total)

    # -- pages ------------------------------------------------------------------

    def _page(
        self,
        page_id: str,
        kind: PageKind,
        source: Source,
        parent: Page | None,
        known_obj: dict[str, Any] | None,
    ) -> Page | None:
        """Build one page node and schedule its child pages; None if it must be left out."""
        with self._lock:
            if page_id in self._seen:
                return None  # a page reachable twice (link cycles, moved pages) is kept once
            self._seen.add(page_id)
        judged = self._judge(page_id, kind, source, parent, known_obj)
        if judged is None:
            return None
        verdict, known_obj = judged
        try:
            record = self._load(page_id, known_obj)
        except NotionSyncError as error:
            fallback = self._fallback(page_id, error)
            if fallback is None:
                return None
            record = fallback
        if record.obj.get("in_trash") or record.obj.get("archived"):
            return None
        page = Page(
            id=page_id,
            kind=kind,
            title=title_of(record.obj),
            source=source,
            parent=parent,
            obj=record.obj,
        )
        self._publishing.place(page, verdict)
        self._submit_files(page_id, record)
        for child_kind, child_id in record.children:
            placeholder = Page(id=child_id, kind="page", title="", source=source, parent=page)
            page.children.append(placeholder)
            self._schedule(self._fill(placeholder, child_kind))
        self._tick()
        return page

    def _fill(self, placeholder: Page, child_kind: str) -> Callable[[], None]:
        """A task that replaces a placeholder child with the fetched page (or drops it)."""

        def task() -> None:
            parent = placeholder.parent
            assert parent is not None
            if placeholder.id in self._source_ids:
                # Another source mounts this page or database; links lead there.
                node = None
            elif child_kind == "child_database":
                node = self._database_page(placeholder.id, placeholder.source, parent)
                if node is not None and node.id in parent.linked:
                    node = None  # a linked database is shown inside its page, not apart
            else:
                node = self._page(placeholder.id, "page", placeholder.source, parent, None)
            self._put_in_place(placeholder, node)

        return task

    def _put_in_place(self, placeholder: Page, node: Page | None) -> None:
        """Children are scheduled as placeholders to keep Notion's order; each is
        swapped for its page when fetched, or removed if it had to be left out."""
        parent = placeholder.parent
        assert parent is not None
        with self._lock:
            index = parent.children.index(placeholder)
            if node is None:
                del parent.children[index]
            else:
                parent.children[index] = node

    def _load(
        self, page_id: str, known_obj: dict[str, Any] | None, *, counted: bool = True
    ) -> PageOutline:
        """The page's object, child pages and files, from the cache when provably fresh
        (its blocks stay in the cache until rendered). Embeds are not `counted`: the
        summary counts the site's pages."""
        record, from_cache = self._load_record(page_id, known_obj)
        if counted:
            self._count(cached=from_cache)
            self._from_cache[page_id] = from_cache
        self._replay(record)
        return record

    def _replay(self, outline: PageOutline) -> None:
        """What fetching the page warned about, printed whether it was fetched now or
        served from the cache: a warm `--strict` build fails where the cold one did."""
        for warning in outline.warnings:
            self.warnings.warn(warning)

    def _cached_outline(self, page_id: str) -> PageOutline | None:
        """The stored outline; caches written before outlines existed (or whose outline
        cannot be read) get one made from the page. A page that cannot be read is a miss
        online (it is fetched again), and offline an error naming it."""
        damage: UnreadableEntry | None = None
        try:
            outline = self.cache.outlines.load(page_id)
        except UnreadableEntry as error:
            outline, damage = None, error
        if outline is not None:
            return outline
        try:
            cached = self.cache.pages.load(page_id)
        except UnreadableEntry as error:
            cached, damage = None, error
        if cached is not None:
            outline = outline_of(cached)
            self.cache.put_page(cached, outline)
            return outline
        if damage is not None and self._fetcher is None:
            raise CacheError(
                f"the cached copy of page {page_id} cannot be read ({damage.reason}); "
                "build online to fetch it again"
            )
        if damage is not None:
            log.info("the cached copy of page %s cannot be read (%s)", page_id, damage.reason)
        return None

    def _load_record(
        self, page_id: str, known_obj: dict[str, Any] | None
    ) -> tuple[PageOutline, bool]:
        cached = self._cached_outline(page_id)
        if self._degraded and cached is not None:
            return cached, True
        if self.settings.offline:
            if cached is None:
                raise OfflineMiss(
                    f"page {page_id} is not in the cache; build once online (unset offline) first"
                )
            return cached, True
        if (
            known_obj is None
            and page_id not in self._publishing.was_left_out
            and reusable_unseen(cached, self._window, page_id, comments=self.settings.comments)
        ):
            assert cached is not None
            return cached, True
        obj = known_obj or self._objects.get(page_id) or self._listed_object(page_id)
        assert self._fetcher is not None
        return self._fetcher.load(page_id, obj, cached)

    def _count(self, *, cached: bool, by: int = 1, page: bool = True) -> None:
        """One page of the site served from the cache or fetched (`by` -1: taken back);
        `page`: a page or entry (whose people may be new), not a database's index."""
        with self._lock:
            if cached:
                self.cached += by
            else:
                self.fetched += by
                self._pages_fetched += by if page else 0

    def _submit_files(self, owner_id: str, record: PageOutline) -> None:
        refresh = self._refresh_block if self.api else None
        for block_id, file in record.files:
            self.submit_file(block_id, file, refresh)
        for key in ("cover", "icon"):
            page_file = record.obj.get(key)
            if isinstance(page_file, dict):
                refresh_page = self._refresh_page_file(key) if self.api else None
                self.submit_file(owner_id, page_file, refresh_page)
        for prop_id, name, index, file in property_files(record.obj):
            refresh_prop = self._refresh_property_file(owner_id, name, index) if self.api else None
            self.submit_file(prop_id, file, refresh_prop)

    def _refresh_block(self, block_id: str) -> dict[str, Any] | None:
        """A fresh signed URL for an expired file: the block is fetched again."""
        assert self.api is not None
        block = self.api.block(block_id)
        data = payload(block)
        if block.get("type") == "callout":
            icon = data.get("icon")
            return icon if isinstance(icon, dict) else None
        return data or None

    def _refresh_page_file(self, key: str) -> Refresh:
        def refresh(page_id: str) -> dict[str, Any] | None:
            assert self.api is not None
            value = self.api.page(page_id).get(key)
            return value if isinstance(value, dict) else None

        return refresh

    def _refresh_property_file(self, page_id: str, name: str, index: int) -> Refresh:
        """A files property's signed URLs expire like a block's: the page is fetched
        again and the file at the same place (same property, same position) taken."""

        def refresh(_owner_id: str) -> dict[str, Any] | None:
            assert self.api is not None
            for _prop_id, prop_name, at, file in property_files(self.api.page(page_id)):
                if prop_name == name and at == index:
                    return file
            return None

        return refresh

    def _tolerated(self, error: NotionSyncError) -> bool:
        """on_error: warn covers Notion failing, never the disk: a cache that cannot be
        written or read stops the build (serving around it would lose pages)."""
        return self.settings.on_error == "warn" and not isinstance(error, CacheError)

    def _fallback(self, page_id: str, error: NotionSyncError) -> PageOutline | None:
        """on_error: fail stops the build; warn keeps the cached copy, or leaves it out."""
        if not self._tolerated(error):
            raise error
        cached = self._cached_outline(page_id)
        with self._lock:
            self._unverified.add(page_id)
        if cached is None:
            self.warnings.warn(f"left out page {page_id}: {error}")
            with self._lock:
                self._left_out[page_id] = error
            return None
        self.warnings.warn(f"serving the cached copy of page {page_id}: {error}")
        self._count(cached=True)
        self._replay(cached)
        return cached

    # -- databases ----------------------------------------------------------------

    def _database_page(self, database_id: str, source: Source, parent: Page | None) -> Page | None:
        with self._lock:
            if database_id in self._seen:
                return None
            self._seen.add(database_id)
        publishing = self._publishing
        judged: Verdict | None = Verdict.PUBLISH
        if parent is not None and publishing.applies(source, parent):
            judged = publishing.judge(database_id, source, parent, None, leaf=False)
            if judged is None:
                return None  # left out by id: not even queried
        # Only a source root has a view setting; a database met inside a page shows all.
        asked = source if parent is None else Source("database", database_id, "")
        key = database_key(database_id, asked, self.settings.notion_version)
        try:
            snapshot, reused = self._database(database_id, asked, key, root=parent is None)
        except NotionSyncError as error:
            if not self._tolerated(error):
                raise
            stored = self.cache.databases.get(key)
            if stored is None:
                self.warnings.warn(f"left out database {database_id}: {error}")
                with self._lock:
                    self._left_out[database_id] = error
                    self._unverified.add(database_id)
                return None
            self.warnings.warn(f"serving the cached copy of database {database_id}: {error}")
            with self._lock:
                self._unverified.add(database_id)
            snapshot, reused = stored, True
        page = Page(
            id=database_id,
            kind="database",
            title=title_of(snapshot.container),
            source=source,
            parent=parent,
            obj=snapshot.container,
        )
        if (
            parent is not None
            and judged is not Verdict.LEAVE_OUT
            and publishing.applies(source, parent)
        ):
            # By title: a database's title comes with its query, so it costs that.
            judged = publishing.judge(
                database_id, source, parent, title_of(snapshot.container), leaf=False
            )
            if judged is None:
                return None
        publishing.place(page, judged or Verdict.PUBLISH)
        page.columns = columns_of(snapshot.schemas)
        page.schemas = snapshot.schemas
        if snapshot.view is not None:
            page.layout = layout_of(snapshot.view, snapshot.schemas)
            if page.layout.kind != page.layout.view_type:
                log.info(
                    'database "%s" (%s) follows the view "%s", a %s, which a static site '
                    "cannot show: its entries are shown as a table",
                    " ".join(page.title.split()),
                    database_id,
                    page.layout.view_name,
                    page.layout.view_type,
                )
        entries = [e for e in snapshot.entries if not (e.get("in_trash") or e.get("archived"))]
        if snapshot.linked and parent is not None:
            # Shown where its block is: the entries are the original database's, published
            # (if at all) where that database is, so they are neither fetched nor published.
            for entry in entries:
                page.children.append(
                    Page(str(entry["id"]), "entry", title_of(entry), source, page, obj=entry)
                )
                self._submit_cover(entry)
            with self._lock:
                parent.linked[database_id] = page
            self._tick()
            return page
        self._count(cached=reused, page=False)
        self._from_cache[database_id] = reused
        for entry in entries:
            placeholder = Page(
                id=str(entry["id"]),
                kind="entry",
                title=title_of(entry),
                source=source,
                parent=page,
                obj=entry,
            )
            page.children.append(placeholder)
            self._schedule(self._fill_entry(placeholder))
        self._tick()
        return page

    def _submit_cover(self, entry: dict[str, Any]) -> None:
        """A linked view's entry is not walked; its cover may still show on a card."""
        cover = entry.get("cover")
        if isinstance(cover, dict):
            refresh = self._refresh_page_file("cover") if self.api else None
            self.submit_file(str(entry["id"]), cover, refresh)

    def _fill_entry(self, placeholder: Page) -> Callable[[], None]:
        def task() -> None:
            parent = placeholder.parent
            assert parent is not None
            node = self._page(
                placeholder.id, "entry", placeholder.source, parent, placeholder.obj or None
            )
            self._put_in_place(placeholder, node)

        return task

    def _database(
        self, database_id: str, source: Source, key: str, *, root: bool
    ) -> tuple[DatabaseSnapshot, bool]:
        """The database as the site shows it, for as few requests as the change window
        allows, and whether it counts as cached (nothing in it changed):

        * nothing new in it since the last sync (search lists no edited data source and
          no edited or added entry): a database inside a page costs nothing; a source
          root costs its entries query, which also notices entries trashed or unshared
          (search does not list those), on the schemas and view already known;
        * otherwise, or with no snapshot: container, schemas, view and entries again.
        """
        stored = self.cache.databases.get(key)
        if self.settings.offline or (self._degraded and stored is not None):
            if stored is None:
                raise OfflineMiss(
                    f"database {database_id} is not in the cache; build once online first"
                )
            return stored, True
        assert self.api is not None
        window = self._window
        if (
            stored is not None
            and window is not None
            and window.database_unchanged(database_id, stored.data_source_ids)
        ):
            if not root or stored.linked:
                return stored, True
            snapshot = requery(self.api, stored, source)
            if entries_fingerprint(snapshot.entries) == entries_fingerprint(stored.entries):
                return stored, True
            self.cache.databases.put(key, snapshot)
            return snapshot, False
        snapshot = fetch_snapshot(self.api, database_id, source)
        self.cache.databases.put(key, snapshot)
        return snapshot, False

    # -- include and exclude (sync/publish.py) ------------------------------------------

    def _judge(
        self,
        page_id: str,
        kind: PageKind,
        source: Source,
        parent: Page | None,
        known_obj: dict[str, Any] | None,
    ) -> tuple[Verdict, dict[str, Any] | None] | None:
        """The page's verdict and the object to load it with; None when it is left out
        (then nothing of it is fetched)."""
        publishing = self._publishing
        if parent is None or not publishing.applies(source, parent):
            return Verdict.PUBLISH, known_obj
        title: str | None = None
        if publishing.rules_of(source).needs_title:
            if known_obj is None:
                title, known_obj = self._title_for_rules(page_id)
            else:
                title = title_of(known_obj)
        verdict = publishing.judge(page_id, source, parent, title, leaf=kind == "entry")
        return None if verdict is None else (verdict, known_obj)

    def _title_for_rules(self, page_id: str) -> tuple[str | None, dict[str, Any] | None]:
        """(title, full page object if one was at hand) of a page to judge by title,
        from what the walk holds (search, the listing, the cache when the change window
        vouches for it), else from one request. (None, None) when it cannot be had
        (offline, nothing cached): then only ids judge the page."""
        obj = self._objects.get(page_id) or self._listed_object(page_id)
        if obj:
            return title_of(obj), obj
        vouched = (
            self.settings.offline
            or self._degraded
            or (self._window is not None and self._window.unchanged(page_id))
        )
        was_left_out = self._publishing.was_left_out
        if vouched and page_id in was_left_out:
            stored = was_left_out[page_id].get("title")
            if isinstance(stored, str):
                return stored, None
        elif vouched:
            outline = self.cache.get_outline(page_id)
            if outline is not None:
                return title_of(outline.obj), outline.obj
        if self.api is None or self._degraded:
            return None, None
        try:
            obj = self.api.page(page_id)
        except NotionSyncError:
            return None, None  # loading it asks again and reports the failure per on_error
        return title_of(obj), obj

    def _uncount(self, page_id: str) -> None:
        """A page counted in the summary was left out after all (include found nothing
        below it)."""
        cached = self._from_cache.pop(page_id, None)
        if cached is not None:
            self._count(cached=cached, by=-1)
