"""One run of the whole flow: sources -> client/cache -> page tree -> Markdown + assets -> report.

Shared by the MkDocs plugin and the command line, so `mkdocs-notion-sync pull` writes
exactly what a build would publish.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import yaml

from .assets import SITE_FOLDER, AssetStore
from .cache import Cache
from .client import NotionAPI, Pacer
from .errors import ConfigError
from .fetch import is_fresh
from .links import SiteLinks, assign_paths
from .publish import EmbedRequest, NavItem, Publisher, csv_path
from .report import ProgressLog, SyncReport, terminal_progress
from .staging import StagedPage, Staging
from .sync import Sync, SyncOptions, minute_window_start
from .tree import Page, Source, SyncedTree
from .workers import MIN_RENDER, RenderJob, WorkerPool, WorkerSpec, process_count

log = logging.getLogger("mkdocs.plugins.mkdocs_notion_sync.pipeline")


@dataclass
class Settings:
    """The plugin options the core needs, free of MkDocs types."""

    sources: list[Source]
    cache_dir: Path
    token: str | None = field(default=None, repr=False)
    api_url: str = "https://api.notion.com"
    offline: bool = False
    concurrency: int = 4
    rate_limit: float = 3.0
    max_retries: int = 5
    timeout: float = 30.0
    on_error: Literal["fail", "warn"] = "fail"
    retry_base_delay: float = 0.25
    edit_link: bool = True
    comments: bool = False
    download_external: bool = False
    max_asset_size: float = 50.0
    """MiB."""
    processes: int | None = None
    """Worker processes for big fetches; None decides from the rate limit (workers.py)."""


@dataclass
class SyncOutcome:
    """What a run produced: pages as Markdown, the files they use, the nav, the figures."""

    documents: list[StagedPage]
    nav: list[NavItem]
    assets: dict[str, Path]
    """Site path (`assets/notion/<hash>.png`) -> stored file."""
    extra_files: dict[str, Path] = field(default_factory=dict)
    """Site path -> staged file (CSV downloads of databases)."""
    tree: SyncedTree | None = None
    embeds: dict[EmbedRequest, str] = field(default_factory=dict)
    """Rendered Markdown of each `<!-- notion: ... -->` in hand-written pages."""


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

    def __init__(
        self,
        settings: Settings,
        warn: Callable[[str], None] | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self.settings = settings
        self.cache = Cache(settings.cache_dir)
        self.warn = warn or (lambda message: log.warning("notion-sync: %s", message))
        self.report = SyncReport()
        self.progress = progress
        """Called with (done, total) pages; a throttled log line when None."""
        self.synced_ids: set[str] = set()
        self.links: SiteLinks | None = None
        """Where each synced page is on the site, after the last run (for hand-written pages)."""
        self.processes = process_count(
            settings.processes, settings.rate_limit, settings.concurrency
        )
        self.pacer = Pacer(settings.rate_limit, _rate_limit_notice)
        """Shared by every build and the serve poller: one budget, as Notion counts it."""
        self.worker_processes = 0
        """Worker processes the last run started (0: it fetched on threads only)."""
        self.blog_authors: Callable[[Page], set[str]] | None = None
        """Author ids Material's blog knows (its .authors.yml), set by the plugin."""

    def close(self) -> None:
        self.cache.close()

    def run(self, embeds: Iterable[EmbedRequest] = ()) -> SyncOutcome:
        """Sync, render and collect; the report is filled in even when it fails."""
        started = time.monotonic()
        settings = self.settings
        api = None if settings.offline else open_api(settings, self.pacer)
        assets = AssetStore(
            self.cache,
            concurrency=settings.concurrency,
            timeout=settings.timeout,
            offline=settings.offline,
            download_external=settings.download_external,
            max_bytes=int(settings.max_asset_size * 1024 * 1024),
        )
        self.report = SyncReport()
        terminal = None if self.progress else terminal_progress()
        progress = self.progress or (terminal[0] if terminal else ProgressLog())
        spec = self._worker_spec()
        workers = (
            WorkerPool(spec, api.metrics, self.warn, self.pacer.on_pause)
            if spec is not None and api is not None
            else None
        )
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
                    comments=settings.comments,
                    workers=workers,
                ),
                progress=progress,
            )
            requests = list(embeds)
            tree = sync.run(settings.sources, [r.page_id for r in requests])
            assign_paths(tree.roots)
            publisher = Publisher(
                tree,
                self.cache,
                assets,
                self.warn,
                edit_link=settings.edit_link,
                blog_authors=self.blog_authors,
            )
            staging = Staging(settings.cache_dir / "site")
            files = self._stage_documents(publisher, staging, assets, workers)
            documents = [
                StagedPage(page.path, files[page.id], page.id, page.url)
                for page in tree.pages()
                if page.id in files
            ]
            extra = {
                csv_path(page): staging.write(csv_path(page), publisher.csv_for(page))
                for page in tree.pages()
                if page.kind == "database"
            }
            staging.prune()
            rendered_embeds = {r: publisher.render_embed(r) for r in requests}
            for failure in assets.failures:
                self.warn(failure)
            used = {f"{SITE_FOLDER}/{name}": assets.path_of(name) for name in sorted(assets.used)}
            self.synced_ids = {page.id for page in tree.pages()} | set(tree.embeds)
            self.links = publisher.links
            self.report.pages_total = len(documents)
            self.report.pages_fetched = tree.fetched
            self.report.pages_cached = tree.cached
            return SyncOutcome(
                documents=documents,
                nav=publisher.nav(),
                assets=used,
                extra_files=extra,
                tree=tree,
                embeds=rendered_embeds,
            )
        finally:
            if terminal:
                terminal[1]()
            self.worker_processes = 0
            if workers is not None:
                if workers.started:
                    self.worker_processes = workers.spec.processes
                workers.close()
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

    def _stage_documents(
        self,
        publisher: Publisher,
        staging: Staging,
        assets: AssetStore,
        workers: WorkerPool | None,
    ) -> dict[str, Path]:
        """Renders every page that changed into the staging folder (page id -> file).
        With worker processes running, they and this process share the pages out in
        batches: rendering is CPU-bound and pure Python."""
        planned = publisher.plan(staging.has)
        files = {page.id: staging.put(page.path, None) for page, _, reuse in planned if reuse}
        fresh = [(page, key) for page, key, reuse in planned if not reuse]

        def render_here(batch: list[tuple[Page, str | None]]) -> None:
            for page, key in batch:
                markdown = publisher.render_document(page, key).markdown
                files[page.id] = staging.put(page.path, markdown)

        if workers is None or not workers.started or len(fresh) < MIN_RENDER:
            render_here(fresh)
            return files
        job = RenderJob(
            links=publisher.links,
            users=publisher.tree.users,
            staging_root=staging.root,
            edit_link=self.settings.edit_link,
            blog_authors=self.blog_authors,
            assets=assets.settled(),
            max_asset_bytes=assets.max_bytes,
            download_external=assets.download_external,
            offline=assets.offline,
            timeout=self.settings.timeout,
        )
        for rendered in workers.render(job, fresh, render_here):
            files.update(rendered.files)
            staging.written.update(rendered.files.values())
            self.cache.put_many("render", rendered.records)
            for message in rendered.warnings:
                self.warn(message)
            assets.used.update(rendered.used)
            assets.failures.extend(rendered.failures)
            assets.stats.downloaded += rendered.downloaded
            assets.stats.bytes += rendered.downloaded_bytes
        return files

    def _worker_spec(self) -> WorkerSpec | None:
        settings = self.settings
        if not self.processes or settings.offline or not settings.token:
            return None
        # One request in flight per worker; the pacer is the build's, moved into shared
        # memory when the workers start.
        one_at_a_time = replace(settings, concurrency=1)
        return WorkerSpec(
            processes=self.processes,
            cache_dir=settings.cache_dir,
            comments=settings.comments,
            open_client=functools.partial(open_api, one_at_a_time, self.pacer),
            pacer=self.pacer,
        )

    def poll(self) -> bool:
        """True when a synced page was edited since the last sync: one search request."""
        last_sync = self.cache.get_json("meta", "last_sync")
        if self.settings.offline or not isinstance(last_sync, str):
            return False
        api = open_api(self.settings, self.pacer)
        try:
            for obj in api.recently_edited(minute_window_start(last_sync)):
                page_id = str(obj.get("id"))
                parent = obj.get("parent")
                database = parent.get("database_id") if isinstance(parent, dict) else None
                if str(database) in self.synced_ids and page_id not in self.synced_ids:
                    return True  # a new entry in a synced database
                if page_id not in self.synced_ids:
                    continue
                cached = self.cache.get_outline(page_id)
                if cached is None or not is_fresh(cached, obj):
                    return True
            return False
        finally:
            api.close()


@dataclass(frozen=True)
class BlogAuthors:
    """Author ids Material's blog knows, from `<blog>/.authors.yml` in docs_dir: the blog
    plugin rejects posts naming authors it does not know, so only these are written.
    A class rather than a closure, so worker processes that render posts can have it."""

    docs_dir: Path

    def __call__(self, entry: Page) -> set[str]:
        path = self.docs_dir / entry.source.dest / ".authors.yml"
        if not path.is_file():
            return set()
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (yaml.YAMLError, OSError):
            return set()
        authors = data.get("authors") if isinstance(data, dict) else None
        return set(authors) if isinstance(authors, dict) else set()


def settings_from(options: Any, cache_dir: Path, token: str | None) -> Settings:
    """Settings from the validated plugin config (duck-typed, so the CLI can reuse it)."""
    sources = [
        Source(
            kind="page" if s.page else "database",
            id=str(s.page or s.database),
            dest=s.dest,
            filter=s.filter,
            sorts=s.sorts,
            columns=tuple(s.columns) if s.columns else None,
            slug_property=s.slug_property,
            blog=s.blog,
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
        edit_link=options.edit_link,
        comments=options.comments,
        download_external=options.download_external,
        max_asset_size=options.max_asset_size,
        processes=options.processes,
    )
