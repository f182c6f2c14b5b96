"""`mkdocs serve` follows edits made in Notion: a real serve process, a real emulator."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from notion_emulator import Emulator

from .support.emulators import emulate
from .support.sitebuild import write_site
from .support.workspaces import ROOT, SETUP_PARA, TOKEN, handbook

POLL = 1.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return str(response.read().decode("utf-8"))


def _wait_for(url: str, text: str, timeout: float) -> float:
    """Seconds until the page at `url` shows `text`."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            if text in _get(url):
                return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url} did not show {text!r} within {timeout}s")


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with emulate(handbook()) as emu:
        yield emu


def test_serve_shows_an_edit_made_in_notion(tmp_path: Path, emulator: Emulator) -> None:
    config = write_site(
        tmp_path,
        {
            "api_url": emulator.url,
            "rate_limit": 1000,
            "poll_interval": POLL,
            "sources": [{"page": ROOT, "dest": "handbook"}],
        },
    )
    port = _free_port()
    env = {
        **os.environ,
        "NOTION_TOKEN": TOKEN,
        "NO_MKDOCS_2_WARNING": "1",
        "DISABLE_MKDOCS_2_WARNING": "true",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-f", str(config), "-a", f"127.0.0.1:{port}"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL) and None,
    )
    url = f"http://127.0.0.1:{port}/handbook/guide/set-up/"
    try:
        _wait_for(url, "Install the thing.", timeout=60)
        emulator.stats.reset()
        time.sleep(POLL * 2.5)
        idle = emulator.stats.snapshot()
        if not 1 <= int(idle["total"]) <= 3:  # idle polls: one search request each
            process.send_signal(signal.SIGINT)
            raise AssertionError(process.communicate(timeout=20)[0].decode())
        assert idle["by_endpoint"] == {"POST /v1/search": idle["total"]}
        emulator.workspace.set_text(SETUP_PARA, "Install the new thing.")
        latency = _wait_for(url, "Install the new thing.", timeout=POLL + 10)
        print(f"edit-to-served latency: {latency:.2f}s with poll_interval {POLL}s")
        assert latency <= POLL + 5
    finally:
        process.send_signal(signal.SIGINT)
        try:
            output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
            raise AssertionError("mkdocs serve did not stop on Ctrl-C") from None
    text = output.decode("utf-8", "replace")
    assert "notion-sync: watching Notion for changes every 1s" in text
    assert "notion-sync: 6 pages (5 cached, 1 fetched)" in text  # the rebuild refetched one page
    assert "Traceback" not in text
    assert TOKEN not in text


def test_serve_rebuilds_a_local_edit_from_the_cache_when_notion_is_unreachable(
    tmp_path: Path,
) -> None:
    emulator = emulate(handbook()).start()
    config = write_site(
        tmp_path,
        {
            "api_url": emulator.url,
            "rate_limit": 1000,
            "max_retries": 0,
            "poll_interval": 0,
            "sources": [{"page": ROOT, "dest": "handbook"}],
        },
    )
    port = _free_port()
    env = {**os.environ, "NOTION_TOKEN": TOKEN, "DISABLE_MKDOCS_2_WARNING": "true"}
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-f", str(config), "-a", f"127.0.0.1:{port}"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL) and None,
    )
    home, notion_page = (
        f"http://127.0.0.1:{port}/",
        f"http://127.0.0.1:{port}/handbook/guide/set-up/",
    )
    try:
        _wait_for(notion_page, "Install the thing.", timeout=60)
        emulator.stop()  # Notion goes away: nothing listens on its port any more
        (tmp_path / "docs/index.md").write_text("# Home\n\nEdited offline.\n", encoding="utf-8")
        _wait_for(home, "Edited offline.", timeout=60)
        assert "Install the thing." in _get(notion_page)  # the Notion pages are still served
        (tmp_path / "docs/index.md").write_text("# Home\n\nEdited twice.\n", encoding="utf-8")
        _wait_for(home, "Edited twice.", timeout=60)
        assert "Install the thing." in _get(notion_page)
    finally:
        emulator.stop()
        process.send_signal(signal.SIGINT)
        try:
            output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
    text = output.decode("utf-8", "replace")
    fallbacks = [line for line in text.splitlines() if "from the cache" in line]
    assert len(fallbacks) == 2 and all(line.startswith("WARNING") for line in fallbacks), text
    assert "cannot reach the Notion API" in fallbacks[0]
    assert "Traceback" not in text and "An error happened during the rebuild" not in text
    assert TOKEN not in text
