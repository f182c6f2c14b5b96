"""`mkdocs-notion-sync webhook`: a small receiver for Notion's webhook events that
rebuilds the site (`--run CMD`) or asks GitHub to (`--dispatch OWNER/REPO`).

Notion POSTs JSON events (https://developers.notion.com/reference/webhooks): once, when
the subscription is made, `{"verification_token": "secret_..."}`, which the user pastes
back into Notion; then events `{"id", "timestamp", "type": "page.content_updated",
"entity": {"id", "type"}, "attempt_number", ...}` signed in `X-Notion-Signature` as
`sha256=<hex HMAC-SHA256 of the raw body keyed by the verification token>`.

Everything that arrives is hostile until its signature checks out, and even then its
text is only logged through a filter: unsigned, forged, stale or oversized requests get a
bare status and no detail. Events only ask for a build; builds are debounced (a burst
of edits is one build), never run two at once (one asked for during a build runs once
after it), and a failing build is logged, never the end of the receiver.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import shlex
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .log import log, redact

SECRET_ENV = "NOTION_WEBHOOK_SECRET"
"""Where the receiver finds the verification token that signs events."""
GITHUB_TOKEN_ENV = "GITHUB_TOKEN"
GITHUB_API = "https://api.github.com"
DISPATCH_EVENT = "notion-changed"
"""The `event_type` of the repository_dispatch (a workflow's `on.repository_dispatch.types`)."""
MAX_BODY = 64 * 1024
"""Notion's events are a few hundred bytes; anything much larger is not one."""
MAX_AGE = 900.0
"""Seconds an event's timestamp may be away from now (a replayed event is older)."""
READ_TIMEOUT = 10.0
"""Seconds a client may take to send its request (no slow-loris holding a thread)."""
REPO = re.compile(r"^[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}$")
_UNSAFE = re.compile(r"[^A-Za-z0-9_.:-]")
TOKEN_LIKE = re.compile(r"^[A-Za-z0-9_-]{8,200}$")
"""What a verification token may be (Notion's are `secret_` and letters and digits)."""


def signature_of(secret: str, body: bytes) -> str:
    """The `X-Notion-Signature` Notion sends for `body`."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def signed(secret: str, body: bytes, header: str | None) -> bool:
    """A constant-time comparison of the header with the body's signature."""
    if not secret or not header:
        return False
    return hmac.compare_digest(signature_of(secret, body).encode(), header.strip().encode())


def loggable(value: Any, limit: int = 64) -> str:
    """An event's field as one safe word: ids and type names survive, anything else a
    Notion editor or a forger wrote does not reach the log as written."""
    return _UNSAFE.sub("?", str(value))[:limit] or "-"


def fresh(timestamp: Any, max_age: float, now: float | None = None) -> bool:
    """The event's ISO timestamp is within `max_age` seconds of now."""
    if not isinstance(timestamp, str):
        return False
    try:
        moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return False
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    now = time.time() if now is None else now
    return abs(now - moment.timestamp()) <= max_age


# -- builds -----------------------------------------------------------------------------


class Builds:
    """Runs `build` after `debounce` seconds without a new request; one at a time, and a
    request during a build gives exactly one more build after it."""

    def __init__(self, build: Callable[[], bool], debounce: float) -> None:
        self.build = build
        self.debounce = debounce
        self.runs = 0
        self.failures = 0
        self._wanted = threading.Condition()
        self._pending = 0
        self._last = 0.0
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="webhook-builds", daemon=True)
        self._thread.start()

    def request(self) -> None:
        with self._wanted:
            self._pending += 1
            self._last = time.monotonic()
            self._wanted.notify_all()

    def stop(self) -> None:
        with self._wanted:
            self._stopped = True
            self._wanted.notify_all()
        self._thread.join(5)

    def _next(self) -> int | None:
        """Wait for requests and then for the quiet after them; how many were merged."""
        with self._wanted:
            while True:
                if self._stopped:
                    return None
                if not self._pending:
                    self._wanted.wait()
                    continue
                quiet = self._last + self.debounce - time.monotonic()
                if quiet > 0:
                    self._wanted.wait(quiet)
                    continue
                merged, self._pending = self._pending, 0
                return merged

    def _run(self) -> None:
        while (merged := self._next()) is not None:
            noun = "event" if merged == 1 else "events"
            log.info("building for %d %s", merged, noun)
            started = time.monotonic()
            try:
                ok = self.build()
            except Exception as error:  # a broken build never ends the receiver
                log.warning("the build could not run: %s", redact(str(error)))
                ok = False
            self.runs += 1
            seconds = time.monotonic() - started
            if ok:
                log.info("build done in %.1fs", seconds)
            else:
                self.failures += 1
                log.warning("build failed after %.1fs; waiting for the next event", seconds)


def run_command(command: str) -> Callable[[], bool]:
    """`--run`: the command, split as a shell would but run without one (use
    `sh -c '...'` for pipelines); its output goes where the receiver's goes."""
    argv = shlex.split(command)
    if not argv:
        raise ConfigError("--run needs a command, e.g. --run 'mkdocs build'")

    def build() -> bool:
        completed = subprocess.run(argv, check=False)
        if completed.returncode != 0:
            log.warning("%s exited with %d", loggable(argv[0]), completed.returncode)
        return completed.returncode == 0

    return build


def dispatch(repo: str, token: str, api_url: str = GITHUB_API) -> Callable[[], bool]:
    """`--dispatch`: a repository_dispatch of `notion-changed` to the repository, which
    a workflow with `on: repository_dispatch: types: [notion-changed]` builds on.
    https://docs.github.com/rest/repos/repos#create-a-repository-dispatch-event"""
    if not REPO.match(repo):
        raise ConfigError(f"--dispatch {loggable(repo, 200)}: expected OWNER/REPO")
    if not token:
        raise ConfigError(f"--dispatch needs a GitHub token in ${GITHUB_TOKEN_ENV}")
    redact.add_token(token)
    url = f"{api_url.rstrip('/')}/repos/{repo}/dispatches"
    body = json.dumps({"event_type": DISPATCH_EVENT}).encode()

    def build() -> bool:
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={
                "Accept": "application/vnd.github+json",
                "Authorization": f"Bearer {token}",
                "X-GitHub-Api-Version": "2022-11-28",
                "Content-Type": "application/json",
                "User-Agent": "mkdocs-notion-sync",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status = int(response.status)
        except urllib.error.HTTPError as error:
            status = int(error.code)
        except OSError as error:
            log.warning("cannot reach %s: %s", api_url, redact(str(error)))
            return False
        if status != 204:
            log.warning("GitHub answered %d to the dispatch to %s", status, repo)
        return status == 204

    return build


# -- the receiver -----------------------------------------------------------------------


@dataclass
class Receiver:
    """What the handler needs: the secret, where to leave a verification token, the
    event window, and the builds to ask."""

    secret: str
    token_file: Path
    builds: Builds
    max_age: float = MAX_AGE

    def verification(self, token: str) -> None:
        """Notion's one-time token: written for the user (never logged), mode 0600."""
        fd = os.open(self.token_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(token + "\n")
        log.info(
            "Notion sent a verification token; it is in %s: paste it into the "
            "subscription's Verify dialog in Notion, then set %s to it and restart",
            self.token_file,
            SECRET_ENV,
        )


class _Handler(BaseHTTPRequestHandler):
    server_version = "webhook"
    sys_version = ""
    timeout = READ_TIMEOUT
    receiver: Receiver  # set on the subclass made by `serve`

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: http.server's lines quote the request line, which anyone writes."""

    def log_error(self, format: str, *args: Any) -> None:
        """A request that timed out or could not be parsed: one fixed line, since
        http.server's own quotes what the client sent."""
        log.info("dropped a request that was malformed or did not arrive in time")

    def _bare(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True

    def do_GET(self) -> None:
        self._bare(405)

    def do_POST(self) -> None:
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self._bare(411)
            return
        if length < 0 or length > MAX_BODY:
            log.info("refused a request of %d bytes", length)
            self._bare(413)
            return
        body = self.rfile.read(length)
        self._bare(self._judge(body))

    def _judge(self, body: bytes) -> int:
        receiver = self.receiver
        try:
            event = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            event = None
        if not isinstance(event, dict):
            log.info("refused a request that is not a JSON object")
            return 400
        token = event.get("verification_token")
        if set(event) == {"verification_token"}:
            # Unsigned by nature, so anyone can send one: written only while no secret
            # is set (the user is setting the subscription up), and only a token-like word.
            if not isinstance(token, str) or not TOKEN_LIKE.match(token):
                log.info("refused a verification request that holds no token")
                return 400
            if receiver.secret:
                log.info(
                    "ignored a verification request: %s is already set (unset it and "
                    "restart to verify a new subscription)",
                    SECRET_ENV,
                )
                return 200
            receiver.verification(token)
            return 200
        if not signed(receiver.secret, body, self.headers.get("X-Notion-Signature")):
            why = "unsigned" if not self.headers.get("X-Notion-Signature") else "forged"
            why = why if receiver.secret else f"{why} (no ${SECRET_ENV} set)"
            log.info("refused a %s request", why)
            return 401
        if not fresh(event.get("timestamp"), receiver.max_age):
            log.info("refused a stale event %s", loggable(event.get("id")))
            return 400
        entity = event.get("entity") if isinstance(event.get("entity"), dict) else {}
        assert isinstance(entity, dict)
        log.info(
            "event %s %s %s (attempt %s): build queued",
            loggable(event.get("type")),
            loggable(entity.get("type")),
            loggable(entity.get("id")),
            loggable(event.get("attempt_number"), 4),
        )
        receiver.builds.request()
        return 200


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One line, not socketserver's traceback: a client that hangs up or stalls
        past READ_TIMEOUT is routine on the internet."""
        log.info("dropped a request that was malformed or did not arrive in time")


def serve(host: str, port: int, receiver: Receiver) -> ThreadingHTTPServer:
    """A bound server (port 0: any free one, see `server_address`); the caller runs
    `serve_forever` and, at the end, `shutdown` and `server_close`."""
    handler = type("Handler", (_Handler,), {"receiver": receiver})
    return _Server((host, port), handler)


def secret_from_env() -> str:
    secret = os.environ.get(SECRET_ENV, "").strip()
    redact.add_token(secret)
    return secret
