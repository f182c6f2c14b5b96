"""MkDocs hook: the block support matrix, with real examples from the golden tests.

`docs/blocks.md` holds two markers. `<!-- block-matrix -->` becomes a table of every
Notion block type and how it renders. `<!-- block-examples -->` becomes one section per
golden test case in `tests/golden/blocks/` (`NAME.json` is the Notion input, `NAME.md`
the converter's output, `NAME.warnings` the build warnings): the Markdown in a code
block, then the same Markdown rendered with this site's Markdown extensions.

Without the golden files (a source distribution, say) the matrix still builds and the
examples section says where they would come from. A block type the converter knows but
the matrix does not is reported as a build warning, which fails `mkdocs build --strict`.
"""

from __future__ import annotations

import html
import importlib
import json
import logging
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "blocks"
PAGE = "blocks.md"
MATRIX_MARKER = "<!-- block-matrix -->"
EXAMPLES_MARKER = "<!-- block-examples -->"
PLACEHOLDER = "<!-- notion-block-example:{name} -->"
PLACEHOLDER_IMAGE = "assets/example-image.svg"
"""Stands in for downloaded images in the rendered examples (the goldens point at
`../assets/...` paths that exist only on a real site)."""

log = logging.getLogger("mkdocs.hooks.block_matrix")


@dataclass(frozen=True)
class BlockRow:
    types: tuple[str, ...]
    renders: str
    label: str = ""
    """Markdown for the first column, when the type names alone would mislead."""
    toggleable: bool = False
    """The row of headings with *Toggle heading* on."""


MATRIX: tuple[BlockRow, ...] = (
    BlockRow(
        ("paragraph",),
        "A paragraph. Line breaks become `<br>`; an empty paragraph (Notion's blank line) "
        "becomes `&nbsp;` so the spacing survives. A paragraph that is only a link mention "
        "becomes a link card (title, description, provider, icon, thumbnail). Its colour "
        "is a class on the paragraph (`{: .notion-red }`).",
    ),
    BlockRow(
        ("heading_1", "heading_2", "heading_3", "heading_4"),
        "`##` to `#####`: the page title is the page's only `h1`. The anchor comes from the "
        "text (`## Your first week { #your-first-week }`), unique within the page "
        "(`setup`, `setup-2`); links to the heading, or to any block under it, from any page "
        "land there. The old id `n-<block id>` stays on every heading, so older links land "
        "too. Colour as a class.",
    ),
    BlockRow(
        ("heading_1", "heading_2", "heading_3", "heading_4"),
        'A collapsed `??? note "Heading"` (pymdownx.details) holding the heading\'s children, '
        "with the heading's colour. It does not appear in the table of contents. Without "
        "children: a plain heading.",
        label="`heading_1` … `heading_4` with *toggle heading* on",
        toggleable=True,
    ),
    BlockRow(
        ("bulleted_list_item",),
        "A `-` list; nesting by four-space indentation. An item's colour is a class on its `<li>`.",
    ),
    BlockRow(
        ("numbered_list_item",),
        "A `1.` list, numbered correctly and restarting after an interruption. A list that "
        "starts at another number, or uses letters or roman numerals, becomes "
        '`<ol start="5" type="a" markdown>` (md_in_html). Colours as on bulleted items.',
    ),
    BlockRow(("to_do",), "A task list, `- [x]` / `- [ ]` (pymdownx.tasklist), colours kept."),
    BlockRow(
        ("toggle",),
        'Collapsed details, `??? note "Title"` (pymdownx.details); a colour is a class on '
        "the details (`??? note notion-red`).",
    ),
    BlockRow(("quote",), "A `>` blockquote, children included; its colour on its text."),
    BlockRow(
        ("callout",),
        'An admonition, `!!! warning "⚠️ Warning"`. The icon picks the kind (⚠️ warning, '
        "💡 tip, 🚨 danger, \u2139\ufe0f info, ✅ success, ❓ question, 🐛 bug, …), "
        "else the colour (red danger, orange and yellow warning, green success, blue "
        "info, …), else `note`.",
    ),
    BlockRow(
        ("code",),
        "A fenced code block with the Pygments lexer for Notion's language (`plain text` is "
        '`text`). The caption becomes `title="…"`; the fence grows when the code contains '
        "backticks. Mermaid stays `mermaid`.",
    ),
    BlockRow(
        ("equation",),
        "A `$$ … $$` block for pymdownx.arithmatex (generic). The site needs MathJax or KaTeX "
        "to typeset it; inline equations become `$…$`.",
    ),
    BlockRow(
        ("divider",), "`***`, a horizontal rule (not `---`, which could read as front matter)."
    ),
    BlockRow(
        ("table",),
        "A pipe table. With *Header row* on, the first row is the header; without it the "
        "header row is empty and hidden. With *Header column* on, first cells are bold.",
    ),
    BlockRow(
        ("column_list", "column"),
        'Columns side by side in Material\'s grid (`<div class="grid" markdown>`); stacked '
        "one after another where a grid cannot go (inside toggles and lists).",
    ),
    BlockRow(
        ("image",),
        "Downloaded and served from the site (`assets/notion/<hash>.<ext>`). With a caption: "
        "a `<figure>` with `<figcaption>`.",
    ),
    BlockRow(
        ("video",),
        "A video file (downloaded, or an external `.mp4`/`.webm`/…) becomes "
        '`<video controls preload="metadata">`, its link right from any page. A YouTube, '
        "Vimeo or Loom page plays in the provider's iframe (see [Embeds](#embeds)); any "
        "other page is a link card.",
    ),
    BlockRow(("audio",), "`<audio controls>` playing the downloaded file, from any page's depth."),
    BlockRow(("pdf", "file"), "A download link named after the file; the file is downloaded."),
    BlockRow(
        ("embed",),
        "An allow-listed provider (YouTube, Vimeo, Loom, Google Maps, Figma, Google "
        "Docs/Sheets/Slides/Drive, Miro, CodePen) plays in a lazily loaded, sandboxed, "
        "titled iframe whose URL is rebuilt from the embed's ids; a video file plays in "
        "`<video>`; anything else, and every embed with `embeds: link`, is a link card.",
    ),
    BlockRow(
        ("bookmark", "link_preview"),
        "A link card: the caption as its title (formatting kept, links inside it dropped), "
        "else the URL, and the site's host. Links to synced Notion pages become site links. "
        "Nothing is fetched.",
    ),
    BlockRow(
        ("synced_block",),
        "The content of the original block, rendered in place. A WARNING when the original "
        "is not shared with the integration (the copy then has no content).",
    ),
    BlockRow(("child_page",), "The sub-page is a page of its own; the block becomes a link to it."),
    BlockRow(
        ("child_database",),
        "The database becomes an index page with one page per entry (see "
        "[Databases](databases.md)); the block becomes a link to it.",
    ),
    BlockRow(
        ("link_to_page",),
        "A link to the page on the site. A WARNING when the target is not part of the synced "
        "sources; the title is then shown as plain text.",
    ),
    BlockRow(
        ("table_of_contents",),
        "`[TOC]`: the page's table of contents (in a `<div>` of its colour, if it has one).",
    ),
    BlockRow(("breadcrumb",), "Nothing: the theme draws its own navigation."),
    BlockRow(("template",), "Nothing: a template button has nothing to read."),
    BlockRow(
        ("meeting_notes", "transcription"),
        "The title in bold, then the summary and notes. `transcription` is the name before "
        "API version 2026-03-11.",
    ),
    BlockRow(
        ("tab",),
        'Material\'s content tabs (`=== "macOS"`, pymdownx.tabbed), one tab per child, its '
        "title (and emoji icon) kept. A site without pymdownx.tabbed gets each tab's title "
        "and content one after another.",
    ),
    BlockRow(
        ("unsupported",),
        'A visible placeholder, `!!! warning "Unsupported Notion block: form"`, and a build '
        "WARNING naming the page and the block id. Block types newer than the plugin are "
        "handled the same way.",
    ),
)
"""Every Notion block type and what it becomes. Edit this when the converter changes."""

ROW_TYPES = frozenset({"table_row"})
"""Types that exist only inside another block and need no row of their own."""


@dataclass(frozen=True)
class Golden:
    name: str
    blocks: list[Any]
    markdown: str
    warnings: str


def load_goldens(folder: Path = GOLDEN) -> list[Golden]:
    """Every complete golden case (JSON and Markdown), sorted by name; none if absent."""
    if not folder.is_dir():
        return []
    cases = []
    for source in sorted(folder.glob("*.json")):
        expected = source.with_suffix(".md")
        if not expected.is_file():
            continue
        try:
            blocks = json.loads(source.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            log.warning("block matrix: cannot read %s: %s", source, error)
            continue
        warnings_file = source.with_suffix(".warnings")
        cases.append(
            Golden(
                name=source.stem,
                blocks=blocks if isinstance(blocks, list) else [],
                markdown=expected.read_text(encoding="utf-8"),
                warnings=(
                    warnings_file.read_text(encoding="utf-8") if warnings_file.is_file() else ""
                ),
            )
        )
    return cases


def _walk(blocks: Any) -> Iterator[dict[str, Any]]:
    if not isinstance(blocks, list):
        return
    for block in blocks:
        if isinstance(block, dict):
            yield block
            yield from _walk(block.get("children"))


def block_types(golden: Golden) -> set[str]:
    return {str(b["type"]) for b in _walk(golden.blocks) if isinstance(b.get("type"), str)}


def is_toggleable_heading(block: dict[str, Any]) -> bool:
    kind = block.get("type")
    data = block.get(kind) if isinstance(kind, str) else None
    return (
        isinstance(kind, str)
        and kind.startswith("heading_")
        and isinstance(data, dict)
        and bool(data.get("is_toggleable"))
    )


def examples_for(row: BlockRow, goldens: list[Golden]) -> list[str]:
    """Names of the golden cases showing this row's block types: the case named after
    the type first, then the others containing it."""
    toggleable = row.toggleable
    found: list[str] = []
    for golden in goldens:
        blocks = list(_walk(golden.blocks))
        if toggleable:
            hit = any(is_toggleable_heading(b) for b in blocks)
        else:
            hit = any(b.get("type") in row.types and not is_toggleable_heading(b) for b in blocks)
        if hit:
            found.append(golden.name)
    preferred = [
        n
        for n in found
        if any(t == n or t.startswith(n.rstrip("s")) or n.startswith(t + "_") for t in row.types)
    ]
    return preferred + [n for n in found if n not in preferred]


def _converter_types() -> set[str]:
    """Block types the converter handles, when the package can be imported."""
    try:
        module = importlib.import_module("mkdocs_notion_sync.render.blocks")
    except ModuleNotFoundError:
        sys.path.insert(0, str(ROOT))
        try:
            module = importlib.import_module("mkdocs_notion_sync.render.blocks")
        except ImportError:
            return set()
    except ImportError:
        return set()
    renderers: dict[str, Any] = getattr(module, "RENDERERS", {})
    lists: frozenset[str] = getattr(module, "LIST_TYPES", frozenset())
    return {str(t) for t in renderers} | {str(t) for t in lists}


def render_matrix(goldens: list[Golden]) -> str:
    rows = ["| Notion block | Renders as | Example |", "| --- | --- | --- |"]
    for row in MATRIX:
        label = row.label or ", ".join(f"`{t}`" for t in row.types)
        names = examples_for(row, goldens)[:3]
        example = ", ".join(f"[{n}](#example-{n})" for n in names) if names else "—"
        rows.append(f"| {label} | {row.renders.replace('|', chr(92) + '|')} | {example} |")
    known = {t for row in MATRIX for t in row.types}
    missing = sorted(_converter_types() - known - ROW_TYPES)
    if missing:
        log.warning(
            "block matrix: the converter renders %s, which docs_hooks/block_matrix.py's "
            "MATRIX does not describe; add a row",
            ", ".join(missing),
        )
    return "\n".join(rows) + "\n"


def _fence(text: str, language: str, indent: str = "") -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    body = "\n".join(indent + line if line else "" for line in text.rstrip("\n").split("\n"))
    return f"{indent}{fence}{language}\n{body}\n{indent}{fence}"


def render_examples(goldens: list[Golden]) -> str:
    if not goldens:
        return (
            '!!! info "Examples not available"\n\n'
            "    The examples are generated from the converter's golden tests "
            "(`tests/golden/blocks/*.json` and `*.md` in the repository). This copy of the "
            "documentation was built without them.\n"
        )
    parts = []
    for golden in goldens:
        types = ", ".join(f"`{t}`" for t in sorted(block_types(golden)))
        section = [
            f"### {golden.name} {{ #example-{golden.name} }}",
            f"Block types: {types}." if types else "",
            '??? example "Notion JSON (input)"',
            _fence(json.dumps(golden.blocks, indent=1, ensure_ascii=False), "json", "    "),
            "Markdown (output):",
            _fence(golden.markdown, "markdown"),
            "Rendered:",
            PLACEHOLDER.format(name=golden.name),
        ]
        if golden.warnings.strip():
            section += ["Build warnings (the page title is *Golden page* in the tests):"]
            section += [_fence(golden.warnings, "text")]
        parts.append("\n\n".join(s for s in section if s))
    return "\n\n".join(parts) + "\n"


_RELATIVE_HREF = re.compile(r'\bhref="(?!https?:|#|mailto:)[^"]*"')
_ANY_SRC = re.compile(r'\bsrc="(?!data:)[^"]*"')


def render_html(markdown_text: str, config: MkDocsConfig, image_url: str) -> str:
    """A golden's Markdown as HTML, with this site's extensions. Relative links (which
    exist only on a real site) point nowhere, and every file (`src`) is the placeholder
    image, so the page neither breaks nor loads anything from a third party."""
    md_module: Any = importlib.import_module("markdown")
    converter = md_module.Markdown(
        extensions=config.markdown_extensions, extension_configs=config.mdx_configs
    )
    output = str(converter.convert(markdown_text))

    output = _RELATIVE_HREF.sub('href="#"', output)
    return _ANY_SRC.sub(f'src="{html.escape(image_url)}"', output)


_rendered: dict[str, str] = {}


def _stylesheet() -> tuple[str, str] | None:
    """(site path, text) of the stylesheet the plugin ships, when it can be imported."""
    try:
        module = importlib.import_module("mkdocs_notion_sync.site.stylesheet")
    except ImportError:
        return None
    return str(module.STYLESHEET), str(module.stylesheet_text())


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """The examples wear the plugin's own stylesheet, as a site built by the plugin does."""
    shipped = _stylesheet()
    if shipped and shipped[0] not in config.extra_css:
        config.extra_css.append(shipped[0])
    return config


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    shipped = _stylesheet()
    if shipped and files.get_file_from_path(shipped[0]) is None:
        files.append(File.generated(config, shipped[0], content=shipped[1]))
    return files


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    if page.file.src_uri != PAGE:
        return markdown
    if MATRIX_MARKER not in markdown or EXAMPLES_MARKER not in markdown:
        raise PluginError(
            f"block matrix: {PAGE} must contain {MATRIX_MARKER} and {EXAMPLES_MARKER}"
        )
    goldens = load_goldens()
    image = get_relative_url(PLACEHOLDER_IMAGE, page.file.url)
    _rendered.clear()
    for golden in goldens:
        _rendered[golden.name] = render_html(golden.markdown, config, image)
    return markdown.replace(MATRIX_MARKER, render_matrix(goldens)).replace(
        EXAMPLES_MARKER, render_examples(goldens)
    )


def on_page_content(html_text: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    if page.file.src_uri != PAGE:
        return html_text
    for name, rendered in _rendered.items():
        html_text = html_text.replace(
            PLACEHOLDER.format(name=name), f'<div class="notion-example">\n{rendered}\n</div>'
        )
    return html_text
