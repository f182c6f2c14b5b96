"""`mkdocs-notion-sync sync` and `watch`: the site's Notion pages written into docs_dir,
for generators that read mkdocs.yml but run no MkDocs plugin (Zensical).

The same Session and pipeline as a build (the same cache, requests, rendering and
warnings), then the files go into the folder through site/folder.py, which keeps the
sync's own files apart from hand-written ones. Beside the pages it writes what a
generator needs to show them as the plugin would: `.nav.yml` files (Notion's order and
titles, read by Zensical and mkdocs-awesome-nav) and `.notion-sync/embeds.json` (embeds
and links for hand-written pages, read by markdown_extension.py).

`watch` is `mkdocs serve`'s poller without MkDocs: one search request per interval, a
sync when something changed, a WARNING (and a longer wait) when a check fails.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError, NotionSyncError
from .log import Warnings, log
from .markdown_extension import EMBEDS, embed_key, embeds_document
from .pipeline import Outcome, Session
from .places import cache_dir_problem
from .settings import Settings
from .site.databases import csv_path
from .site.embeds import (
    NOTION_AUTOLINK,
    NOTION_LINK,
    EmbedRequest,
    requests_in,
    rewrite_notion_links,
)
from .site.folder import Changes, SyncFolder, Wanted
from .site.manifest import META_DIR
from .site.nav import awesome_nav_files
from .watch import MAX_BACKOFF

EXTENSION = "mkdocs_notion_sync.markdown_extension"


@dataclass(frozen=True)
class SiteConfig:
    """mkdocs.yml as read, and its folder: what the generator reading it will see."""

    data: Mapping[str, Any]
    folder: Path


@dataclass(frozen=True)
class FolderSync:
    """One sync into the folder."""

    changes: Changes
    synced_ids: frozenset[str]
    """What the watch polls for edits."""
    embeds: frozenset[EmbedRequest]
    """The embeds of the hand-written pages at the time (a new one means a sync)."""


@dataclass(frozen=True)
class HandWritten:
    """The hand-written pages that mention Notion (embeds or links), with their text."""

    pages: dict[str, str]

    @classmethod
    def scan(cls, folder: SyncFolder) -> HandWritten:
        pages = {}
        for rel in folder.hand_written_pages(folder.owned()):
            try:
                text = (folder.root / rel).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue  # not a page to fill in, then
            if "notion" in text:
                pages[rel] = text
        return cls(pages)

    def embeds(self) -> frozenset[EmbedRequest]:
        found = set()
        for rel, text in self.pages.items():
            if "notion:" in text:
                found.update(requests_in(text, rel))
        return frozenset(found)

    def linking(self) -> list[str]:
        return [
            rel
            for rel, text in self.pages.items()
            if NOTION_LINK.search(text) or NOTION_AUTOLINK.search(text)
        ]


def sync_into(session: Session, root: Path, site: SiteConfig | None = None) -> FolderSync:
    """Sync, then make the folder hold exactly this sync's files. `site` is mkdocs.yml
    as read, to say what a generator reading it would miss."""
    folder = SyncFolder(root)
    hand = HandWritten.scan(folder)
    requests = sorted(hand.embeds(), key=embed_key)
    outcome = session.build(requests, hold=True)
    try:
        changes = folder.publish(_wanted(outcome))
        folder.write_meta(EMBEDS, embeds_document(outcome.links.paths, outcome.embeds))
    finally:
        session.release()
    warnings = Warnings()
    for rel in changes.left:
        warnings(
            f"{root.name}/{rel} was changed since notion-sync wrote it, so it stays although "
            "its Notion page is gone; delete it if it is not wanted"
        )
    for rel, text in hand.pages.items():
        rewrite_notion_links(text, rel, outcome.links, warnings)  # says which page
    if site is not None:
        _check_site(site, root, outcome, hand, warnings)
    log.info(session.report.summary())
    log.info(
        "%s: %d files written, %d removed, %d unchanged",
        root.name,
        len(changes.written),
        len(changes.removed),
        changes.unchanged,
    )
    return FolderSync(changes, outcome.synced_ids, frozenset(requests))


def _wanted(outcome: Outcome) -> dict[str, Wanted]:
    """Every file of the sync: pages, database CSVs, downloaded files, nav files."""
    pages = {page.id: page for page in outcome.tree.pages()}
    by_csv = {csv_path(p): p for p in pages.values() if p.kind == "database"}
    wanted: dict[str, Wanted] = {}
    for document in outcome.documents:
        page = pages.get(document.page_id)
        what = f"the Notion page {page.title if page else ''!r} ({document.page_id})"
        wanted[document.path] = Wanted(what, source=document.file)
    for path, staged in outcome.extra_files.items():
        database = by_csv.get(path)
        what = f"the CSV of the Notion database {database.title if database else ''!r}"
        wanted[path] = Wanted(what, source=staged)
    for path, stored in outcome.assets.items():
        what = f"a file downloaded from Notion ({path})"
        wanted[path] = Wanted(what, source=stored, named_by_content=True)
    for path, text in awesome_nav_files(outcome.nav).items():
        wanted[path] = Wanted(f"the Notion nav of {path.rsplit('/', 1)[0]}/", data=text.encode())
    return wanted


def _names(entries: Any) -> set[str]:
    """The names of a list (or mapping) of `name` / `{name: options}` entries."""
    if isinstance(entries, dict):
        return {str(name) for name in entries}
    if isinstance(entries, list):
        return {
            str(name)
            for entry in entries
            for name in (entry if isinstance(entry, dict) else [entry])
            if name is not None
        }
    return set()


def _check_site(
    config: SiteConfig, root: Path, outcome: Outcome, hand: HandWritten, warn: Warnings
) -> None:
    """What a generator reading this mkdocs.yml would miss, each said once."""
    site = config.data
    if outcome.nav and "nav" not in site and "awesome-nav" not in _names(site.get("plugins")):
        warn(
            "mkdocs.yml does not list awesome-nav under plugins, so Zensical ignores the "
            ".nav.yml files and lists the Notion pages alphabetically: add `- awesome-nav` "
            "to plugins (MkDocs then needs the mkdocs-awesome-nav package)"
        )
    using = sorted({r.host_path for r in outcome.embeds} | set(hand.linking()))
    if not using:
        return
    if EXTENSION not in _names(site.get("markdown_extensions")):
        warn(
            f"{using[0]} embeds or links Notion pages, but mkdocs.yml does not list "
            f"{EXTENSION} under markdown_extensions: without it Zensical shows no embed "
            "and keeps notion.so links"
        )
        return
    embeds = (root / META_DIR / EMBEDS).resolve()
    watched = [
        (config.folder / entry).resolve()
        for entry in (site.get("watch") or [])
        if isinstance(entry, str)
    ]
    if not any(path == embeds or path in embeds.parents for path in watched):
        shown = os.path.relpath(embeds, config.folder.resolve())
        warn(
            f"{using[0]} embeds or links Notion pages: add `{Path(shown).as_posix()}` to "
            "`watch:` in mkdocs.yml, or Zensical's cache keeps showing old embeds and links"
        )


def folder_for(settings: Settings, site_dir: Path | None, out: Path | None) -> Path:
    """The folder to sync into, made if need be: docs_dir unless `--out` says otherwise;
    never the cache or the site (every build empties site_dir), nor around them."""
    root = (out or settings.docs_dir or Path("docs")).resolve()
    if root.exists() and not root.is_dir():
        raise ConfigError(f"--out {root} is a file, not a folder")
    problem = cache_dir_problem(settings.cache_dir, "the sync folder", root)
    if problem:
        raise ConfigError(f"cannot sync into {root}: {problem}")
    site = site_dir.resolve() if site_dir else None
    if site is not None and (root == site or site in root.parents or root in site.parents):
        raise ConfigError(
            f"cannot sync into {root}: it must be apart from site_dir {site}, which every "
            "build empties"
        )
    root.mkdir(parents=True, exist_ok=True)
    return root


def require_polling(settings: Settings) -> None:
    """`watch` needs Notion and a poll interval."""
    if settings.offline:
        raise ConfigError("watch follows Notion, but offline is true; use `sync` instead")
    if not settings.poll_interval:
        raise ConfigError(
            "poll_interval is 0 (polling off): set it to the seconds between checks to "
            "watch, e.g. NOTION_SYNC_POLL_INTERVAL=10"
        )


class WarningCount(logging.Handler):
    """The plugin's WARNINGs of one sync, counted (for `sync --strict`)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


@contextmanager
def counting_warnings() -> Iterator[WarningCount]:
    counter = WarningCount()
    log.logger.addHandler(counter)
    try:
        yield counter
    finally:
        log.logger.removeHandler(counter)


def watch_into(
    session: Session,
    root: Path,
    site: SiteConfig | None,
    interval: float,
    stop: threading.Event | None = None,
) -> None:
    """Sync, then every `interval` seconds ask Notion (one search request) whether a
    synced page changed, and sync again when one did or a hand-written page gained an
    embed. A failed check or sync is one WARNING; the next try waits twice as long (up
    to five minutes), and a failed sync is retried until it succeeds. Ends when `stop`
    is set, or on Ctrl-C (KeyboardInterrupt, for the caller)."""
    stop = stop or threading.Event()
    last = sync_into(session, root, site)
    log.info("watching Notion for changes every %gs; Ctrl-C stops", interval)
    delay, retry = interval, False
    while not stop.wait(delay):
        doing = "sync" if retry else "change check"
        try:
            embeds = HandWritten.scan(SyncFolder(root)).embeds()
            if not retry and embeds == last.embeds and not session.poll(last.synced_ids):
                delay = interval
                continue
            doing = "sync"
            log.info("Notion changed, syncing" if not retry else "syncing again")
            last = sync_into(session, root, site)
            delay, retry = interval, False
        except (NotionSyncError, OSError) as error:
            retry = retry or doing == "sync"
            delay = min(delay * 2, MAX_BACKOFF)
            log.warning("%s failed (%s); next try in %.0fs", doing, error, delay)
