"""Worker processes that fetch and render pages on big syncs against a fast API.

Notion allows about 3 requests a second, which one thread keeps up with easily. Against
an API that allows far more (a raised `rate_limit`, a local mirror) the sync is bound by
one core instead: notion-client, httpx and JSON decoding cost most of a millisecond a
request, and threads only take turns on that core. A big sync then fetches pages in
worker processes, one per core: each opens its own client, pacing through the build's
Pacer (shared memory, so the budget and any 429 pause stay global) and its own handle
on the cache, writes pages straight into the cache and hands back only the small
outline, the request counts and any warnings. Once the tree is known the same
processes render a share of the pages each (the main process renders one too), writing
the Markdown straight into the staging folder, so no page body travels back.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .assets import AssetError, AssetStore
from .cache import Cache, PageOutline
from .client import NotionAPI, Pacer, RequestMetrics
from .errors import NotionSyncError, WorkerFailed
from .fetch import PageFetcher
from .links import SiteLinks
from .publish import Publisher, RenderRecord
from .staging import Staging
from .tree import Page, SyncedTree

log = logging.getLogger("mkdocs.plugins.mkdocs_notion_sync.workers")

MAX_PROCESSES = 4
MIN_RATE = 100.0
"""Requests a second below which one process keeps up (Notion's own limit is 3)."""
MIN_PAGES = 200
"""Pages to fetch below which starting processes (~0.3 s each) does not pay."""
MIN_RENDER = 100
"""Pages to render below which handing pages to the workers does not pay."""
RENDER_BATCH = 50
"""Pages per render task: small enough that a worker holds little at a time."""


def usable_cores() -> int:
    """Cores this process may run on: a container's CPU set, not the host's count."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def process_count(configured: int | None, rate_limit: float, concurrency: int) -> int:
    """The `processes` option: None picks one per core, at most MAX_PROCESSES and no
    more than `concurrency` (each has one request in flight), when the rate allows
    more than one process can send; 0 or 1 means none."""
    if configured is None:
        if rate_limit < MIN_RATE:
            return 0
        configured = min(usable_cores(), MAX_PROCESSES)
    count = min(configured, concurrency)
    return count if count > 1 else 0


@dataclass(frozen=True)
class WorkerSpec:
    """What a worker needs to open its own client and cache."""

    processes: int
    cache_dir: Path
    comments: bool
    open_client: Callable[[], NotionAPI]
    """Makes the worker's client the way the build makes its own (a picklable partial of
    pipeline.open_api), pacing through `pacer`."""
    pacer: Pacer


@dataclass
class Fetched:
    """A worker's answer for one page."""

    outline: PageOutline | None
    from_cache: bool
    error: NotionSyncError | None
    metrics: RequestMetrics
    warnings: list[str]
    pauses: list[float]


@dataclass
class RenderJob:
    """What rendering any page of this build needs besides the page: written to a file
    once, read once by each worker (pages travel in small batches, without the tree)."""

    links: SiteLinks
    users: dict[str, dict[str, Any]]
    staging_root: Path
    edit_link: bool
    blog_authors: Callable[[Page], set[str]] | None
    assets: dict[str, str | AssetError | None]
    """Every download the build made (AssetStore.settled): not fetched again."""
    max_asset_bytes: int
    download_external: bool
    offline: bool
    timeout: float


@dataclass
class Rendered:
    """A worker's answer for its share of pages."""

    files: dict[str, Path]
    """Page id -> the staged file the worker wrote (Markdown never travels back)."""
    records: dict[str, RenderRecord]
    """Page id -> what the render cache remembers; the build writes them at once."""
    warnings: list[str]
    used: set[str]
    failures: list[str]
    downloaded: int
    downloaded_bytes: int


@dataclass
class _Renderer:
    token: str
    publisher: Publisher
    assets: AssetStore
    staging: Staging


@dataclass
class _Worker:
    fetcher: PageFetcher
    warnings: list[str] = field(default_factory=list)
    pauses: list[float] = field(default_factory=list)
    renderer: _Renderer | None = None


_worker: _Worker | None = None


def _start(spec: WorkerSpec) -> None:
    global _worker
    api = spec.open_client()
    warnings: list[str] = []
    fetcher = PageFetcher(api, Cache(spec.cache_dir), comments=spec.comments, warn=warnings.append)
    _worker = _Worker(fetcher, warnings)
    api.pacer.on_pause = _worker.pauses.append


def _ready() -> None:
    """Nothing: a first task, so the processes start before the first page is due."""


def _load(page_id: str, obj: dict[str, Any] | None, cached: PageOutline | None) -> Fetched:
    worker = _worker
    assert worker is not None, "worker process not started"
    outline: PageOutline | None = None
    from_cache = False
    error: NotionSyncError | None = None
    try:
        outline, from_cache = worker.fetcher.load(page_id, obj, cached)
    except NotionSyncError as failure:
        error = failure
    fetched = Fetched(
        outline,
        from_cache,
        error,
        worker.fetcher.api.metrics.take(),
        list(worker.warnings),
        list(worker.pauses),
    )
    worker.warnings.clear()
    worker.pauses.clear()
    return fetched


def _renderer(worker: _Worker, token: str, job_file: str) -> _Renderer:
    """The build's publisher, set up once per build in each worker."""
    if worker.renderer is not None and worker.renderer.token == token:
        return worker.renderer
    job: RenderJob = pickle.loads(Path(job_file).read_bytes())
    cache = worker.fetcher.cache
    assets = AssetStore(
        cache,
        concurrency=2,
        max_bytes=job.max_asset_bytes,
        download_external=job.download_external,
        timeout=job.timeout,
        offline=job.offline,
    )
    assets.preload(job.assets)
    publisher = Publisher(
        SyncedTree(roots=[], users=job.users),
        cache,
        assets,
        worker.warnings.append,
        edit_link=job.edit_link,
        blog_authors=job.blog_authors,
        links=job.links,
    )
    worker.renderer = _Renderer(token, publisher, assets, Staging(job.staging_root))
    return worker.renderer


def _render(token: str, job_file: str, batch: list[tuple[Page, str | None]]) -> Rendered:
    worker = _worker
    assert worker is not None, "worker process not started"
    renderer = _renderer(worker, token, job_file)
    assets = renderer.assets
    before = (assets.stats.downloaded, assets.stats.bytes)
    files: dict[str, Path] = {}
    records: dict[str, RenderRecord] = {}
    for page, key in batch:
        document, record = renderer.publisher.render_unrecorded(page, key)
        files[page.id] = renderer.staging.put(page.path, document.markdown)
        if record is not None:
            records[page.id] = record
    rendered = Rendered(
        files,
        records,
        list(worker.warnings),
        set(assets.used),
        list(assets.failures),
        assets.stats.downloaded - before[0],
        assets.stats.bytes - before[1],
    )
    worker.warnings.clear()
    assets.used.clear()
    assets.failures.clear()
    return rendered


def detached(page: Page) -> Page:
    """A copy of the page that pickles without the rest of the tree: no parent, and
    children only for a database, whose index page lists its entries."""
    entries = [replace(entry, parent=None, children=[]) for entry in page.children]
    return replace(page, parent=None, children=entries if page.kind == "database" else [])


class WorkerPool:
    """PageFetcher.load and page rendering in worker processes, which start only when
    the sync finds enough pages to fetch (`start`); called from the build's threads."""

    def __init__(
        self,
        spec: WorkerSpec,
        metrics: RequestMetrics,
        warn: Callable[[str], None],
        on_pause: Callable[[float], None] | None,
    ) -> None:
        self.spec = spec
        self._metrics = metrics
        self._warn = warn
        self._on_pause = on_pause
        self._pool: ProcessPoolExecutor | None = None
        self._job_files: list[Path] = []

    @property
    def started(self) -> bool:
        return self._pool is not None

    def start(self) -> None:
        if self._pool is not None:
            return
        log.debug(
            "notion-sync: %d worker processes fetch and render (rate_limit is beyond "
            "what one core can send)",
            self.spec.processes,
        )
        self.spec.pacer.share()
        # spawn, not fork: the build has threads (downloads, mkdocs serve), and a fork
        # copies their held locks but not the threads that would release them.
        self._pool = ProcessPoolExecutor(
            self.spec.processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start,
            initargs=(self.spec,),
        )
        for _ in range(self.spec.processes):
            self._pool.submit(_ready)  # each submit starts a process, now rather than later

    def _running(self) -> ProcessPoolExecutor:
        assert self._pool is not None, "WorkerPool.start() first"
        return self._pool

    def load(
        self, page_id: str, obj: dict[str, Any] | None, cached: PageOutline | None
    ) -> tuple[PageOutline, bool]:
        fetched = _outcome(self._running().submit(_load, page_id, obj, cached))
        self._metrics.merge(fetched.metrics)
        for message in fetched.warnings:
            self._warn(message)
        if self._on_pause is not None:
            for seconds in fetched.pauses:
                self._on_pause(seconds)
        if fetched.error is not None:
            raise fetched.error
        assert fetched.outline is not None
        return fetched.outline, fetched.from_cache

    def render(
        self,
        job: RenderJob,
        pages: list[tuple[Page, str | None]],
        render_here: Callable[[list[tuple[Page, str | None]]], None],
    ) -> Iterator[Rendered]:
        """Renders `pages` ((page, render key) pairs) in batches and yields the workers'
        answers. The workers take batches from the front; whenever none of their answers
        is waiting, this process renders a batch from the back itself (`render_here`),
        so everyone finishes at about the same time. The job goes through a file beside
        the cache: pickled once, read once per worker."""
        token = uuid.uuid4().hex
        job_file = self.spec.cache_dir / f"render-job-{token}.pickle"
        job_file.write_bytes(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))
        self._job_files.append(job_file)
        batches = deque(
            pages[start : start + RENDER_BATCH] for start in range(0, len(pages), RENDER_BATCH)
        )
        running: list[Future[Rendered]] = []

        def hand_out() -> None:
            batch = [(detached(page), key) for page, key in batches.popleft()]
            running.append(self._running().submit(_render, token, str(job_file), batch))

        for _ in range(min(2 * self.spec.processes, len(batches))):
            hand_out()
        while running or batches:
            done = next((future for future in running if future.done()), None)
            if done is None and not batches:
                done = running[0]
            if done is None:
                render_here(batches.pop())
                continue
            running.remove(done)
            yield _outcome(done)
            if batches:
                hand_out()
        self._remove_job_files()

    def _remove_job_files(self) -> None:
        while self._job_files:
            self._job_files.pop().unlink(missing_ok=True)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._remove_job_files()


def _outcome(future: Future[Any]) -> Any:
    try:
        return future.result()
    except BrokenProcessPool:
        raise WorkerFailed(
            "a worker process stopped unexpectedly (killed, or out of memory); set "
            "`processes: 0` to fetch in one process. Scripts that run MkDocs themselves "
            'need `if __name__ == "__main__":` for worker processes'
        ) from None
