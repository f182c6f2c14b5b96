"""Issue #20, on built sites: media that resolves on every page, readable anchors that
other pages land on, embeds, cards, tabs, colours with their stylesheet, covers and
icons; and the hostile variant of every Notion input these read."""

from __future__ import annotations

import base64
import logging
import posixpath
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from mkdocs_notion_sync.render import MARKDOWN_EXTENSIONS

from .support.emulators import emulate
from .support.hostile import IMG, SCRIPT, active_content
from .support.sitebuild import BuiltSite, run_build, write_site
from .support.workspaces import TOKEN

ROOT = "a1a1a1a1-0000-4000-8000-000000000001"
GUIDE = "a1a1a1a1-0000-4000-8000-000000000002"
ONBOARDING = "a1a1a1a1-0000-4000-8000-000000000003"
FIRST_WEEK = "a1a1a1a1-0000-4000-8000-0000000000b1"
UNDER_FIRST_WEEK = "a1a1a1a1-0000-4000-8000-0000000000b2"
SETUP_TWICE = "a1a1a1a1-0000-4000-8000-0000000000b3"
ABOVE_HEADINGS = "a1a1a1a1-0000-4000-8000-0000000000b0"
MP4 = base64.b64encode(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64).decode()
MP3 = base64.b64encode(b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\x00" * 64).decode()
HANDWRITTEN = {"about.md": "# About\n\nHand-written.\n"}
STYLESHEET = "assets/notion-sync.css"
"""Where the plugin publishes its stylesheet (a name users put in their own config)."""


def _media(tag: str) -> list[dict[str, Any]]:
    """Every kind of file a page can show, Notion-hosted."""
    return [
        {"video": {"file": {"base64": MP4, "name": f"{tag}.mp4"}, "caption": f"{tag} video"}},
        {"audio": {"file": {"base64": MP3, "name": f"{tag}.mp3"}}},
        {"image": {"file": {"generate": "png", "name": f"{tag}.png"}, "caption": f"{tag}"}},
        {"pdf": {"file": {"generate": "pdf", "name": f"{tag}.pdf"}}},
        {
            "bulleted_list_item": f"{tag} in a list",
            "children": [{"video": {"file": {"base64": MP4, "name": f"{tag}-nested.mp4"}}}],
        },
    ]


def _nested_workspace() -> dict[str, Any]:
    """Pages at every depth, from the site root down, each showing every kind of media."""
    deep = {"title": "Deep", "blocks": _media("deep")}
    sub = {"title": "Sub", "blocks": [*_media("sub"), {"page": deep}]}
    guide = {
        "id": GUIDE,
        "title": "Guide",
        "blocks": [*_media("guide"), {"page": {"title": "Setup", "blocks": _media("setup")}}],
    }
    guide["blocks"].append({"page": sub})
    return {
        "seed": "looks-media",
        "pages": [
            {
                "id": ROOT,
                "title": "Home page",
                "icon": {"file": {"generate": "png", "name": "icon.png"}},
                "cover": {"file": {"generate": "png", "name": "cover.png", "width": 64}},
                "blocks": [
                    *_media("root"),
                    {"page": {"title": "Leaf", "icon": "🍃", "blocks": _media("leaf")}},
                    {"page": guide},
                ],
            }
        ],
    }


def _served_url(site: BuiltSite, page: Path) -> str:
    """The URL folder a built page is served at, relative to the site root."""
    relative = page.relative_to(site.site).as_posix()
    return posixpath.dirname(relative)


def _local_references(html: str) -> list[tuple[str, str]]:
    """(tag, URL) of every file and link the page itself points at on this site."""
    tree = BeautifulSoup(html, "html.parser")
    found = []
    for element in tree.select("article [src], article a[href], link[rel=stylesheet]"):
        url = element.get("src") or element.get("href")
        assert isinstance(url, str)
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path:
            continue
        found.append((element.name, url))
    return found


def _unresolved(site: BuiltSite, page: Path) -> list[str]:
    folder = _served_url(site, page)
    missing = []
    for tag, url in _local_references(page.read_text(encoding="utf-8")):
        path = unquote(urlsplit(url).path)
        target = site.site / posixpath.normpath(posixpath.join(folder, path))
        if path.endswith("/"):
            target = target / "index.html"
        if not target.is_file():
            missing.append(f"<{tag}> {url}")
    return missing


@pytest.mark.parametrize("directory_urls", [True, False])
def test_every_media_url_resolves_from_pages_at_every_depth(
    tmp_path: Path, directory_urls: bool
) -> None:
    with emulate(_nested_workspace()) as emu:
        plugin = {"api_url": emu.url, "token": TOKEN, "sources": [{"page": ROOT, "dest": ""}]}
        extra = {"use_directory_urls": directory_urls}
        site = run_build(write_site(tmp_path, plugin, docs=HANDWRITTEN, extra=extra), strict=True)
    assert site.error is None, site.messages(logging.WARNING)
    suffix = "index.html" if directory_urls else ""
    pages = {
        "root": "index.html",
        "leaf": f"leaf/{suffix}" if directory_urls else "leaf.html",
        "guide": "guide/index.html",
        "setup": f"guide/setup/{suffix}" if directory_urls else "guide/setup.html",
        "sub": "guide/sub/index.html",
        "deep": f"guide/sub/deep/{suffix}" if directory_urls else "guide/sub/deep.html",
    }
    unresolved = {tag: _unresolved(site, site.site / path) for tag, path in pages.items()}
    assert not any(unresolved.values()), unresolved
    for tag, path in pages.items():
        html = (site.site / path).read_text(encoding="utf-8")
        tree = BeautifulSoup(html, "html.parser")
        players = tree.select("article video, article audio")
        assert len(players) == 3, (tag, players)  # video, audio, and the one in the list
        assert len(tree.select("article img")) >= 1
        assert [u for t, u in _local_references(html) if t == "link" and STYLESHEET in u], tag
    home = BeautifulSoup((site.site / "index.html").read_text(encoding="utf-8"), "html.parser")
    article = home.select_one("article")
    assert article is not None
    cover, icon = article.select("img")[:2]
    assert "notion-cover" in cover["class"] and "notion-page-icon" in icon["class"]
    assert cover.find_next("h1") is not None  # the cover is above the title


# -- readable anchors, and links from other pages that land on them ----------------------


def _anchor_workspace() -> dict[str, Any]:
    compact = ONBOARDING.replace("-", "")

    def url(block: str) -> str:
        return f"https://www.notion.so/acme/Onboarding-{compact}#{block.replace('-', '')}"

    return {
        "seed": "looks-anchors",
        "pages": [
            {
                "id": ROOT,
                "title": "Handbook",
                "blocks": [
                    {"paragraph": [{"text": "to the heading", "link": url(FIRST_WEEK)}]},
                    {"paragraph": [{"text": "to a paragraph", "link": url(UNDER_FIRST_WEEK)}]},
                    {"paragraph": [{"text": "to the top", "link": url(ABOVE_HEADINGS)}]},
                    {"paragraph": [{"text": "to the repeat", "link": url(SETUP_TWICE)}]},
                    {
                        "paragraph": [
                            {
                                "mention": {"page": ONBOARDING},
                                "plain_text": "a block mention",
                                "href": url(FIRST_WEEK),
                            }
                        ]
                    },
                    {
                        "page": {
                            "id": ONBOARDING,
                            "title": "Onboarding",
                            "blocks": [
                                {"id": ABOVE_HEADINGS, "paragraph": "Welcome."},
                                {"id": FIRST_WEEK, "heading_1": "Your first week"},
                                {"id": UNDER_FIRST_WEEK, "paragraph": "Meet the team."},
                                {"heading_2": "Setup"},
                                {"id": SETUP_TWICE, "heading_2": "Setup"},
                                {"heading_2": f"Hostile {SCRIPT}"},
                            ],
                        }
                    },
                ],
            }
        ],
    }


def _links_of(site: BuiltSite, path: str) -> dict[str, str]:
    article = site.html(path).select_one("article")
    assert article is not None
    return {a.get_text(): str(a["href"]) for a in article.find_all("a", href=True)}


def test_links_to_a_block_land_on_its_readable_anchor_and_follow_a_rename(tmp_path: Path) -> None:
    extra = {"validation": {"anchors": "warn", "links": {"anchors": "warn"}}}
    with emulate(_anchor_workspace()) as emu:
        plugin = {"api_url": emu.url, "token": TOKEN, "sources": [{"page": ROOT, "dest": "hb"}]}
        heading = f"https://www.notion.so/Onboarding-{ONBOARDING.replace('-', '')}#" + (
            FIRST_WEEK.replace("-", "")
        )
        docs = {"index.md": f"# Home\n\n[from a hand-written page]({heading})\n"}
        config = write_site(tmp_path, plugin, extra=extra, docs=docs)
        cold = run_build(config, strict=True)
        assert cold.error is None, cold.messages(logging.WARNING)
        assert _links_of(cold, "index.html")["from a hand-written page"] == (
            "hb/onboarding/#your-first-week"
        )
        links = _links_of(cold, "hb/index.html")
        assert links["to the heading"] == "onboarding/#your-first-week"
        assert links["a block mention"] == "onboarding/#your-first-week"
        assert links["to a paragraph"] == "onboarding/#your-first-week"  # its section
        assert links["to the top"] == "onboarding/"
        assert links["to the repeat"] == "onboarding/#setup-2"
        target = cold.html("hb/onboarding/index.html")
        for anchor in ("your-first-week", "setup", "setup-2"):
            assert target.find(id=anchor) is not None, anchor
        hostile = target.select_one("article h3:-soup-contains('Hostile')")
        assert hostile is not None and re.fullmatch(r"hostile-script-[a-z0-9-]+", hostile["id"])
        legacy = "n-" + FIRST_WEEK.replace("-", "")
        assert target.find(id=legacy) is not None  # old links still land
        assert active_content(str(target.select_one("article"))) == []

        warm = run_build(config, strict=True)
        assert warm.error is None
        assert _links_of(warm, "hb/index.html") == links

        emu.workspace.set_text(FIRST_WEEK, "Your second week")
        renamed = run_build(config, strict=True)
    assert renamed.error is None, renamed.messages(logging.WARNING)
    # The linking page did not change in Notion; it is rendered again because the page
    # whose heading it links to was.
    assert _links_of(renamed, "hb/index.html")["to the heading"] == "onboarding/#your-second-week"


# -- embeds, cards, tabs, colours: cold and warm agree, hostile input stays inert ----------

PLAYING = [
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "www.youtube-nocookie.com"),
    ("https://vimeo.com/76979871", "player.vimeo.com"),
    ("https://www.loom.com/share/0123456789abcdef0123456789abcdef", "www.loom.com"),
    ("https://www.google.com/maps/place/X/@48.85,2.29,17z", "maps.google.com"),
    ("https://www.figma.com/design/AbCdEfGhIjKlMnOp/Product", "www.figma.com"),
    ("https://docs.google.com/document/d/1AbCdEfGhIjKlMnOpQrStUvWxYz012/edit", "docs.google.com"),
    ("https://drive.google.com/file/d/1AbCdEfGhIjKlMnOpQrStUvWxYz012/view", "drive.google.com"),
    ("https://miro.com/app/board/uXjVOabc123=/", "miro.com"),
    ("https://codepen.io/team/pen/abcXYZ1", "codepen.io"),
]
NOT_PLAYING = [
    "https://youtube.com.evil.test/watch?v=dQw4w9WgXcQ",
    "https://www.youtube.com@evil.test/watch?v=dQw4w9WgXcQ",
    "https://evil.test/www.youtube.com/watch?v=dQw4w9WgXcQ",
    f'https://www.youtube.com/watch?v=dQw4w9WgXcQ">{SCRIPT}',
    "javascript:alert(1)//https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    "https://status.example.test/",
]


def _looks_workspace() -> dict[str, Any]:
    embeds = [
        {"embed": {"url": url, "caption": f"embed {n}"}} for n, (url, _) in enumerate(PLAYING)
    ]
    refused = [
        {"embed": {"url": url, "caption": f"refused {n}"}} for n, url in enumerate(NOT_PLAYING)
    ]
    tab_set = {
        "tab": {},
        "children": [
            {"paragraph": {"rich_text": "macOS", "icon": "🍎"}, "children": ["brew install"]},
            {"paragraph": f"Tab {IMG}", "children": [{"bulleted_list_item": "apt install"}]},
        ],
    }
    card = {
        "mention": {
            "link_mention": {
                "href": "https://github.com/acme/widgets",
                "title": f"Widgets {SCRIPT}",
                "description": f"Described {IMG}",
                "link_provider": "GitHub",
                "thumbnail_url": "javascript:alert(1)",
                "icon_url": "https://github.com/favicon.ico",
            }
        },
        "plain_text": "https://github.com/acme/widgets",
    }
    coloured = [
        {"bulleted_list_item": {"rich_text": "red item", "color": "red"}},
        {"to_do": {"rich_text": "blue task", "color": "blue_background"}},
        {"quote": {"rich_text": "green quote", "color": "green"}},
        {"toggle": {"rich_text": "pink toggle", "color": "pink"}, "children": ["inside"]},
        {"bulleted_list_item": {"rich_text": "no class", "color": 'red" onclick="alert(1)'}},
    ]
    return {
        "seed": "looks-blocks",
        "pages": [
            {
                "id": ROOT,
                "title": "Looks",
                "icon": f"📘{IMG}",
                "cover": "javascript:alert(1)",
                "blocks": [
                    *embeds,
                    *refused,
                    tab_set,
                    {"paragraph": [card]},
                    {
                        "bookmark": {
                            "url": "https://www.mkdocs.org/",
                            "caption": [{"text": "MkDocs", "italic": True}],
                        }
                    },
                    *coloured,
                ],
            }
        ],
    }


def _build_looks(tmp_path: Path, **options: Any) -> BuiltSite:
    with emulate(_looks_workspace()) as emu:
        plugin = {"api_url": emu.url, "token": TOKEN, "sources": [{"page": ROOT, "dest": "x"}]}
        site = run_build(write_site(tmp_path, {**plugin, **options}), strict=True)
    assert site.error is None, site.messages(logging.WARNING)
    return site


def _article(site: BuiltSite) -> BeautifulSoup:
    article = site.html("x/index.html").select_one("article")
    assert article is not None
    return article


def test_embeds_play_from_allow_listed_providers_only(tmp_path: Path) -> None:
    article = _article(_build_looks(tmp_path))
    frames = article.find_all("iframe")
    assert [urlsplit(f["src"]).hostname for f in frames] == [host for _, host in PLAYING]
    allowed_hosts = {host for _, host in PLAYING}
    for frame in frames:
        assert urlsplit(frame["src"]).scheme == "https"
        assert urlsplit(frame["src"]).hostname in allowed_hosts
        assert frame["loading"] == "lazy" and frame["title"].startswith("embed ")
        assert (
            "allow-scripts" in frame["sandbox"] and "allow-top-navigation" not in frame["sandbox"]
        )
        assert not [name for name in frame.attrs if name.lower().startswith("on")]
    cards = article.select("p.notion-card > a")
    refused = [a for a in cards if a.get_text(" ").strip().startswith("refused")]
    assert len(refused) == len(NOT_PLAYING) - 1  # the javascript: one is only text
    assert "refused 4" in article.get_text()
    assert "evil.test" not in " ".join(str(f["src"]) for f in frames)


def test_with_embeds_link_nothing_plays(tmp_path: Path) -> None:
    article = _article(_build_looks(tmp_path, embeds="link"))
    assert article.find("iframe") is None
    assert len(article.select("p.notion-card")) >= len(PLAYING)


def test_cards_tabs_colours_and_icons_render_inert(tmp_path: Path) -> None:
    site = _build_looks(tmp_path)
    article = _article(site)
    card = next(a for a in article.select("p.notion-card > a") if "Widgets" in a.get_text())
    assert card["href"] == "https://github.com/acme/widgets"
    assert card.select_one(".notion-card-title").get_text() == f"Widgets {SCRIPT}"
    assert card.select_one(".notion-card-description").get_text() == f"Described {IMG}"
    assert [i["src"] for i in card.find_all("img")] == ["https://github.com/favicon.ico"]
    bookmark = next(a for a in article.select("p.notion-card > a") if "MkDocs" in a.get_text())
    assert bookmark.select_one(".notion-card-title em").get_text() == "MkDocs"  # italics kept
    tabs = article.select_one(".tabbed-set")
    assert tabs is not None
    labels = [label.get_text() for label in tabs.select(".tabbed-labels label")]
    assert labels == ["🍎 macOS", f"Tab {IMG}"]
    assert "apt install" in tabs.select(".tabbed-block")[1].get_text()
    classes = {li.get_text(" ", strip=True): li.get("class") for li in article.find_all("li")}
    assert "notion-red" in classes["red item"]
    assert "notion-blue-background" in classes["blue task"]
    assert classes["no class"] is None
    assert article.select_one("blockquote p.notion-green") is not None
    assert article.select_one("details.notion-pink") is not None
    assert article.select_one("img.notion-cover") is None  # javascript: is no cover
    assert article.select_one("h1").get_text().startswith("📘")
    nav = site.html("x/index.html").select_one("nav.md-nav--primary")
    assert nav is not None and f"📘{IMG} Looks" in nav.get_text()
    for frame in article.find_all("iframe"):
        frame.decompose()  # checked in test_embeds_play_from_allow_listed_providers_only
    assert active_content(str(article)) == []


def test_a_warm_strict_build_agrees_with_the_cold_one(tmp_path: Path) -> None:
    with emulate(_looks_workspace()) as emu:
        plugin = {"api_url": emu.url, "token": TOKEN, "sources": [{"page": ROOT, "dest": "x"}]}
        config = write_site(tmp_path, plugin)
        cold = run_build(config, strict=True)
        first = (cold.site / "x/index.html").read_text(encoding="utf-8")
        warm = run_build(config, strict=True)
        second = (warm.site / "x/index.html").read_text(encoding="utf-8")
    assert cold.error is None and warm.error is None
    strip = re.compile(r'<meta name="generator"[^>]*>|build_date_utc[^<]*')
    assert strip.sub("", first) == strip.sub("", second)


def test_tabs_are_written_out_where_the_site_has_no_tabbed(tmp_path: Path) -> None:
    extensions = [e for e in MARKDOWN_EXTENSIONS if "pymdownx.tabbed" not in str(e)]
    with emulate(_looks_workspace()) as emu:
        plugin = {"api_url": emu.url, "token": TOKEN, "sources": [{"page": ROOT, "dest": "x"}]}
        config = write_site(tmp_path, plugin, extra={"markdown_extensions": extensions})
        site = run_build(config, strict=True)
    assert site.error is None
    article = _article(site)
    assert article.select_one(".tabbed-set") is None and "===" not in article.get_text()
    titles = [p.get_text() for p in article.select("p.notion-tab-title")]
    assert titles == ["🍎 macOS", f"Tab {IMG}"]


# -- the stylesheet ------------------------------------------------------------------------


def _stylesheets(site: BuiltSite, path: str) -> list[str]:
    return [str(link["href"]) for link in site.html(path).select("link[rel=stylesheet]")]


def test_the_stylesheet_ships_with_the_site_and_can_be_turned_off(tmp_path: Path) -> None:
    site = _build_looks(tmp_path / "on")
    css = (site.site / STYLESHEET).read_text(encoding="utf-8")
    assert ".notion-red" in css and '[data-md-color-scheme="slate"]' in css
    assert any(href.endswith(STYLESHEET) for href in _stylesheets(site, "x/index.html"))
    assert any(href.endswith(STYLESHEET) for href in _stylesheets(site, "index.html"))
    off = _build_looks(tmp_path / "off", stylesheet=False)
    assert not (off.site / STYLESHEET).exists()
    assert not any(STYLESHEET in href for href in _stylesheets(off, "x/index.html"))


def test_a_stylesheet_of_the_sites_own_at_that_path_wins(tmp_path: Path) -> None:
    docs = {"index.md": "# Home\n", STYLESHEET: "/* mine */\n"}
    with emulate(_looks_workspace()) as emu:
        plugin = {"api_url": emu.url, "token": TOKEN, "sources": [{"page": ROOT, "dest": "x"}]}
        site = run_build(write_site(tmp_path, plugin, docs=docs), strict=True)
    assert site.error is None, site.messages(logging.WARNING)
    assert (site.site / STYLESHEET).read_text(encoding="utf-8") == "/* mine */\n"
    assert _stylesheets(site, "index.html").count(f"{STYLESHEET}") <= 1


def test_the_cover_option_turns_covers_off(tmp_path: Path) -> None:
    with emulate(_nested_workspace()) as emu:
        plugin = {"api_url": emu.url, "token": TOKEN, "sources": [{"page": ROOT, "dest": ""}]}
        site = run_build(write_site(tmp_path, {**plugin, "cover": False}, docs=HANDWRITTEN))
    assert site.error is None
    assert site.html("index.html").select_one("img.notion-cover") is None
    assert site.html("index.html").select_one("img.notion-page-icon") is not None


def test_the_command_line_reads_the_sites_url_style_and_extensions(tmp_path: Path) -> None:
    """`pull` (and a folder sync) write what a build would: the same link style in raw
    HTML and the same tabs, read from mkdocs.yml as MkDocs reads it."""
    from mkdocs_notion_sync.project import load_project

    extensions = [e for e in MARKDOWN_EXTENSIONS if "pymdownx.tabbed" not in str(e)]
    plugin = {"token": TOKEN, "sources": [{"page": ROOT, "dest": "x"}], "embeds": "link"}
    extra = {"use_directory_urls": False, "markdown_extensions": extensions}
    project = load_project(write_site(tmp_path / "plain", plugin, extra=extra))
    settings = project.settings
    assert (settings.use_directory_urls, settings.markdown_tabs) == (False, False)
    assert settings.embeds == "link" and settings.stylesheet and settings.cover
    tabbed = load_project(write_site(tmp_path / "tabbed", plugin)).settings
    assert (tabbed.use_directory_urls, tabbed.markdown_tabs) == (True, True)


def _card_page(thumbnail: str) -> dict[str, Any]:
    preview = {"href": "https://example.org/post", "title": "A post", "thumbnail_url": thumbnail}
    card = {"mention": {"link_mention": preview}, "plain_text": "https://example.org/post"}
    return {
        "seed": "looks-card",
        "pages": [{"id": ROOT, "title": "Cards", "blocks": [{"paragraph": [card]}]}],
    }


def test_a_card_thumbnail_is_fetched_only_as_download_rules_allow(tmp_path: Path) -> None:
    from .support.fileserver import file_server

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    with file_server() as files:
        thumbnail = files.file("/thumb.png", png, "image/png")
        with emulate(_card_page(thumbnail)) as emu:
            plugin = {"api_url": emu.url, "token": TOKEN, "sources": [{"page": ROOT, "dest": "x"}]}
            linked = run_build(write_site(tmp_path / "linked", plugin), strict=True)
            assert files.requests == []  # no outbound fetch by default
            allowed = {"download_external": True, "download_allowed_hosts": ["127.0.0.1"]}
            config = write_site(tmp_path / "copied", {**plugin, **allowed})
            copied = run_build(config, strict=True)
            assert files.requests == ["/thumb.png"]
            again = run_build(config, strict=True)
            assert files.requests == ["/thumb.png"]  # the warm build reuses the copy
    assert linked.error is None and copied.error is None and again.error is None
    link_src = _article(linked).select_one("img.notion-card-thumbnail")["src"]
    assert link_src == thumbnail
    copy_src = _article(again).select_one("img.notion-card-thumbnail")["src"]
    assert "assets/notion/" in copy_src
    assert (again.site / "x" / copy_src).resolve().read_bytes() == png


BLOG_DB = "a1a1a1a1-0000-4000-8000-0000000000d1"


def test_media_in_a_blog_post_resolves_at_the_posts_own_url(tmp_path: Path) -> None:
    """Material's blog serves a post at `blog/<date>/<slug>/`, not where its file is: the
    players' links, which MkDocs does not rewrite, are rebased to the post's URL."""
    post = {
        "title": "First post",
        "properties": {"Date": {"start": "2026-01-10"}},
        "blocks": _media("post"),
    }
    workspace = {
        "seed": "looks-blog",
        "pages": [
            {
                "database": {
                    "id": BLOG_DB,
                    "title": "Blog",
                    "properties": {"Name": "title", "Date": "date"},
                    "entries": [post],
                }
            }
        ],
    }
    docs = {"index.md": "# Home\n", "blog/index.md": "# Blog\n"}
    with emulate(workspace) as emu:
        source = {"database": BLOG_DB, "dest": "blog", "blog": True}
        plugin = {"api_url": emu.url, "token": TOKEN, "sources": [source]}
        config = write_site(tmp_path, plugin, docs=docs, plugins_before=["search", "blog"])
        site = run_build(config, strict=True)
    assert site.error is None, site.messages(logging.WARNING)
    page = site.site / "blog/2026/01/10/first-post/index.html"
    tree = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    assert len(tree.select("article video, article audio")) == 3
    assert _unresolved(site, page) == []
