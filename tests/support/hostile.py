"""What a workspace editor with bad intent writes, and how a test sees that it stayed inert.

The payloads call `alert` and bump `window.__pwned`, so the browser test can tell that
one ran; the checks here read built HTML the way a browser would (entities decoded,
tabs and newlines dropped from URLs) without using any of the plugin's own code.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from .emulators import emulate
from .sitebuild import BuiltSite, run_build, write_site
from .workspaces import TOKEN

RUN = "window.__pwned=(window.__pwned||0)+1;alert(1)"
"""What every payload runs: a dialog and a marker the browser test reads back."""

SCRIPT = f"<script>{RUN}</script>"
IMG = f'<img src=x onerror="{RUN}">'
BREAKOUT = f'"><svg onload="{RUN}">'
QUOTE_BREAKOUT = f"'><img src=x onerror={RUN.replace(' ', '')}>"
TEXTS = [SCRIPT, IMG, BREAKOUT, QUOTE_BREAKOUT]
"""Text payloads: a script, an event handler, and breaking out of double or single
quoted attributes."""

HOSTILE_URLS = [
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "java\nscript:alert(1)",
    "java\tscript:alert(1)",
    "java\rscript:alert(1)",
    "\x01javascript:alert(1)",
    "javascript\x00:alert(1)",
    "javascript&colon;alert(1)",
    "javascript&#58;alert(1)",
    "java&#x09;script:alert(1)",
    "java&Tab;script:alert(1)",
    "java&NewLine;script:alert(1)",
    "&#106;avascript:alert(1)",
    "&#106avascript:alert(1)",
    "javascript&amp;colon;alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "\u00a0javascript:alert(1)",
]
"""Every way of writing `javascript:` that a browser still runs, or that the old check
let through (newline, control character, entity, tab entity, double encoding)."""

SAFE_URLS = [
    ("https://example.org/a?b=1&c=2", "https://example.org/a?b=1&c=2"),
    ("http://example.org/x?amount=5&currency=EUR", "http://example.org/x?amount=5&currency=EUR"),
    ("mailto:team@example.org", "mailto:team@example.org"),
    ("tel:+33123456789", "tel:+33123456789"),
    ("../guide/setup.md#n-1", "../guide/setup.md#n-1"),
    ("/downloads/report.pdf", "/downloads/report.pdf"),
    ("#section", "#section"),
    ("https://example.org/a b(c)", "https://example.org/a%20b%28c%29"),
]
"""(what Notion sends, where the reader's link goes): allowed links keep working."""

EXPRESSIONS = [
    f"a$ {SCRIPT} $b",
    f"a$${IMG}$$b",
    f"x \\) {IMG} \\( y",
    f"x \\] {IMG} \\[ y",
    f"x\n\n{IMG}\n\ny",
    f"</span>{IMG}",
    f"</div>{SCRIPT}",
    f"\\text{{{IMG}}}",
    f"a\\ `{IMG}` *b* _c_",
]
"""Expressions that closed the maths early or hid HTML in it."""

ALLOWED_SCHEMES = {"http", "https", "mailto", "tel"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "xlink:href", "srcset"}
ACTIVE_TAGS = {"iframe", "object", "embed", "base", "form", "frame", "frameset", "applet"}
_BROWSER_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")


def browser_scheme(value: str) -> str | None:
    """The scheme a browser's URL parser reads from an attribute value (already
    entity-decoded by the HTML parser): C0 controls and spaces at the ends and tabs and
    newlines anywhere are dropped first. None for a relative URL."""
    value = value.strip("".join(chr(c) for c in range(33)))
    value = re.sub(r"[\t\n\r]", "", value)
    match = _BROWSER_SCHEME.match(value)
    return match.group(1).lower() if match else None


def active_content(html: str, *, theme: bool = False) -> list[str]:
    """Everything in the HTML that could run a payload: script elements that are not
    the theme's, event handler attributes, active elements (but the theme's search form
    and icons), refresh redirects (with `theme`, but a redirect page's to a relative URL
    of the site) and links
    or sources whose scheme is not http(s), mailto or tel. Empty when the page is inert."""
    tree = BeautifulSoup(html, "html.parser")
    found: list[str] = []
    for script in tree.find_all("script"):
        text = script.get_text()
        if "__pwned" in text or "alert" in text or not theme:
            found.append(f"script: {str(script)[:120]}")
    for element in tree.find_all(True):
        if element.name in ACTIVE_TAGS - ({"form"} if theme else set()) or (
            element.name == "svg" and not theme
        ):
            found.append(f"element: {str(element)[:120]}")
        if element.name == "meta" and str(element.get("http-equiv", "")).lower() == "refresh":
            target = str(element.get("content", "")).split("url=", 1)[-1].strip()
            same_site = browser_scheme(target) is None and not target.startswith(("//", "/\\"))
            if not (theme and same_site):  # the plugin's redirect pages (#21) lead in-site
                found.append(f"refresh: {element}")
        for name, value in element.attrs.items():
            text = " ".join(value) if isinstance(value, list) else str(value)
            if name.lower().startswith("on"):
                found.append(f"handler: {name}={text[:80]}")
            elif name.lower() in URL_ATTRIBUTES or (name.lower() == "content" and "url=" in text):
                scheme = browser_scheme(text.split("url=", 1)[-1] if name == "content" else text)
                if scheme is not None and scheme not in ALLOWED_SCHEMES:
                    found.append(f"url: <{element.name} {name}={text[:80]!r}>")
    return found


def link_targets(html: str) -> list[str]:
    """The href of every link, as the browser reads it."""
    tree = BeautifulSoup(html, "html.parser")
    return [str(a["href"]) for a in tree.find_all("a", href=True)]


def rt(text: str, link: str | None = None, **annotations: Any) -> dict[str, Any]:
    """A rich-text run as the API sends it."""
    return {
        "type": "text",
        "text": {"content": text, "link": {"url": link} if link else None},
        "annotations": annotations,
        "plain_text": text,
        "href": link,
    }


# -- a whole workspace of it, for the built-site and browser tests ----------------------

HOSTILE_ROOT = "f0f0f0f0-0000-4000-8000-000000000001"
HOSTILE_DB = "f0f0f0f0-0000-4000-8000-000000000002"
HOSTILE_BLOG = "f0f0f0f0-0000-4000-8000-000000000003"
HOSTILE_CHILD = "f0f0f0f0-0000-4000-8000-000000000004"
MALLORY = "f0f0f0f0-0000-4000-8000-0000000000aa"


def _links() -> list[dict[str, Any]]:
    """Every hostile URL in every place a URL comes from."""
    blocks: list[dict[str, Any]] = []
    for index, url in enumerate(HOSTILE_URLS):
        blocks.append(
            {
                "paragraph": [
                    {"text": f"link {index}", "link": url},
                    " ",
                    {"mention": {"link_mention": url}, "plain_text": f"mention {index}"},
                    " ",
                    {"mention": {"link_preview": url}, "plain_text": f"preview {index}"},
                ]
            }
        )
        kind = ("bookmark", "embed", "link_preview")[index % 3]
        blocks.append({"type": kind, kind: {"url": url, "caption": [rt(f"{kind} {index}")]}})
        media = ("image", "video", "audio", "file", "pdf")[index % 5]
        payload: dict[str, Any] = {"external": {"url": url}, "caption": f"{media} {index}"}
        if media in ("file", "pdf"):
            payload["name"] = f"{media} {index}"
        blocks.append({media: payload})
    return blocks


def _maths() -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    for expression in [*EXPRESSIONS, "\\href{javascript:alert(1)}{click me}"]:
        blocks.append({"equation": expression})
        blocks.append({"paragraph": ["inline ", {"equation": expression}, " maths"]})
        blocks.append({"heading_3": ["maths ", {"equation": expression}]})
    blocks.append(
        {
            "table": {
                "has_column_header": True,
                "rows": [
                    [{"equation": EXPRESSIONS[0]}, SCRIPT],
                    [IMG, {"equation": EXPRESSIONS[4]}],
                ],
            }
        }
    )
    blocks.append(
        {
            "bulleted_list_item": "a list",
            "children": [
                {"equation": EXPRESSIONS[1]},
                {"paragraph": [{"equation": EXPRESSIONS[2]}]},
            ],
        }
    )
    return blocks


def _text_blocks() -> list[dict[str, Any]]:
    """Every other place Notion text reaches the page."""
    blocks: list[dict[str, Any]] = []
    for text in TEXTS:
        blocks.extend(
            [
                {"heading_2": text},
                {"paragraph": [text, " ", {"text": text, "bold": True, "color": "red"}]},
                {"callout": {"rich_text": text, "icon": {"emoji": text}}},
                {"toggle": {"rich_text": text}, "children": [{"paragraph": text}]},
                {"code": {"rich_text": text, "language": "html", "caption": text}},
                {"quote": text},
                {"to_do": {"rich_text": text, "checked": True}},
                {"paragraph": [{"mention": {"user": MALLORY}}, " ", {"mention": {"date": text}}]},
                {"image": {"file": {"generate": "png", "name": f"{text}.png"}, "caption": text}},
                {
                    "file": {
                        "file": {"generate": "text", "name": f"{text}.txt", "content": "x"},
                        "name": text,
                    }
                },
            ]
        )
    return blocks


LOOKALIKE_EMBEDS = [
    "https://youtube.com.evil.test/watch?v=dQw4w9WgXcQ",
    "https://www.youtube.com@evil.test/watch?v=dQw4w9WgXcQ",
    f"https://www.youtube.com/watch?v=dQw4w9WgXc{BREAKOUT}",
    f"https://vimeo.com/1234{SCRIPT}",
    f"https://www.figma.com/design/{QUOTE_BREAKOUT}/x",
    "https://codepen.io/a/pen/../../../evil",
]
"""Embeds that look like an allow-listed provider's and must not become its iframe."""


def _looks() -> list[dict[str, Any]]:
    """What issue #20 reads from Notion: tab titles and icons, link mention previews,
    embeds, colours, headings that become anchors."""
    blocks: list[dict[str, Any]] = [{"embed": {"url": url}} for url in LOOKALIKE_EMBEDS]
    blocks.append(
        {
            "tab": {},
            "children": [
                {"paragraph": {"rich_text": text, "icon": text}, "children": [text]}
                for text in TEXTS
            ],
        }
    )
    for index, text in enumerate(TEXTS):
        preview = {
            "href": f"https://example.org/{index}",
            "title": text,
            "description": text,
            "link_provider": text,
            "link_author": text,
            "thumbnail_url": HOSTILE_URLS[index],
            "icon_url": HOSTILE_URLS[-1 - index],
        }
        blocks.append({"paragraph": [{"mention": {"link_mention": preview}, "plain_text": text}]})
        blocks.append({"bulleted_list_item": {"rich_text": text, "color": text}})
        blocks.append({"heading_3": {"rich_text": text, "color": f'red" {text}'}})
    return blocks


def _entries(prefix: str, dated: bool) -> list[dict[str, Any]]:
    entries = []
    for index, text in enumerate(TEXTS):
        entries.append(
            {
                "title": f"{prefix} {index} {text}",
                "icon": text,
                "properties": {
                    "Description": text,
                    "Tags": [text, "plain"],
                    "Category": text,
                    "Owner": [MALLORY],
                    "Link": HOSTILE_URLS[index],
                    "Site": "svg/onload=alert(1)",
                    "Mail": f"x@y.z{text}",
                    "Date": f"2026-0{index + 1}-01" if dated else text,
                    text: f"property named {text}",
                },
                "blocks": [{"paragraph": text}],
                "comments": [{"text": text, "user": MALLORY}],
            }
        )
    return entries


def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = {
        "Name": "title",
        "Description": "rich_text",
        "Tags": "multi_select",
        "Category": "select",
        "Owner": "people",
        "Link": "url",
        "Site": "url",
        "Mail": "email",
        "Date": "date",
    }
    schema.update({text: "rich_text" for text in TEXTS})
    return schema


def hostile_workspace() -> dict[str, Any]:
    """A page with every hostile text, URL and equation in every block, a child page and
    a database named by the attacker, and a database meant to be published as a blog."""
    return {
        "seed": "hostile-site",
        "users": [{"id": MALLORY, "name": IMG, "email": "mallory@example.org"}],
        "pages": [
            {
                "id": HOSTILE_ROOT,
                "title": f"Hostile {SCRIPT}",
                "icon": IMG,
                "comments": [{"text": SCRIPT, "user": MALLORY}],
                "blocks": [
                    *_text_blocks(),
                    *_links(),
                    *_maths(),
                    *_looks(),
                    {
                        "page": {
                            "id": HOSTILE_CHILD,
                            "title": BREAKOUT,
                            "icon": QUOTE_BREAKOUT,
                            "cover": HOSTILE_URLS[2],
                            "blocks": [{"paragraph": QUOTE_BREAKOUT}],
                        }
                    },
                    {
                        "database": {
                            "id": HOSTILE_DB,
                            "title": f"Table {IMG}",
                            "description": SCRIPT,
                            "properties": _schema(),
                            "entries": _entries("Entry", dated=False),
                        }
                    },
                ],
            },
            {
                "database": {
                    "id": HOSTILE_BLOG,
                    "title": f"Blog {SCRIPT}",
                    "properties": _schema(),
                    "entries": _entries("Post", dated=True),
                }
            },
        ],
    }


def hostile_site_docs() -> dict[str, str]:
    """Hand-written pages of the hostile site: a home, the tags index, the blog's root."""
    return {
        "index.md": "# Home\n\nA site built from a hostile workspace.\n",
        "tags.md": "# Tags\n\n<!-- material/tags -->\n",
        "blog/index.md": "# Blog\n",
    }


def hostile_site_config(api_url: str) -> dict[str, Any]:
    """The plugin options, and the rest of mkdocs.yml, that print every front-matter key."""
    return {
        "plugin": {
            "api_url": api_url,
            "rate_limit": 1000,
            "comments": True,
            "sources": [
                {"page": HOSTILE_ROOT, "dest": "hostile"},
                {"database": HOSTILE_BLOG, "dest": "blog", "blog": True},
            ],
        },
        "plugins_before": ["search", "tags", {"blog": {"post_date_format": "short"}}],
        "extra": {
            "theme": {"name": "material", "features": ["content.action.edit", "navigation.path"]},
            "repo_url": "https://example.org/repo",
        },
    }


def build_hostile_site(root: Path) -> BuiltSite:
    """The hostile workspace built with Material, its tags and blog plugins and the edit
    action, so that every template that prints front matter runs."""
    with pytest.MonkeyPatch.context() as env, emulate(hostile_workspace()) as emu:
        env.setenv("NOTION_TOKEN", TOKEN)  # module-scoped: before conftest's fixture runs
        options = hostile_site_config(emu.url)
        config = write_site(
            root,
            options["plugin"],
            docs=hostile_site_docs(),
            extra=options["extra"],
            plugins_before=options["plugins_before"],
        )
        site = run_build(config)
    assert site.error is None, site.messages()
    return site
