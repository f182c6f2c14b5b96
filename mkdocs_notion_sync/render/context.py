"""What the converter needs from the rest of the pipeline, as a narrow protocol.

The renderers stay pure functions of (block JSON, context): links, assets and warnings
are answered by whoever drives the conversion (the sync for site pages, the embed step
for hand-written pages, tests with a fake), so the converter never imports MkDocs,
the client or the cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol

Block = dict[str, Any]
"""A Notion block object as the API returns it, plus a `children` list of nested blocks
(filled in by the sync for every block whose `has_children` is true, except child_page
and child_database, which are separate pages)."""

RichText = list[dict[str, Any]]


class RenderContext(Protocol):
    """Answers the converter's questions about the site it is writing for."""

    @property
    def page_title(self) -> str:
        """Title of the page being converted, to name it in warnings."""
        ...

    def link_to_page(self, page_id: str, block_id: str | None = None) -> str | None:
        """Relative Markdown link target (`../guide/setup.md#anchor`) of a synced page or
        database, or None when it is not part of the site."""
        ...

    def is_left_out(self, page_id: str) -> bool:
        """Whether the page is left out of the site on purpose (a source's include or
        exclude): its child_page block is not shown, and links to it are plain text
        that the build reports once, not one warning each."""
        ...

    def rewrite_url(self, url: str) -> str:
        """A link found in content: Notion URLs of synced pages become site links, others
        come back unchanged (a Notion URL outside the site is warned about once); ""
        for a page left out on purpose, whose link becomes plain text."""
        ...

    def asset_url(self, file: dict[str, Any], owner_id: str) -> str | None:
        """Relative URL of the local copy of a file object (`{"type": "file"|"external",
        ...}`) owned by block or page `owner_id`; None when there is no local copy (the
        renderer then links an external URL, and never a Notion-signed one)."""
        ...

    def html_link(self, link: str) -> str:
        """`link`, written for Markdown (relative to the page's Markdown file, as
        `asset_url` gives it), as it must read inside raw HTML (`<video src>`), where
        MkDocs rewrites nothing: relative to the URL the page is served at."""
        ...

    def warn(self, message: str) -> None:
        """Report a problem the reader would notice (unknown block, broken link)."""
        ...

    def inline_database(self, block_id: str, *, nested: bool) -> str | None:
        """Markdown showing the linked database of this `child_database` block where
        the block is (its view's entries), or None when the block is a database of its
        own (then it is linked to). `nested`: inside a list or quote."""
        ...


@dataclass(frozen=True)
class RenderOptions:
    """The site's choices about how blocks look, which no block says itself: one value
    per build, part of every page's render key."""

    embeds: Literal["iframe", "link"] = "iframe"
    """`iframe`: embeds of allow-listed providers play in the page; `link`: every embed
    is a link card, and the page loads nothing from them."""
    tabs: bool = True
    """The site's Markdown has pymdownx.tabbed: a Notion tabs block becomes content tabs.
    Without it, each tab's title and content follow one another."""
