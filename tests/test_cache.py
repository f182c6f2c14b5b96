"""The cache keeps what was fetched, survives a format change and reports its size."""

from __future__ import annotations

from pathlib import Path

from mkdocs_notion_sync.sync.cache import FORMAT, Cache, CachedPage
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


def test_an_entry_that_cannot_be_read_is_a_miss(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    cache._store.set("page:p1", "not a cached page")
    assert cache.get_page("p1") is None
    cache.close()
