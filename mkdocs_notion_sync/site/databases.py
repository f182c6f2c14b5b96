"""A database's own page: its entries in the layout of the view it follows (a table
without one), the view it follows named, and a CSV file of every entry beside it; and
a linked database, shown inside the page that holds it."""

from __future__ import annotations

import csv
import io
import posixpath
from collections.abc import Callable

from ..render.context import RenderContext
from ..render.escape import escape_text
from ..render.properties import plain_property
from ..render.urls import safe_url
from ..sync.cache import PageOutline
from ..sync.model import Page
from .layouts import entries

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg")
Outlines = Callable[[str], "PageOutline | None"]


def csv_path(database: Page) -> str:
    """`changelog/changelog.csv` beside the database's index page."""
    folder = posixpath.dirname(database.path)
    name = (posixpath.basename(folder) or "entries") + ".csv"
    return posixpath.join(folder, name)


def _followed(page: Page) -> str:
    """One line naming the Notion view the entries are shown as."""
    layout = page.layout
    if layout is None:
        return ""
    name = escape_text(layout.view_name or "Untitled")
    url = safe_url(layout.view_url) if layout.view_url else None
    named = f"[{name}]({url})" if url else name
    how = (
        layout.kind
        if layout.kind == layout.view_type
        else f"a {layout.view_type}, shown as a table"
    )
    return f"*As in the Notion view {named} ({escape_text(how)}).*\n\n"


def card_images(
    ctx: RenderContext, page: Page, outline_of: Outlines
) -> Callable[[Page], str | None]:
    """An entry's card image, as the view's cover setting says: the page cover, the
    first image of its content, or the first image of a files property."""
    layout = page.layout
    cover = layout.cover if layout is not None else None

    def image(entry: Page) -> str | None:
        if cover == "page_cover":
            found = entry.obj.get("cover")
            return ctx.asset_url(found, entry.id) if isinstance(found, dict) else None
        if cover == "page_content":
            outline = outline_of(entry.id)
            for owner, file in outline.files if outline is not None else []:
                url = ctx.asset_url(file, owner)
                if url and url.lower().endswith(IMAGE_SUFFIXES):
                    return url
            return None
        if cover and cover.startswith("property:"):
            prop = (entry.obj.get("properties") or {}).get(cover.split(":", 1)[1])
            if not isinstance(prop, dict) or not isinstance(prop.get("files"), list):
                return None
            for file in prop["files"]:
                url = (
                    ctx.asset_url(file, str(prop.get("id", ""))) if isinstance(file, dict) else None
                )
                if url and url.lower().endswith(IMAGE_SUFFIXES):
                    return url
        return None

    return image


def index_page(page: Page, ctx: RenderContext, titles: dict[str, str], outline_of: Outlines) -> str:
    """The entries in the view's layout, the view named, and the CSV download below."""
    download = f"[Download as CSV]({posixpath.basename(csv_path(page))})\n"
    shown = entries(page, ctx, titles, card_images(ctx, page, outline_of))
    return _followed(page) + shown + "\n" + download


def linked_view(
    page: Page,
    ctx: RenderContext,
    titles: dict[str, str],
    outline_of: Outlines,
    *,
    nested: bool,
) -> str:
    """A linked database where its block is: its title, then its first view's entries
    (each linking to its page where the original database is published)."""
    title = escape_text(" ".join(page.title.split()) or "Untitled")
    shown = entries(page, ctx, titles, card_images(ctx, page, outline_of), nested=nested)
    return f"**{title}**\n\n{_followed(page)}{shown}".rstrip("\n")


def csv_for(page: Page) -> str:
    """The database's entries as CSV (plain values), offered beside its index page."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(page.columns)
    for entry in page.children:
        props = entry.obj.get("properties") or {}
        writer.writerow(
            [
                plain_property(props[c]) if isinstance(props.get(c), dict) else ""
                for c in page.columns
            ]
        )
    return buffer.getvalue()
