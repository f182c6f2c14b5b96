"""Files Notion hosts (signed URLs that expire after an hour), kept as local copies.

Each file is stored once under cache_dir/assets, named by the SHA-256 of its bytes and
an inert extension (filetypes.py), so an unchanged file is never downloaded twice,
identical files are stored once, and no stored file can become a page or a document
that runs script. An index maps (owner block or page, file path without signature) to
that name; a signed URL itself is never stored as a key and never reaches the site.

Whether a URL is Notion's is decided by the object the API returned (`type: file`),
never by how the URL looks; `external` URLs are fetched only with `download_external`,
through the address guard (netguard.py, download.py).
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import os
import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from ..errors import NotionSyncError
from ..notion.objects import file_url
from ..settings import Settings
from ..sync.cache import Cache
from ..sync.walk import Refresh
from .download import Downloader, DownloadError, Expired, Fetched, shown
from .filetypes import FALLBACK, SVG, publishable, stored_extension
from .netguard import AddressPolicy
from .svg import SVG_LIMIT, sanitise

SITE_FOLDER = "assets/notion"
INDEX_FORMAT = 2
"""Part of every index key: stored names from before inert names (and sanitised SVG)
are not trusted as they are (see `_known`)."""


class AssetError(Exception):
    """A file that could not be downloaded; reported as a WARNING, the build goes on."""


def index_key(owner_id: str, url: str) -> str:
    """Stable across signatures: the owner and the path of the file, not the query."""
    parts = urlsplit(url)
    return hashlib.sha1(
        f"{INDEX_FORMAT}|{owner_id}|{parts.netloc}{parts.path}".encode()
    ).hexdigest()


def _legacy_key(owner_id: str, url: str) -> str:
    parts = urlsplit(url)
    return hashlib.sha1(f"{owner_id}|{parts.netloc}{parts.path}".encode()).hexdigest()


@dataclass
class AssetStats:
    downloaded: int = 0
    bytes: int = 0
    reused: int = 0
    failed: int = 0


@dataclass(frozen=True)
class Lookup:
    """The answer for one file: its stored name, or why there is none."""

    name: str | None
    problem: str | None = None
    """Why a wanted file has no local copy; None when it was not wanted at all."""
    shown: str = ""
    """The file's URL fit for a log line (no signature)."""
    first: bool = False
    """This is the first time this build that the problem is asked about: one WARNING
    per file per build, however many pages show it."""


class AssetStore:
    """Downloads in parallel as soon as a page's blocks are known (while the signed URLs
    are fresh); rendering later asks for the local name and waits only if needed."""

    def __init__(self, cache: Cache, settings: Settings, pool: ThreadPoolExecutor) -> None:
        """`pool` runs the downloads; it belongs to the session and outlives the build."""
        self.cache = cache
        self.download_external = settings.download_external
        self.offline = settings.offline
        self.stats = AssetStats()
        self.downloader = Downloader(
            AddressPolicy.from_entries(settings.download_allowed_hosts),
            timeout=settings.timeout,
            max_bytes=settings.max_asset_bytes,
        )
        self._pool = pool
        self._jobs: dict[str, Future[str]] = {}
        self._reported: set[str] = set()
        self._lock = threading.Lock()
        self.used: set[str] = set()
        """Names of stored files the current build links to; the plugin publishes these."""

    def close(self) -> None:
        """Downloads not started are dropped, those running are waited for: the pool
        outlives this build."""
        with self._lock:
            jobs = list(self._jobs.values())
        for job in jobs:
            job.cancel()
        concurrent.futures.wait(jobs)
        self.downloader.close()

    def wants(self, file: dict[str, Any]) -> bool:
        return file.get("type") == "file" or (
            self.download_external and file.get("type") == "external"
        )

    def submit(self, owner_id: str, file: dict[str, Any], refresh: Refresh | None = None) -> None:
        """Start fetching a file if it is not stored yet."""
        url = file_url(file)
        if url is None or not self.wants(file):
            return
        key = index_key(owner_id, url)
        with self._lock:
            if key in self._jobs:
                return
            self._jobs[key] = self._pool.submit(self._ensure, key, owner_id, file, refresh)

    def lookup(self, owner_id: str, file: dict[str, Any]) -> Lookup:
        """The stored file's name (`<sha256>.png`) for a file object, or why not."""
        url = file_url(file)
        if url is None or not self.wants(file):
            return Lookup(None)
        self.submit(owner_id, file)
        key = index_key(owner_id, url)
        try:
            name = self._jobs[key].result()
        except AssetError as error:
            with self._lock:
                first = key not in self._reported
                self._reported.add(key)
                if first:
                    self.stats.failed += 1
            return Lookup(None, str(error), shown(url), first)
        with self._lock:
            self.used.add(name)
        return Lookup(name)

    def published(self) -> dict[str, Path]:
        """Site path (`assets/notion/<name>`) -> stored file, for every file the build
        links to; a name that is not inert is never published, whatever put it there."""
        return {
            f"{SITE_FOLDER}/{name}": self.path_of(name)
            for name in sorted(self.used)
            if publishable(name)
        }

    def path_of(self, name: str) -> Path:
        return self.cache.assets_dir / name

    def _known(self, key: str, owner_id: str, url: str) -> str | None:
        """The stored name of a file downloaded before, if it is still there and may be
        published. Copies stored before names were made inert are adopted when their
        name is inert and they are not SVG (which is sanitised now)."""
        known = self.cache.assets.get(key)
        if isinstance(known, str) and publishable(known) and self.path_of(known).is_file():
            return known
        legacy = self.cache.assets.get(_legacy_key(owner_id, url))
        if (
            isinstance(legacy, str)
            and publishable(legacy)
            and not legacy.endswith(SVG)
            and self.path_of(legacy).is_file()
        ):
            self.cache.assets.put(key, legacy)
            return legacy
        return None

    def _ensure(
        self, key: str, owner_id: str, file: dict[str, Any], refresh: Refresh | None
    ) -> str:
        url = file_url(file) or ""
        known = self._known(key, owner_id, url)
        if known is not None:
            with self._lock:
                self.stats.reused += 1
            return known
        if self.offline:
            raise AssetError("it is not in the cache and the build is offline")
        try:
            try:
                name = self._store(url, trusted=file.get("type") == "file")
            except Expired:
                fresh = self._refreshed(owner_id, refresh)
                try:
                    name = self._store(file_url(fresh) or "", trusted=fresh.get("type") == "file")
                except Expired as error:
                    raise AssetError(f"{error}, also with a fresh URL") from None
        except DownloadError as error:
            raise AssetError(str(error)) from None
        self.cache.assets.put(key, name)
        return name

    def _refreshed(self, owner_id: str, refresh: Refresh | None) -> dict[str, Any]:
        """The owner's file object as Notion gives it now (a new signed URL). Its type
        decides again: a file that became `external` follows `download_external`."""
        expired = "the signed URL expired"
        if refresh is None:
            raise AssetError(f"{expired} and could not be refreshed")
        try:
            fresh = refresh(owner_id)
        except NotionSyncError as error:
            raise AssetError(f"{expired} and could not be refreshed: {error}") from None
        if not fresh or not file_url(fresh):
            raise AssetError(f"{expired} and could not be refreshed")
        if not self.wants(fresh):
            raise AssetError(
                f"{expired}, and the fresh copy is an external URL, which is downloaded "
                "only with download_external: true"
            )
        return fresh

    def _store(self, url: str, *, trusted: bool) -> str:
        """Downloads into a temporary file beside the store, then gives it its name
        (write-then-rename: a killed build never leaves half a file under a good name)."""
        folder = self.cache.assets_dir
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".part-")
        except OSError as error:
            raise AssetError(f"it could not be stored: {error.strerror}") from None
        part = Path(tmp)
        try:
            with os.fdopen(fd, "w+b") as handle:
                fetched = self.downloader.fetch(url, handle, trusted=trusted)
                ext = stored_extension(url, fetched.content_type)
                digest, size = fetched.sha256, fetched.size
                if ext == SVG:
                    digest, size, ext = _sanitised(handle, fetched)
            name = digest[:32] + ext
            target = self.path_of(name)
            if target.is_file():
                part.unlink()
            else:
                os.replace(part, target)
        except OSError as error:
            raise AssetError(f"it could not be stored: {error.strerror}") from None
        finally:
            part.unlink(missing_ok=True)
        with self._lock:
            self.stats.downloaded += 1
            self.stats.bytes += size
        return name


def _sanitised(handle: IO[bytes], fetched: Fetched) -> tuple[str, int, str]:
    """(sha256, size, extension) of what is stored for a downloaded SVG: the rebuilt
    SVG, or the bytes as they came under the inert fallback name when it is not one."""
    handle.seek(0)
    clean = sanitise(handle.read(SVG_LIMIT + 1)) if fetched.size <= SVG_LIMIT else None
    if clean is None:
        return fetched.sha256, fetched.size, FALLBACK
    handle.seek(0)
    handle.truncate()
    handle.write(clean)
    return hashlib.sha256(clean).hexdigest(), len(clean), SVG
