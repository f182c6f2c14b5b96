"""Site paths from titles, and Notion links turned into site links."""

from __future__ import annotations

from mkdocs_notion_sync.render.anchors import PageAnchors
from mkdocs_notion_sync.site.paths import SiteLinks, assign_paths, page_slug, relative_link
from mkdocs_notion_sync.sync.model import Page, Source

SOURCE = Source(kind="page", id="root", dest="handbook")


def _page(pid: str, title: str, *children: Page, created: str = "2026-01-01T00:00:00.000Z") -> Page:
    page = Page(id=pid, kind="page", title=title, source=SOURCE, obj={"created_time": created})
    for child in children:
        child.parent = page
        page.children.append(child)
    return page


def test_titles_become_readable_unicode_slugs() -> None:
    assert page_slug("Glossary & FAQ: Terms/Definitions") == "glossary-faq-terms-definitions"
    assert page_slug("Über Straße") == "über-straße"
    assert page_slug("../../etc/passwd") == "etc-passwd"
    assert page_slug("🚀") == "untitled"


def test_paths_follow_the_tree_and_namesakes_stay_apart() -> None:
    older = _page(
        "aaaaaaaa-0000-0000-0000-000000000001", "Notes", created="2026-01-01T00:00:00.000Z"
    )
    newer = _page(
        "bbbbbbbb-0000-0000-0000-000000000002", "Notes", created="2026-02-01T00:00:00.000Z"
    )
    guide = _page("g", "Guide", _page("s", "Set up"))
    root = _page("root", "Handbook", newer, guide, older, _page("i", "Index"))
    assign_paths([root])
    assert root.path == "handbook/index.md"
    assert guide.path == "handbook/guide/index.md"
    assert guide.children[0].path == "handbook/guide/set-up.md"
    assert older.path == "handbook/notes.md"
    assert newer.path == "handbook/notes-bbbbbb.md"
    assert root.children[3].path == "handbook/index-page.md"


def test_paths_do_not_depend_on_sibling_order() -> None:
    def build(order: list[int]) -> dict[str, str]:
        pages = [
            _page(
                "aaaaaaaa-0000-0000-0000-000000000001", "Notes", created="2026-01-01T00:00:00.000Z"
            ),
            _page(
                "bbbbbbbb-0000-0000-0000-000000000002", "Notes", created="2026-02-01T00:00:00.000Z"
            ),
        ]
        root = _page("root", "Handbook", *(pages[i] for i in order))
        assign_paths([root])
        return {p.id: p.path for p in root.walk()}

    assert build([0, 1]) == build([1, 0])


def test_links_between_pages_are_relative_and_keep_block_anchors() -> None:
    target = _page("1f2e3d4c-5b6a-7988-1f2e-3d4c5b6a7988", "Set up")
    guide = _page("g", "Guide", target)
    root = _page("root", "Handbook", guide)
    assign_paths([root])
    heading = "0a0b0c0d-0e0f-4011-8213-141516171819"
    below = "0a0b0c0d-0e0f-4011-8213-141516171820"
    anchors = PageAnchors(
        {}, {heading.replace("-", ""): "install", below.replace("-", ""): "install"}
    )
    asked: list[str] = []
    links = SiteLinks(root.walk(), lambda page_id: asked.append(page_id) or anchors)
    warnings: list[str] = []
    assert relative_link("handbook/index.md", "handbook/guide/set-up.md") == "guide/set-up.md"
    assert links.link("handbook/index.md", target.id) == "guide/set-up.md"
    assert asked == []  # a link to a page never reads its blocks
    url = "https://www.notion.so/acme/Set-up-1f2e3d4c5b6a79881f2e3d4c5b6a7988#0a0b0c0d0e0f40118213141516171819"
    anchored: set[str] = set()
    rewritten = links.rewrite("handbook/guide/index.md", url, warnings.append, anchored=anchored)
    assert rewritten == "set-up.md#install"
    assert anchored == {target.id}
    assert links.link("handbook/index.md", target.id, below) == "guide/set-up.md#install"
    unknown = "0a0b0c0d-0e0f-4011-8213-000000000000"
    assert links.link("handbook/index.md", target.id, unknown) == "guide/set-up.md"
    assert warnings == []


def test_a_link_outside_the_synced_pages_is_kept_and_reported() -> None:
    root = _page("root", "Handbook")
    assign_paths([root])
    links = SiteLinks(root.walk())
    warnings: list[str] = []
    url = "https://app.notion.com/p/Elsewhere-99999999999999999999999999999999"
    assert links.rewrite("handbook/index.md", url, warnings.append) == url
    assert len(warnings) == 1 and "not part of the synced sources" in warnings[0]
    assert (
        links.rewrite("handbook/index.md", "https://example.org/x", warnings.append)
        == "https://example.org/x"
    )
    assert len(warnings) == 1
