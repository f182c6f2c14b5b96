"""The socket under the paced transport: one keep-alive connection per thread.

A sync sends thousands of small GETs, and on a fast network the client's own CPU is the
limit: httpcore's pool spends more per request than the request itself. http.client on
a thread-local connection does the same job with a fraction of the work. Behind a proxy
(HTTPS_PROXY and friends) the plugin uses httpx's own transport instead, which speaks
to proxies.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import urllib.request
from typing import Any

import httpx

_STALE = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError)


def proxy_for(url: str) -> str | None:
    """The proxy the environment asks for to reach `url`, honouring NO_PROXY."""
    parts = httpx.URL(url)
    host = parts.host
    if urllib.request.proxy_bypass(host):
        return None
    proxies = urllib.request.getproxies()
    return proxies.get(parts.scheme) or proxies.get("all")


def inner_transport(api_url: str) -> httpx.BaseTransport:
    """Keep-alive connections per thread, or httpx's transport through a proxy."""
    proxy = proxy_for(api_url)
    if proxy:
        return httpx.HTTPTransport(proxy=proxy, retries=0)
    return KeepAliveTransport()


class KeepAliveTransport(httpx.BaseTransport):
    """Sends a request on this thread's connection to its host and reads the whole
    answer; network failures surface as the httpx exceptions the retry layer knows."""

    def __init__(self) -> None:
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open: list[http.client.HTTPConnection] = []
        self._tls: ssl.SSLContext | None = None

    def _context(self) -> ssl.SSLContext:
        if self._tls is None:
            import certifi

            self._tls = ssl.create_default_context(cafile=certifi.where())
        return self._tls

    def _connection(self, url: httpx.URL, timeout: float | None) -> http.client.HTTPConnection:
        connections: dict[tuple[str, str, int | None], http.client.HTTPConnection]
        connections = self._local.__dict__.setdefault("connections", {})
        key = (url.scheme, url.host, url.port)
        connection = connections.get(key)
        if connection is None:
            if url.scheme == "https":
                connection = http.client.HTTPSConnection(
                    url.host, url.port or 443, timeout=timeout, context=self._context()
                )
            else:
                connection = http.client.HTTPConnection(url.host, url.port or 80, timeout=timeout)
            connections[key] = connection
            with self._lock:
                self._open.append(connection)
        connection.timeout = timeout
        if connection.sock is not None:
            connection.sock.settimeout(timeout)
        return connection

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        timeouts: dict[str, Any] = request.extensions.get("timeout") or {}
        timeout = timeouts.get("read")
        body = request.read() or None
        target = request.url.raw_path.decode("ascii")
        headers = dict(request.headers)
        for attempt in (0, 1):
            connection = self._connection(request.url, timeout)
            reused = connection.sock is not None
            try:
                connection.request(request.method, target, body=body, headers=headers)
                answer = connection.getresponse()
                content = answer.read()
            except _STALE as error:
                connection.close()
                if reused and attempt == 0:
                    continue  # the server closed an idle keep-alive connection; once more
                raise httpx.RemoteProtocolError(str(error), request=request) from None
            except TimeoutError as error:
                connection.close()
                raise httpx.ReadTimeout(str(error) or "timed out", request=request) from None
            except http.client.HTTPException as error:
                connection.close()
                raise httpx.RemoteProtocolError(repr(error), request=request) from None
            except (ConnectionError, socket.gaierror, OSError) as error:
                connection.close()
                raise httpx.ConnectError(str(error), request=request) from None
            return httpx.Response(
                status_code=answer.status,
                headers=answer.getheaders(),
                content=content,
                request=request,
                extensions={"http_version": b"HTTP/1.1"},
            )
        raise AssertionError("unreachable")

    def close(self) -> None:
        with self._lock:
            connections, self._open = self._open, []
        for connection in connections:
            connection.close()


class DirectClient(httpx.Client):
    """The httpx.Client under notion-client, cut down to what the Notion API uses.

    For every request httpx parses the URL three times (merging base_url, then the
    query) and runs cookie, auth and redirect machinery that the API never needs; on a
    fast API that costs more CPU than the request itself. Here a JSON request is built
    from strings and handed straight to the transport, which paces, retries and
    counts. Anything else (uploads, absolute URLs) takes httpx's own path."""

    def __init__(self, transport: httpx.BaseTransport) -> None:
        super().__init__(transport=transport, trust_env=False)
        self._direct = transport

    def build_request(  # type: ignore[override]
        self,
        method: str,
        url: httpx.URL | str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        headers: httpx.Headers | dict[str, str] | None = None,
        **rest: Any,
    ) -> httpx.Request:
        if rest or not isinstance(url, str) or "://" in url or "?" in url:
            return super().build_request(
                method, url, json=json, params=params, headers=headers, **rest
            )
        target = f"{self.base_url}{url.lstrip('/')}"
        if params:
            target = f"{target}?{httpx.QueryParams(params)}"
        merged = httpx.Headers(self.headers)
        if headers:
            merged.update(headers)
        return httpx.Request(
            method,
            target,
            json=json,
            headers=merged,
            extensions={"timeout": self.timeout.as_dict()},
        )

    def send(self, request: httpx.Request, **_: Any) -> httpx.Response:
        response = self._direct.handle_request(request)
        response.request = request
        response.read()
        return response
