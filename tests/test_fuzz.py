"""Random Notion-shaped JSON through everything that reads API responses: titles,
properties, front matter, file discovery, child pages, publishing. Whatever Notion (or
a proxy in front of it) sends, the only failures are the documented ones."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mkdocs_notion_sync.log import Warnings
from mkdocs_notion_sync.notion.objects import files_in, title_of
from mkdocs_notion_sync.render.properties import plain_property, property_front_matter
from mkdocs_notion_sync.settings import Settings
from mkdocs_notion_sync.site.assets import AssetStore
from mkdocs_notion_sync.site.compose import PageComposer
from mkdocs_notion_sync.site.databases import csv_for
from mkdocs_notion_sync.site.filetypes import FALLBACK, INERT, stored_extension
from mkdocs_notion_sync.site.paths import assign_paths
from mkdocs_notion_sync.site.render_cache import RenderCache
from mkdocs_notion_sync.sync.cache import Cache, CachedPage
from mkdocs_notion_sync.sync.databases import columns_of as _columns
from mkdocs_notion_sync.sync.fetch import _child_pages, outline_of
from mkdocs_notion_sync.sync.model import Page, Source, SyncedTree

KEYS = st.sampled_from(
    [
        "type",
        "id",
        "title",
        "properties",
        "rich_text",
        "plain_text",
        "children",
        "file",
        "external",
        "url",
        "name",
        "has_more",
        "relation",
        "people",
        "select",
        "date",
        "start",
        "end",
        "formula",
        "rollup",
        "number",
        "checkbox",
        "icon",
        "cover",
        "emoji",
        "child_page",
        "child_database",
        "image",
        "object",
        "last_edited_time",
    ]
)
SCALARS = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12)
)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(KEYS | st.text(max_size=5), inner, max_size=5)
    ),
    max_leaves=25,
)
OBJECTS = st.dictionaries(KEYS, JSON, max_size=8)
PROPERTY_TYPES = st.sampled_from(
    [
        "title",
        "rich_text",
        "number",
        "select",
        "multi_select",
        "status",
        "date",
        "people",
        "files",
        "checkbox",
        "url",
        "email",
        "phone_number",
        "formula",
        "relation",
        "rollup",
        "created_time",
        "last_edited_time",
        "created_by",
        "last_edited_by",
        "unique_id",
        "verification",
        "button",
        "place",
        "mystery",
    ]
)
PROPERTIES = st.dictionaries(
    st.text(max_size=8),
    st.builds(lambda kind, value: {"type": kind, kind: value, "id": "x"}, PROPERTY_TYPES, JSON),
    max_size=6,
)


@settings(max_examples=300, deadline=None)
@given(obj=OBJECTS, props=PROPERTIES)
def test_objects_and_properties_never_crash(obj: dict[str, Any], props: dict[str, Any]) -> None:
    assert isinstance(title_of(obj), str)
    assert isinstance(title_of({"properties": props}), str)
    for prop in props.values():
        assert isinstance(plain_property(prop), str)
    assert isinstance(property_front_matter(props), dict)
    assert isinstance(_columns([{"properties": props}, obj]), list)


@settings(max_examples=300, deadline=None)
@given(blocks=st.lists(OBJECTS, max_size=6))
def test_block_trees_never_crash_discovery(blocks: list[dict[str, Any]]) -> None:
    for owner, file in files_in(blocks):
        assert isinstance(owner, str) and isinstance(file, dict)
    for kind, child in _child_pages(blocks):
        assert kind in ("child_page", "child_database") and isinstance(child, str)


@settings(max_examples=200, deadline=None)
@given(url=st.text(max_size=60), content_type=st.none() | st.text(max_size=20))
def test_stored_file_names_are_always_safe(url: str, content_type: str | None) -> None:
    ext = stored_extension(url, content_type)
    assert ext in INERT or ext == FALLBACK  # never an active or path-shaping extension


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(page_obj=OBJECTS, props=PROPERTIES, blocks=st.lists(OBJECTS, max_size=5))
def test_publishing_random_pages_never_crashes(
    tmp_path: Path, page_obj: dict[str, Any], props: dict[str, Any], blocks: list[dict[str, Any]]
) -> None:
    cache = Cache(tmp_path / "cache")
    pool = ThreadPoolExecutor(2)
    offline = Settings(cache_dir=tmp_path / "cache", offline=True)
    assets = AssetStore(cache, offline, pool)
    try:
        source = Source(kind="database", id="db", dest="docs")
        database = Page(id="db", kind="database", title="DB", source=source, obj={"title": []})
        entry_obj = {**page_obj, "id": "e1", "properties": props}
        entry = Page(
            id="e1",
            kind="entry",
            title=title_of(entry_obj),
            source=source,
            parent=database,
            obj=entry_obj,
        )
        database.children.append(entry)
        record = CachedPage(obj=entry_obj, blocks=blocks, fetched_at="2026-01-01T00:00:00.000Z")
        cache.put_page(record, outline_of(record))
        assign_paths([database])
        composer = PageComposer(SyncedTree(roots=[database]), cache, assets, Warnings(), offline)
        renders = RenderCache(composer, cache)
        for page, key, _ in renders.plan(lambda path: False):
            markdown = renders.render(page, key)
            assert markdown.startswith("---\n")
        assert isinstance(csv_for(database), str)
    finally:
        assets.close()
        pool.shutdown()
        cache.close()
