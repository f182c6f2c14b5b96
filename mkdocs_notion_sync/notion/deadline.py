"""Sockets held to a deadline: an httpcore network backend whose every connect, read and
write waits at most for what is left of the deadline of the request running on this
thread.

httpcore's timeouts bound each socket operation, so a server that sends a byte every few
seconds never trips one. Both users of httpcore, the API client behind a proxy
(proxied.py) and the file downloads (site/download.py), run a request on the caller's
thread, so the deadline is kept per thread.
"""

from __future__ import annotations

import math
import ssl
import threading
import time
from collections.abc import Iterable
from typing import Any

import httpcore


class Deadline(threading.local):
    """When the request running on this thread must be over (monotonic seconds)."""

    at: float = math.inf

    def __init__(self, message: str = "the whole-request timeout passed") -> None:
        self.message = message

    def left(self, timeout: float | None) -> float | None:
        """`timeout`, or less when the deadline is nearer; past it, httpcore's timeout."""
        if math.isinf(self.at):
            return timeout
        remaining = self.at - time.monotonic()
        if remaining <= 0:
            raise httpcore.ReadTimeout(self.message)
        return remaining if timeout is None else min(timeout, remaining)


class DeadlineStream(httpcore.NetworkStream):
    """A socket whose every wait ends by the deadline."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: Deadline) -> None:
        self._inner = inner
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._deadline.left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._deadline.left(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        tls = self._inner.start_tls(ssl_context, server_hostname, self._deadline.left(timeout))
        return DeadlineStream(tls, self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class DeadlineBackend(httpcore.SyncBackend):
    """httpcore's own sockets, each wrapped in a DeadlineStream."""

    def __init__(self, deadline: Deadline) -> None:
        self.deadline = deadline

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = super().connect_tcp(
            host, port, self.deadline.left(timeout), local_address, socket_options
        )
        return DeadlineStream(stream, self.deadline)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.NetworkStream:
        stream = super().connect_unix_socket(path, self.deadline.left(timeout), socket_options)
        return DeadlineStream(stream, self.deadline)
