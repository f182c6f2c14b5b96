"""The socket under the paced transport: one keep-alive connection per thread.

A sync sends thousands of small GETs, and on a fast network the client's own CPU is the
limit: httpcore's pool spends more per request than the request itself. http.client on
a thread-local connection does the same job with a fraction of the work. Behind a proxy
(HTTPS_PROXY and friends) the plugin uses httpcore's proxy pool instead (proxied.py),
which speaks to proxies. Both hold every request to the limits in limits.py.
"""

from __future__ import annotations

import functools
import http.client
import io
import socket
import ssl
import threading
import urllib.request
from typing import Any

import httpx

from .limits import AnswerTooLarge, check_size, deadline_of, read_capped, time_left
from .proxied import ProxyTransport

_STALE = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError)
_CHUNK = 64 * 1024


def proxy_for(url: str) -> str | None:
    """The proxy the environment asks for to reach `url`, honouring NO_PROXY."""
    parts = httpx.URL(url)
    host = parts.host
    if urllib.request.proxy_bypass(host):
        return None
    proxies = urllib.request.getproxies()
    return proxies.get(parts.scheme) or proxies.get("all")


def inner_transport(api_url: str) -> httpx.BaseTransport:
    """Keep-alive connections per thread, or httpcore's proxy pool through a proxy."""
    proxy = proxy_for(api_url)
    if proxy:
        return ProxyTransport(proxy, tls_context())
    return KeepAliveTransport()


@functools.cache
def tls_context() -> ssl.SSLContext:
    """certifi's roots, as httpx would verify Notion with; made once, on first use."""
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


class _DeadlineReader(io.RawIOBase):
    """A socket as the file http.client reads an answer from, where every read waits
    only for what is left of the request's deadline (a socket timeout alone restarts
    with every byte that arrives)."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        super().__init__()
        self._sock = sock
        self._raw = sock.makefile("rb", buffering=0)  # holds the socket open until closed
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        self._sock.settimeout(time_left(self._deadline))
        return self._raw.readinto(buffer)

    def close(self) -> None:
        self._raw.close()
        super().close()


class _DeadlineResponse(http.client.HTTPResponse):
    def __init__(
        self,
        sock: socket.socket,
        deadline: float,
        debuglevel: int = 0,
        method: str | None = None,
        url: str | None = None,
    ) -> None:
        super().__init__(sock, debuglevel, method, url)
        self.fp.close()  # the plain file http.client opened; nothing was read from it yet
        self.fp = io.BufferedReader(_DeadlineReader(sock, deadline))


class _Deadlined(http.client.HTTPConnection):
    """A connection whose connect, TLS handshake, send and every read of the answer
    wait only for what is left of `deadline` (monotonic), the current request's."""

    deadline = float("inf")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.response_class = self._answer  # type: ignore[assignment]

    def _answer(
        self, sock: socket.socket, debuglevel: int = 0, method: str | None = None
    ) -> http.client.HTTPResponse:
        return _DeadlineResponse(sock, self.deadline, debuglevel, method)

    def start(self, deadline: float) -> None:
        """Arms the connection for one request."""
        self.deadline = deadline
        self.timeout = time_left(deadline)
        if self.sock is not None:
            self.sock.settimeout(self.timeout)

    def connect(self) -> None:
        self.timeout = time_left(self.deadline)
        super().connect()


class _HTTPConnection(_Deadlined):
    pass


class _HTTPSConnection(_Deadlined, http.client.HTTPSConnection):
    pass


def _body(answer: http.client.HTTPResponse, request: httpx.Request) -> bytes:
    """The whole body, within MAX_ANSWER_BYTES (refused before reading when the length
    is announced)."""
    if answer.length is not None:
        check_size(answer.length, request)
        return answer.read()
    return read_capped(iter(lambda: answer.read(_CHUNK), b""), request)


class KeepAliveTransport(httpx.BaseTransport):
    """Sends a request on this thread's connection to its host and reads the whole
    answer by its deadline; network failures surface as the httpx exceptions the retry
    layer knows."""

    def __init__(self) -> None:
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open: list[http.client.HTTPConnection] = []

    def _connection(self, url: httpx.URL, deadline: float) -> _Deadlined:
        connections: dict[tuple[str, str, int | None], _Deadlined]
        connections = self._local.__dict__.setdefault("connections", {})
        key = (url.scheme, url.host, url.port)
        connection = connections.get(key)
        if connection is None:
            if url.scheme == "https":
                connection = _HTTPSConnection(url.host, url.port or 443, context=tls_context())
            else:
                connection = _HTTPConnection(url.host, url.port or 80)
            connections[key] = connection
            with self._lock:
                self._open.append(connection)
        connection.start(deadline)
        return connection

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        deadline = deadline_of(request)
        body = request.read() or None
        target = request.url.raw_path.decode("ascii")
        headers = dict(request.headers)
        for attempt in (0, 1):
            connection: _Deadlined | None = None
            try:
                connection = self._connection(request.url, deadline)
                reused = connection.sock is not None
                connection.request(request.method, target, body=body, headers=headers)
                answer = connection.getresponse()
                try:
                    content = _body(answer, request)
                finally:
                    answer.close()  # lets go of the socket, even half read
            except _STALE as error:
                assert connection is not None
                connection.close()
                if reused and attempt == 0:
                    continue  # the server closed an idle keep-alive connection; once more
                raise httpx.RemoteProtocolError(str(error), request=request) from None
            except TimeoutError as error:
                if connection is not None:
                    connection.close()
                raise httpx.ReadTimeout(str(error) or "timed out", request=request) from None
            except AnswerTooLarge:
                assert connection is not None
                connection.close()
                raise
            except http.client.HTTPException as error:
                assert connection is not None
                connection.close()
                raise httpx.RemoteProtocolError(repr(error), request=request) from None
            except (ConnectionError, socket.gaierror, OSError) as error:
                assert connection is not None
                connection.close()
                raise httpx.ConnectError(str(error), request=request) from None
            except ValueError:
                # http.client refuses a header holding a line break; its message would
                # quote the header, which may be the token.
                raise httpx.LocalProtocolError(
                    "a request header holds a line break (check the token)", request=request
                ) from None
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
