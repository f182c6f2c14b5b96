"""The site's navigation in Notion's order and with Notion's titles, in every form a
generator reads: a nav list (MkDocs' `nav`), placeholders expanded inside a user's own
nav, awesome-nav `.nav.yml` files, and literate-nav `SUMMARY.md` files."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..render.escape import html_text
from ..sync.model import Page


@dataclass
class NavItem:
    title: str
    path: str
    children: list[NavItem] = field(default_factory=list)


def site_nav(roots: Iterable[Page]) -> list[NavItem]:
    """Each source's tree, in Notion's order; a blog's posts are Material's to list."""
    return [_nav_item(root) for root in roots if not root.source.blog]


def nav_title(page: Page) -> str:
    """The page's title as the nav shows it: after its emoji icon, as Notion's sidebar
    shows it. Themes show nav titles as text, so a picture icon cannot go there."""
    icon = page.obj.get("icon")
    emoji = icon.get("emoji") if isinstance(icon, dict) and icon.get("type") == "emoji" else None
    shown = " ".join(emoji.split()) if isinstance(emoji, str) else ""
    return f"{shown} {page.title}" if shown else page.title


def _nav_item(page: Page) -> NavItem:
    title = html_text(nav_title(page))
    if page.kind == "database" and page.source.blog:
        return NavItem(title=title, path=page.path)
    return NavItem(title, page.path, [_nav_item(child) for child in page.children])


# -- MkDocs' nav: a list of {title: path | [...]} ------------------------------------


def nav_entry(item: NavItem) -> Any:
    """One item as an entry of MkDocs' `nav`; a page with children is a section whose
    first entry is the page itself."""
    if not item.children:
        return {item.title: item.path}
    return {item.title: [{item.title: item.path}, *(nav_entry(child) for child in item.children)]}


def expand_nav(nav: Any, items: list[NavItem]) -> Any:
    """Replace `dest/` (a source's folder) in a user nav with that source's tree."""
    by_dest = {_folder(item): item for item in items}
    return _expand(nav, by_dest)


def _expand(nav: Any, by_dest: dict[str, NavItem]) -> Any:
    if isinstance(nav, list):
        return [_expand(entry, by_dest) for entry in nav]
    if isinstance(nav, dict):
        return {key: _expand(value, by_dest) for key, value in nav.items()}
    if isinstance(nav, str) and nav.endswith("/") and nav.rstrip("/") in by_dest:
        item = by_dest[nav.rstrip("/")]
        return [{item.title: item.path}, *(nav_entry(child) for child in item.children)]
    return nav


# -- files other nav plugins (and Zensical) read ---------------------------------------


def _folder(item: NavItem) -> str:
    return posixpath.dirname(item.path)


def awesome_nav_files(nav: list[NavItem]) -> dict[str, str]:
    """`.nav.yml` per Notion folder, so mkdocs-awesome-nav (and Zensical, which reads
    the same files) keeps Notion's order. A source's own folder gets its root page's
    title (a sub-folder is titled by its entry in the folder above)."""
    files: dict[str, str] = {}
    roots = {id(item) for item in nav}
    stack = [item for item in nav if item.children or _folder(item)]
    while stack:
        item = stack.pop()
        folder = _folder(item)
        document: dict[str, Any] = {"title": item.title} if id(item) in roots and folder else {}
        entries: list[Any] = [posixpath.basename(item.path)]
        for child in item.children:
            if child.children:
                entries.append({child.title: posixpath.relpath(_folder(child), folder)})
                stack.append(child)
            else:
                entries.append(posixpath.relpath(child.path, folder))
        document["nav"] = entries
        files[posixpath.join(folder, ".nav.yml")] = yaml.safe_dump(
            document, allow_unicode=True, sort_keys=False
        )
    return files


def literate_nav_files(nav: list[NavItem]) -> dict[str, str]:
    """`SUMMARY.md` in each source's folder, so mkdocs-literate-nav keeps Notion's order."""
    files: dict[str, str] = {}
    for item in nav:
        folder = _folder(item)
        lines = _summary_lines(item, folder, 0, recurse=False)
        for child in item.children:
            lines.extend(_summary_lines(child, folder, 0))
        summary = posixpath.join(folder, "SUMMARY.md") if folder else "SUMMARY.md"
        files[summary] = "\n".join(lines) + "\n"
    return files


def _summary_lines(node: NavItem, folder: str, depth: int, recurse: bool = True) -> list[str]:
    target = posixpath.relpath(node.path, folder) if folder else node.path
    title = node.title.replace("[", "\\[").replace("]", "\\]")
    lines = [f"{'    ' * depth}* [{title}]({target})"]
    for child in node.children if recurse else ():
        lines.extend(_summary_lines(child, folder, depth + 1))
    return lines
