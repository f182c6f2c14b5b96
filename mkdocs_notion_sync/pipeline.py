"""The stages of a build, run in order: Notion -> sync (client, cache) -> site (paths,
documents, assets) -> render -> staged files -> report.

Shared by the MkDocs plugin and the command line, so `mkdocs-notion-sync pull` writes
exactly what a build would publish. The `Session` holds what outlives one build.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from .log import Warnings, log
from .notion.api import NotionAPI
from .notion.pacing import Pacer
from .progress import ProgressLog, terminal_progress
from .report import SyncReport
from .settings import Settings
from .site.assets import AssetStore
from .site.compose import PageComposer
from .site.databases import csv_for, csv_path
from .site.embeds import EmbedRequest
from .site.nav import NavItem, site_nav
from .site.paths import SiteLinks, assign_paths
from .site.render_cache import RenderCache
from .site.staging import StagedPage, Staging
from .site.stylesheet import STYLESHEET, stylesheet_text
from .sync.cache import Cache
from .sync.freshness import minute_window_start
from .sync.history import PathHistory, load_history, save_history
from .sync.lock import BuildLock
from .sync.model import SyncedTree
from .sync.poll import EditPoll
from .sync.walk import SourceWalk

Progress = Callable[[int, int], None]
ASK_AGAIN = 60.0
"""Seconds after a poll said "changed" with no build begun since, before a poll may say
it again: a rebuild asked for (serve notices a touched file, then builds) is on its way,
and asking twice would build twice."""


@dataclass(frozen=True)
class Outcome:
    """Everything one build produced, for the plugin, the command line and the poller."""

    documents: list[StagedPage]
    nav: list[NavItem]
    assets: dict[str, Path]
    """Site path (`assets/notion/<hash>.png`) -> stored file."""
    extra_files: dict[str, Path]
    """Site path -> staged file (CSV downloads of databases, the stylesheet)."""
    tree: SyncedTree
    embeds: dict[EmbedRequest, str]
    """Rendered Markdown of each `<!-- notion: ... -->` in hand-written pages."""
    links: SiteLinks
    """Where each synced page is on the site (for links in hand-written pages)."""
    synced_ids: frozenset[str]
    """Every page the build published or embedded: what the serve poller watches."""
    report: SyncReport
    history: PathHistory
    """Every path each page was published at, this build's included (the redirects)."""


def _rate_limit_notice(seconds: float) -> None:
    if seconds > 2:
        log.info("rate limited by Notion, waiting %.0fs", seconds)


class Session:
    """What outlives one build: the cache, the request budget Notion counts (one pacer
    for every build and the serve poller) and the thread pools. One per `mkdocs build`;
    one for all of `mkdocs serve`, kept while the settings stay the same.

    Each build holds the cache_dir's lock (sync/lock.py); the cache is opened by the
    first build, under that lock, because opening may clear or rebuild it."""

    def __init__(self, settings: Settings, progress: Progress | None = None) -> None:
        self.settings = settings
        self.progress = progress
        """Called with (done, total) pages; a throttled log line (or a bar) when None."""
        self.lock = BuildLock(settings.cache_dir, settings.lock_timeout)
        self._cache: Cache | None = None
        self._opening = threading.Lock()
        self.pacer = Pacer(settings.rate_limit, _rate_limit_notice)
        self.fetch_pool = ThreadPoolExecutor(settings.concurrency, "notion-sync")
        self.download_pool = ThreadPoolExecutor(max(2, settings.concurrency), "notion-asset")
        self.report = SyncReport()
        """The latest build's figures, complete even when that build failed."""
        self.edits = EditPoll()
        self._asked: float | None = None
        """When a poll last said "changed", until a build begins."""
        self._builds = 0
        """Builds begun: a poll that overlapped one leaves the edits to it."""
        self.building = threading.Event()
        """Set from a build's start until its staged files are read (`release`): the
        poller waits, since the cache is being rewritten and the build sees any edit."""

    @property
    def cache(self) -> Cache:
        with self._opening:
            if self._cache is None:
                self._cache = Cache(self.settings.cache_dir)
            return self._cache

    def close(self) -> None:
        self.fetch_pool.shutdown(wait=True, cancel_futures=True)
        self.download_pool.shutdown(wait=True, cancel_futures=True)
        if self._cache is not None:
            self._cache.close()
        self.lock.release()

    def open_api(self) -> NotionAPI:
        """A client drawing on the session's request budget."""
        return NotionAPI(self.settings, self.pacer)

    def build(
        self, embeds: Iterable[EmbedRequest] = (), *, offline: bool = False, hold: bool = False
    ) -> Outcome:
        """One build under the cache_dir's lock. With `hold`, a build that succeeded
        keeps the lock until `release()`: MkDocs (or `pull`) still reads the staged
        pages after this returns, and another build must not rewrite or prune them.
        `offline`: from the cache only, whatever the settings say."""
        self.lock.acquire()
        self.building.set()
        self._asked = None
        self._builds += 1
        try:
            outcome = build(self, embeds, offline=offline)
        except BaseException:
            self.release()
            raise
        if not hold:
            self.release()
        return outcome

    def save_history(self, history: PathHistory) -> None:
        """The history again, after the plugin dropped old paths that live files hold."""
        save_history(self.cache, self.settings.redirects_file, history)

    def release(self) -> None:
        """The end of a held build: another build may use the cache_dir."""
        self.building.clear()
        self.lock.release()

    def poll(self, synced_ids: frozenset[str]) -> bool:
        """True when a rebuild would publish something the last build did not: one
        search, and a page fetched only when its stamp cannot tell (sync/poll.py)."""
        if self.settings.offline or self._cache is None or self.building.is_set():
            return False  # nothing was built yet, or a build is taking the edits in
        asked = self._asked
        if asked is not None and time.monotonic() - asked < ASK_AGAIN:
            return False  # the rebuild asked for will take the edits in
        last_sync = self._cache.last_sync()
        if last_sync is None:
            return False
        builds = self._builds
        api = self.open_api()
        try:
            changed = self.edits.changed(
                api,
                self._cache,
                synced_ids,
                minute_window_start(last_sync),
                comments=self.settings.comments,
            )
        finally:
            api.close()
        if builds != self._builds:
            return False  # a build began meanwhile: it took in what this poll saw
        if changed:
            self._asked = time.monotonic()
        return changed


def build(
    session: Session, embeds: Iterable[EmbedRequest] = (), *, offline: bool = False
) -> Outcome:
    """Sync, compose, render and stage; the session's report is filled in even when
    the build fails. `offline`: from the cache only, whatever the settings say (a serve
    rebuild while Notion is unreachable)."""
    started = time.monotonic()
    settings = replace(session.settings, offline=True) if offline else session.settings
    report = session.report = SyncReport()
    warnings = Warnings()
    api = None if settings.offline else session.open_api()
    assets = AssetStore(session.cache, settings, session.download_pool)
    terminal = None if session.progress else terminal_progress()
    progress = session.progress or (terminal[0] if terminal else ProgressLog())
    try:
        # Read first: a bad redirects file fails the build before any request.
        history = load_history(session.cache, settings.redirects_file)
        walk = SourceWalk(
            api,
            session.cache,
            settings,
            session.fetch_pool,
            warnings,
            submit_file=assets.submit,
            progress=progress,
        )
        requests = list(embeds)
        tree = walk.run(settings.sources, [r.page_id for r in requests])
        assign_paths(tree.roots, warnings, settings.slugs)
        history.record(tree.pages(), warnings)
        save_history(session.cache, settings.redirects_file, history)
        composer = PageComposer(
            tree,
            session.cache,
            assets,
            warnings,
            settings,
            body_of=lambda page: walk.body(page.id, page.obj),
        )
        staging = Staging(settings.cache_dir / "site")
        files = _stage_pages(RenderCache(composer, session.cache), staging)
        documents = [
            StagedPage(page.path, files[page.id], page.id, page.url)
            for page in tree.pages()
            if page.id in files
        ]
        extra = {
            csv_path(page): staging.write(csv_path(page), csv_for(page))
            for page in tree.pages()
            if page.kind == "database"
        }
        if settings.stylesheet:
            extra[STYLESHEET] = staging.write(STYLESHEET, stylesheet_text())
        staging.prune()
        rendered_embeds = {r: composer.render_embed(r) for r in requests}
        composer.notes.report(warnings)
        used = assets.published()
        report.pages_total = len(documents)
        report.pages_fetched = tree.fetched
        report.pages_cached = tree.cached
        return Outcome(
            documents=documents,
            nav=site_nav(tree.roots),
            assets=used,
            extra_files=extra,
            tree=tree,
            embeds=rendered_embeds,
            links=composer.links,
            synced_ids=frozenset({page.id for page in tree.pages()} | set(tree.embeds)),
            report=report,
            history=history,
        )
    finally:
        if terminal:
            terminal[1]()
        assets.close()
        report.assets_downloaded = assets.stats.downloaded
        report.assets_bytes = assets.stats.bytes
        if api is not None:
            report.add_requests(api.metrics)
            api.close()
        report.duration_seconds = time.monotonic() - started


def _stage_pages(renders: RenderCache, staging: Staging) -> dict[str, Path]:
    """Renders every page that changed into the staging folder (page id -> file); an
    unchanged page keeps its staged file."""
    files: dict[str, Path] = {}
    for page, key, reuse in renders.plan(staging.has):
        files[page.id] = staging.put(page.path, None if reuse else renders.render(page, key))
    return files
