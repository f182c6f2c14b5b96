"""Behind a proxy (HTTPS_PROXY and friends): httpcore's proxy pool, on sockets held to
each request's whole-request deadline.

http.client, under the keep-alive transport, does not speak to proxies; httpcore does
(CONNECT tunnels, absolute-form requests, proxy credentials). Its timeouts bound each
socket operation, so its sockets come from deadline.py's backend, which caps every one
of them by what is left of the current request's deadline.
"""

from __future__ import annotations

import math
import ssl

import httpcore
import httpx

from ..errors import ConfigError
from .deadline import Deadline, DeadlineBackend
from .limits import deadline_of, read_capped

_HTTPCORE_ERRORS = (
    httpcore.TimeoutException,
    httpcore.NetworkError,
    httpcore.ProtocolError,
    httpcore.ProxyError,
    httpcore.UnsupportedProtocol,
)
_current = Deadline()
"""The deadline of the request this thread is sending."""


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
            network_backend=DeadlineBackend(_current),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        _current.at = deadline_of(request)
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
            _current.at = math.inf
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
