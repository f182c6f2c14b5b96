"""A database's entries in the layout of the Notion view it follows: table, board,
gallery, list or calendar, as Markdown for mkdocs-material.

Static, with no JavaScript: boards and galleries are Material's grids and cards
(`<div class="grid" markdown>`, `grid cards`), which take their colours from the
theme's variables and so follow the light and the dark (slate) scheme; a calendar is a
month grid made of tables. Every card links to its entry's page where that page is on
the site. Notion's text reaches the page only through the cell escaper (titles, group
names) or the property renderer (values); links and images are the site's own paths,
through the URL policy.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from typing import Any

from ..render.context import RenderContext
from ..render.properties import escape_cell, plain_property, property_cell
from ..render.urls import safe_url
from ..sync.model import Layout, Page

Image = Callable[[Page], "str | None"]
"""An entry's card image: the site URL of its local copy, or None."""
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _title_property(page: Page) -> str:
    return page.columns[0] if page.columns else "Name"


def _link(entry: Page, ctx: RenderContext) -> str:
    """The entry's title, linking to its page when it is on the site."""
    shown = escape_cell(" ".join(entry.title.split())) or "Untitled"
    target = ctx.link_to_page(entry.id)
    url = safe_url(target) if target else None
    return f"[{shown}]({url})" if url else shown


def _props(entry: Page) -> dict[str, Any]:
    props = entry.obj.get("properties")
    return props if isinstance(props, dict) else {}


def _details(
    entry: Page, names: list[str], ctx: RenderContext, titles: dict[str, str]
) -> list[str]:
    """`Name: value` for each shown property with a value."""
    out = []
    for name in names:
        prop = _props(entry).get(name)
        if not isinstance(prop, dict):
            continue
        value = property_cell(prop, ctx, titles)
        if value:
            out.append(f"{escape_cell(name)}: {value}")
    return out


def shown_properties(page: Page, layout: Layout | None) -> list[str]:
    """The columns of a table, or the properties of a card, in order: the source's
    `columns`, else the view's, else every property (the title first)."""
    if page.source.columns and page.parent is None:
        return list(page.source.columns)
    if layout is not None and layout.shown:
        return [name for name in layout.shown if name in page.columns] or list(page.columns)
    return list(page.columns or ["Name"])


def table(page: Page, columns: list[str], ctx: RenderContext, titles: dict[str, str]) -> str:
    """One row per entry; the title column links each entry's page."""
    title = _title_property(page)
    header = "| " + " | ".join(escape_cell(c) for c in columns) + " |"
    rows = [header, "|" + " --- |" * len(columns)]
    for entry in page.children:
        cells = []
        for column in columns:
            prop = _props(entry).get(column)
            if column == title:
                cells.append(_link(entry, ctx))
            else:
                cells.append(property_cell(prop, ctx, titles) if isinstance(prop, dict) else "")
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows) + "\n"


def _card(lines: list[str], image: str | None, link: str) -> str:
    """One card as a list item of Material's `grid cards` (four-space continuation)."""
    parts = []
    if image:
        parts.append(f"![]({image}){{ .notion-card-cover }}")
    parts.append(f"**{link}**")
    if lines:
        parts.append("<br>".join(lines))
    return "-   " + "\n\n    ".join(parts)


def gallery(
    page: Page, names: list[str], ctx: RenderContext, titles: dict[str, str], image: Image
) -> str:
    cards = [
        _card(_details(e, names, ctx, titles), _url(image(e)), _link(e, ctx)) for e in page.children
    ]
    return (
        '<div class="grid cards notion-gallery" markdown>\n\n' + "\n\n".join(cards) + "\n\n</div>\n"
    )


def _url(found: str | None) -> str | None:
    return safe_url(found) if found else None


def list_layout(page: Page, names: list[str], ctx: RenderContext, titles: dict[str, str]) -> str:
    lines = []
    for entry in page.children:
        details = _details(entry, names, ctx, titles)
        lines.append("- " + _link(entry, ctx) + (" · " + " · ".join(details) if details else ""))
    return "\n".join(lines) + "\n"


def _schema_prop(page: Page, name: str) -> dict[str, Any]:
    for schema in page.schemas:
        props = schema.get("properties") if isinstance(schema, dict) else None
        prop = props.get(name) if isinstance(props, dict) else None
        if isinstance(prop, dict):
            return prop
    return {}


def _groups_of(entry: Page, name: str, layout: Layout, group_names: dict[str, str]) -> list[str]:
    """The board columns an entry belongs in (a multi-select: each of its options)."""
    prop = _props(entry).get(name)
    if not isinstance(prop, dict):
        return [""]
    kind = prop.get("type")
    value = prop.get(kind) if isinstance(kind, str) else None
    if kind == "multi_select" and isinstance(value, list):
        names = [str(v.get("name", "")) for v in value if isinstance(v, dict)]
        return names or [""]
    if kind == "status" and layout.by_status_group and isinstance(value, dict):
        return [group_names.get(str(value.get("id")), str(value.get("name", "")))]
    if kind == "checkbox":
        return ["Checked" if value else "Unchecked"]
    return [plain_property(prop)]


def _column_order(prop: dict[str, Any], layout: Layout) -> tuple[list[str], dict[str, str]]:
    """The board's columns as Notion orders them (options, or status groups) and, for
    a status grouped by group, each option's group."""
    kind = prop.get("type")
    config = prop.get(kind) if isinstance(kind, str) else None
    config = config if isinstance(config, dict) else {}
    options = [o for o in config.get("options") or [] if isinstance(o, dict)]
    if kind == "status" and layout.by_status_group:
        groups = [g for g in config.get("groups") or [] if isinstance(g, dict)]
        member = {str(i): str(g.get("name", "")) for g in groups for i in g.get("option_ids") or []}
        return [str(g.get("name", "")) for g in groups], member
    if kind in ("select", "multi_select", "status"):
        return [str(o.get("name", "")) for o in options], {}
    if kind == "checkbox":
        return ["Unchecked", "Checked"], {}
    return [], {}


def board(page: Page, layout: Layout, ctx: RenderContext, titles: dict[str, str]) -> str:
    """One column per group of the grouping property, in Notion's order, entries as
    cards in query order; entries without a value first, under "No <property>"."""
    name = layout.group_by or ""
    order, group_names = _column_order(_schema_prop(page, name), layout)
    columns: dict[str, list[Page]] = {"": [], **{group: [] for group in order}}
    for entry in page.children:
        for group in _groups_of(entry, name, layout, group_names):
            columns.setdefault(group, []).append(entry)
    names = [n for n in shown_properties(page, layout) if n not in (name, _title_property(page))]
    parts = ['<div class="grid notion-board" markdown>']
    for group, entries in columns.items():
        if group == "" and not entries:
            continue
        heading = escape_cell(group) if group else f"No {escape_cell(name)}"
        cards = [
            "- **"
            + _link(e, ctx)
            + "**"
            + "".join("<br>" + line for line in _details(e, names, ctx, titles))
            for e in entries
        ]
        body = "\n".join(cards) if cards else "*No entries.*"
        parts.append(
            f'<div class="card notion-board-column" markdown>\n\n**{heading}** · {len(entries)}'
            f"\n\n{body}\n\n</div>"
        )
    parts.append("</div>")
    return "\n\n".join(parts) + "\n"


def _day(entry: Page, name: str) -> str | None:
    prop = _props(entry).get(name)
    value = prop.get("date") if isinstance(prop, dict) else None
    start = value.get("start") if isinstance(value, dict) else None
    if not isinstance(start, str) or len(start) < 10:
        return None
    day = start[:10]
    try:
        year, month, mday = int(day[:4]), int(day[5:7]), int(day[8:10])
        calendar.monthrange(year, month)
    except ValueError:
        return None
    return day if 1 <= mday <= calendar.monthrange(year, month)[1] else None


def calendar_layout(page: Page, layout: Layout, ctx: RenderContext) -> str:
    """A month grid (Monday first) for every month with entries, entries on the day
    their date starts; entries without one are listed after."""
    name = layout.date_property or ""
    by_day: dict[str, list[Page]] = {}
    undated: list[Page] = []
    for entry in page.children:
        day = _day(entry, name)
        if day is None:
            undated.append(entry)
        else:
            by_day.setdefault(day, []).append(entry)
    parts = []
    for month in sorted({day[:7] for day in by_day}):
        year, number = int(month[:4]), int(month[5:7])
        rows = [
            f"**{calendar.month_name[number]} {year}**",
            "",
            "| " + " | ".join(WEEKDAYS) + " |",
            "|" + " --- |" * 7,
        ]
        for week in calendar.Calendar().monthdayscalendar(year, number):
            cells = []
            for mday in week:
                if not mday:
                    cells.append(" ")
                    continue
                links = [_link(e, ctx) for e in by_day.get(f"{month}-{mday:02d}", [])]
                cells.append("<br>".join([f"{mday}", *links]))
            rows.append("| " + " | ".join(cells) + " |")
        parts.append("\n".join(rows))
    if undated:
        parts.append(
            f"**No {escape_cell(name)}**\n\n" + "\n".join("- " + _link(e, ctx) for e in undated)
        )
    return "\n\n".join(parts) + "\n" if parts else "*No entries.*\n"


def entries(
    page: Page,
    ctx: RenderContext,
    titles: dict[str, str],
    image: Image,
    *,
    nested: bool = False,
) -> str:
    """The database's entries in its layout (a table without one). `nested`: inside a
    list or quote, where Material's grids cannot start, cards become a list."""
    if not page.children:
        return "*No entries.*\n"
    layout = page.layout
    kind = layout.kind if layout is not None else "table"
    names = shown_properties(page, layout)
    card_names = [n for n in names if n != _title_property(page)]
    if kind == "board" and layout is not None and not nested:
        return board(page, layout, ctx, titles)
    if kind == "gallery" and not nested:
        return gallery(page, card_names, ctx, titles, image)
    if kind in ("board", "gallery", "list"):
        return list_layout(page, card_names, ctx, titles)
    if kind == "calendar" and layout is not None:
        return calendar_layout(page, layout, ctx)
    return table(page, names, ctx, titles)
