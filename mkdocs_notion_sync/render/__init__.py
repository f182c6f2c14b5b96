"""Notion blocks and rich text to Markdown for mkdocs-material.

Pure and synchronous: the sync fetched everything before, and links, assets and warnings
go through the `RenderContext` the caller passes in. Choices the rest of the plugin
relies on:

* Headings: Notion's heading_1..heading_4 become h2..h5, because the page title is the
  page's h1. Each heading's id comes from its text (`## Your first week
  { #your-first-week }`, unique within the page, render/anchors.py) and it keeps its old
  id `n-<32 hex>` in an empty span, so old links still land. A Notion link to any block
  lands on the heading the block sits under. Toggleable headings with children render
  as collapsed details (`??? note "Title"`), which have no id and no TOC entry.
* Tables: a Notion column header becomes the Markdown header row. Without one the
  header row is empty and hidden (`&nbsp; { style="display: none" }` on each cell),
  because python-markdown requires a header row and md_in_html tables would fail inside
  lists and admonitions. A row header makes the first cell of each row bold.
* Numbered lists: numbered 1, 2, 3 in one list; a list after another block restarts.
  A `list_start_index` other than 1 or a `list_format` of letters/roman renders as an
  md_in_html `<ol start type>` (python-markdown ignores start numbers and has no
  letters); inside indentation, where md_in_html is not parsed, it falls back to plain
  numbers (material still letters nested lists itself).
* Colours: `notion-<colour>` / `notion-<colour>-background` classes on text runs (text:
  `<span>`, background: `<mark>`, so highlights show even without extra CSS) and on
  every block that has a colour (attr_list on paragraphs, list items, headings, quote
  text; a class of toggles' details); the stylesheet the plugin ships styles them.
* Raw HTML (players, embeds) is written only with links made for it
  (`RenderContext.html_link`), since MkDocs rewrites links in Markdown only.
"""

from __future__ import annotations

from typing import Any

from .blocks import RENDERERS, block_anchor, render_blocks
from .code_languages import LANGUAGES, lexer_for
from .context import Block, RenderContext, RenderOptions, RichText
from .rich_text import plain_text, render_rich_text

MARKDOWN_EXTENSIONS: list[Any] = [
    "admonition",
    "attr_list",
    "md_in_html",
    "footnotes",
    "tables",
    "toc",
    "pymdownx.details",
    "pymdownx.superfences",
    "pymdownx.highlight",
    "pymdownx.tasklist",
    {"pymdownx.arithmatex": {"generic": True}},
    "pymdownx.tilde",
    "pymdownx.mark",
    {"pymdownx.tabbed": {"alternate_style": True}},
]
"""The `markdown_extensions` the Markdown written here is meant for (the list the docs
ask sites to configure), as mkdocs.yml spells them; the tests and the benchmark build
their sites with it."""

__all__ = [
    "LANGUAGES",
    "MARKDOWN_EXTENSIONS",
    "RENDERERS",
    "Block",
    "RenderContext",
    "RenderOptions",
    "RichText",
    "block_anchor",
    "lexer_for",
    "plain_text",
    "render_blocks",
    "render_rich_text",
]
