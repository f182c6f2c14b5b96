"""The stylesheet the plugin ships: Notion's colours (light and Material's slate), link
cards, embeds, covers and icons.

The converter writes classes (`notion-red`, `notion-card`, `notion-embed`); this file
gives them their look. It is published with the other generated files (so `pull` and a
folder sync write it too) at `STYLESHEET`, and the MkDocs plugin adds it to `extra_css`;
any other generator lists it in its own configuration.
"""

from __future__ import annotations

from importlib import resources

STYLESHEET = "assets/notion-sync.css"
"""Where the stylesheet is published in the site."""


def stylesheet_text() -> str:
    """The stylesheet as shipped in the package."""
    return (resources.files("mkdocs_notion_sync") / "static" / "notion-sync.css").read_text(
        encoding="utf-8"
    )
