"""A database's own page: its entries as a table linking each entry, and a CSV file of
the same rows beside it."""

from __future__ import annotations

import csv
import io
import posixpath

from ..render.context import RenderContext
from ..render.escape import escape_text
from ..render.properties import plain_property, property_cells
from ..sync.model import Page
from .paths import relative_link


def csv_path(database: Page) -> str:
    """`changelog/changelog.csv` beside the database's index page."""
    folder = posixpath.dirname(database.path)
    name = (posixpath.basename(folder) or "entries") + ".csv"
    return posixpath.join(folder, name)


def index_table(page: Page, ctx: RenderContext, titles: dict[str, str]) -> str:
    """The entries as a table in the source's `columns` (or schema order), the title
    column linking each entry's page, and the CSV download below."""
    download = f"[Download as CSV]({posixpath.basename(csv_path(page))})\n"
    if not page.children:
        return "*No entries.*\n\n" + download
    columns = list(page.source.columns or page.columns or ["Name"])
    title_column = page.columns[0] if page.columns else columns[0]
    header = "| " + " | ".join(escape_text(c).replace("|", "\\|") for c in columns) + " |"
    rows = [header, "|" + " --- |" * len(columns)]
    for entry in page.children:
        props = entry.obj.get("properties") or {}
        values = dict(property_cells(props, ctx, skip_title=False, titles=titles))
        link = relative_link(page.path, entry.path)
        cells = []
        for column in columns:
            value = values.get(escape_text(column), values.get(column, ""))
            if column == title_column:
                cells.append(f"[{value or 'Untitled'}]({link})")
            else:
                cells.append(value)
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows) + "\n\n" + download


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
