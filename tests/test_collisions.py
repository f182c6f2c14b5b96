"""Two pages never share a path: every collision is found after all paths are assigned,
resolved the same way whatever order Notion lists pages in, and reported as a WARNING
(so `mkdocs build --strict` fails); overlapping sources are a config error."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort

from mkdocs_notion_sync.site.paths import assign_paths
from mkdocs_notion_sync.sync.model import Page, Source

from .support.emulators import emulate
from .support.sitebuild import BuiltSite, collecting_logs, run_build, write_site
from .support.workspaces import ROOT

NOTES_OLD = "aaaaaaaa-0000-4000-8000-000000000001"
NOTES_NEW = "bbbbbbbb-0000-4000-8000-000000000002"
NOTES_TAKEN = "cccccccc-0000-4000-8000-000000000003"
OTHER = "dddddddd-0000-4000-8000-000000000004"
DB = "eeeeeeee-0000-4000-8000-000000000005"


def _child(pid: str, title: str, body: str, created: str, **extra: Any) -> dict[str, Any]:
    return {
        "page": {
            "id": pid,
            "title": title,
            "created_time": created,
            "blocks": [{"paragraph": body}],
            **extra,
        }
    }


def _namesakes(order: list[int]) -> dict[str, Any]:
    """Two "Notes" pages, and a third whose own title is the newer one's tie-break slug."""
    children = [
        _child(NOTES_OLD, "Notes", "Body of the old notes.", "2026-01-01T00:00:00.000Z"),
        _child(NOTES_NEW, "Notes", "Body of the new notes.", "2026-02-01T00:00:00.000Z"),
        _child(NOTES_TAKEN, "Notes bbbbbb", "Body of notes bbbbbb.", "2026-03-01T00:00:00.000Z"),
    ]
    return {"pages": [{"id": ROOT, "title": "Handbook", "blocks": [children[i] for i in order]}]}


def _build(tmp_path: Path, workspace: dict[str, Any], **options: Any) -> BuiltSite:
    with emulate(workspace) as emu:
        plugin = {"api_url": emu.url, "rate_limit": 1000, **options}
        return run_build(write_site(tmp_path, plugin))


def _published(site: BuiltSite, texts: list[str]) -> dict[str, str]:
    """Which page of the built site shows each text (each must be on exactly one)."""
    found: dict[str, str] = {}
    for text in texts:
        where = [
            p.relative_to(site.site).as_posix()
            for p in site.pages()
            if text in p.read_text(encoding="utf-8")
            and p.relative_to(site.site).as_posix() != "404.html"
        ]
        assert len(where) == 1, (text, where)
        found[text] = where[0]
    return found


BODIES = ["Body of the old notes.", "Body of the new notes.", "Body of notes bbbbbb."]


@pytest.mark.parametrize("order", [[0, 1, 2], [2, 1, 0], [1, 2, 0]])
def test_a_tie_break_suffix_never_takes_another_pages_slug(
    tmp_path: Path, order: list[int]
) -> None:
    site = _build(tmp_path, _namesakes(order), sources=[{"page": ROOT, "dest": "handbook"}])
    assert site.error is None, site.messages()
    where = _published(site, BODIES)
    assert len(set(where.values())) == 3  # every page is on the site, each on its own URL
    # The same URLs whatever order Notion lists the pages in; a page keeps its own title's
    # slug, the namesake's tie-break gives way.
    assert where == {
        "Body of the old notes.": "handbook/notes/index.html",
        "Body of the new notes.": "handbook/notes-bbbbbbbb/index.html",
        "Body of notes bbbbbb.": "handbook/notes-bbbbbb/index.html",
    }
    collisions = [w for w in site.warnings() if "same path" in w]
    assert len(collisions) == 1, site.warnings()
    assert "handbook/notes-bbbbbb" in collisions[0] and NOTES_NEW in collisions[0]


def test_a_collision_fails_a_strict_build(tmp_path: Path) -> None:
    with emulate(_namesakes([0, 1, 2])) as emu:
        config = write_site(
            tmp_path,
            {
                "api_url": emu.url,
                "rate_limit": 1000,
                "sources": [{"page": ROOT, "dest": "handbook"}],
            },
        )
        site = run_build(config, strict=True)
    assert isinstance(site.error, Abort) and "strict" in str(site.error)


def test_a_page_titled_like_a_reserved_names_stand_in_keeps_its_own_page(
    tmp_path: Path,
) -> None:
    # "Index" cannot be `index.md` (the parent's own page), so it becomes "index-page"...
    # which is also the slug of a page titled "Index page".
    workspace = {
        "pages": [
            {
                "id": ROOT,
                "title": "Handbook",
                "blocks": [
                    _child(NOTES_OLD, "Index", "Body of index.", "2026-01-01T00:00:00.000Z"),
                    _child(
                        NOTES_NEW, "Index page", "Body of index page.", "2026-02-01T00:00:00.000Z"
                    ),
                ],
            }
        ]
    }
    site = _build(tmp_path, workspace, sources=[{"page": ROOT, "dest": "handbook"}])
    assert site.error is None, site.messages()
    where = _published(site, ["Body of index.", "Body of index page."])
    # The page titled "Index page" keeps its own title's slug; the stand-in gives way.
    assert where["Body of index page."] == "handbook/index-page/index.html"
    assert where["Body of index."] == "handbook/index-page-aaaaaa/index.html"
    assert [w for w in site.warnings() if "same path" in w]


def _entry(entry_id: str, title: str, slug: str, created: str) -> dict[str, Any]:
    return {
        "id": entry_id,
        "title": title,
        "created_time": created,
        "properties": {"Slug": slug},
        "blocks": [{"paragraph": f"Body of {title}."}],
    }


def test_entries_pinning_the_same_slug_both_stay_published(tmp_path: Path) -> None:
    database = {
        "database": {
            "id": DB,
            "title": "Changelog",
            "properties": {"Name": "title", "Slug": "rich_text"},
            "entries": [
                _entry(NOTES_NEW, "Second", "release", "2026-02-01T00:00:00.000Z"),
                _entry(NOTES_OLD, "First", "release", "2026-01-01T00:00:00.000Z"),
                # a title whose slug is what an entry pinned: the pin wins
                _entry(NOTES_TAKEN, "Release", "", "2025-01-01T00:00:00.000Z"),
            ],
        }
    }
    workspace = {"pages": [{"id": ROOT, "title": "Docs", "blocks": [database]}]}
    site = _build(
        tmp_path, workspace, sources=[{"database": DB, "dest": "log", "slug_property": "Slug"}]
    )
    assert site.error is None, site.messages()
    where = _published(site, ["Body of First.", "Body of Second.", "Body of Release."])
    assert len(set(where.values())) == 3
    assert where["Body of First."] == "log/release/index.html"  # the older pin keeps it
    warned = [w for w in site.warnings() if "same path" in w]
    assert any(NOTES_NEW in w for w in warned), site.warnings()


def test_blog_posts_with_the_same_title_and_date_get_two_urls(tmp_path: Path) -> None:
    same_day = "2026-03-02T10:00:00.000Z"
    database = {
        "database": {
            "id": DB,
            "title": "Blog",
            "properties": {"Name": "title", "Date": "date"},
            "entries": [
                {
                    "id": pid,
                    "title": "Weekly notes",
                    "created_time": same_day,
                    "properties": {"Date": {"start": "2026-03-02"}},
                    "blocks": [{"paragraph": f"Post {pid[:4]}."}],
                }
                for pid in (NOTES_OLD, NOTES_NEW)
            ],
        }
    }
    workspace = {"pages": [{"id": ROOT, "title": "Docs", "blocks": [database]}]}
    with emulate(workspace) as emu:
        plugin = {
            "api_url": emu.url,
            "rate_limit": 1000,
            "sources": [{"database": DB, "dest": "blog", "blog": True}],
        }
        docs = {"index.md": "# Home\n", "blog/index.md": "# Blog\n"}
        config = write_site(tmp_path, plugin, docs=docs, plugins_before=["search", "blog"])
        site = run_build(config)
    assert site.error is None, site.messages()
    posts = {
        p.relative_to(site.site).as_posix(): p.read_text(encoding="utf-8")
        for p in (site.site / "blog/2026/03/02").rglob("index.html")
    }
    assert len(posts) == 2, sorted(posts)
    assert sum("Post aaaa." in text for text in posts.values()) == 1
    assert sum("Post bbbb." in text for text in posts.values()) == 1


# -- sources that overlap are refused when the config is read --------------------------


def _config_error(tmp_path: Path, sources: list[dict[str, Any]]) -> str:
    MkDocsConfig.plugins.plugin_cache.clear()  # type: ignore[attr-defined]
    config = write_site(tmp_path, {"sources": sources})
    with collecting_logs() as records, pytest.raises(Abort):
        load_config(str(config))
    errors = [r.getMessage() for r in records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "\n" not in errors[0], errors
    return errors[0]


@pytest.mark.parametrize(
    ("sources", "named"),
    [
        (
            [{"page": ROOT, "dest": "x"}, {"page": OTHER, "dest": "x/foo"}],
            ["'x'", "'x/foo'"],
        ),
        (
            [{"page": ROOT, "dest": "docs"}, {"database": OTHER, "dest": "/docs/"}],
            ["'docs'", ROOT, OTHER],
        ),
        ([{"page": ROOT, "dest": ""}, {"page": OTHER, "dest": "handbook"}], ["site root"]),
        ([{"page": ROOT, "dest": "Docs"}, {"page": OTHER, "dest": "docs"}], ["'Docs'", "'docs'"]),
        (
            [{"page": ROOT, "dest": "a"}, {"page": ROOT.replace("-", ""), "dest": "b"}],
            [ROOT, "twice"],
        ),
        (
            [{"database": DB, "dest": "blog", "blog": True}, {"page": OTHER, "dest": "blog/posts"}],
            ["'blog'", "'blog/posts'"],
        ),
    ],
)
def test_overlapping_or_duplicate_sources_are_one_config_error_naming_both(
    tmp_path: Path, sources: list[dict[str, Any]], named: list[str]
) -> None:
    error = _config_error(tmp_path, sources)
    assert "option 'sources'" in error
    for text in named:
        assert text in error, error


def test_sources_side_by_side_are_fine(tmp_path: Path) -> None:
    MkDocsConfig.plugins.plugin_cache.clear()  # type: ignore[attr-defined]
    config = write_site(
        tmp_path,
        {"sources": [{"page": ROOT, "dest": "x"}, {"page": OTHER, "dest": "xfoo/bar"}]},
    )
    options = load_config(str(config)).plugins["notion-sync"].config
    assert [s.dest for s in options.sources] == ["x", "xfoo/bar"]


# -- the last line of defence: collisions across trees ---------------------------------


def _page(pid: str, title: str, source: Source, *children: Page) -> Page:
    page = Page(id=pid, kind="page", title=title, source=source, obj={"created_time": ""})
    for child in children:
        child.parent = page
        page.children.append(child)
    return page


@pytest.mark.parametrize("dest", ["x/foo", "X/Foo"])
def test_trees_that_meet_are_pulled_apart_with_a_warning(dest: str) -> None:
    # Settings made in code (not through mkdocs.yml) are not validated: two trees that
    # meet at x/foo (a folder page of one, the root of the other), the second time
    # only by letter case (one file on macOS and Windows).
    first, second = Source("page", "r1", "x"), Source("page", "r2", dest)
    foo = _page("p-foo", "Foo", first, _page("p-bar", "Bar", first))
    tree_one = _page("r1", "X", first, foo)
    tree_two = _page("r2", "Other", second, _page("p-baz", "Baz", second))
    warnings: list[str] = []
    assign_paths([tree_one, tree_two], warnings.append)
    paths = [p.path.casefold() for tree in (tree_one, tree_two) for p in tree.walk()]
    keys = [p.removesuffix(".md").removesuffix("/index") for p in paths]
    assert len(set(keys)) == len(keys), paths
    assert tree_two.path == f"{dest}/index.md"  # a source's root stays where it is mounted
    assert foo.path.startswith("x/foo-") and foo.children[0].path.startswith(foo.path[:-8])
    assert len(warnings) == 1 and "same path" in warnings[0]


def test_a_leaf_and_a_folder_with_the_same_url_are_pulled_apart() -> None:
    # `x/foo.md` and `x/foo/index.md` are both served at /x/foo/.
    first, second = Source("page", "r1", "x"), Source("page", "r2", "x/foo")
    tree_one = _page("r1", "X", first, _page("p-foo", "Foo", first))
    tree_two = _page("r2", "Other", second)
    warnings: list[str] = []
    assign_paths([tree_two, tree_one], warnings.append)
    assert tree_two.path == "x/foo/index.md"
    assert tree_one.children[0].path != "x/foo.md"
    assert len(warnings) == 1


# -- a Notion page never replaces a hand-written one ------------------------------------


@pytest.mark.parametrize(
    ("docs_file", "notion_path"),
    [
        ("handbook/faq/index.md", "handbook/faq.md"),  # a leaf, served at handbook/faq/
        ("handbook/guide.md", "handbook/guide/index.md"),  # a folder page, the same URL
        ("handbook/README.md", "handbook/index.md"),  # MkDocs serves README.md as the index
    ],
)
def test_a_notion_page_at_a_hand_written_pages_url_is_one_error_naming_both(
    tmp_path: Path, docs_file: str, notion_path: str
) -> None:
    from .support.workspaces import handbook

    with emulate(handbook()) as emu:
        plugin = {
            "api_url": emu.url,
            "rate_limit": 1000,
            "sources": [{"page": ROOT, "dest": "handbook"}],
        }
        docs = {"index.md": "# Home\n", docs_file: "# Written by hand\n"}
        site = run_build(write_site(tmp_path, plugin, docs=docs))
    assert site.error is not None
    errors = [m for m in site.messages(logging.ERROR) if "notion-sync" in m]
    assert len(errors) == 1, site.messages(logging.ERROR)
    assert docs_file in errors[0] and notion_path in errors[0]
