"""The HTTP side of the emulator: a threaded server on 127.0.0.1 and its lifecycle.

Built on `http.server` so it needs nothing beyond the standard library. Responses are
written in one `send` with TCP_NODELAY: the stock handler writes headers and body
separately, and Nagle plus delayed ACKs then add ~40 ms to every keep-alive request.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
import uuid
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from .api import Api, ApiError, Response
from .faults import Faults, Stats
from .files import FileSigner
from .workspace import Workspace

DEMO_TOKEN = "secret_demo"


class Emulator:
    """A Notion API server on 127.0.0.1, in a background thread."""

    def __init__(
        self,
        workspace: Workspace | None = None,
        token: str = DEMO_TOKEN,
        port: int = 0,
        file_ttl: float = 3600.0,
        faults: Faults | None = None,
        host: str = "127.0.0.1",
    ) -> None:
        self.workspace = workspace if workspace is not None else Workspace.demo()
        self.token = token
        self.host = host
        self.port = port
        self.faults = faults if faults is not None else Faults()
        self.stats = Stats()
        self.signer = FileSigner(os.urandom(32), file_ttl)
        self.api = Api(self)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    @property
    def file_ttl(self) -> float:
        return self.signer.ttl

    @file_ttl.setter
    def file_ttl(self, value: float) -> None:
        self.signer.ttl = value

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the emulator is not started")
        return f"http://{self.host}:{self._server.server_address[1]}"

    def start(self) -> Emulator:
        if self._server is not None:
            return self
        self._server = _Server((self.host, self.port), _Handler, self)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"notion-emulator:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 256
    allow_reuse_address = True

    def __init__(
        self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], emulator: Emulator
    ) -> None:
        self.emulator = emulator
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Keep-alive threads would otherwise wait for clients that never speak again."""
        with self._open_lock:
            sockets = list(self._open)
            self._open.clear()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    server_version = "notion-emulator"

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        return None

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _write(self, response: Response, drop: bool = False) -> None:
        """Status line, headers and body in a single write (see the module docstring)."""
        reason = (
            HTTPStatus(response.status).phrase
            if response.status in HTTPStatus._value2member_map_
            else "Error"
        )
        headers = {"Content-Type": "application/json; charset=utf-8", **response.headers}
        headers["Content-Length"] = headers.get("Content-Length", str(len(response.body)))
        if self.close_connection or drop:
            headers["Connection"] = "close"
        head = (
            f"HTTP/1.1 {response.status} {reason}\r\n"
            + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
            + "\r\n"
        )
        body = response.body
        if drop:
            body = body[: len(body) // 2]
            self.close_connection = True
        try:
            if response.trickle > 0:
                self._trickle(head.encode("latin-1") + body, response.trickle)
            else:
                self.wfile.write(head.encode("latin-1") + body)
        except OSError:
            self.close_connection = True
            return
        if drop:
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)

    def _trickle(self, data: bytes, seconds: float, pieces: int = 20) -> None:
        """Status line, headers and body in `pieces` writes spread over `seconds`: each
        read of a client sees bytes soon enough, only the whole answer is late."""
        size = max(1, -(-len(data) // pieces))
        for start in range(0, len(data), size):
            self.wfile.write(data[start : start + size])
            self.wfile.flush()
            time.sleep(seconds / pieces)

    def _dispatch(self, method: str) -> None:
        raw = self._read_body()
        emulator = self.server.emulator
        path = self.path
        if path.startswith(("http://", "https://")):
            # The absolute form a client sends to a forward proxy: the emulator answers it
            # itself, so the client's proxy path can be tested against it.
            parts = urlsplit(path)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path.startswith("/v1/") or path == "/v1":
            response, drop = emulator.api.handle_api(method, path, self.headers, raw)
            self._write(response, drop)
        elif path.startswith("/files/") and method in ("GET", "HEAD"):
            self._write(emulator.api.handle_file(method, path))
        else:
            body = ApiError(400, "invalid_request_url", "Invalid request URL.").body(
                str(uuid.uuid4())
            )
            self._write(Response(400, body))

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_HEAD(self) -> None:
        self._dispatch("HEAD")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")
