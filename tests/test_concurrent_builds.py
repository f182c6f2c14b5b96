"""Two builds on one cache_dir (two CI jobs, `serve` and `build`): both succeed, the
second waiting for the first with an INFO line, and a wait that is too long is one line."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig

from mkdocs_notion_sync.site.staging import Staging
from mkdocs_notion_sync.sync.lock import BuildLock
from notion_emulator import Faults

from .support.emulators import emulate
from .support.sitebuild import run_build, write_site
from .support.workspaces import ROOT, TOKEN, handbook, many_pages

WAITING = "another build is using the cache at"


class Gate(Faults):
    """Holds every API request until opened: the build that got there first stays in
    the middle of its build, holding the cache_dir, for as long as the test needs."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.arrived = threading.Event()
        self.opened = threading.Event()

    def take_token(self) -> float:
        self.arrived.set()
        self.opened.wait(60)
        return 0.0


def _project(root: Path, url: str, cache_dir: Path, **extra: Any) -> Path:
    options: dict[str, Any] = {
        "api_url": url,
        "rate_limit": 1000,
        "timeout": 120,
        "cache_dir": str(cache_dir),
        "sources": [{"page": ROOT, "dest": "handbook"}],
        **extra,
    }
    return write_site(root, options)


def _wait_for(condition: Any, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def test_two_builds_on_one_cache_dir_both_succeed_the_second_waits(tmp_path: Path) -> None:
    shared = tmp_path / "shared-cache"
    env = {**os.environ, "NOTION_TOKEN": TOKEN, "NO_MKDOCS_2_WARNING": "1"}
    with emulate(many_pages(12, 2)) as emu:
        gate = Gate()
        emu.faults = gate
        logs = {name: tmp_path / f"{name}.log" for name in ("first", "second")}
        builds: dict[str, subprocess.Popen[bytes]] = {}
        try:
            for name in ("first", "second"):
                config = _project(tmp_path / name, emu.url, shared)
                with logs[name].open("wb") as log_file:
                    builds[name] = subprocess.Popen(
                        [sys.executable, "-m", "mkdocs", "build", "-f", str(config)],
                        cwd=tmp_path / name,
                        env=env,
                        stdout=subprocess.DEVNULL,
                        stderr=log_file,
                    )
                if name == "first":
                    _wait_for(gate.arrived.is_set, "the first build to reach Notion")
            _wait_for(lambda: WAITING in logs["second"].read_text(), "the second build to wait")
            assert not gate.opened.is_set()
        finally:
            gate.opened.set()
            for process in builds.values():
                try:
                    process.wait(timeout=120)
                except subprocess.TimeoutExpired:
                    process.kill()
    first, second = (logs[name].read_text() for name in ("first", "second"))
    assert builds["first"].returncode == 0, first
    assert builds["second"].returncode == 0, second
    assert WAITING not in first and "Traceback" not in first + second
    for name in ("first", "second"):
        pages = sorted((tmp_path / name / "site/handbook").glob("page-*/index.html"))
        assert len(pages) == 12, (name, pages)
    assert "13 pages (13 cached, 0 fetched)" in second  # it found the first build's work


def test_a_build_that_waits_too_long_fails_with_one_line_and_keeps_the_cache(
    tmp_path: Path,
) -> None:
    with emulate(handbook()) as emu:
        config = _project(tmp_path, emu.url, tmp_path / "cache", lock_timeout=0.2)
        assert run_build(config).error is None
        other_build = BuildLock(tmp_path / "cache", 0)
        other_build.acquire()
        try:
            blocked = run_build(config)
        finally:
            other_build.release()
        after = run_build(config)
    assert blocked.error is not None
    errors = [m for m in blocked.messages(logging.ERROR) if m.startswith("notion-sync: ")]
    assert any("another build kept the cache at" in m and "lock_timeout" in m for m in errors)
    assert any(WAITING in m for m in blocked.messages(logging.INFO))
    assert after.error is None, after.messages()
    assert "(0 cached" not in after.summary()


def test_a_finished_build_does_not_hold_the_cache_while_serve_lives_on(tmp_path: Path) -> None:
    """`mkdocs serve` keeps its plugin (and session) between rebuilds: between them the
    cache_dir is free for a `mkdocs build`, which does not wait at all."""
    with emulate(handbook()) as emu:
        serving = _project(tmp_path / "serve", emu.url, tmp_path / "cache")
        MkDocsConfig.plugins.plugin_cache.clear()  # type: ignore[attr-defined]
        cfg = load_config(str(serving))
        cfg.plugins.on_startup(command="serve", dirty=False)  # type: ignore[arg-type]
        try:
            mkdocs_build(cfg)  # one serve rebuild; serve's session stays open
            building = _project(tmp_path / "build", emu.url, tmp_path / "cache", lock_timeout=0)
            site = run_build(building)
        finally:
            cfg.plugins.on_shutdown()
    assert site.error is None, site.messages()
    assert not any(WAITING in m for m in site.messages())


def test_a_failed_build_lets_the_next_one_in(tmp_path: Path) -> None:
    with emulate(handbook()) as emu:
        config = _project(tmp_path, emu.url, tmp_path / "cache", lock_timeout=0)
        emu.faults.error_rate = 1.0
        emu.faults.error_statuses = (400,)
        assert run_build(config).error is not None
        emu.faults.error_rate = 0.0
        site = run_build(config)
    assert site.error is None, site.messages()


@pytest.mark.parametrize("writers", [2, 4])
def test_writers_of_one_staged_page_never_share_a_temporary_file(
    tmp_path: Path, writers: int
) -> None:
    """Each write has a temporary file of its own: no writer renames (or finds gone) a
    file another is still writing."""
    errors: list[BaseException] = []
    start = threading.Barrier(writers)

    def write(n: int) -> None:
        staging = Staging(tmp_path / "site")
        start.wait()
        try:
            for round_ in range(300):
                staging.write("handbook/page.md", f"# Writer {n}, round {round_}\n" * 50)
        except BaseException as error:  # any crash of a writer fails the test
            errors.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    text = (tmp_path / "site/handbook/page.md").read_text()
    assert text.startswith("# Writer ") and text == text.splitlines(keepends=True)[0] * 50
    assert [p.name for p in (tmp_path / "site/handbook").iterdir()] == ["page.md"]
