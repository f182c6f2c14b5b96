"""Nothing is lost: a cached page that cannot be read is fetched again (or the build stops
naming it), a disk that is full, failing or read-only stops the build with one line and
leaves the cache as it was, and only a store SQLite itself calls damaged is rebuilt."""

from __future__ import annotations

import builtins
import errno
import logging
import os
import pickle
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import diskcache.core
import pytest

from notion_emulator import Emulator

from .support.emulators import emulate
from .support.sitebuild import BuiltSite, run_build, write_site
from .support.workspaces import FAQ, ROOT, handbook

BIG = "b1b1b1b1-0000-4000-8000-000000000001"
EMBEDDED = "e0e0e0e0-0000-4000-8000-000000000002"
CACHE = ".cache/plugin/notion-sync"


def _workspace() -> dict[str, Any]:
    """The handbook plus a page big enough that diskcache keeps its body in a value file
    of its own (over 32 KiB), and a big page that a hand-written page embeds."""
    workspace = handbook()
    paragraphs = [{"paragraph": f"Paragraph {i} of the big page."} for i in range(400)]
    workspace["pages"][0]["blocks"].append(
        {"page": {"id": BIG, "title": "Big", "blocks": paragraphs}}
    )
    embedded = [{"paragraph": f"Embedded paragraph {i}."} for i in range(400)]
    workspace["pages"].append({"id": EMBEDDED, "title": "Embedded", "blocks": embedded})
    return workspace


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with emulate(_workspace()) as emu:
        yield emu


def _config(tmp_path: Path, emulator: Emulator, **extra: Any) -> Path:
    options: dict[str, Any] = {
        "api_url": emulator.url,
        "rate_limit": 1000,
        "sources": [{"page": ROOT, "dest": "handbook"}],
        **extra,
    }
    docs = {"index.md": "# Home\n", "embed.md": f"# Embed\n\n<!-- notion: {EMBEDDED} -->\n"}
    return write_site(tmp_path, options, docs=docs)


def _value_file(tmp_path: Path, page_id: str) -> Path:
    """The file diskcache keeps a big page's body in (its row names it)."""
    store = tmp_path / CACHE / "store"
    with sqlite3.connect(store / "cache.db") as con:
        row = con.execute("SELECT filename FROM Cache WHERE key = ?", (f"page:{page_id}",))
        (filename,) = row.fetchone()
    assert filename, "the big page's body is not in a file of its own"
    return store / filename


def _rerender_everything(tmp_path: Path) -> None:
    """Without staged pages every page is composed again, so its body is read."""
    for path in sorted((tmp_path / CACHE / "site").rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()


def _one_line_errors(site: BuiltSite) -> list[str]:
    assert site.error is not None, "the build should have failed"
    for message in site.messages():
        assert "Traceback" not in message
    return [m for m in site.messages(logging.ERROR) if m.startswith("notion-sync: ")]


def _offline_build_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> BuiltSite:
    """What a user sees when the cache was left as it was: offline, every page is there."""
    monkeypatch.setenv("NOTION_SYNC_OFFLINE", "true")
    site = run_build(tmp_path / "mkdocs.yml")
    monkeypatch.delenv("NOTION_SYNC_OFFLINE")
    assert site.error is None, site.messages()
    _has_every_page(site)
    return site


def _has_every_page(site: BuiltSite) -> None:
    assert "Install the thing." in site.html("handbook/guide/set-up/index.html").get_text()
    assert "Paragraph 399" in site.html("handbook/big/index.html").get_text()
    assert "Embedded paragraph 399." in site.html("embed/index.html").get_text()


# -- a cached body that cannot be read ------------------------------------------------

DAMAGE: dict[str, Callable[[Path], None]] = {
    "value-file-deleted": lambda path: path.unlink(),
    "value-file-garbage": lambda path: path.write_bytes(b"\x80\x05garbage, not a pickle"),
    "value-file-truncated": lambda path: path.write_bytes(path.read_bytes()[:1000]),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_an_unreadable_cached_body_is_fetched_again_online(
    tmp_path: Path, emulator: Emulator, damage: str
) -> None:
    config = _config(tmp_path, emulator)
    assert run_build(config).error is None
    DAMAGE[damage](_value_file(tmp_path, BIG))
    DAMAGE[damage](_value_file(tmp_path, EMBEDDED))
    _rerender_everything(tmp_path)
    emulator.stats.reset()
    site = run_build(config)
    assert site.error is None, site.messages()
    assert "Paragraph 399 of the big page." in site.html("handbook/big/index.html").get_text()
    assert "Embedded paragraph 399." in site.html("embed/index.html").get_text()
    assert emulator.stats.by_endpoint["GET /v1/blocks/{id}/children"] >= 2
    assert any("fetching it again" in m for m in site.messages(logging.INFO)), site.messages()


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_an_unreadable_cached_body_offline_fails_naming_the_page(
    tmp_path: Path, emulator: Emulator, damage: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _config(tmp_path, emulator)
    assert run_build(config).error is None
    DAMAGE[damage](_value_file(tmp_path, BIG))
    _rerender_everything(tmp_path)
    monkeypatch.setenv("NOTION_SYNC_OFFLINE", "true")
    site = run_build(config)
    errors = _one_line_errors(site)
    assert any('"Big"' in m and BIG in m and "cannot be read" in m for m in errors), errors
    assert not (site.site / "handbook/big/index.html").exists()  # never an empty page


@pytest.mark.parametrize("notion", ["down", "page-unshared"])
def test_an_unreadable_body_that_cannot_be_fetched_again_fails_naming_the_page(
    tmp_path: Path, emulator: Emulator, notion: str
) -> None:
    config = _config(tmp_path, emulator, max_retries=0, on_error="warn")
    assert run_build(config).error is None
    _value_file(tmp_path, BIG).unlink()
    _rerender_everything(tmp_path)
    if notion == "down":
        emulator.faults.error_rate = 1.0
        emulator.faults.error_statuses = (503,)
    else:
        emulator.workspace.pages[BIG].shared = False
    site = run_build(config)
    errors = _one_line_errors(site)
    expected = "Notion is unavailable" if notion == "down" else "fetching it again failed"
    assert any('"Big"' in m and "cannot be read" in m and expected in m for m in errors), errors


def _foreign_entries(tmp_path: Path, *keys: str) -> None:
    """Entries whose value is not what the key says: a damaged pickle of another kind."""
    with sqlite3.connect(tmp_path / CACHE / "store/cache.db") as con:
        for key in keys:
            con.execute(
                "UPDATE Cache SET value = ?, mode = 4, filename = NULL WHERE key = ?",
                (pickle.dumps("not an outline"), key),
            )


def test_an_unreadable_outline_is_fetched_again_online(tmp_path: Path, emulator: Emulator) -> None:
    config = _config(tmp_path, emulator)
    assert run_build(config).error is None
    _foreign_entries(tmp_path, f"outline:{BIG}", f"page:{BIG}")
    _rerender_everything(tmp_path)
    site = run_build(config)
    assert site.error is None, site.messages()
    assert "Paragraph 399" in site.html("handbook/big/index.html").get_text()


def test_an_unreadable_outline_offline_fails_naming_the_page(
    tmp_path: Path, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _config(tmp_path, emulator)
    assert run_build(config).error is None
    _foreign_entries(tmp_path, f"outline:{BIG}", f"page:{BIG}")
    monkeypatch.setenv("NOTION_SYNC_OFFLINE", "true")
    site = run_build(config)
    errors = _one_line_errors(site)
    assert any(BIG in m and "cannot be read" in m for m in errors), errors


# -- storage errors never wipe the cache ------------------------------------------------

REAL_CONNECT = sqlite3.connect


def _read_only(path: str, *args: Any, **kwargs: Any) -> sqlite3.Connection:
    """SQLite's own read-only mode: writes fail with SQLITE_READONLY, as on a read-only
    mount (tests run as root, which ignores file permissions)."""
    return REAL_CONNECT(f"file:{path}?mode=ro", *args, uri=True, **kwargs)


def _full(path: str, *args: Any, **kwargs: Any) -> sqlite3.Connection:
    """The database may not grow by a page: writes that need room fail with SQLITE_FULL,
    "database or disk is full", as on a full disk."""
    con = REAL_CONNECT(path, *args, **kwargs)
    (pages,) = con.execute("PRAGMA page_count").fetchone()
    con.execute(f"PRAGMA max_page_count = {max(1, pages)}")
    return con


class _FailingDisk(sqlite3.Connection):
    def execute(self, *args: Any, **kwargs: Any) -> sqlite3.Cursor:
        raise sqlite3.OperationalError("disk I/O error")


def _io_error(path: str, *args: Any, **kwargs: Any) -> sqlite3.Connection:
    return REAL_CONNECT(path, *args, factory=_FailingDisk, **kwargs)


def _no_space(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
    """diskcache writes big values to files of their own: the disk has no room for them."""
    if "x" in mode or "w" in mode:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(file))
    return builtins.open(file, mode, *args, **kwargs)


STORAGE_FAULTS: dict[str, tuple[Callable[[pytest.MonkeyPatch], None], str]] = {
    "read-only": (
        lambda mp: mp.setattr(sqlite3, "connect", _read_only),
        "attempt to write a readonly database",
    ),
    "database-full": (lambda mp: mp.setattr(sqlite3, "connect", _full), "database or disk is full"),
    "disk-io-error": (lambda mp: mp.setattr(sqlite3, "connect", _io_error), "disk I/O error"),
    "no-space-for-a-value-file": (
        lambda mp: mp.setattr(diskcache.core, "open", _no_space, raising=False),
        "No space left on device",
    ),
}


@pytest.mark.parametrize("fault", list(STORAGE_FAULTS))
def test_a_storage_error_is_one_line_and_leaves_the_cache_as_it_was(
    tmp_path: Path, emulator: Emulator, fault: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _config(tmp_path, emulator)
    assert run_build(config).error is None
    # The next build has something to write: new pages, one of them big.
    for i in range(30):
        emulator.workspace.add_page(ROOT, f"New {i}", blocks=[f"New text {i}."])
    emulator.workspace.add_page(FAQ, "New big", blocks=[f"Line {i} " * 20 for i in range(400)])
    inject, says = STORAGE_FAULTS[fault]
    with monkeypatch.context() as patched:
        inject(patched)
        site = run_build(config)
    errors = _one_line_errors(site)
    assert any(says in m and str(tmp_path / CACHE) in m for m in errors), errors
    assert not any("rebuilding" in m for m in site.messages()), site.messages()
    # Once the disk is back, the next build goes on from the cache it left: the pages
    # stored before are not fetched again, and every page is published.
    again = run_build(config)
    assert again.error is None, again.messages()
    assert "(0 cached" not in again.summary()
    _has_every_page(again)
    assert "Line 399" in again.html("handbook/faq/new-big/index.html").get_text()


def test_a_storage_error_on_an_offline_build_keeps_the_cache(
    tmp_path: Path, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reported case: an offline build during a full disk wiped the whole cache."""
    config = _config(tmp_path, emulator)
    assert run_build(config).error is None
    monkeypatch.setenv("NOTION_SYNC_OFFLINE", "true")
    with monkeypatch.context() as patched:
        patched.setattr(sqlite3, "connect", _io_error)
        site = run_build(config)
    errors = _one_line_errors(site)
    assert any("disk I/O error" in m for m in errors), errors
    monkeypatch.delenv("NOTION_SYNC_OFFLINE")
    _offline_build_works(tmp_path, monkeypatch)


@pytest.mark.parametrize("kind", ["garbage", "truncated"])
def test_only_a_store_sqlite_calls_damaged_is_rebuilt(
    tmp_path: Path, emulator: Emulator, kind: str
) -> None:
    config = _config(tmp_path, emulator)
    assert run_build(config).error is None
    database = tmp_path / CACHE / "store/cache.db"
    data = database.read_bytes()
    database.write_bytes(
        b"this is not sqlite" * 100 if kind == "garbage" else data[: len(data) // 2]
    )
    site = run_build(config)
    assert site.error is None, site.messages()
    assert any("rebuilding" in w for w in site.warnings()), site.warnings()
    assert "Paragraph 399" in site.html("handbook/big/index.html").get_text()


# -- folders that cannot be made or written -------------------------------------------


@pytest.mark.parametrize("where", ["under-a-file", "name-too-long", "staging-is-a-file"])
def test_a_cache_folder_that_cannot_be_made_is_one_line(
    tmp_path: Path, emulator: Emulator, where: str
) -> None:
    (tmp_path / "blocker").write_text("a file, not a folder")
    cache_dir = {
        "under-a-file": "blocker/cache",
        "name-too-long": "x" * 300,
        "staging-is-a-file": "ok-cache",
    }[where]
    if where == "staging-is-a-file":
        (tmp_path / "ok-cache").mkdir()
        (tmp_path / "ok-cache/site").write_text("a file where the staged pages go")
    site = run_build(_config(tmp_path, emulator, cache_dir=cache_dir))
    errors = _one_line_errors(site)
    assert any(cache_dir in m for m in errors), errors
