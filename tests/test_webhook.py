"""`mkdocs-notion-sync webhook` (#23): Notion's verification request, signed events
building, unsigned, forged, stale and oversized requests refused with a bare status,
bursts debounced into one build, never two builds at once, a failing build reported
while the receiver keeps serving, and `--dispatch` against a local fake GitHub."""

from __future__ import annotations

import http.client
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, ClassVar

import pytest

from mkdocs_notion_sync import webhook

from .support.local_http import serving

SECRET = "secret_webhook_verification_7c1d"
PAGE = "1f2e3d4c-5b6a-4798-81f2-e3d4c5b6a798"


def _event(**changes: Any) -> bytes:
    """An event in Notion's shape (reference/webhooks-events-delivery)."""
    event: dict[str, Any] = {
        "id": "367cba44-b6f3-4c92-81e7-6a2e9659efd4",
        "timestamp": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z"),
        "workspace_id": "13950b26-c203-4f3b-b97d-93ec06319565",
        "workspace_name": "Acme",
        "subscription_id": "29d75c0d-5546-4414-8459-7b7a92f1fc4b",
        "integration_id": "0ef2e755-4912-8096-91c1-00376a88a5ca",
        "type": "page.content_updated",
        "authors": [{"id": "c7c11cca-1d73-471d-9b6e-bdef51470190", "type": "person"}],
        "attempt_number": 1,
        "api_version": "2025-09-03",
        "entity": {"id": PAGE, "type": "page"},
        "data": {"parent": {"id": "13950b26-c203-4f3b-b97d-93ec06319565", "type": "space"}},
    }
    event.update(changes)
    return json.dumps(event).encode()


def _post(port: int, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, bytes, Any]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("POST", "/", body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read(), response.headers
    finally:
        connection.close()


def _signed(port: int, body: bytes, secret: str = SECRET) -> int:
    return _post(port, body, {"X-Notion-Signature": webhook.signature_of(secret, body)})[0]


class Recorder:
    """A build that records when it ran; it can be slow or fail."""

    def __init__(self, seconds: float = 0.0, fail: bool = False) -> None:
        self.seconds, self.fail = seconds, fail
        self.spans: list[tuple[float, float]] = []
        self.running = 0
        self.overlapped = False
        self._lock = threading.Lock()

    def __call__(self) -> bool:
        with self._lock:
            self.running += 1
            self.overlapped |= self.running > 1
        started = time.monotonic()
        time.sleep(self.seconds)
        with self._lock:
            self.running -= 1
            self.spans.append((started, time.monotonic()))
        return not self.fail


def _until(condition: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.02)


@pytest.fixture
def receiver(tmp_path: Path) -> Iterator[Any]:
    """Starts a receiver around a build; yields (start) -> (port, receiver)."""
    servers: list[Any] = []

    def start(build: Any, debounce: float = 0.2, secret: str = SECRET) -> tuple[int, Any]:
        builds = webhook.Builds(build, debounce)
        made = webhook.Receiver(secret, tmp_path / "notion-webhook-token", builds)
        server = webhook.serve("127.0.0.1", 0, made)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
        thread.start()
        servers.append((server, thread, builds))
        return int(server.server_address[1]), made

    yield start
    for server, thread, builds in servers:
        server.shutdown()
        server.server_close()
        thread.join(5)
        builds.stop()


def test_the_verification_request_leaves_the_token_in_a_private_file_never_in_the_log(
    receiver: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    build = Recorder()
    port, made = receiver(build, secret="")
    caplog.set_level(logging.INFO)
    status, body, _ = _post(port, json.dumps({"verification_token": SECRET}).encode())
    assert (status, body) == (200, b"")
    assert made.token_file.read_text(encoding="utf-8").strip() == SECRET
    assert made.token_file.stat().st_mode & 0o777 == 0o600
    assert any("verification token" in r.getMessage() for r in caplog.records)
    assert SECRET not in caplog.text
    # Without the secret set, an event (signed with anything) is refused.
    assert _signed(port, _event()) == 401
    time.sleep(0.4)
    assert build.spans == []
    # Anyone can send a verification request: nothing but a token-like word is written.
    for hostile in ("x\n" * 5, "a" * 201, "<script>", 7):
        assert _post(port, json.dumps({"verification_token": hostile}).encode())[0] == 400
    assert made.token_file.read_text(encoding="utf-8").strip() == SECRET


def test_a_verification_request_changes_nothing_once_the_secret_is_set(
    receiver: Any, tmp_path: Path
) -> None:
    port, made = receiver(Recorder())
    token = json.dumps({"verification_token": "secret_from_someone_else"}).encode()
    assert _post(port, token)[0] == 200
    assert not made.token_file.exists()


def test_a_signed_event_builds_and_everything_else_gets_a_bare_refusal(
    receiver: Any, caplog: pytest.LogCaptureFixture
) -> None:
    build = Recorder()
    port, _ = receiver(build, debounce=0.0)
    caplog.set_level(logging.INFO)
    body = _event()
    forged = webhook.signature_of("secret_someone_else", body)
    tampered = _event(type="page.deleted")
    stale = _event(timestamp=(datetime.now(timezone.utc) - timedelta(hours=2)).isoformat())
    refusals = [
        (_post(port, body), 401),  # unsigned
        (_post(port, body, {"X-Notion-Signature": forged}), 401),
        (_post(port, body, {"X-Notion-Signature": "sha256=zz"}), 401),
        (_post(port, tampered, {"X-Notion-Signature": webhook.signature_of(SECRET, body)}), 401),
        (_post(port, stale, {"X-Notion-Signature": webhook.signature_of(SECRET, stale)}), 400),
        (_post(port, b"x" * (webhook.MAX_BODY + 1)), 413),
        (_post(port, b"not json", {"X-Notion-Signature": webhook.signature_of(SECRET, b"")}), 400),
    ]
    for (status, answer, headers), expected in refusals:
        assert (status, answer) == (expected, b""), (status, answer)
        assert "Python" not in str(headers.get("Server"))
    time.sleep(0.3)
    assert build.spans == [], "nothing refused may build"
    assert _signed(port, body) == 200
    _until(lambda: len(build.spans) == 1)
    lines = [r.getMessage() for r in caplog.records if "build queued" in r.getMessage()]
    assert lines == [
        f"notion-sync: event page.content_updated page {PAGE} (attempt 1): build queued"
    ]
    assert SECRET not in caplog.text


def test_hostile_event_text_reaches_the_log_as_one_inert_line(
    receiver: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """A signed event is Notion's, but its fields are still data: no line breaks, no
    terminal escapes, no markup."""
    port, _ = receiver(Recorder())
    caplog.set_level(logging.INFO)
    body = _event(type="page.x\n\x1b[31mINFO fake line<script>", entity={"id": "a\rb", "type": 7})
    assert _signed(port, body) == 200
    (line,) = [r.getMessage() for r in caplog.records if "build queued" in r.getMessage()]
    assert "\n" not in line and "\r" not in line and "\x1b" not in line and "<" not in line


def test_a_burst_of_ten_events_gives_one_build(receiver: Any) -> None:
    build = Recorder()
    port, _ = receiver(build, debounce=0.3)
    for _ in range(10):
        assert _signed(port, _event()) == 200
    _until(lambda: len(build.spans) == 1)
    time.sleep(0.6)
    assert len(build.spans) == 1


def test_an_event_during_a_build_gives_one_more_build_after_it(receiver: Any) -> None:
    build = Recorder(seconds=0.5)
    port, _ = receiver(build, debounce=0.05)
    assert _signed(port, _event()) == 200
    _until(lambda: build.running == 1)
    for _ in range(3):
        assert _signed(port, _event()) == 200
    _until(lambda: len(build.spans) == 2)
    time.sleep(0.3)
    assert len(build.spans) == 2
    assert not build.overlapped
    assert build.spans[1][0] >= build.spans[0][1]


def test_a_failing_build_is_reported_and_the_receiver_keeps_serving(
    receiver: Any, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    caplog.set_level(logging.INFO)
    failing = webhook.run_command(f"{sys.executable} -c 'import sys; sys.exit(3)'")
    port, made = receiver(failing, debounce=0.0)
    assert _signed(port, _event()) == 200
    _until(lambda: made.builds.failures == 1)
    assert "exited with 3" in caplog.text
    assert "build failed" in caplog.text
    assert _signed(port, _event()) == 200
    _until(lambda: made.builds.runs == 2)


class FakeGitHub(BaseHTTPRequestHandler):
    calls: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        FakeGitHub.calls.append(
            {
                "path": self.path,
                "auth": self.headers.get("Authorization"),
                "accept": self.headers.get("Accept"),
                "body": json.loads(self.rfile.read(length)),
            }
        )
        self.send_response(204 if "fail" not in self.path else 422)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_dispatch_sends_a_repository_dispatch(
    receiver: Any, caplog: pytest.LogCaptureFixture
) -> None:
    FakeGitHub.calls = []
    caplog.set_level(logging.INFO)
    token = "ghp_fake_token_for_the_test_0123456789"
    with serving(FakeGitHub) as api:
        port, made = receiver(webhook.dispatch("acme/handbook", token, api), debounce=0.0)
        assert _signed(port, _event()) == 200
        _until(lambda: made.builds.runs == 1)
        assert made.builds.failures == 0
        refused = webhook.dispatch("acme/fail", token, api)
        assert refused() is False
    assert FakeGitHub.calls[0] == {
        "path": "/repos/acme/handbook/dispatches",
        "auth": f"Bearer {token}",
        "accept": "application/vnd.github+json",
        "body": {"event_type": "notion-changed"},
    }
    assert "GitHub answered 422" in caplog.text
    assert token not in caplog.text


def test_dispatch_refuses_a_bad_repository_or_a_missing_token() -> None:
    with pytest.raises(webhook.ConfigError, match="OWNER/REPO"):
        webhook.dispatch("acme/handbook/../x", "t")
    with pytest.raises(webhook.ConfigError, match="GITHUB_TOKEN"):
        webhook.dispatch("acme/handbook", "")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_command_receives_builds_and_stops_on_sigterm(tmp_path: Path) -> None:
    """The program a user (or the Docker image) runs: verification, a signed event, a
    build through --run, and exit 0 on SIGTERM; the secret never in its output."""
    port = _free_port()
    marker = tmp_path / "built"
    build = f"{sys.executable} -c \"open({str(marker)!r}, 'a').write('x')\""
    env = {**os.environ, webhook.SECRET_ENV: SECRET}
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "mkdocs_notion_sync.cli", "webhook"),
            *("--port", str(port), "--run", build, "--debounce", "0.1"),
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                status = _post(port, json.dumps({"verification_token": SECRET}).encode())[0]
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        assert status == 200
        assert _signed(port, _event()) == 200
        _until(lambda: marker.exists(), timeout=20)
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=20)
    assert process.returncode == 0, output
    assert f"notion-sync: webhook listening on http://127.0.0.1:{port}/" in output
    assert "build queued" in output and "build done" in output
    assert SECRET not in output
    assert "Traceback" not in output


def test_a_client_that_stalls_is_dropped_in_one_line_and_others_are_served(
    receiver: Any, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    port, _ = receiver(Recorder())
    caplog.set_level(logging.INFO)
    made_timeout = webhook._Handler.timeout
    webhook._Handler.timeout = 0.3
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as stalled:
            stalled.sendall(b"POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\n{")
            assert stalled.recv(100) == b"", "the receiver hangs up on a stalled client"
        _until(lambda: "dropped a request" in caplog.text, timeout=5)
        with socket.create_connection(("127.0.0.1", port), timeout=5) as junk:
            junk.sendall(b"\x1b[2J GARBAGE\r\n\r\n")
            junk.recv(1000)
        assert _signed(port, _event()) == 200
    finally:
        webhook._Handler.timeout = made_timeout
    assert "Traceback" not in capsys.readouterr().err
    assert "GARBAGE" not in caplog.text and "\x1b" not in caplog.text
