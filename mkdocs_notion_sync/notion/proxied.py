"""Behind a proxy (HTTPS_PROXY and friends): httpcore's proxy pool, on sockets held to
each request's whole-request deadline.

http.client, under the keep-alive transport, does not speak to proxies; httpcore does
(CONNECT tunnels, absolute-form requests, proxy credentials). Its timeouts bound each
socket operation, so a network backend caps every one of them by what is left of the
current request's deadline. The pool runs a request on the caller's thread, so that
deadline is kept per thread.
"""

from __future__ import annotations

import math
import ssl
import threading
from typing import Any

import httpcore
import httpx

from ..errors import ConfigError
from .limits import DeadlinePassed, deadline_of, read_capped, time_left

_HTTPCORE_ERRORS = (
    httpcore.TimeoutException,
    httpcore.NetworkError,
    httpcore.ProtocolError,
    httpcore.ProxyError,
    httpcore.UnsupportedProtocol,
)
_current = threading.local()


def _capped(timeout: float | None) -> float | None:
    """`timeout`, or less when the current request's deadline is nearer."""
    try:
        left = time_left(getattr(_current, "deadline", math.inf))
    except DeadlinePassed:
        raise httpcore.ReadTimeout("the whole-request timeout passed") from None
    if math.isinf(left):
        return timeout
    return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _capped(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _capped(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, _capped(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(
            host, port, _capped(timeout), local_address, socket_options
        )
        return _Stream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.NetworkStream:
        return _Stream(self._inner.connect_unix_socket(path, _capped(timeout), socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class ProxyTransport(httpx.BaseTransport):
    """Requests through an http(s) proxy, each answered in full by its deadline and
    within the size cap."""

    def __init__(self, proxy: str, tls: ssl.SSLContext) -> None:
        url = httpx.URL(proxy)
        if url.scheme not in ("http", "https"):
            raise ConfigError(
                f"the proxy set in the environment is a {url.scheme or 'schemeless'} proxy; "
                "notion-sync reaches Notion through http or https proxies only (or set "
                "NO_PROXY to bypass it)"
            )
        self._pool = httpcore.HTTPProxy(
            proxy_url=str(url.copy_with(username=None, password=None)),
            proxy_auth=(url.username, url.password) if url.username else None,
            ssl_context=tls,
            max_connections=100,
            max_keepalive_connections=20,
            network_backend=_Backend(),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        _current.deadline = deadline_of(request)
        try:
            answer = self._pool.handle_request(
                httpcore.Request(
                    method=request.method,
                    url=httpcore.URL(
                        scheme=request.url.raw_scheme,
                        host=request.url.raw_host,
                        port=request.url.port,
                        target=request.url.raw_path,
                    ),
                    headers=request.headers.raw,
                    content=request.read(),
                    extensions=request.extensions,
                )
            )
            try:
                content = read_capped(answer.iter_stream(), request)
            finally:
                answer.close()
        except _HTTPCORE_ERRORS as error:
            raise _as_httpx(error, request) from None
        finally:
            _current.deadline = math.inf
        return httpx.Response(
            answer.status, headers=answer.headers, content=content, request=request
        )

    def close(self) -> None:
        self._pool.close()


def _as_httpx(error: Exception, request: httpx.Request) -> httpx.TransportError:
    """httpcore's error as httpx's of the same name (httpx maps them the same way)."""
    kind = getattr(httpx, type(error).__name__, None)
    if not (isinstance(kind, type) and issubclass(kind, httpx.TransportError)):
        kind = httpx.TransportError
    return kind(str(error) or type(error).__name__, request=request)
