"""A throwaway file server on 127.0.0.1 that answers as a test tells it to: files with
any content type, redirects, trickles, big streamed bodies; it records what it was asked.
Asked as an HTTP proxy (`GET http://host/path`), it answers for the path itself."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .local_http import serving

Answer = Callable[["Handler"], None]


@dataclass
class FileServer:
    """Routes by path; `requests` lists the paths asked for, in order."""

    routes: dict[str, Answer] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    url: str = ""
    stop: threading.Event = field(default_factory=threading.Event)

    def file(self, path: str, body: bytes, content_type: str = "application/octet-stream") -> str:
        def answer(handler: Handler) -> None:
            handler.send_response(200)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)

        self.routes[path] = answer
        return self.url + path

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        def answer(handler: Handler) -> None:
            handler.send_response(status)
            handler.send_header("Location", location)
            handler.send_header("Content-Length", "0")
            handler.end_headers()

        self.routes[path] = answer
        return self.url + path

    def status(self, path: str, status: int) -> str:
        def answer(handler: Handler) -> None:
            handler.send_response(status)
            handler.send_header("Content-Length", "0")
            handler.end_headers()

        self.routes[path] = answer
        return self.url + path

    def unsized(self, path: str, size: int) -> str:
        """`size` bytes with no Content-Length: the end is when the connection closes."""

        def answer(handler: Handler) -> None:
            handler.send_response(200)
            handler.send_header("Content-Type", "image/png")
            handler.send_header("Connection", "close")
            handler.end_headers()
            handler.wfile.write(b"\x89" * size)
            handler.close_connection = True

        self.routes[path] = answer
        return self.url + path

    def streamed(self, path: str, size: int, chunk: int = 1 << 16) -> str:
        """`size` bytes made as they are sent, so the server holds one chunk at a time."""
        block = b"\x00" * chunk

        def answer(handler: Handler) -> None:
            handler.send_response(200)
            handler.send_header("Content-Type", "application/octet-stream")
            handler.send_header("Content-Length", str(size))
            handler.end_headers()
            left = size
            while left > 0:
                handler.wfile.write(block[: min(chunk, left)])
                left -= chunk

        self.routes[path] = answer
        return self.url + path

    def trickle(self, path: str, *, headers_too: bool, seconds: float = 12.0) -> str:
        """One byte every 50 ms (of the headers, or of a body announced as 1 MB), for at
        most `seconds`, then the connection closes: a server that never finishes."""

        def answer(handler: Handler) -> None:
            head = b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 1000000\r\n\r\n"
            if not headers_too:
                handler.wfile.write(head)
                head = b"\x89" * 1_000_000
            ends = time.monotonic() + seconds
            for byte in head:
                if self.stop.is_set() or time.monotonic() > ends:
                    break
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
                time.sleep(0.05)
            handler.close_connection = True

        self.routes[path] = answer
        return self.url + path


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_state: FileServer

    def do_GET(self) -> None:
        state = self.server_state
        # Asked as a proxy, the request line holds the whole URL; record it as asked.
        state.requests.append(self.path.split("?")[0])
        path = urlsplit(self.path).path if "://" in self.path else self.path.split("?")[0]
        answer = state.routes.get(path)
        if answer is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        try:
            answer(self)
        except OSError:
            self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def file_server() -> Iterator[FileServer]:
    state = FileServer()
    handler = type("BoundHandler", (Handler,), {"server_state": state})
    with serving(handler) as url:
        state.url = url
        try:
            yield state
        finally:
            state.stop.set()
