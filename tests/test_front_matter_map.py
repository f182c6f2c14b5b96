"""A source's `front_matter`: properties to typed front-matter keys, safe for the theme."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from notion_emulator import Emulator

from .support.emulators import emulate
from .support.sitebuild import BuiltSite, run_build, write_site

ROOT = "f0f0f0f0-0000-4000-8000-000000000001"
DB = "f0f0f0f0-0000-4000-8000-000000000002"
GOOD = "f0f0f0f0-0000-4000-8000-000000000003"
BAD = "f0f0f0f0-0000-4000-8000-000000000004"
ADA = "f0f0f0f0-0000-4000-8000-0000000000a1"
EVE = "f0f0f0f0-0000-4000-8000-0000000000a2"
SCRIPT = '"><script>alert(1)</script>'

SCHEMA = {
    "Name": "title",
    "Summary": "rich_text",
    "Tags": "multi_select",
    "Published": "date",
    "Owner": "people",
    "Slug": "rich_text",
    "Category": "select",
    "Icon": "rich_text",
    "Stage": {"type": "status", "options": ["new", "deprecated", SCRIPT]},
    "Hide": "multi_select",
    "Home": "url",
    "Score": "number",
}
MAPPING = {
    "description": "Summary",
    "tags": "Tags",
    "date": "Published",
    "authors": "Owner",
    "slug": "Slug",
    "categories": "Category",
    "icon": "Icon",
    "status": "Stage",
    "hide": "Hide",
    "homepage": "Home",
    "score": "Score",
}


def _entry(entry_id: str, title: str, **properties: Any) -> dict[str, Any]:
    return {"id": entry_id, "title": title, "properties": properties, "blocks": ["Body."]}


def workspace() -> dict[str, Any]:
    good = _entry(
        GOOD,
        "Launch",
        Summary="What we launched.",
        Tags=["api", "docs"],
        Published="2026-03-02",
        Owner=[ADA],
        Slug="The Launch Post",
        Category="News",
        Icon="material/rocket-launch",
        Stage="new",
        Hide=["toc"],
        Home="example.org/launch",
        Score=4.5,
    )
    bad = _entry(
        BAD,
        "Hostile",
        Summary=f"{SCRIPT} & more",
        Tags=[f"<img src=x onerror=alert(1)>{SCRIPT}", "javascript:alert(1)"],
        Published={"start": f"soon{SCRIPT}"},
        Owner=[EVE],
        Slug=f"../../{SCRIPT}",
        Category=f"R&D {SCRIPT}",
        Icon="../../../../etc/passwd",
        Stage=SCRIPT,
        Home="javascript:alert(1)",
    )
    return {
        "seed": "front-matter",
        "users": [
            {"id": ADA, "name": "Ada Lovelace", "email": "ada@example.org"},
            {"id": EVE, "name": f"Eve {SCRIPT}", "email": "eve@example.org"},
        ],
        "pages": [
            {
                "id": ROOT,
                "title": "Notes",
                "blocks": [
                    "Top.",
                    {
                        "database": {
                            "id": DB,
                            "title": "Posts",
                            "properties": SCHEMA,
                            "entries": [good, bad],
                        }
                    },
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
    return run_build(write_site(tmp_path, plugin, **extra))


def _meta(site: BuiltSite, path: str) -> dict[str, Any]:
    text = (site.root / ".cache/plugin/notion-sync/site" / path).read_text(encoding="utf-8")
    return dict(yaml.safe_load(text.split("---\n")[1]))


def test_properties_become_typed_front_matter(tmp_path: Path, emulator: Emulator) -> None:
    site = _build(tmp_path, emulator, {"database": DB, "dest": "posts", "front_matter": MAPPING})
    assert site.error is None, site.messages()
    meta = _meta(site, "posts/launch.md")
    assert meta["description"] == "What we launched."
    assert meta["tags"] == ["api", "docs"]
    assert meta["date"] == datetime.date(2026, 3, 2)
    assert meta["authors"] == ["Ada Lovelace"]
    assert meta["slug"] == "the-launch-post"
    assert meta["categories"] == ["News"]
    assert meta["icon"] == "material/rocket-launch"
    assert meta["status"] == "new"
    assert meta["hide"] == ["toc"]
    assert meta["homepage"] == "https://example.org/launch"
    assert meta["score"] == 4.5
    html = site.html("posts/launch/index.html")
    assert html.find("meta", attrs={"name": "description"})["content"] == "What we launched."
    assert html.select_one(".md-sidebar--secondary[hidden]") is not None  # hide: [toc]
    # The nav shows the icon Material bundles for `icon` and the `status` badge.
    link = next(a for a in html.select("nav a.md-nav__link") if "Launch" in a.get_text())
    assert link.find("svg") is not None and link.select_one(".md-status--new") is not None


def test_hostile_values_stay_inert_wherever_the_theme_prints_them(
    tmp_path: Path, emulator: Emulator
) -> None:
    site = _build(
        tmp_path,
        emulator,
        {"database": DB, "dest": "posts", "front_matter": MAPPING},
        plugins_before=["search", "tags"],
    )
    assert site.error is None, site.messages()
    for page in site.pages():
        text = page.read_text(encoding="utf-8")
        assert "<script>alert(1)" not in text, page
        assert "<img src=x" not in text, page
        assert 'href="javascript:' not in text.lower(), page
    html = site.html("posts/hostile/index.html")
    shown = html.find("meta", attrs={"name": "description"})["content"]
    assert shown == f"{SCRIPT} & more"  # as typed
    tags = [a.get_text(strip=True) for a in html.select("article .md-tag")]
    assert f"<img src=x onerror=alert(1)>{SCRIPT}" in tags
    meta = _meta(site, "posts/hostile.md")
    assert "date" not in meta and "icon" not in meta and "homepage" not in meta
    assert meta["slug"] == "script-alert-1-script"
    warnings = " ".join(site.warnings())
    assert "'date' from property \"Published\" is not a date" in warnings
    assert "'icon' from property \"Icon\" is not one of Material's icons" in warnings


def test_a_warm_build_writes_the_same_front_matter_and_warnings(
    tmp_path: Path, emulator: Emulator
) -> None:
    cold = _build(tmp_path, emulator, {"database": DB, "dest": "posts", "front_matter": MAPPING})
    warm = run_build(tmp_path / "mkdocs.yml")
    assert warm.error is None
    assert _meta(warm, "posts/launch.md") == _meta(cold, "posts/launch.md")
    assert sorted(warm.warnings()) == sorted(cold.warnings())


def test_page_tree_pages_map_their_title_and_their_own_fields(
    tmp_path: Path, emulator: Emulator
) -> None:
    mapping = {"date": "created_time", "authors": "created_by", "subtitle": "title"}
    site = _build(tmp_path, emulator, {"page": ROOT, "dest": "notes", "front_matter": mapping})
    assert site.error is None, site.messages()
    meta = _meta(site, "notes/index.md")
    assert isinstance(meta["date"], datetime.datetime)
    assert meta["subtitle"] == "Notes"
    assert isinstance(meta["authors"], list) and meta["authors"]
    # Entries of a database inside the tree have their own properties too.
    assert _meta(site, "notes/posts/launch.md")["subtitle"] == "Launch"


def test_a_property_no_page_has_is_one_warning(tmp_path: Path, emulator: Emulator) -> None:
    site = _build(
        tmp_path, emulator, {"database": DB, "dest": "posts", "front_matter": {"tags": "Tagz"}}
    )
    assert site.error is None
    lines = [w for w in site.warnings() if "front_matter names" in w]
    assert lines == [
        'notion-sync: source posts: front_matter names "Tagz" (for tags), which no page of '
        "the source has"
    ]


def test_a_blog_keeps_only_authors_material_knows(tmp_path: Path, emulator: Emulator) -> None:
    docs = {
        "index.md": "# Home\n",
        "posts/.authors.yml": (
            "authors:\n  ada-lovelace:\n    name: Ada\n    description: Writer\n    avatar: a.png\n"
        ),
    }
    site = _build(
        tmp_path,
        emulator,
        {
            "database": DB,
            "dest": "posts",
            "blog": True,
            "front_matter": {"authors": "Owner", "categories": "Category"},
        },
        docs=docs,
        plugins_before=["search", {"blog": {"blog_dir": "posts"}}],
    )
    assert site.error is None, site.messages(logging.WARNING)
    good = next((tmp_path / ".cache/plugin/notion-sync/site/posts/posts").glob("launch*.md"))
    meta = dict(yaml.safe_load(good.read_text(encoding="utf-8").split("---\n")[1]))
    assert meta["authors"] == ["ada-lovelace"]
    bad = next((tmp_path / ".cache/plugin/notion-sync/site/posts/posts").glob("hostile*.md"))
    hostile = dict(yaml.safe_load(bad.read_text(encoding="utf-8").split("---\n")[1]))
    assert hostile["authors"] == []  # Eve is not in .authors.yml: Material would refuse her
    assert all("<" not in c for c in hostile["categories"])
