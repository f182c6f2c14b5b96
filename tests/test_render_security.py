"""Nothing from Notion runs in a reader's browser (issue #16), at the converter's level:
every URL through one policy, equations as maths or inert text, front matter that is
safe whatever the theme prints it into. The built-site and browser halves are in
test_security_site.py and test_browser.py."""

from __future__ import annotations

import datetime
import html
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml

from mkdocs_notion_sync.log import Warnings
from mkdocs_notion_sync.render import render_blocks, render_rich_text
from mkdocs_notion_sync.render.maths import block_maths, inline_maths
from mkdocs_notion_sync.render.properties import property_cell, property_front_matter
from mkdocs_notion_sync.render.urls import safe_url
from mkdocs_notion_sync.settings import Settings
from mkdocs_notion_sync.site.assets import AssetStore
from mkdocs_notion_sync.site.blog import blog_meta
from mkdocs_notion_sync.site.compose import PageComposer, front_matter
from mkdocs_notion_sync.site.paths import assign_paths
from mkdocs_notion_sync.sync.cache import Cache, CachedPage
from mkdocs_notion_sync.sync.fetch import outline_of
from mkdocs_notion_sync.sync.model import Page, Source, SyncedTree

from .support.hostile import (
    EXPRESSIONS,
    HOSTILE_URLS,
    IMG,
    SAFE_URLS,
    SCRIPT,
    TEXTS,
    active_content,
    browser_scheme,
    link_targets,
    rt,
)
from .test_render_support import FakeContext, soup, to_html

Sink = Callable[[str], list[dict[str, Any]]]


def _para(*items: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"type": "paragraph", "id": "p", "paragraph": {"rich_text": list(items)}}]


def _media(kind: str) -> Sink:
    def blocks(url: str) -> list[dict[str, Any]]:
        payload = {"type": "external", "external": {"url": url}, "caption": [rt("caption")]}
        if kind in ("file", "pdf"):
            payload["name"] = "report.pdf"
        return [{"type": kind, "id": "m", kind: payload}]

    return blocks


def _link_block(kind: str) -> Sink:
    return lambda url: [{"type": kind, "id": "b", kind: {"url": url, "caption": []}}]


def _mention(kind: str) -> Sink:
    def blocks(url: str) -> list[dict[str, Any]]:
        body = {"url": url} if kind == "link_preview" else {"href": url, "title": "a title"}
        item = {
            "type": "mention",
            "mention": {"type": kind, kind: body},
            "plain_text": "shown",
            "href": url,
        }
        return _para(item)

    return blocks


def _href_only(url: str) -> list[dict[str, Any]]:
    item = rt("x")
    item["href"] = url
    return _para(item)


SINKS: dict[str, Sink] = {
    "rich-text link": lambda url: _para(rt("x", link=url)),
    "rich-text href": _href_only,
    "link in a caption": lambda url: [
        {
            "type": "image",
            "id": "i",
            "image": {
                "type": "external",
                "external": {"url": "https://e.x/a.png"},
                "caption": [rt("c", link=url)],
            },
        }
    ],
    "link mention": _mention("link_mention"),
    "link preview mention": _mention("link_preview"),
    "bookmark": _link_block("bookmark"),
    "embed": _link_block("embed"),
    "link_preview block": _link_block("link_preview"),
    "image": _media("image"),
    "video": _media("video"),
    "audio": _media("audio"),
    "file": _media("file"),
    "pdf": _media("pdf"),
}


@pytest.mark.parametrize("url", HOSTILE_URLS, ids=repr)
@pytest.mark.parametrize("sink", sorted(SINKS))
def test_no_notion_url_becomes_a_script_link(sink: str, url: str) -> None:
    markdown = render_blocks(SINKS[sink](url), FakeContext())
    assert active_content(to_html(markdown)) == [], markdown


@pytest.mark.parametrize(("url", "target"), SAFE_URLS)
@pytest.mark.parametrize("sink", ["rich-text link", "link mention", "bookmark", "file"])
def test_allowed_links_keep_working(sink: str, url: str, target: str) -> None:
    hrefs = link_targets(to_html(render_blocks(SINKS[sink](url), FakeContext())))
    assert hrefs == [target]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://e.x/?a=1&amp;b=2", "https://e.x/?a=1&b=2"),  # pasted from HTML
        ("https://e.x/?q=&amp", "https://e.x/?q=&"),
        ("https://e.x/?a=1&copy=2", "https://e.x/?a=1&copy=2"),  # not `©=2`
        ("https://e.x/?notit;=1&not=2", "https://e.x/?notit;=1&not=2"),
        ("//elsewhere.example/x", "https://elsewhere.example/x"),
        ("\\\\elsewhere.example\\x", "https://elsewhere.example/x"),
        ("\u200b https://e.x/ \ufeff", "https://e.x/"),
        ("javascript&amp;amp;amp;amp;colon;alert(1)", None),  # still changing: refused
        ("http://[::1/", None),  # not a URL at all
        ("file:///etc/passwd", None),
        ("  \t ", None),
        ("", None),
    ],
)
def test_the_url_policy(url: str, expected: str | None) -> None:
    assert safe_url(url) == expected


def test_notion_urls_still_become_site_links() -> None:
    for url in ("https://www.notion.so/Guide-1234", "https://www.notion.so/Guide-1234\n"):
        hrefs = link_targets(to_html(render_blocks(_para(rt("g", link=url)), FakeContext())))
        assert hrefs == ["../pages/from-notion.md"]


@pytest.mark.parametrize("url", HOSTILE_URLS, ids=repr)
def test_property_links_follow_the_same_policy(url: str) -> None:
    ctx = FakeContext()
    for prop in (
        {"type": "url", "url": url},
        {"type": "email", "email": url},
        {"type": "url", "url": url.replace("alert(1)", "x") + "/<svg/onload=alert(1)>"},
    ):
        cell = property_cell(prop, ctx)
        assert active_content(to_html(f"| a |\n| --- |\n| {cell} |")) == [], cell


@pytest.mark.parametrize(
    "value",
    ["svg/onload=alert(1)", "a/onmouseover=alert(1)", "x@y.z)onclick=alert(1)"],
)
def test_a_url_property_cannot_open_a_tag(value: str) -> None:
    for kind in ("url", "email"):
        cell = property_cell({"type": kind, kind: value}, FakeContext())
        tree = soup(f"| a |\n| --- |\n| {cell} |")
        assert active_content(str(tree)) == [], cell
        assert value in tree.get_text()


def test_property_links_that_are_allowed_stay_links() -> None:
    ctx = FakeContext()
    url_cell = property_cell({"type": "url", "url": "https://example.org/a b"}, ctx)
    mail_cell = property_cell({"type": "email", "email": "team@example.org"}, ctx)
    assert link_targets(to_html(url_cell)) == ["https://example.org/a%20b"]
    assert link_targets(to_html(mail_cell)) == ["mailto:team@example.org"]


# -- equations ------------------------------------------------------------------------


def _inline_equation(expression: str) -> dict[str, Any]:
    return {
        "type": "equation",
        "equation": {"expression": expression},
        "annotations": {},
        "plain_text": expression,
        "href": None,
    }


EQUATION_PLACES: dict[str, Callable[[str], list[dict[str, Any]]]] = {
    "inline": lambda e: _para(rt("before "), _inline_equation(e), rt(" after")),
    "inline, bold": lambda e: _para({**_inline_equation(e), "annotations": {"bold": True}}),
    "inline in a table": lambda e: [
        {
            "type": "table",
            "table": {"table_width": 2, "has_column_header": False},
            "children": [
                {"type": "table_row", "table_row": {"cells": [[_inline_equation(e)], [rt("b")]]}}
            ],
        }
    ],
    "inline in a heading": lambda e: [
        {"type": "heading_1", "id": "h", "heading_1": {"rich_text": [_inline_equation(e)]}}
    ],
    "block": lambda e: [{"type": "equation", "id": "e", "equation": {"expression": e}}],
    "block in a list": lambda e: [
        {
            "type": "bulleted_list_item",
            "bulleted_list_item": {"rich_text": [rt("item")]},
            "children": [{"type": "equation", "id": "e", "equation": {"expression": e}}],
        }
    ],
    "block in a callout": lambda e: [
        {
            "type": "callout",
            "callout": {"rich_text": [rt("note")], "icon": None},
            "children": [{"type": "equation", "id": "e", "equation": {"expression": e}}],
        }
    ],
}


@pytest.mark.parametrize("expression", EXPRESSIONS, ids=repr)
@pytest.mark.parametrize("place", sorted(EQUATION_PLACES))
def test_an_equation_is_maths_or_inert_text(place: str, expression: str) -> None:
    markdown = render_blocks(EQUATION_PLACES[place](expression), FakeContext())
    tree = soup(markdown)
    assert active_content(str(tree)) == [], markdown
    assert tree.find("img") is None and tree.find("svg") is None
    maths = tree.find_all(class_="arithmatex")
    assert len(maths) == 1, markdown
    shown = " ".join(maths[0].get_text().split())
    assert " ".join(expression.split()) in shown  # the whole expression, as text


@pytest.mark.parametrize(
    "expression",
    ["E = mc^2", "a < b > c & d", "\\frac{a_1}{b_2} \\cdot *x* |y|", "\\$5 \\{x\\}", "x_{i}^{2}"],
)
def test_an_equation_reads_as_arithmatex_writes_it(expression: str) -> None:
    """The same text in the same element as pymdownx.arithmatex (generic) produces, so
    MathJax and KaTeX configured as mkdocs-material documents render it."""
    ctx = FakeContext()
    ours_inline = soup(render_rich_text([_inline_equation(expression)], ctx)).find(
        class_="arithmatex"
    )
    theirs_inline = soup(f"${expression}$").find(class_="arithmatex")
    assert ours_inline is not None and theirs_inline is not None
    assert (ours_inline.name, ours_inline.get_text()) == (
        theirs_inline.name,
        theirs_inline.get_text(),
    )
    block = [{"type": "equation", "id": "e", "equation": {"expression": expression}}]
    ours_block = soup(render_blocks(block, ctx)).find(class_="arithmatex")
    theirs_block = soup(f"$$\n{expression}\n$$").find(class_="arithmatex")
    assert ours_block is not None and theirs_block is not None
    assert ours_block.name == theirs_block.name == "div"
    assert ours_block.get_text().split() == theirs_block.get_text().split()


def test_an_empty_equation_is_nothing() -> None:
    assert inline_maths(" \n ") == "" and block_maths("\n\n") == ""


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "java\nscript:alert(1)", "javascript&colon;alert(1)"]
)
def test_a_tex_link_follows_the_url_policy(url: str) -> None:
    """MathJax turns `\\href{URL}{text}` into a link; the URL is Notion's like any other."""
    for expression in (
        f"\\href{{{url}}}{{click}}",
        f"\\newcommand{{\\h}}{{\\href}} \\h{{{url}}}{{x}}",
    ):
        for markdown in (
            render_rich_text([_inline_equation(expression)], FakeContext()),
            render_blocks(EQUATION_PLACES["block"](expression), FakeContext()),
        ):
            text = soup(markdown).get_text()
            assert "\\href" not in text, text
    kept = soup(render_rich_text([_inline_equation("\\href{https://e.x/}{ok}")], FakeContext()))
    assert "\\href{https://e.x/}{ok}" in kept.get_text()


# -- front matter ---------------------------------------------------------------------


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def _front_matter(props: dict[str, Any]) -> dict[str, Any]:
    """Front matter as the site page carries it, read back as MkDocs reads it."""
    meta: dict[str, Any] = yaml.safe_load(
        front_matter(property_front_matter(props)).split("---\n")[1]
    )
    return meta


def _hostile_properties(text: str) -> dict[str, Any]:
    option = {"id": "o", "name": text, "color": "red"}
    return {
        "Name": {"type": "title", "title": [rt(text)]},
        "Description": {"type": "rich_text", "rich_text": [rt(text)]},
        "Tags": {"type": "multi_select", "multi_select": [option, {"name": "plain"}]},
        "Category": {"type": "select", "select": option},
        "Owner": {"type": "people", "people": [{"object": "user", "id": "u", "name": text}]},
        "Date": {"type": "date", "date": {"start": text, "end": None}},
        "Count": {"type": "number", "number": text},
        "Link": {"type": "url", "url": "javascript:alert(1)"},
        text: {"type": "rich_text", "rich_text": [rt("named by the attacker")]},
    }


def _printed(value: str) -> str:
    """A value printed raw the ways a theme prints front matter: as text, in a quoted
    attribute, as a link. (Not in an unquoted attribute: only escaping every space
    could make that safe, and Material and MkDocs' themes quote every attribute.)"""
    return (
        f'<meta name="description" content="{value}"><p>{value}</p>'
        f"<a href=\"{value}\">x</a><a href='{value}'>y</a>"
    )


@pytest.mark.parametrize("text", TEXTS)
def test_front_matter_is_inert_in_text_and_attributes(text: str) -> None:
    """Material prints `description` into `<meta content="...">` and tags, categories
    and titles as HTML: each string must be inert printed raw in either place."""
    meta = _front_matter(_hostile_properties(text))
    assert meta["description"] and meta["tags"]
    strings = _strings(meta)
    assert len(strings) > 10
    for value in strings:
        assert active_content(_printed(value)) == [], value
    assert html.unescape(meta["description"]) == text  # shown as typed
    assert html.unescape(meta["tags"][0]) == text


def test_front_matter_links_follow_the_url_policy() -> None:
    for url in HOSTILE_URLS:
        meta = _front_matter({"Link": {"type": "url", "url": url}})
        value = meta["properties"]["Link"]
        assert browser_scheme(html.unescape(value)) in (None, "http", "https"), value
    meta = _front_matter({"Link": {"type": "url", "url": "https://e.x/?a=1&b=2"}})
    assert html.unescape(meta["properties"]["Link"]) == "https://e.x/?a=1&b=2"


@pytest.mark.parametrize(
    "text", ["javascript:alert(1)", " java\tscript:alert(1)", "VBScript:msgbox(1)"]
)
def test_front_matter_text_that_reads_as_a_script_url_is_not_one(text: str) -> None:
    """A theme that prints a plain property into a link must not get a script link."""
    meta = _front_matter({"Notes": {"type": "rich_text", "rich_text": [rt(text)]}})
    value = meta["properties"]["Notes"]
    assert browser_scheme(html.unescape(value)) is None
    assert html.unescape(value).replace("\u200b", "") == text


def _compose(
    tmp_path: Path, obj: dict[str, Any], blocks: list[dict[str, Any]]
) -> tuple[dict[str, Any], str]:
    """One entry page composed as the site does: (front matter, Markdown body)."""
    cache = Cache(tmp_path / "cache")
    pool = ThreadPoolExecutor(1)
    settings = Settings(cache_dir=tmp_path / "cache", offline=True, comments=True)
    assets = AssetStore(cache, settings, pool)
    try:
        source = Source(kind="database", id="db", dest="docs")
        database = Page(id="db", kind="database", title="DB", source=source, obj={"title": []})
        entry_obj = {"id": "e1", "properties": {}, **obj}
        entry = Page(
            id="e1", kind="entry", title="Entry", source=source, parent=database, obj=entry_obj
        )
        database.children.append(entry)
        comments = [{"created_time": IMG, "created_by": {"name": SCRIPT}, "rich_text": [rt(IMG)]}]
        record = CachedPage(
            obj=entry_obj, blocks=blocks, fetched_at="2026-01-01T00:00:00.000Z", comments=comments
        )
        cache.put_page(record, outline_of(record))
        assign_paths([database])
        composer = PageComposer(SyncedTree(roots=[database]), cache, assets, Warnings(), settings)
        markdown, _ = composer.compose(entry)
    finally:
        assets.close()
        pool.shutdown()
        cache.close()
    _, head, body = markdown.split("---\n", 2)
    return yaml.safe_load(head), body


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "java\nscript:alert(1)", "javascript&colon;x"]
)
def test_the_edit_link_and_page_url_follow_the_url_policy(tmp_path: Path, url: str) -> None:
    meta, _ = _compose(tmp_path, {"url": url}, [])
    assert meta["notion_url"] == ""
    assert "notion_edit_url" not in meta


def test_a_notion_page_url_stays_the_edit_link(tmp_path: Path) -> None:
    url = "https://www.notion.so/Entry-e1e1e1e1000040008000000000000001"
    meta, _ = _compose(tmp_path, {"url": url}, [])
    assert meta["notion_edit_url"] == meta["notion_url"] == url


@pytest.mark.parametrize("text", TEXTS)
def test_icons_and_comments_are_text(tmp_path: Path, text: str) -> None:
    """The page icon (in the h1), a callout's icon (an admonition title) and a comment's
    author and time are Notion's text too."""
    callout = {
        "type": "callout",
        "id": "c",
        "callout": {"rich_text": [rt("x")], "icon": {"type": "emoji", "emoji": text}},
    }
    _, body = _compose(tmp_path, {"icon": {"type": "emoji", "emoji": text}}, [callout])
    tree = soup(body)
    assert active_content(str(tree)) == [], body
    assert tree.h1 is not None and text in tree.h1.get_text()
    assert text in tree.select_one(".admonition-title").get_text()  # type: ignore[union-attr]
    assert SCRIPT in tree.get_text() and IMG in tree.get_text()


@pytest.mark.parametrize("start", [SCRIPT, "2026-13-45", "not a date"])
def test_a_blog_post_date_that_is_not_a_date_is_skipped(start: str) -> None:
    """A post's date is a date to Material, never text: a bad one falls back to the
    entry's creation time, or is left out, instead of stopping the build."""
    source = Source(kind="database", id="db", dest="blog", blog=True)
    props = {
        "Date": {"type": "date", "date": {"start": start}},
        "Category": {"type": "select", "select": {"name": SCRIPT}},
    }
    created = {"properties": props, "created_time": "2026-02-03T04:05:06.000Z"}
    entry = Page(id="e", kind="entry", title="Post", source=source, obj=created)
    meta = blog_meta(entry, set())
    assert meta["date"] == datetime.date(2026, 2, 3)
    assert meta["categories"] == [SCRIPT.replace("<", "\u2039").replace(">", "\u203a")]
    entry.obj = {"properties": props, "created_time": start}
    assert "date" not in blog_meta(entry, set())


@pytest.mark.parametrize(
    ("value", "target"),
    [
        ("example.com", "https://example.com"),
        ("docs.acme.test/guide?a=1", "https://docs.acme.test/guide?a=1"),
    ],
)
def test_a_url_property_without_a_scheme_is_a_web_address(value: str, target: str) -> None:
    """Notion opens a URL property's `example.com` as a site; so does the page."""
    cell = property_cell({"type": "url", "url": value}, FakeContext())
    assert link_targets(to_html(cell)) == [target]
