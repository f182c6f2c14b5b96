"""Custom block renderers: the public, stable API a site's own code renders blocks with.

A renderer is any callable `renderer(block, ctx) -> str | None`, named in the
`renderers` option (`callout: mypkg.notion:callout`) or installed under the entry-point
group `mkdocs_notion_sync.renderers`. It receives the block exactly as the Notion API
returns it (plus `children`, the nested blocks) and a `BlockContext`, and returns
Markdown, or None to let the built-in renderer draw the block.

`BlockContext` is the whole contract: the converter's internals (`Walk`, the page
composer) can change without breaking a renderer, because a renderer never sees them.
Everything in the block came from Notion and is untrusted: put text into Markdown with
`ctx.escape` or `ctx.rich_text`, into HTML with `ctx.html`, and URLs through
`ctx.safe_url`; never paste a value into the output unescaped.

`Dispatch` is the converter's side: one per rendered page, it runs the renderers and
skips `ignore_blocks`, and remembers which block types the page holds, so the render
cache can tell which pages a changed renderer touches.
"""

from __future__ import annotations

import types
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import NotionSyncError, RendererError
from ..notion.objects import one_line
from .context import Block, RichText
from .escape import escape_text, html_text
from .rich_text import plain_text, render_rich_text
from .urls import safe_url
from .walk import Walk, children, indent, payload

__all__ = ["BlockContext", "CustomRenderer", "Dispatch", "PageInfo", "RendererFunction"]

RendererFunction = Callable[[Block, "BlockContext"], "str | None"]
"""What the `renderers` option names: `(block, ctx) -> Markdown | None`."""

_SHOWN = 160
"""Characters of an error's text (or a title, an id) kept in the one-line message."""


@dataclass(frozen=True)
class CustomRenderer:
    """One entry of the `renderers` option, loaded and fingerprinted (render/loader.py)."""

    block_type: str
    function: RendererFunction
    name: str
    """As configured: `mypkg.notion:callout`, or the entry point's name."""
    options: Mapping[str, Any] = field(default_factory=dict, hash=False)
    """The entry's `options`, read-only; `ctx.options` in the renderer."""
    fingerprint: str = ""
    """Digest of the callable's code and options: part of each page's render key."""


@dataclass(frozen=True)
class PageInfo:
    """The page being rendered."""

    id: str
    """Notion's id of the page (dashed)."""
    title: str
    """Its title as plain text, as Notion has it (untrusted: escape it to show it)."""
    path: str
    """Its Markdown file in the site, `handbook/guide/index.md`."""
    url: str
    """Its address in Notion (`https://www.notion.so/...`), or "" when it has none."""


class BlockContext:
    """What a custom renderer may ask while it renders one block.

    Stable: these names and their behaviour are the public API; nothing else of the
    plugin is.
    """

    __slots__ = ("_block", "_dispatch", "_renderer", "_walk")

    def __init__(
        self, block: Block, walk: Walk, renderer: CustomRenderer, dispatch: Dispatch
    ) -> None:
        self._block = block
        self._walk = walk
        self._renderer = renderer
        self._dispatch = dispatch

    @property
    def page(self) -> PageInfo:
        """The page being rendered (its id, title, site path and Notion URL)."""
        return self._dispatch.page

    @property
    def options(self) -> Mapping[str, Any]:
        """The `options` given to this renderer in mkdocs.yml (read-only; `{}` if none)."""
        return self._renderer.options

    @property
    def nested(self) -> bool:
        """True when the block sits inside indentation (a list item, an admonition, a
        quote): there python-markdown does not read `md_in_html` blocks such as
        `<div class="grid" markdown>`, so a renderer should fall back to plain Markdown."""
        return self._walk.nested

    def payload(self, block: Block | None = None) -> dict[str, Any]:
        """The block's own data (`block[block["type"]]`), `{}` when it has none."""
        return payload(self._block if block is None else block)

    def children(self, block: Block | None = None) -> list[Block]:
        """The block's nested blocks (dicts only)."""
        found = children(self._block if block is None else block)
        return [child for child in found if isinstance(child, dict)]

    def render_children(self, block: Block | None = None, *, nested: bool = False) -> str:
        """The Markdown of the block's children (of this block by default), one level
        deeper. Say `nested=True` when you will indent the result (inside a list item
        or an admonition), so the children avoid what indentation breaks."""
        return self.render_blocks(self.children(block), nested=nested)

    def render_blocks(self, blocks: Iterable[Block], *, nested: bool = False) -> str:
        """The Markdown of any blocks (a filtered list of children, say), one level
        deeper, through the custom renderers and the built-in ones."""
        from .blocks import render  # the converter imports this module

        return render(list(blocks), self._walk.deeper(nested=nested))

    def render_builtin(self, block: Block | None = None) -> str:
        """The block as the built-in renderer draws it (this block by default), to
        wrap or adjust it; this renderer is not called again for it."""
        return self._dispatch.builtin(self._block if block is None else block, self._walk)

    def rich_text(self, rich_text: RichText | None) -> str:
        """Notion rich text (`payload["rich_text"]`, a caption) as inline Markdown:
        escaped, with links, mentions and annotations as the built-in renderer does."""
        return render_rich_text(rich_text or [], self._walk.ctx)

    @staticmethod
    def plain_text(rich_text: RichText | None) -> str:
        """The text of rich text, unescaped: for comparisons, not for output."""
        return plain_text(rich_text or [])

    def link_to_page(self, page_id: str, block_id: str | None = None) -> str | None:
        """The relative link (`../guide/setup.md#n-...`) to a page of the site, or None
        when the page is not published (then show its text without a link)."""
        return self._walk.ctx.link_to_page(page_id, block_id)

    def asset_url(self, file: dict[str, Any], owner_id: str | None = None) -> str | None:
        """The relative URL of the local copy of a Notion file object (an image's
        payload, a callout's `icon`), owned by this block unless `owner_id` says
        otherwise; None when there is no local copy (link an `external` URL through
        `safe_url` instead, never a Notion-signed one)."""
        owner = owner_id if owner_id is not None else str(self._block.get("id", ""))
        return self._walk.ctx.asset_url(file, owner)

    def warn(self, message: str) -> None:
        """A WARNING naming the page (so `mkdocs build --strict` fails); the page is
        rendered again on every build while it warns."""
        self._walk.ctx.warn(f"{self._renderer.name}: {message}")

    @staticmethod
    def escape(text: str) -> str:
        """Text that shows exactly as typed in inline Markdown (no markup, no HTML)."""
        return escape_text(text)

    @staticmethod
    def html(text: str) -> str:
        """Text that shows as typed inside raw HTML: element content or a quoted
        attribute value."""
        return html_text(text)

    @staticmethod
    def safe_url(url: str) -> str | None:
        """The URL as a link target that cannot run script (`javascript:` and its
        disguises are refused), or None: the policy every Notion URL goes through."""
        return safe_url(url)

    @staticmethod
    def indent(markdown: str, spaces: int = 4) -> str:
        """Markdown indented for a list item or an admonition body."""
        return indent(markdown) if spaces == 4 else _indent(markdown, spaces)


def _indent(markdown: str, spaces: int) -> str:
    pad = " " * max(0, spaces)
    return "\n".join(pad + line if line else "" for line in markdown.split("\n"))


SKIPPED = object()
"""`Dispatch.handle`'s answer for a block of an ignored type."""


class Dispatch:
    """One page's custom renderers and ignored block types, and what the page used."""

    def __init__(
        self,
        renderers: Iterable[CustomRenderer],
        ignore: Iterable[str],
        page: PageInfo,
    ) -> None:
        self.renderers = {r.block_type: r for r in renderers}
        self.ignore = frozenset(ignore)
        self.page = page
        self.kinds: set[str] = set()
        """Every block type met on the page (an `unsupported` block's own type too)."""
        self.ignored: Counter[str] = Counter()
        self._builtin: set[int] = set()

    @property
    def active(self) -> bool:
        return bool(self.renderers or self.ignore)

    def handle(self, block: Block, walk: Walk) -> object:
        """`SKIPPED`, the custom renderer's Markdown, or None (render it built-in)."""
        names = _names(block)
        self.kinds.update(names)
        for name in names:
            if name in self.ignore:
                self.ignored[name] += 1
                return SKIPPED
        if id(block) in self._builtin:
            return None
        renderer = next((self.renderers[n] for n in reversed(names) if n in self.renderers), None)
        if renderer is None:
            return None
        return self._run(renderer, block, walk)

    def builtin(self, block: Block, walk: Walk) -> str:
        from .blocks import render

        self._builtin.add(id(block))
        try:
            return render([block], walk)
        finally:
            self._builtin.discard(id(block))

    def _run(self, renderer: CustomRenderer, block: Block, walk: Walk) -> str | None:
        try:
            result = renderer.function(block, BlockContext(block, walk, renderer, self))
        except NotionSyncError:
            raise  # a renderer below this one failed, and said so
        except Exception as error:
            detail = _one_line(f"{type(error).__name__}: {error}")
            raise RendererError(f"{self._where(renderer, block)} failed: {detail}") from None
        if result is None or isinstance(result, str):
            return result
        raise RendererError(
            f"{self._where(renderer, block)} returned {type(result).__name__}; a renderer "
            "returns Markdown (a str), or None for the built-in rendering"
        )

    def _where(self, renderer: CustomRenderer, block: Block) -> str:
        return (
            f"renderer {renderer.name} ({_one_line(renderer.block_type)} block "
            f'{_one_line(str(block.get("id")))} on page "{_one_line(self.page.title)}", '
            f"{self.page.path})"
        )


def _names(block: Block) -> tuple[str, ...]:
    """The block's type, and for `unsupported` blocks the type the API says they are
    (`unsupported: {block_type: "button"}`), most specific last."""
    kind = block.get("type")
    if not isinstance(kind, str):
        return ()
    if kind == "unsupported":
        inner = payload(block).get("block_type")
        if isinstance(inner, str) and inner and inner != kind:
            return (kind, inner)
    return (kind,)


def _one_line(text: str) -> str:
    """Text (an exception's message, a title from Notion) as one short printable line."""
    return one_line(text, _SHOWN)


def frozen_options(options: Mapping[str, Any]) -> Mapping[str, Any]:
    """A renderer's options as a read-only mapping."""
    return types.MappingProxyType(dict(options))
