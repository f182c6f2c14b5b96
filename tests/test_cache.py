"""The cache keeps what was fetched, survives a format change and reports its size."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from mkdocs_notion_sync.sync.cache import FORMAT, Cache, CachedPage, UnreadableEntry
from mkdocs_notion_sync.sync.fetch import outline_of


def _page(page_id: str = "p1") -> CachedPage:
    obj = {"id": page_id, "last_edited_time": "2026-07-04T09:08:00.000Z"}
    return CachedPage(
        obj=obj, blocks=[{"type": "paragraph"}], fetched_at="2026-07-04T09:10:00.000Z"
    )


def _put(cache: Cache, page: CachedPage) -> None:
    cache.put_page(page, outline_of(page))


def test_pages_round_trip_and_survive_reopening(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    _put(cache, _page())
    cache.close()
    again = Cache(tmp_path)
    stored = again.get_page("p1")
    assert stored is not None and stored.blocks == [{"type": "paragraph"}]
    assert stored.last_edited_time == "2026-07-04T09:08:00.000Z"
    outline = again.get_outline("p1")
    assert (
        outline is not None and outline.children == [] and outline.fetched_at == stored.fetched_at
    )
    assert again.get_page("missing") is None
    again.close()


def test_an_older_format_is_cleared(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    _put(cache, _page())
    cache._store.set("format", FORMAT - 1)
    cache.close()
    again = Cache(tmp_path)
    assert again.get_page("p1") is None
    again.close()


def test_stats_and_clear(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    _put(cache, _page("a"))
    _put(cache, _page("b"))
    cache.assets.put("k", "x.png")
    cache.assets_dir.mkdir(parents=True)
    (cache.assets_dir / "x.png").write_bytes(b"12345")
    stats = cache.stats()
    assert stats["page"] == 2 and stats["asset_files"] == 1 and stats["asset_bytes"] == 5
    cache.clear()
    assert cache.get_page("a") is None and not cache.assets_dir.exists()
    assert cache.stats()["page" if "page" in cache.stats() else "asset_files"] == 0
    cache.close()


def test_an_absent_entry_and_an_unreadable_one_are_told_apart(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    try:
        assert cache.get_page("never-stored") is None
        cache._store.set("page:foreign", "not a cached page")
        with pytest.raises(UnreadableEntry):
            cache.get_page("foreign")
        cache._store.set("render:foreign", "not a render record")
        assert cache.renders.get("foreign") is None  # a miss where a miss is harmless
        big = CachedPage(obj={"id": "big"}, blocks=[{"paragraph": "x" * 50_000}], fetched_at="2026")
        cache.put_page(big, outline_of(big))
        with sqlite3.connect(tmp_path / "store/cache.db") as con:
            (name,) = con.execute("SELECT filename FROM Cache WHERE key='page:big'").fetchone()
        (tmp_path / "store" / name).unlink()
        with pytest.raises(UnreadableEntry, match="big"):
            cache.get_page("big")
    finally:
        cache.close()


def _filled(directory: Path, count: int = 300) -> None:
    cache = Cache(directory)
    for i in range(count):
        page = CachedPage(obj={"id": f"p{i}"}, blocks=[{"t": "x" * 300}] * 5, fetched_at="2026")
        cache.put_page(page, outline_of(page))
    cache.close()


def _unreadable(cache: Cache, count: int = 300) -> int:
    found = 0
    for i in range(count):
        try:
            cache.get_page(f"p{i}")
        except UnreadableEntry:
            found += 1
    return found


def test_damage_met_in_a_build_is_checked_and_rebuilt_by_the_next(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _filled(tmp_path)
    database = tmp_path / "store/cache.db"
    data = bytearray(database.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 4 * 4096] = b"\xab" * (4 * 4096)  # torn pages, sound header
    database.write_bytes(bytes(data))
    cache = Cache(tmp_path)  # nothing shows yet: the damage is in the middle
    assert _unreadable(cache) > 0  # those entries are unreadable, not misses
    cache.close()
    again = Cache(tmp_path)
    try:
        warnings = [r.getMessage() for r in caplog.records if "damaged" in r.getMessage()]
        assert warnings and "integrity check" in warnings[0] and "\n" not in warnings[0]
        assert again.get_page("p1") is None and _unreadable(again) == 0  # rebuilt, empty
    finally:
        again.close()


def test_a_store_that_passes_the_integrity_check_is_kept(tmp_path: Path) -> None:
    _filled(tmp_path, 3)
    (tmp_path / "store/damaged").touch()  # damage was suspected, but the store is sound
    cache = Cache(tmp_path)
    try:
        assert cache.get_page("p1") is not None
        assert not (tmp_path / "store/damaged").exists()
    finally:
        cache.close()
