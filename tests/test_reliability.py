"""Faults, hostile content and secrets: the build works or fails cleanly, loses nothing
and leaks nothing."""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from notion_emulator import Emulator, Faults

from .support.emulators import emulate
from .support.sitebuild import BuiltSite, run_build, write_site
from .support.workspaces import FAQ, GUIDE, ROOT, TOKEN, handbook, many_pages

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with emulate(handbook()) as emu:
        yield emu


def _config(tmp_path: Path, emulator: Emulator, **extra: Any) -> Path:
    options: dict[str, Any] = {
        "api_url": emulator.url,
        "rate_limit": 1000,
        "sources": [{"page": ROOT, "dest": "handbook"}],
    }
    options.update(extra)
    return write_site(tmp_path, options)


def _all_pages_present(site: BuiltSite) -> None:
    for path in (
        "handbook/index.html",
        "handbook/guide/set-up/index.html",
        "handbook/faq/index.html",
    ):
        assert (site.site / path).is_file(), path


@pytest.mark.parametrize(
    "faults",
    [
        Faults(rate_limit=30, burst=3),
        Faults(error_rate=0.25, error_statuses=(500, 502, 503, 504, 529)),
        Faults(drop_rate=0.2),
        Faults(malformed_rate=0.2),
        Faults(slow_seconds=0.5, slow_rate=0.2),
    ],
    ids=["429-storm", "5xx-and-529", "dropped", "malformed-json", "slow"],
)
def test_the_build_completes_with_every_page_under_faults(
    tmp_path: Path, emulator: Emulator, faults: Faults
) -> None:
    emulator.faults = faults
    site = run_build(_config(tmp_path, emulator, max_retries=10, timeout=0.3))
    assert site.error is None, site.messages()
    _all_pages_present(site)
    requests = int(re.search(r"(\d+) API requests", site.summary()).group(1))  # type: ignore[union-attr]
    assert requests == emulator.stats.total


def test_pagination_without_a_cursor_fails_cleanly(tmp_path: Path) -> None:
    with emulate(many_pages(120, 1)) as emu:
        emu.faults.broken_cursor = True
        site = run_build(_config(tmp_path, emu))
    assert site.error is not None
    assert any("gave no cursor" in m for m in site.messages()), site.messages()


def test_an_api_that_keeps_failing_stops_the_build_or_serves_the_cache(
    tmp_path: Path, emulator: Emulator
) -> None:
    config = _config(tmp_path, emulator, max_retries=1)
    assert run_build(config).error is None
    emulator.workspace.set_text(
        "33333333-0000-4000-8000-000000000001", "Changed while Notion is down."
    )
    emulator.faults.error_rate = 1.0
    emulator.faults.error_statuses = (503,)
    failed = run_build(config)
    assert failed.error is not None
    assert any("Notion" in m and ("kept failing" in m or "circuit" in m) for m in failed.messages())
    warned = run_build(_config(tmp_path, emulator, max_retries=1, on_error="warn"))
    assert warned.error is None, warned.messages()
    _all_pages_present(warned)
    assert "Install the thing." in warned.html("handbook/guide/set-up/index.html").get_text()


def test_a_trashed_page_disappears_and_a_trashed_source_fails_clearly(
    tmp_path: Path, emulator: Emulator
) -> None:
    config = _config(tmp_path, emulator)
    assert run_build(config).error is None
    emulator.workspace.trash_page(FAQ)
    site = run_build(config)
    assert site.error is None
    assert not (site.site / "handbook/faq/index.html").exists()
    emulator.workspace.trash_page(ROOT)
    site = run_build(config)
    assert site.error is not None
    assert any("is in the trash" in m for m in site.messages()), site.messages()


def test_expired_file_urls_are_refreshed(tmp_path: Path) -> None:
    with emulate(handbook(), file_ttl=0.5) as emu:
        config = _config(tmp_path, emu)
        assert run_build(config).error is None
        shutil.rmtree(tmp_path / ".cache/plugin/notion-sync/assets")  # the file is gone...
        time.sleep(0.6)  # ...and the cached signed URL has expired
        emu.stats.reset()
        site = run_build(config)
        assert site.error is None, site.messages()
        assert emu.stats.by_endpoint.get("GET /v1/blocks/{id}", 0) >= 1  # fresh URL fetched
        image = site.html("handbook/index.html").select_one("article img")
        assert image is not None and (site.site / "handbook" / image["src"]).resolve().is_file()


def test_a_corrupt_cache_is_rebuilt(tmp_path: Path, emulator: Emulator) -> None:
    config = _config(tmp_path, emulator)
    assert run_build(config).error is None
    for database in (tmp_path / ".cache/plugin/notion-sync/store").glob("*.db"):
        database.write_bytes(b"this is not sqlite" * 100)
    site = run_build(config)
    assert site.error is None, site.messages()
    _all_pages_present(site)


def test_kill_9_mid_build_leaves_a_usable_cache(tmp_path: Path) -> None:
    with emulate(many_pages(80, 5)) as emu:
        emu.faults.slow_seconds = 0.02
        config = _config(tmp_path, emu, concurrency=2)
        env = {**os.environ, "NOTION_TOKEN": TOKEN, "NO_MKDOCS_2_WARNING": "1"}
        process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "build", "-f", str(config)],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        store = tmp_path / ".cache/plugin/notion-sync/store"
        deadline = time.monotonic() + 30
        while emu.stats.total < 40 and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert store.is_dir()
        emu.faults.slow_seconds = 0.0
        site = run_build(config)
        assert site.error is None, site.messages()
        assert len(list((site.site / "handbook").glob("page-*/index.html"))) == 80
        assert "(0 cached" not in site.summary()  # what was fetched before the kill was kept


def hostile_workspace() -> dict[str, Any]:
    nested: dict[str, Any] = {"bulleted_list_item": "level 50"}
    for level in range(49, 0, -1):
        nested = {"bulleted_list_item": f"level {level}", "children": [nested]}
    bad_url = "javascript:alert(3)"
    return {
        "seed": "hostile",
        "pages": [
            {
                "id": ROOT,
                "title": HOSTILE,
                "blocks": [
                    {"paragraph": [HOSTILE, {"text": "click", "link": bad_url}]},
                    {"heading_1": HOSTILE},
                    {"callout": {"rich_text": HOSTILE, "icon": {"emoji": "⚠️"}}},
                    {"code": {"rich_text": HOSTILE, "language": "html", "caption": HOSTILE}},
                    {
                        "table": {
                            "has_column_header": True,
                            "rows": [[HOSTILE, "b|c"], ["1", HOSTILE]],
                        }
                    },
                    {"bookmark": {"url": bad_url, "caption": HOSTILE}},
                    {"equation": "\\href{javascript:alert(4)}{x} </script>"},
                    {
                        "image": {
                            "file": {"generate": "png", "name": "../../../../etc/passwd\u0000.png"},
                            "caption": HOSTILE,
                        }
                    },
                    {
                        "file": {
                            "file": {"generate": "text", "name": "/etc/shadow", "content": "x"},
                            "name": "/etc/shadow",
                        }
                    },
                    {"image": {"file": {"generate": "png", "name": "..\\..\\win.ini"}}},
                    nested,
                    {
                        "id": "5ca1ab1e-0000-4000-8000-000000000001",
                        "synced_block": {"synced_from": None},
                        "children": [{"paragraph": "synced original"}],
                    },
                    {
                        "synced_block": {
                            "synced_from": {"block_id": "5ca1ab1e-0000-4000-8000-000000000001"}
                        }
                    },
                    {"link_to_page": {"page_id": ROOT}},
                    {
                        "page": {
                            "id": GUIDE,
                            "title": "Ünïcødé ∕ name\u202e",  # noqa: RUF001
                            "blocks": [
                                {"link_to_page": {"page_id": ROOT}},
                                {"paragraph": [{"mention": {"page": GUIDE}}]},
                            ],
                        }
                    },
                ],
            }
        ],
    }


def test_hostile_content_renders_as_text_and_writes_nothing_outside(tmp_path: Path) -> None:
    with emulate(hostile_workspace()) as emu:
        site = run_build(_config(tmp_path, emu))
    assert site.error is None, site.messages()
    for page in site.pages():
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for script in soup.find_all("script"):
            assert "alert" not in script.get_text(), page  # only the theme's scripts
        for element in soup.find_all(True):
            for name, value in element.attrs.items():
                assert not name.lower().startswith("on"), (page, element)
                if name in ("href", "src"):
                    assert not str(value).strip().lower().startswith("javascript:"), (page, element)
    text = site.html("handbook/index.html").get_text()
    assert "<script>alert(1)</script>" in text  # shown as typed
    assert "level 50" in text
    assert text.count("synced original") == 2
    for path in tmp_path.rglob("*"):
        assert path.resolve().is_relative_to(tmp_path.resolve())
    assert not Path("/etc/passwd.png").exists()
    for stored in (tmp_path / ".cache/plugin/notion-sync/assets").iterdir():
        assert re.fullmatch(r"[0-9a-f]{32}\.[a-z0-9]{1,8}", stored.name), stored.name


def test_a_10000_block_page_builds(tmp_path: Path) -> None:
    workspace = {
        "seed": "big",
        "pages": [
            {
                "id": ROOT,
                "title": "Big",
                "blocks": [{"paragraph": f"Block {i}"} for i in range(10_000)],
            }
        ],
    }
    with emulate(workspace) as emu:
        site = run_build(_config(tmp_path, emu))
        assert site.error is None
        assert emu.stats.by_endpoint["GET /v1/blocks/{id}/children"] == 100
    text = site.html("handbook/index.html").get_text()
    assert "Block 0" in text and "Block 9999" in text


def test_the_token_never_appears_in_logs_cache_metrics_or_site(
    tmp_path: Path, emulator: Emulator
) -> None:
    logging.getLogger().setLevel(logging.DEBUG)
    records: list[logging.LogRecord] = []

    class Everything(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Everything(logging.DEBUG)
    logging.getLogger().addHandler(handler)
    try:
        emulator.faults = Faults(error_rate=0.3, seed=3)
        site = run_build(_config(tmp_path, emulator, metrics_file="metrics.prom", max_retries=10))
        bad = run_build(_config(tmp_path / "bad", emulator, token="secret_bad_token_xyz"))
    finally:
        logging.getLogger().removeHandler(handler)
        logging.getLogger().setLevel(logging.WARNING)
    assert site.error is None and bad.error is not None
    messages = [r.getMessage() for r in records + site.logs + bad.logs]
    assert messages
    for message in messages:
        assert TOKEN not in message and "secret_bad_token_xyz" not in message
    for path in tmp_path.rglob("*"):
        if path.is_file() and path.name != "mkdocs.yml":
            data = path.read_bytes()
            assert TOKEN.encode() not in data and b"secret_bad_token_xyz" not in data, path


def test_files_over_the_size_cap_are_left_out_with_a_warning(
    tmp_path: Path, emulator: Emulator
) -> None:
    site = run_build(_config(tmp_path, emulator, max_asset_size=0.00001))
    assert site.error is None, site.messages()
    assert any("larger than the" in w for w in site.warnings()), site.warnings()
    assert site.html("handbook/index.html").select("article img") == []
    assert not (tmp_path / ".cache/plugin/notion-sync/assets").exists() or not any(
        (tmp_path / ".cache/plugin/notion-sync/assets").iterdir()
    )


def test_a_child_page_that_vanishes_during_the_walk_follows_on_error(tmp_path: Path) -> None:
    """The parent still lists the child, but fetching it answers 404: what a page deleted
    (or unshared) while the build runs looks like from the client."""
    workspace = handbook()
    guide = workspace["pages"][0]["blocks"][6]["page"]
    assert guide["id"] == GUIDE
    guide["shared"] = False
    with emulate(workspace) as emu:
        failed = run_build(_config(tmp_path / "fail", emu))
        warned = run_build(_config(tmp_path / "warn", emu, on_error="warn"))
    assert failed.error is not None
    assert any(f"{GUIDE} was not found" in m for m in failed.messages())
    assert warned.error is None, warned.messages()
    assert any("left out page" in w and GUIDE in w for w in warned.warnings())
    assert (warned.site / "handbook/faq/index.html").is_file()
    assert not (warned.site / "handbook/guide").exists()


def test_a_root_left_out_under_on_error_warn_fails_with_the_real_reason(
    tmp_path: Path, emulator: Emulator
) -> None:
    """With nothing cached and Notion failing, `warn` cannot serve the source root: the
    build stops saying Notion failed, not that the page is not shared."""
    emulator.faults.error_rate = 1.0
    emulator.faults.error_statuses = (503,)
    site = run_build(_config(tmp_path, emulator, max_retries=1, on_error="warn"))
    assert site.error is not None
    errors = [m for m in site.messages(logging.ERROR) if "notion-sync" in m]
    assert (errors and "kept failing" in errors[-1]) or "circuit" in errors[-1], errors
    assert not any("share it with your integration" in m for m in errors), errors
