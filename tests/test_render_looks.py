"""Issue #20, in the converter: embed URLs rebuilt from validated parts, links in raw
HTML made relative to the page's URL, heading anchors, cards and tabs."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mkdocs_notion_sync.render import RenderOptions, render_blocks
from mkdocs_notion_sync.render.anchors import legacy_anchor, page_anchors
from mkdocs_notion_sync.render.embeds import PROVIDERS, embeddable
from mkdocs_notion_sync.site.paths import html_link, served_folder

from .support.hostile import HOSTILE_URLS, IMG, SCRIPT, active_content
from .test_render_support import FakeContext, soup, to_html

PLAYER_HOSTS = {
    "www.youtube-nocookie.com",
    "player.vimeo.com",
    "www.loom.com",
    "maps.google.com",
    "www.google.com",
    "www.figma.com",
    "docs.google.com",
    "drive.google.com",
    "miro.com",
    "codepen.io",
}


@pytest.mark.parametrize(
    ("url", "src"),
    [
        (
            "https://youtu.be/dQw4w9WgXcQ?t=42",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?start=42",
        ),
        (
            "https://m.youtube.com/watch?v=dQw4w9WgXcQ&t=1h2m3s&feature=share",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?start=3723",
        ),
        (
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        (
            "http://vimeo.com/channels/staff/76979871",
            "https://player.vimeo.com/video/76979871?dnt=1",
        ),
        (
            "https://player.vimeo.com/video/76979871?h=0a1b2c3d4e",
            "https://player.vimeo.com/video/76979871?dnt=1&h=0a1b2c3d4e",
        ),
        ("https://docs.google.com/forms/d/e/1AbCdEfGhIjKlMnOpQrStUvWxYz012/viewform", None),
        ("https://maps.app.goo.gl/abc", None),
        ("https://www.youtube.com/watch?v=tooshort", None),
        ("https://www.youtube.com/channel/UCabcdefghijk", None),
        ("https://vimeo.com/76979871/not-a-hash!", None),
        ("https://www.google.com/maps/@91.0,2.0,10z", None),
        ("ftp://www.youtube.com/watch?v=dQw4w9WgXcQ", None),
        ("https://user:pw@vimeo.com/76979871", None),
        ("https://[::1/watch", None),
    ],
)
def test_embed_urls_are_rebuilt_or_refused(url: str, src: str | None) -> None:
    found = embeddable(url)
    assert (found.src if found else None) == src


def test_a_drive_file_is_previewed() -> None:
    found = embeddable("https://drive.google.com/file/d/1AbCdEfGhIjKlMnOpQrStUvWxYz012/edit")
    assert found is not None
    assert found.src == "https://drive.google.com/file/d/1AbCdEfGhIjKlMnOpQrStUvWxYz012/preview"


@settings(max_examples=400, deadline=None)
@given(
    host=st.sampled_from(sorted(PROVIDERS)),
    path=st.text(max_size=60),
    query=st.text(max_size=60),
)
def test_any_url_of_a_provider_host_yields_a_players_url_or_nothing(
    host: str, path: str, query: str
) -> None:
    """Whatever Notion sends after a provider's host, the iframe goes to that provider's
    player host, over https, with nothing in it that could leave the attribute."""
    found = embeddable(f"https://{host}/{path}?{query}")
    if found is None:
        return
    parts = urlsplit(found.src)
    assert parts.scheme == "https" and parts.hostname in PLAYER_HOSTS
    assert not any(c in found.src for c in "\"'<> \t\n\\`")


@pytest.mark.parametrize("url", [*HOSTILE_URLS, "https://evil.test/embed", "//www.youtube.com/x"])
def test_a_hostile_embed_is_never_a_frame(url: str) -> None:
    block = {"type": "embed", "id": "e", "embed": {"url": url, "caption": []}}
    markdown = render_blocks([block], FakeContext())
    assert "<iframe" not in markdown
    assert active_content(to_html(markdown)) == []


def test_embeds_link_makes_every_embed_a_card() -> None:
    block = {"type": "embed", "id": "e", "embed": {"url": "https://youtu.be/dQw4w9WgXcQ"}}
    framed = render_blocks([block], FakeContext())
    linked = render_blocks([block], FakeContext(), RenderOptions(embeds="link"))
    assert framed.startswith("<iframe") and "<iframe" not in linked
    assert soup(linked).select_one("p.notion-card a")["href"] == "https://youtu.be/dQw4w9WgXcQ"


@pytest.mark.parametrize(
    ("page", "directory_urls", "folder"),
    [
        ("index.md", True, ""),
        ("leaf.md", True, "leaf"),
        ("leaf.md", False, ""),
        ("a/b/index.md", True, "a/b"),
        ("a/b/c.md", True, "a/b/c"),
        ("a/b/c.md", False, "a/b"),
        ("a/README.md", True, "a"),
    ],
)
def test_a_page_is_served_in_a_folder_of_its_own_or_its_files(
    page: str, directory_urls: bool, folder: str
) -> None:
    assert served_folder(page, directory_urls=directory_urls) == folder


def test_links_in_raw_html_are_relative_to_the_pages_url() -> None:
    link = "../../assets/notion/x.mp4"  # as written for a/b/c.md's Markdown
    assert html_link("a/b/c.md", link, directory_urls=True) == "../../../assets/notion/x.mp4"
    assert html_link("a/b/c.md", link, directory_urls=False) == link
    assert html_link("a/b/index.md", "../../assets/x.mp4", directory_urls=True) == (
        "../../assets/x.mp4"
    )
    assert html_link("leaf.md", "assets/x.mp4#t=3", directory_urls=True) == "../assets/x.mp4#t=3"
    for fixed in ("https://cdn.example/x.mp4", "/x.mp4", "#top", "mailto:a@b.c"):
        assert html_link("a/b/c.md", fixed, directory_urls=True) == fixed


def test_anchors_are_readable_unique_and_stable_against_new_repeats() -> None:
    def heading(n: int, text: str) -> dict[str, object]:
        rich = [{"type": "text", "plain_text": text, "text": {"content": text}}]
        return {"type": "heading_2", "id": f"h{n}", "heading_2": {"rich_text": rich}}

    before = page_anchors([heading(1, "Setup"), heading(2, "Setup 2")])
    after = page_anchors([heading(1, "Setup"), heading(3, "Setup"), heading(2, "Setup 2")])
    assert before.headings == {"h1": "setup", "h2": "setup-2"}
    assert after.headings == {"h1": "setup", "h3": "setup-3", "h2": "setup-2"}
    assert after.anchor("H3") == "setup-3"
    assert legacy_anchor("AB-cd") == "n-abcd"


def test_a_tree_that_contains_itself_is_read_once() -> None:
    block: dict[str, object] = {"type": "toggle", "id": "t", "toggle": {}}
    block["children"] = [block, block]
    assert page_anchors([block]).sections == {}


def test_hostile_heading_text_is_an_inert_id() -> None:
    for text in (SCRIPT, IMG, '" onmouseover="alert(1)', "{ #x onclick=alert(1) }"):
        rich = [{"type": "text", "plain_text": text, "text": {"content": text}}]
        markdown = render_blocks(
            [{"type": "heading_1", "id": "h", "heading_1": {"rich_text": rich}}], FakeContext()
        )
        tree = soup(markdown)
        assert active_content(str(tree)) == [], markdown
        assert set(tree.h2["id"]) <= set("abcdefghijklmnopqrstuvwxyz0123456789-"), markdown
        assert tree.h2.get_text().startswith(text.strip()[:3])


def test_a_card_never_shows_a_picture_that_is_not_a_web_address() -> None:
    for bad in [*HOSTILE_URLS, "/assets/notion/secret.png", "../x.png", "mailto:a@b.c"]:
        mention = {
            "type": "mention",
            "plain_text": "x",
            "mention": {
                "type": "link_mention",
                "link_mention": {"href": "https://e.test", "thumbnail_url": bad, "icon_url": bad},
            },
        }
        block = {"type": "paragraph", "id": "p", "paragraph": {"rich_text": [mention]}}
        tree = soup(render_blocks([block], FakeContext()))
        assert tree.find("img") is None, bad
        assert tree.select_one("p.notion-card a")["href"] == "https://e.test"


def test_tab_titles_are_text_and_tabs_without_tabbed_follow_one_another() -> None:
    pane = {
        "type": "paragraph",
        "id": "p",
        "paragraph": {
            "rich_text": [{"type": "text", "plain_text": SCRIPT, "text": {"content": SCRIPT}}],
            "icon": {"type": "emoji", "emoji": IMG},
        },
        "children": [{"type": "paragraph", "id": "q", "paragraph": {"rich_text": []}}],
    }
    block = {"type": "tab", "id": "t", "tab": {}, "children": [pane]}
    tabbed = soup(render_blocks([block], FakeContext()))
    assert tabbed.select_one(".tabbed-labels label").get_text() == f"{IMG} {SCRIPT}"
    assert active_content(str(tabbed)) == []
    plain = soup(render_blocks([block], FakeContext(), RenderOptions(tabs=False)))
    assert plain.select_one(".tabbed-set") is None
    assert plain.select_one("p.notion-tab-title").get_text() == f"{IMG} {SCRIPT}"


def test_players_are_re_aimed_for_a_page_served_elsewhere_and_nothing_else() -> None:
    from mkdocs_notion_sync.site.paths import rebase_players, url_folder

    video = {"type": "video", "id": "v", "video": {"type": "file", "file": {"url": "x/a.mp4"}}}
    typed = '<video class="notion-player" controls preload="metadata" src="../evil.mp4">'
    text = [{"type": "text", "plain_text": typed, "text": {"content": typed}}]
    code = {"type": "code", "id": "c", "code": {"rich_text": text, "language": "html"}}
    prose = {"type": "paragraph", "id": "p", "paragraph": {"rich_text": text}}
    html = to_html(render_blocks([video, code, prose], FakeContext()))
    moved = rebase_players(html, written_for="pages/golden", served_at="blog/2026/01/10/golden")
    tree = soup(render_blocks([video], FakeContext()))
    before = tree.video["src"]
    assert before == "../../assets/v/a.mp4"
    assert f'src="{"../" * 5}assets/v/a.mp4"' in moved
    assert moved.count("../evil.mp4") == html.count("../evil.mp4") == 2  # text stays text
    assert rebase_players(html, written_for="a", served_at="a") == html
    assert [url_folder(u) for u in ("", "a/b/", "a/b.html", "index.html")] == ["", "a/b", "a", ""]
