"""The state carried down the block tree while rendering one page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..notion.objects import payload
from .anchors import HeadingIds, PageAnchors
from .context import RenderContext, RenderOptions
from .rich_text import inline

if TYPE_CHECKING:
    from .custom import Dispatch

__all__ = ["MAX_DEPTH", "Walk", "children", "details", "indent", "payload"]

MAX_DEPTH = 64
"""Deeper nesting is a cycle (a synced block that contains itself) or not worth showing."""


@dataclass(frozen=True, slots=True)
class Walk:
    """Where a block is rendered: for whom, how deep, and whether inside indentation.

    `nested` is true inside list items, admonitions and quotes: python-markdown only
    parses md_in_html blocks (grids, figures) at the start of a line, so there the
    renderers fall back to plain Markdown. `headings` is shared by the whole page.
    """

    ctx: RenderContext
    depth: int = 0
    nested: bool = False
    options: RenderOptions = field(default_factory=RenderOptions)
    headings: HeadingIds = field(default_factory=lambda: HeadingIds(PageAnchors()))
    dispatch: Dispatch | None = None
    """The page's custom renderers and ignored block types (render/custom.py), if any."""

    def inline(self, rich_text: Any, *, cell: bool = False, links: bool = True) -> str:
        """Inline Markdown; `links=False` for text that becomes a link's text itself."""
        return inline(rich_text, self.ctx, cell=cell, links=links)

    def deeper(self, *, nested: bool) -> Walk:
        return Walk(
            self.ctx,
            self.depth + 1,
            nested or self.nested,
            self.options,
            self.headings,
            self.dispatch,
        )


def children(block: dict[str, Any]) -> list[Any]:
    value = block.get("children")
    return value if isinstance(value, list) else []


def indent(markdown: str) -> str:
    """Four spaces, the indentation python-markdown needs for nested content."""
    return "\n".join("    " + line if line else "" for line in markdown.split("\n"))


def details(marker: str, kind: str, title: str, body: str) -> str:
    """An admonition (`!!!`) or collapsed details (`???`) with an indented body."""
    head = f'{marker} {kind} "{title}"'
    return f"{head}\n\n{indent(body)}" if body else head
