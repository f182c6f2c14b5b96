"""Live preview (#23): one edit in Notion gives exactly one rebuild under a real
`mkdocs serve`, and none after while nothing changes, even while the edit's minute lasts
(Notion stamps edits to the minute, so the stamp alone cannot settle a page fetched in
it); under `--dirty`, a renamed page still changes the nav of every page."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from notion_emulator import Emulator

from .support.emulators import emulate
from .support.sitebuild import write_site
from .support.workspaces import FAQ, ROOT, SETUP_PARA, TOKEN, handbook
from .test_serve import _free_port, _get, _wait_for

POLL = 0.5
QUIET = 5.0
"""Seconds watched after the edit was served: ten polls."""
SUMMARY = "notion-sync: 6 pages ("


class Serve:
    """`mkdocs serve` in a child process; its log read line by line as it comes."""

    def __init__(self, config: Path, *extra: str) -> None:
        self.port = _free_port()
        env = {**os.environ, "NOTION_TOKEN": TOKEN, "DISABLE_MKDOCS_2_WARNING": "true"}
        command = [sys.executable, "-m", "mkdocs", "serve", "-f", str(config)]
        self.process = subprocess.Popen(
            [*command, "-a", f"127.0.0.1:{self.port}", *extra],
            cwd=config.parent,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL) and None,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def builds(self) -> int:
        return sum(SUMMARY in line for line in self.lines)

    def stop(self) -> str:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._reader.join(5)
        if self.process.stdout is not None:
            self.process.stdout.close()
        return "\n".join(self.lines)


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with emulate(handbook()) as emu:
        yield emu


def _early_in_a_minute(emulator: Emulator) -> None:
    """Moves Notion's clock to the start of a minute, so that the edit, its rebuild and
    the quiet polls after it all fall in the edit's minute: the case the stamp cannot
    settle."""
    second = emulator.workspace.clock.now().second
    emulator.workspace.advance(60 - second + 1)


def _serve(tmp_path: Path, emulator: Emulator, *extra: str) -> Serve:
    config = write_site(
        tmp_path,
        {
            "api_url": emulator.url,
            "rate_limit": 1000,
            "poll_interval": POLL,
            "sources": [{"page": ROOT, "dest": "handbook"}],
        },
    )
    return Serve(config, *extra)


def test_one_edit_gives_one_rebuild_and_none_after(tmp_path: Path, emulator: Emulator) -> None:
    serve = _serve(tmp_path, emulator)
    page = serve.url("handbook/guide/set-up/")
    try:
        _wait_for(page, "Install the thing.", timeout=60)
        time.sleep(POLL * 3)
        assert serve.builds() == 1, "\n".join(serve.lines)
        _early_in_a_minute(emulator)
        emulator.workspace.set_text(SETUP_PARA, "Install the new thing.")
        latency = _wait_for(page, "Install the new thing.", timeout=POLL + 20)
        print(f"edit-to-served latency: {latency:.2f}s with poll_interval {POLL}s")
        time.sleep(QUIET)
        builds = serve.builds()
    finally:
        log = serve.stop()
    assert builds == 2, f"one edit gave {builds - 1} rebuilds:\n{log}"
    assert "notion-sync: 6 pages (5 cached, 1 fetched)" in log
    assert "Traceback" not in log
    assert TOKEN not in log


def test_a_second_edit_in_the_same_minute_is_served_too(tmp_path: Path, emulator: Emulator) -> None:
    """The poll fetches a page its stamp cannot settle and compares its content: a
    second edit within the minute of the first still rebuilds, once."""
    serve = _serve(tmp_path, emulator)
    page = serve.url("handbook/guide/set-up/")
    try:
        _wait_for(page, "Install the thing.", timeout=60)
        _early_in_a_minute(emulator)
        emulator.workspace.set_text(SETUP_PARA, "First edit.")
        _wait_for(page, "First edit.", timeout=POLL + 20)
        time.sleep(POLL * 3)
        emulator.workspace.set_text(SETUP_PARA, "Second edit, same minute.")
        _wait_for(page, "Second edit, same minute.", timeout=POLL + 20)
        time.sleep(QUIET / 2)
        builds = serve.builds()
    finally:
        log = serve.stop()
    assert builds == 3, f"two edits gave {builds - 1} rebuilds:\n{log}"


def test_dirty_serve_shows_a_renamed_page_in_every_pages_nav(
    tmp_path: Path, emulator: Emulator
) -> None:
    """`--dirty` rewrites only pages whose source changed; a rename changes every
    page's nav, so that build rewrites them all (and the next is dirty again)."""
    serve = _serve(tmp_path, emulator, "--dirty")
    other = serve.url("handbook/guide/")
    try:
        _wait_for(other, "FAQ", timeout=60)
        emulator.workspace.advance(120)
        emulator.workspace.rename_page(FAQ, "Questions and answers")
        _wait_for(other, "Questions and answers", timeout=POLL + 20)
        assert "Questions and answers" in _get(serve.url(""))  # a hand-written page too
    finally:
        log = serve.stop()
    assert "rebuilding every page" in log, log
    assert "Traceback" not in log


def test_the_poll_settles_a_page_with_files_whose_urls_change_on_every_fetch(
    tmp_path: Path, emulator: Emulator
) -> None:
    """The root holds a Notion-hosted image: every fetch signs its URL anew, which is
    not a change. Fetched in the minute of its edit, the page is fetched by the poll
    and found the same: no rebuild; a second edit in that minute is found."""
    from mkdocs_notion_sync.pipeline import Session
    from mkdocs_notion_sync.settings import Settings
    from mkdocs_notion_sync.sync.model import Source

    from .support.workspaces import HEADING

    settings = Settings(
        sources=[Source("page", ROOT, "handbook")],
        cache_dir=tmp_path / "cache",
        token=TOKEN,
        api_url=emulator.url,
        rate_limit=1000,
    )
    session = Session(settings)
    try:
        _early_in_a_minute(emulator)
        emulator.workspace.set_text(HEADING, "Start here, edited")
        synced = session.build().synced_ids  # fetched in the minute of the edit
        emulator.stats.reset()
        assert session.poll(synced) is False
        fetched = emulator.stats.snapshot()["by_endpoint"]
        assert fetched.get("GET /v1/blocks/{id}/children", 0) >= 1, "the poll fetched it"
        emulator.workspace.set_text(HEADING, "Start here, edited twice")
        assert session.poll(synced) is True
        assert session.poll(synced) is False, "asked once until a build begins"
    finally:
        session.close()
