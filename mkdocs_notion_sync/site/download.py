"""One file fetched over HTTP into a file on disk: guarded, bounded, streamed.

- Guarded: every hop (the URL and each redirect, at most `REDIRECT_LIMIT`) must be
  http(s), and unless it is trusted it may only reach addresses `AddressPolicy` allows.
  The check happens where the socket is opened (`_PinnedBackend.connect_tcp`): the name
  is resolved once, judged, and the connection goes to an address that was judged, so
  DNS cannot answer differently between the check and the connection. Through a proxy
  (HTTPS_PROXY and friends) the proxy connects, so the target is resolved and judged
  just before the request instead.
- Trusted: the origin (scheme, host, port) of a Notion-hosted file's URL, as the API
  returned it in a `file` object. A redirect from there to another origin is judged
  like any external URL.
- Bounded: `timeout` bounds each connect, read and write, and the whole download must
  finish within `DEADLINE_TIMEOUTS` times `timeout`; every socket operation waits at
  most for what is left of that, so a server that trickles bytes (even headers) is cut
  off. The size is capped as the bytes arrive.
- Streamed: bytes go to the open file as they arrive, hashed on the way, so memory does
  not grow with the file.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import urlsplit

import httpcore
import httpx

from ..notion.deadline import Deadline, DeadlineBackend
from ..notion.transport import proxy_for
from .netguard import AddressPolicy, Refused

REDIRECT_LIMIT = 5
DEADLINE_TIMEOUTS = 10
"""A download may take this many `timeout`s in all (5 minutes with the default 30 s)."""
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class DownloadError(Exception):
    """A download that failed or was refused; the message is one line for the log."""


class Expired(DownloadError):
    """Notion's storage (S3) answers 400 or 403 once a signed URL has expired."""


@dataclass(frozen=True)
class Fetched:
    """What arrived: its size, SHA-256 and declared content type."""

    size: int
    sha256: str
    content_type: str | None


def shown(url: str) -> str:
    """A URL fit for a log line: the query of a signed URL is a credential, so it is cut
    off, and so are any user and password before the host."""
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return f"{parts.scheme}://{host}{parts.path}" if host else f"{parts.scheme}:…"


class _PinnedBackend(DeadlineBackend):
    """Opens sockets only to addresses the policy allowed (None: trusted, any address),
    each held to the download's deadline."""

    def __init__(self, policy: AddressPolicy | None, deadline: Deadline) -> None:
        super().__init__(deadline)
        self.policy = policy

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = self.policy.resolve(host, port) if self.policy else [host]
        failure: Exception | None = None
        for address in addresses:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error
        assert failure is not None
        raise failure


class _Transport(httpx.HTTPTransport):
    """httpx's transport on a connection pool (or proxy) that uses `_PinnedBackend`."""

    def __init__(self, backend: _PinnedBackend, proxy: str | None) -> None:
        super().__init__(retries=0, trust_env=False)
        tls = httpx.create_ssl_context()
        if proxy is None:
            self._pool = httpcore.ConnectionPool(ssl_context=tls, network_backend=backend)
            return
        via = httpx.Proxy(proxy)
        if via.url.scheme not in ("http", "https"):
            raise DownloadError(f"downloads cannot go through a {via.url.scheme} proxy")
        self._pool = httpcore.HTTPProxy(
            proxy_url=httpcore.URL(
                scheme=via.url.raw_scheme,
                host=via.url.raw_host,
                port=via.url.port,
                target=via.url.raw_path,
            ),
            proxy_auth=via.raw_auth,
            proxy_headers=via.headers.raw,
            ssl_context=tls,
            network_backend=backend,
        )


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return (url.scheme, url.host, url.port)


class Downloader:
    """Fetches URLs for the asset store; one per build, safe to share between threads."""

    def __init__(self, policy: AddressPolicy, *, timeout: float, max_bytes: int) -> None:
        self.policy = policy
        self.timeout = timeout
        self.max_bytes = max_bytes
        self._deadline = Deadline("the download's deadline passed")
        self._clients: dict[tuple[bool, str | None], httpx.Client] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.close()

    def _client(self, guarded: bool, proxy: str | None) -> httpx.Client:
        """Made when first needed: building a TLS context takes a tenth of a second,
        which a build that downloads nothing should not pay."""
        with self._lock:
            client = self._clients.get((guarded, proxy))
            if client is None:
                # Through a proxy the proxy's own address is the operator's choice, and
                # the target is judged before each request instead (`_open`).
                judged = self.policy if guarded and proxy is None else None
                backend = _PinnedBackend(judged, self._deadline)
                client = httpx.Client(
                    transport=_Transport(backend, proxy),
                    timeout=self.timeout,
                    follow_redirects=False,
                    trust_env=False,
                )
                self._clients[(guarded, proxy)] = client
            return client

    def fetch(self, url: str, sink: IO[bytes], *, trusted: bool) -> Fetched:
        """Writes the file at `url` to `sink`. `trusted`: the URL is a Notion-hosted
        file's (its origin needs no address check). DownloadError (Expired for a 400
        or 403 from a trusted URL) otherwise."""
        self._deadline.at = time.monotonic() + self.timeout * DEADLINE_TIMEOUTS
        try:
            return self._follow(url, sink, trusted)
        except Refused as error:
            raise DownloadError(str(error)) from None
        except (httpx.TimeoutException, httpcore.TimeoutException):
            raise DownloadError(
                f"no answer within the {self.timeout:g}s timeout, or not complete within "
                f"{self.timeout * DEADLINE_TIMEOUTS:g}s"
            ) from None
        except (httpx.HTTPError, httpcore.NetworkError, OSError) as error:
            raise DownloadError(f"the download failed ({type(error).__name__})") from None
        finally:
            self._deadline.at = math.inf

    def _follow(self, url: str, sink: IO[bytes], trusted: bool) -> Fetched:
        current = _parse(url)
        trusted_origin = _origin(current) if trusted else None
        for hop in range(REDIRECT_LIMIT + 1):
            guarded = _origin(current) != trusted_origin
            try:
                response = self._open(current, guarded)
            except Refused as error:
                if hop == 0:
                    raise
                raise Refused(f"it redirects to {shown(str(current))}: {error}") from None
            try:
                location = response.headers.get("location")
                if response.status_code in _REDIRECTS and location:
                    if hop == REDIRECT_LIMIT:
                        raise Refused(f"it redirects more than {REDIRECT_LIMIT} times")
                    try:
                        current = _parse(str(current.join(location)))
                    except Refused as error:
                        raise Refused(f"it redirects: {error}") from None
                    continue
                if response.status_code in (400, 403) and not guarded:
                    raise Expired(f"answered HTTP {response.status_code}")
                if response.status_code != 200:
                    raise DownloadError(f"answered HTTP {response.status_code}")
                return self._save(response, sink)
            finally:
                response.close()
        raise AssertionError("unreachable")

    def _open(self, url: httpx.URL, guarded: bool) -> httpx.Response:
        """Sends the GET of one hop; the caller reads and closes the response."""
        proxy = proxy_for(str(url))
        if guarded and proxy is not None:
            self.policy.resolve(url.host, url.port or (443 if url.scheme == "https" else 80))
        client = self._client(guarded, proxy)
        return client.send(client.build_request("GET", url), stream=True)

    def _save(self, response: httpx.Response, sink: IO[bytes]) -> Fetched:
        too_big = DownloadError(f"larger than the {self.max_bytes} byte limit (max_asset_size)")
        declared = response.headers.get("content-length") or ""
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise too_big
        digest = hashlib.sha256()
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise too_big
            digest.update(chunk)
            sink.write(chunk)
        return Fetched(size, digest.hexdigest(), response.headers.get("content-type"))


def _parse(url: str) -> httpx.URL:
    """The URL of a hop, refused unless it is http(s) with a host."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        raise Refused("it is not a valid URL") from None
    if parsed.scheme not in ("http", "https"):
        raise Refused(f"{parsed.scheme or 'a relative'} URLs are not downloaded, only http(s)")
    if not parsed.host:
        raise Refused("the URL has no host")
    return parsed
