"""One run of the whole flow: sources -> client/cache -> page tree -> Markdown + assets -> report.

Shared by the MkDocs plugin and the command line, so `mkdocs-notion-sync pull` writes
exactly what a build would publish.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .assets import AssetStore
from .cache import Cache
from .client import NotionAPI, Pacer
from .errors import ConfigError
from .links import assign_paths
from .publish import Document, NavItem, Publisher
from .report import ProgressLog, SyncReport
from .sync import Sync, SyncOptions, is_fresh, minute_window_start
from .tree import Source, SyncedTree

log = logging.getLogger("mkdocs.plugins.mkdocs_notion_sync.pipeline")


@dataclass
class Settings:
    """The plugin options the core needs, free of MkDocs types."""

    sources: list[Source]
    cache_dir: Path
    token: str | None = None
    api_url: str = "https://api.notion.com"
    offline: bool = False
    concurrency: int = 4
    rate_limit: float = 3.0
    max_retries: int = 5
    timeout: float = 30.0
    on_error: Literal["fail", "warn"] = "fail"
    retry_base_delay: float = 0.25


@dataclass
class SyncOutcome:
    """What a run produced: pages as Markdown, the files they use, the nav, the figures."""

    documents: list[Document]
    nav: list[NavItem]
    assets: dict[str, Path]
    """Site path (`assets/notion/<hash>.png`) -> stored file."""
    extra_files: dict[str, str] = field(default_factory=dict)
    """Site path -> text content (CSV downloads of databases)."""
    tree: SyncedTree | None = None


def _rate_limit_notice(seconds: float) -> None:
    if seconds > 2:
        log.info("notion-sync: rate limited by Notion, waiting %.0fs", seconds)


def open_api(settings: Settings, pacer: Pacer | None = None) -> NotionAPI:
    """The paced client; a missing token is a configuration mistake, said plainly."""
    if not settings.token:
        raise ConfigError(
            "no Notion token: set the NOTION_TOKEN environment variable to your integration's "
            "secret (or use offline: true to build from the cache)"
        )
    return NotionAPI(
        token=settings.token,
        api_url=settings.api_url,
        concurrency=settings.concurrency,
        rate_limit=settings.rate_limit,
        max_retries=settings.max_retries,
        timeout=settings.timeout,
        retry_base_delay=settings.retry_base_delay,
        on_pause=_rate_limit_notice,
        pacer=pacer,
    )


class Pipeline:
    """Owns the cache (kept open across `mkdocs serve` rebuilds) and runs syncs."""

    def __init__(self, settings: Settings, warn: Callable[[str], None] | None = None) -> None:
        self.settings = settings
        self.cache = Cache(settings.cache_dir)
        self.warn = warn or (lambda message: log.warning("notion-sync: %s", message))
        self.report = SyncReport()
        self.synced_ids: set[str] = set()
        self.pacer = Pacer(settings.rate_limit, _rate_limit_notice)
        """Shared by every build and the serve poller: one budget, as Notion counts it."""

    def close(self) -> None:
        self.cache.close()

    def run(self) -> SyncOutcome:
        """Sync, render and collect; the report is filled in even when it fails."""
        started = time.monotonic()
        settings = self.settings
        api = None if settings.offline else open_api(settings, self.pacer)
        assets = AssetStore(
            self.cache,
            concurrency=settings.concurrency,
            timeout=settings.timeout,
            offline=settings.offline,
        )
        self.report = SyncReport()
        try:
            sync = Sync(
                api,
                self.cache,
                assets,
                SyncOptions(
                    offline=settings.offline,
                    on_error=settings.on_error,
                    concurrency=settings.concurrency,
                    warn=self.warn,
                ),
                progress=ProgressLog(),
            )
            tree = sync.run(settings.sources)
            assign_paths(tree.roots)
            publisher = Publisher(tree, self.cache, assets, self.warn)
            documents = list(publisher.documents())
            extra = {
                _csv_path(page.path): publisher.csv_for(page)
                for page in tree.pages()
                if page.kind == "database"
            }
            for failure in assets.failures:
                self.warn(failure)
            used = {f"assets/notion/{name}": assets.path_of(name) for name in sorted(assets.used)}
            self.synced_ids = {page.id for page in tree.pages()}
            self.report.pages_total = len(documents)
            self.report.pages_fetched = tree.fetched
            self.report.pages_cached = tree.cached
            return SyncOutcome(
                documents=documents, nav=publisher.nav(), assets=used, extra_files=extra, tree=tree
            )
        finally:
            assets.close()
            self.report.assets_downloaded = assets.stats.downloaded
            self.report.assets_bytes = assets.stats.bytes
            if api is not None:
                metrics = api.metrics
                self.report.api_requests = metrics.requests
                self.report.rate_limited = metrics.rate_limited
                self.report.retries = metrics.retries
                self.report.wait_seconds = metrics.wait_seconds
                self.report.requests_by_endpoint = dict(metrics.by_endpoint)
                self.report.requests_by_status = dict(metrics.by_status)
                api.close()
            self.report.duration_seconds = time.monotonic() - started

    def poll(self) -> bool:
        """True when a synced page was edited since the last sync: one search request."""
        last_sync = self.cache.get_json("meta", "last_sync")
        if self.settings.offline or not isinstance(last_sync, str):
            return False
        api = open_api(self.settings, self.pacer)
        try:
            for obj in api.recently_edited(minute_window_start(last_sync)):
                page_id = str(obj.get("id"))
                if page_id not in self.synced_ids:
                    continue
                cached = self.cache.get_page(page_id)
                if cached is None or not is_fresh(cached, obj):
                    return True
            return False
        finally:
            api.close()


def _csv_path(index_path: str) -> str:
    folder = index_path.rsplit("/", 1)[0] if "/" in index_path else ""
    name = (folder.rsplit("/", 1)[-1] or "entries") + ".csv"
    return f"{folder}/{name}" if folder else name


def settings_from(options: Any, cache_dir: Path, token: str | None) -> Settings:
    """Settings from the validated plugin config (duck-typed, so the CLI can reuse it)."""
    sources = [
        Source(
            kind="page" if s.page else "database",
            id=str(s.page or s.database),
            dest=s.dest,
            filter=s.filter,
            sorts=s.sorts,
        )
        for s in options.sources
    ]
    return Settings(
        sources=sources,
        cache_dir=cache_dir,
        token=token,
        api_url=options.api_url,
        offline=options.offline,
        concurrency=options.concurrency,
        rate_limit=options.rate_limit,
        max_retries=options.max_retries,
        timeout=options.timeout,
        on_error=options.on_error,
    )
