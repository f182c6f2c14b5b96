"""The one policy for every URL that comes from Notion, wherever it lands.

Rich-text links, mentions, bookmarks, embeds, media, files, covers, property values,
TeX `\\href` and the edit link all pass through `safe_url`, so there is one answer to
"can this run script?". The URL is read the way a browser will read it once it sits in
an attribute: character references decoded (as in an attribute value, repeatedly, so
`&amp;colon;` cannot come back as `:`), control characters dropped, whitespace trimmed,
backslashes as slashes; then a real URL parser names the scheme, and only http, https,
mailto, tel and links without a scheme (site-relative) are kept.
"""

from __future__ import annotations

import html
import re
from html.entities import html5
from urllib.parse import urlsplit

from .context import RenderContext

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_REFERENCE = re.compile(r"&(#[xX][0-9a-fA-F]+;?|#[0-9]+;?|[A-Za-z][A-Za-z0-9]*;?)")
_CONTROLS = str.maketrans(dict.fromkeys([*range(0x20), *range(0x7F, 0xA0)]))
_INVISIBLE = r"[\s\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]+"
_EDGES = re.compile(rf"^{_INVISIBLE}|{_INVISIBLE}$")
"""Whitespace and invisible format characters (zero-width, bidi) around the URL."""
_ROUNDS = 4
"""Decoding stops here; a URL still changing after this many rounds is refused."""
_MARKDOWN = str.maketrans(
    {
        " ": "%20",
        "(": "%28",
        ")": "%29",
        "<": "%3C",
        ">": "%3E",
        '"': "%22",
        "'": "%27",
        "`": "%60",
        "|": "%7C",
    }
)


def safe_url(url: str) -> str | None:
    """The URL as a link target that cannot run script or break the Markdown link or
    attribute around it, or None when it is not an allowed link."""
    for _ in range(_ROUNDS):
        decoded = _decode_references(url)
        if decoded == url:
            break
        url = decoded
    else:
        return None
    url = _EDGES.sub("", url.translate(_CONTROLS)).replace("\\", "/")
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:  # an unbalanced IPv6 bracket, say
        return None
    if parts.scheme:
        if parts.scheme not in ALLOWED_SCHEMES:
            return None  # javascript:, data:, vbscript:, file: and friends
    elif url.startswith("//"):
        url = "https:" + url  # another host: say so, rather than leave it to the page's
    return url.translate(_MARKDOWN)


def link_target(url: str, ctx: RenderContext) -> str | None:
    """Where a link found in content goes: a synced Notion page's site link, or the URL
    itself, through the policy before and after rewriting."""
    cleaned = safe_url(url)
    return safe_url(ctx.rewrite_url(cleaned)) if cleaned is not None else None


def _decode_references(text: str) -> str:
    """Character references decoded as a browser decodes an attribute value: a named
    reference without `;` stays as written before `=` or a letter (`&currency=EUR`)."""
    if "&" not in text:
        return text

    def decode(match: re.Match[str]) -> str:
        reference = match.group(1)
        if reference[0] == "#":
            return html.unescape(match.group(0))
        if reference.endswith(";"):
            return html5.get(reference, match.group(0))
        following = text[match.end() : match.end() + 1]
        if reference in html5 and following != "=":
            return html5[reference]
        return match.group(0)

    return _REFERENCE.sub(decode, text)
