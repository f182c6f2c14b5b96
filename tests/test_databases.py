"""Database sources end to end: entries as pages, properties, index, CSV, filters, blog."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from notion_emulator import Emulator

from .support.emulators import emulate
from .support.sitebuild import BuiltSite, run_build, write_site
from .support.workspaces import (
    PEOPLE,
    TOKEN,
    changelog_database,
)

ROOT = "a1a1a1a1-0000-4000-8000-000000000001"
DB = "d8d8d8d8-0000-4000-8000-000000000001"


def workspace() -> dict[str, Any]:
    return {
        "seed": "databases",
        "users": PEOPLE,
        "pages": [
            {
                "id": ROOT,
                "title": "Docs",
                "blocks": [
                    {"paragraph": "The changelog lives below."},
                    changelog_database(DB),
                ],
            }
        ],
    }


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with emulate(workspace()) as emu:
        yield emu


def _build(tmp_path: Path, emulator: Emulator, source: dict[str, Any], **extra: Any) -> BuiltSite:
    plugin = {"api_url": emulator.url, "rate_limit": 1000, "sources": [source]}
    config = write_site(tmp_path, plugin, **extra)
    site = run_build(config)
    assert site.error is None, site.messages()
    return site


def _front_matter(site: BuiltSite, path: str) -> dict[str, Any]:
    staged = site.root / ".cache/plugin/notion-sync/site" / path
    text = staged.read_text(encoding="utf-8")
    return dict(yaml.safe_load(text.split("---\n")[1]))


def test_a_database_source_publishes_an_index_and_one_page_perchangelog_entry(
    tmp_path: Path, emulator: Emulator
) -> None:
    site = _build(tmp_path, emulator, {"database": DB, "dest": "changelog"})
    index = site.html("changelog/index.html")
    assert "Changelog" in index.h1.get_text()
    assert "What changed, and when." in index.get_text()
    links = {
        a.get_text(strip=True): a["href"]
        for a in index.select("article table tbody tr td:first-child a")
    }
    assert set(links) == {"First release", "Second release", "Unfinished"}
    for href in links.values():
        assert (site.site / "changelog" / href / "index.html").is_file()


def test_filter_and_sorts_are_passed_to_notion(tmp_path: Path, emulator: Emulator) -> None:
    source = {
        "database": DB,
        "dest": "changelog",
        "filter": {"property": "Published", "checkbox": {"equals": True}},
        "sorts": [{"property": "Date", "direction": "descending"}],
    }
    site = _build(tmp_path, emulator, source)
    titles = [
        a.get_text(strip=True)
        for a in site.html("changelog/index.html").select("article table tbody tr td:first-child a")
    ]
    assert titles == ["Second release", "First release"]
    assert not (site.site / "changelog/unfinished").exists()


def test_a_filter_notion_rejects_fails_with_its_message(tmp_path: Path, emulator: Emulator) -> None:
    plugin = {
        "api_url": emulator.url,
        "sources": [
            {
                "database": DB,
                "dest": "x",
                "filter": {"property": "Nope", "checkbox": {"equals": True}},
            }
        ],
    }
    site = run_build(write_site(tmp_path, plugin))
    assert site.error is not None
    assert any("Notion rejected the query" in m for m in site.messages()), site.messages()


def test_every_property_type_is_shown_on_the_entry_page(tmp_path: Path, emulator: Emulator) -> None:
    site = _build(tmp_path, emulator, {"database": DB, "dest": "changelog"})
    page = site.html("changelog/second-release/index.html")
    table = page.select_one("article table")
    assert table is not None
    rows = {
        tr.select("td")[0].get_text(strip=True): tr.select("td")[1]
        for tr in table.select("tbody tr")
    }
    text = {name: cell.get_text(" ", strip=True) for name, cell in rows.items()}
    assert "| pipe" in text["Notes"] and "<b>html</b>" in text["Notes"]
    assert rows["Notes"].find("b") is None  # HTML in text shows as text
    assert text["Version"] == "1.5"
    assert text["Kind"] == "Feature"
    assert text["Tags"] == "api, docs"
    assert text["Status"] == "Published"
    assert text["Date"].startswith("2026-03-02") and "Europe/Paris" in text["Date"]
    assert text["Owner"] == "Ada Lovelace"
    assert rows["Attachment"].find("a")["href"].endswith(".pdf")
    assert text["Published"] == "☑"
    assert rows["Link"].find("a")["href"] == "https://example.org/release"
    assert rows["Mail"].find("a")["href"] == "mailto:team@example.org"
    assert text["Phone"] == "+33 1 23 45 67 89"
    assert text["Score"] == "42"
    assert rows["Related"].find("a")["href"] == "../first-release/"
    assert text["Total"] == "7"
    assert text["Created"].startswith("20") and text["Edited"].startswith("20")
    assert text["ID"].startswith("CHG-")
    assert text["Checked"] == "verified"
    assert "Body of Second release." in page.get_text()


def test_properties_become_front_matter_with_tags_and_date(
    tmp_path: Path, emulator: Emulator
) -> None:
    site = _build(tmp_path, emulator, {"database": DB, "dest": "changelog"})
    meta = _front_matter(site, "changelog/first-release.md")
    assert meta["title"] == "First release"
    assert meta["tags"] == ["api", "docs"]
    assert meta["date"] == "2026-01-10"
    assert meta["properties"]["Published"] is True
    assert meta["properties"]["Version"] == 1.5


def test_the_index_offers_the_entries_as_csv(tmp_path: Path, emulator: Emulator) -> None:
    site = _build(tmp_path, emulator, {"database": DB, "dest": "changelog"})
    link = site.html("changelog/index.html").find("a", string="Download as CSV")
    assert link is not None
    rows = list(
        csv.reader(
            io.StringIO((site.site / "changelog" / link["href"]).read_text(encoding="utf-8"))
        )
    )
    assert rows[0][0] == "Name" and "Published" in rows[0]
    assert sorted(r[0] for r in rows[1:]) == ["First release", "Second release", "Unfinished"]


def test_columns_and_slug_property_options(tmp_path: Path, emulator: Emulator) -> None:
    source = {
        "database": DB,
        "dest": "log",
        "columns": ["Name", "Date", "Status"],
        "slug_property": "Slug",
    }
    site = _build(tmp_path, emulator, source)
    headers = [
        th.get_text(strip=True) for th in site.html("log/index.html").select("article table th")
    ]
    assert headers == ["Name", "Date", "Status"]
    assert (site.site / "log/pinned-first-release/index.html").is_file()


def test_a_child_database_inside_a_page_is_published_under_it(
    tmp_path: Path, emulator: Emulator
) -> None:
    site = _build(tmp_path, emulator, {"page": ROOT, "dest": "docs"})
    assert (site.site / "docs/changelog/index.html").is_file()
    assert (site.site / "docs/changelog/first-release/index.html").is_file()
    hrefs = [a["href"] for a in site.html("docs/index.html").select("article a[href]")]
    assert "changelog/" in hrefs


def test_blog_mode_drives_materials_blog(tmp_path: Path, emulator: Emulator) -> None:
    docs = {
        "index.md": "# Home\n",
        "blog/index.md": "# Blog\n",
        "blog/.authors.yml": (
            "authors:\n  ada-lovelace:\n    name: Ada Lovelace\n"
            "    description: Writer\n    avatar: https://example.org/ada.png\n"
        ),
    }
    source = {
        "database": DB,
        "dest": "blog",
        "blog": True,
        "filter": {"property": "Published", "checkbox": {"equals": True}},
    }
    plugin = {"api_url": emulator.url, "rate_limit": 1000, "sources": [source]}
    config = write_site(tmp_path, plugin, docs=docs, plugins_before=["search", "blog"])
    site = run_build(config)
    assert site.error is None, site.messages()
    posts = sorted(
        p.relative_to(site.site).as_posix() for p in (site.site / "blog").rglob("index.html")
    )
    assert "blog/2026/03/02/second-release/index.html" in posts, posts
    assert "blog/2026/01/10/first-release/index.html" in posts
    listing = site.html("blog/index.html").get_text()
    assert "Second release" in listing and "First release" in listing
    assert "Unfinished" not in listing
    post = site.html("blog/2026/03/02/second-release/index.html")
    assert "Ada Lovelace" in post.get_text()
    assert sorted(p.name for p in (tmp_path / "docs").rglob("*") if p.is_file()) == [
        ".authors.yml",
        "index.md",
        "index.md",
    ]


def test_relations_show_the_related_page_title(tmp_path: Path, emulator: Emulator) -> None:
    site = _build(tmp_path, emulator, {"database": DB, "dest": "changelog"})
    page = site.html("changelog/second-release/index.html")
    table = page.select_one("article .notion-properties table")
    assert table is not None
    related = table.find("a", href="../first-release/")
    assert related is not None and related.get_text(strip=True) == "First release"
    assert "{ .notion-properties }" not in page.get_text()


def test_relations_past_25_references_are_fetched_in_full(tmp_path: Path) -> None:
    entries = [{"id": f"e0000000-0000-4000-8000-{i:012d}", "title": f"Item {i}"} for i in range(40)]
    hub = {"title": "Hub", "properties": {"Links": [e["id"] for e in entries]}}
    workspace = {
        "pages": [
            {
                "id": ROOT,
                "title": "Docs",
                "blocks": [
                    {
                        "database": {
                            "id": DB,
                            "title": "Graph",
                            "properties": {
                                "Name": "title",
                                "Links": {"type": "relation", "data_source": "self"},
                            },
                            "entries": [hub, *entries],
                        }
                    }
                ],
            }
        ]
    }
    with emulate(workspace) as emu:
        site = _build(tmp_path, emu, {"database": DB, "dest": "graph"})
        assert emu.stats.by_endpoint.get("GET /v1/pages/{id}/properties/{property_id}", 0) >= 1
    table = site.html("graph/hub/index.html").select_one("article .notion-properties table")
    assert table is not None
    assert len(table.select("a")) == 40


def test_the_serve_poll_notices_a_newchangelog_entry(tmp_path: Path, emulator: Emulator) -> None:
    from mkdocs_notion_sync.pipeline import Session
    from mkdocs_notion_sync.settings import Settings
    from mkdocs_notion_sync.sync.model import Source

    settings = Settings(
        sources=[Source("database", DB, "changelog")],
        cache_dir=tmp_path / "cache",
        token=TOKEN,
        api_url=emulator.url,
        rate_limit=1000,
    )
    session = Session(settings)
    try:
        synced = session.build().synced_ids
        assert session.poll(synced) is False
        emulator.workspace.add_page(DB, "Third release", properties={"Published": True})
        assert session.poll(synced) is True
    finally:
        session.close()
