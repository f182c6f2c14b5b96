"""Files Notion hosts (signed URLs that expire after an hour), kept as local copies.

Each file is stored once under cache_dir/assets, named by the SHA-256 of its bytes, so
an unchanged file is never downloaded twice and identical files are stored once. An
index maps (owner block or page, file path without signature) to that name; a signed URL
itself is never stored as a key and never reaches the site.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import mimetypes
import os
import posixpath
import re
import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx

from ..notion.objects import file_url
from ..settings import Settings
from ..sync.cache import Cache
from ..sync.walk import Refresh

SITE_FOLDER = "assets/notion"
_SAFE_EXT = re.compile(r"^\.[a-z0-9]{1,8}$")


class AssetError(Exception):
    """A file that could not be downloaded; reported as a WARNING, the build goes on."""


def safe_extension(url: str, content_type: str | None = None) -> str:
    """An extension taken from the URL's file name, checked so a hostile name
    (`../../x`, NUL bytes, `.php%00.png`) cannot shape the stored path."""
    name = posixpath.basename(unquote(urlsplit(url).path))
    ext = posixpath.splitext(name)[1].lower()
    if _SAFE_EXT.match(ext):
        return ext
    guessed = mimetypes.guess_extension((content_type or "").split(";")[0].strip()) or ""
    return guessed if _SAFE_EXT.match(guessed) else ".bin"


def index_key(owner_id: str, url: str) -> str:
    """Stable across signatures: the owner and the path of the file, not the query."""
    parts = urlsplit(url)
    return hashlib.sha1(f"{owner_id}|{parts.netloc}{parts.path}".encode()).hexdigest()


@dataclass
class AssetStats:
    downloaded: int = 0
    bytes: int = 0
    reused: int = 0
    failed: int = 0


class AssetStore:
    """Downloads in parallel as soon as a page's blocks are known (while the signed URLs
    are fresh); rendering later asks for the local name and waits only if needed."""

    def __init__(self, cache: Cache, settings: Settings, pool: ThreadPoolExecutor) -> None:
        """`pool` runs the downloads; it belongs to the session and outlives the build."""
        self.cache = cache
        self.max_bytes = settings.max_asset_bytes
        self.download_external = settings.download_external
        self.offline = settings.offline
        self.timeout = settings.timeout
        self.stats = AssetStats()
        self._http: httpx.Client | None = None
        """Made at the first download: building its TLS context takes a tenth of a
        second, which a build that downloads nothing should not pay."""
        self._pool = pool
        self._jobs: dict[str, Future[str | None]] = {}
        self._lock = threading.Lock()
        self.used: set[str] = set()
        """Names of stored files the current build links to; the plugin publishes these."""
        self.failures: list[str] = []

    def close(self) -> None:
        """Downloads not started are dropped, those running are waited for: the pool
        outlives this build."""
        with self._lock:
            jobs = list(self._jobs.values())
        for job in jobs:
            job.cancel()
        concurrent.futures.wait(jobs)
        if self._http is not None:
            self._http.close()

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
            self._jobs[key] = self._pool.submit(self._ensure, key, owner_id, url, refresh)

    def local_name(
        self, owner_id: str, file: dict[str, Any], refresh: Refresh | None = None
    ) -> str | None:
        """The stored file's name (`<sha256>.png`) for a file object, or None."""
        url = file_url(file)
        if url is None or not self.wants(file):
            return None
        self.submit(owner_id, file, refresh)
        key = index_key(owner_id, url)
        try:
            name = self._jobs[key].result()
        except AssetError as error:
            with self._lock:
                self.failures.append(str(error))
            return None
        if name:
            with self._lock:
                self.used.add(name)
        return name

    def path_of(self, name: str) -> Path:
        return self.cache.assets_dir / name

    def _ensure(self, key: str, owner_id: str, url: str, refresh: Refresh | None) -> str | None:
        known = self.cache.assets.get(key)
        if isinstance(known, str) and self.path_of(known).is_file():
            with self._lock:
                self.stats.reused += 1
            return known
        if self.offline:
            raise AssetError(f"file of {owner_id} is not in the cache and the build is offline")
        try:
            data, content_type = self._download(url)
        except _Expired:
            fresh = refresh(owner_id) if refresh else None
            fresh_url = file_url(fresh) if fresh else None
            if not fresh_url:
                raise AssetError(
                    f"file of {owner_id} has an expired URL and could not be refreshed"
                ) from None
            data, content_type = self._download(fresh_url)
        name = hashlib.sha256(data).hexdigest()[:32] + safe_extension(url, content_type)
        self._write(name, data)
        self.cache.assets.put(key, name)
        with self._lock:
            self.stats.downloaded += 1
            self.stats.bytes += len(data)
        return name

    def _client(self) -> httpx.Client:
        with self._lock:
            if self._http is None:
                self._http = httpx.Client(timeout=self.timeout, follow_redirects=True)
            return self._http

    def _download(self, url: str) -> tuple[bytes, str | None]:
        try:
            with self._client().stream("GET", url) as response:
                if response.status_code in (400, 403):
                    raise _Expired()
                if response.status_code != 200:
                    raise AssetError(f"{_shown(url)} answered HTTP {response.status_code}")
                declared = int(response.headers.get("content-length") or 0)
                if declared > self.max_bytes:
                    raise AssetError(
                        f"{_shown(url)} is larger than the {self.max_bytes} byte limit"
                    )
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise AssetError(
                            f"{_shown(url)} is larger than the {self.max_bytes} byte limit"
                        )
                    chunks.append(chunk)
                return b"".join(chunks), response.headers.get("content-type")
        except httpx.HTTPError as error:
            raise AssetError(
                f"{_shown(url)} could not be downloaded ({type(error).__name__})"
            ) from None

    def _write(self, name: str, data: bytes) -> None:
        """Write-then-rename, so a killed build never leaves half a file under a good name."""
        target = self.path_of(name)
        if target.is_file():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


class _Expired(Exception):
    """S3 answers 403 once a signed URL has expired."""


def _shown(url: str) -> str:
    """A URL fit for a log line: the signature is a credential, so it is cut off."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"
