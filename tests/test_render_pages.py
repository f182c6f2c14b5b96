"""Whole recorded pages through the renderer and python-markdown, checked as a reader
would see them (the recordings live in /work/shared/notion-corpus, outside the repo)."""

from __future__ import annotations

import pytest

try:  # tests/ is a package today; keep working if it stops being one
    from .test_render_support import CORPUS, FakeContext, load_corpus_page, soup
except ImportError:
    from test_render_support import CORPUS, FakeContext, load_corpus_page, soup  # type: ignore[no-redef]

from mkdocs_notion_sync.render import render_blocks

pytestmark = pytest.mark.skipif(
    not (CORPUS / "misc").is_dir(), reason=f"Notion recordings not found at {CORPUS}"
)


def page(name: str) -> tuple[str, FakeContext]:
    ctx = FakeContext(name)
    return render_blocks(load_corpus_page(name), ctx), ctx


def test_notion_to_md_page() -> None:
    markdown, ctx = page("notion-to-md-output.json")
    tree = soup(markdown)
    # One numbered list, nested three deep, numbered by python-markdown itself.
    top = tree.find("ol")
    assert [li.find(string=True).strip() for li in top.find_all("li", recursive=False)] == [
        "Point 1",
        "Point 2",
        "Point 3",
    ]
    assert len(tree.find_all("ol", recursive=False)) == 1
    assert top.find(string=lambda s: "Point 3.2.1.1" in s) is not None
    # The recorded table has no column header: no visible header cell.
    table = tree.find("table")
    assert all(th.get("style") == "display: none" for th in table.find_all("th"))
    assert table.find("td").get_text() == "head 1"
    # Notion-hosted files come from the asset store; nothing links to signed S3 URLs.
    assert "X-Amz" not in markdown and "prod-files-secure" not in markdown
    images = [img["src"] for img in tree.find_all("img")]
    assert images[0].startswith("../assets/")
    assert tree.find("figcaption").get_text() == "this is a simple spec image from upload"
    child = tree.find("a", string="Nested page (1)")
    assert child["href"].endswith(".md")
    assert ctx.warnings == []


def test_notion2svelte_columns_page() -> None:
    markdown, ctx = page("notion2svelte-columns.json")
    tree = soup(markdown)
    grids = tree.find_all("div", class_="grid")
    assert len(grids) == 2
    assert len(grids[0].find_all("div", recursive=False)) == 3
    code = tree.find("code", class_=False)
    assert code is not None
    assert tree.select("div.language-javascript, div.highlight")
    # Page mentions become site links.
    hrefs = [a["href"] for a in tree.find_all("a")]
    assert any(href.startswith("../pages/") for href in hrefs)
    assert tree.find("script") is None
    assert ctx.warnings == []


def test_notion2svelte_equation_page() -> None:
    markdown, _ = page("notion2svelte-equation.json")
    tree = soup(markdown)
    maths = tree.find_all(class_="arithmatex")
    assert maths, markdown
    assert any(m.name == "div" for m in maths)


def test_notion2svelte_synced_blocks_page() -> None:
    markdown, _ = page("notion2svelte-synced-blocks.json")
    tree = soup(markdown)
    assert tree.find("script") is None
    headings = [h.get_text() for h in tree.find_all(["h2", "h3", "h4"])]
    assert headings
    ids = [element["id"] for element in tree.find_all(id=True)]
    assert len(ids) == len(set(ids)), ids  # a synced heading shown twice gets two ids
    for heading in tree.find_all(["h2", "h3", "h4"]):
        old = heading.find("span", id=True)
        assert heading["id"].startswith("n-") or (old is not None and old["id"].startswith("n-"))
        assert not heading["id"].startswith("n-") or old is None  # readable where text allows


@pytest.mark.parametrize(
    "name",
    [
        "notion-to-md-output.json",
        "notion-to-md-blocks.json",
        "notion2svelte-columns.json",
        "notion2svelte-equation.json",
        "notion2svelte-synced-blocks.json",
    ],
)
def test_recorded_page_renders_without_markdown_leaking(name: str) -> None:
    markdown, _ = page(name)
    text = soup(markdown).get_text()
    for leak in ("](", "{ #n-", "!!! ", "??? ", "<div", "$$"):
        assert leak not in text, leak


def test_cassette_blocks_render() -> None:
    import json

    cassette = CORPUS / "notion-sdk-py-cassettes-json" / "test_blocks_children_list.json"
    if not cassette.exists():
        pytest.skip("cassette missing")
    blocks = []
    for exchange in json.loads(cassette.read_text(encoding="utf-8")):
        body = exchange.get("response_body")
        if isinstance(body, dict) and isinstance(body.get("results"), list):
            blocks.extend(body["results"])
    ctx = FakeContext()
    assert render_blocks(blocks, ctx).endswith("\n")
