"""Redirect pages: every old URL of a page, and its permanent id URL, lead to where it is now.

A page's history (sync/history.py) holds every path it was published at; each old one
gets a small static HTML page (meta refresh, a canonical link, a visible link for
readers without refresh) that points straight at the page's current URL, so a chain of
renames (A -> B -> C) never makes a reader hop: A and B both lead to C. Each page is
also reachable at `/<dest>/<32-hex id>/`, a URL anyone can make from a Notion link.

The plugin serves these as generated files of the build (see docs/redirects.md for
why), and drops any whose URL a live file holds: a redirect never shadows a page.
Everything written into the HTML (titles, paths) is escaped; URLs are percent-encoded.
"""

from __future__ import annotations

import html
import posixpath
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

from ..render.escape import html_text
from ..sync.history import PathHistory, url_key
from ..sync.model import Page

_URL_SAFE = ":/?#[]@!$&'()*+,;=%~.-_"
"""What stays as it is in the site's own `site_url` (percent-encoded otherwise)."""


@dataclass(frozen=True)
class Redirect:
    """One redirect page: the site file it is, and the page it leads to."""

    dest: str
    """The file of the site (`handbook/old/index.html`)."""
    target: str
    """The Markdown path of the page it leads to."""
    title: str
    page_id: str
    old_path: str
    """The Markdown path whose URL it stands at: an old path, or the id path."""
    permanent: bool = False
    """The page's id URL (not an old path)."""


def file_of(path: str, *, directory_urls: bool) -> str:
    """The HTML file MkDocs writes for a Markdown path: `x/a.md` -> `x/a/index.html`
    (or `x/a.html` without directory URLs); an index stays in its folder."""
    stem = path.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return f"{stem}.html"
    return f"{stem}/index.html" if directory_urls else f"{stem}.html"


def url_of(path: str, *, directory_urls: bool) -> str:
    """The URL (from the site root, no leading `/`) a Markdown path is served at."""
    file = file_of(path, directory_urls=directory_urls)
    if directory_urls and (file == "index.html" or file.endswith("/index.html")):
        return file.removesuffix("index.html")
    return file


def id_path(page: Page) -> str:
    """The Markdown path a page's id URL stands for: `<dest>/<32 hex>.md`."""
    hex_id = page.id.replace("-", "")
    return posixpath.join(page.source.dest, f"{hex_id}.md") if page.source.dest else f"{hex_id}.md"


def plan_redirects(
    history: PathHistory, pages: Iterable[Page], *, directory_urls: bool
) -> list[Redirect]:
    """Every redirect page this build publishes, one per site file. Pages no longer on
    the site keep their history (they may come back) but get no redirect. Two pages
    claiming one old URL (histories merged from cache and file) go to the smaller id."""
    current = {page.id: page for page in pages if not (page.source.blog and page.parent)}
    claims: dict[str, Redirect] = {}
    for page_id in sorted(history.paths):
        page = current.get(page_id)
        if page is None:
            continue
        for old in sorted(history.paths[page_id]):
            if url_key(old) == url_key(page.path):
                continue
            dest = file_of(old, directory_urls=directory_urls)
            claims.setdefault(dest, Redirect(dest, page.path, page.title, page.id, old))
    for page in current.values():
        path = id_path(page)
        if url_key(path) == url_key(page.path):
            continue  # `slugs: id`: the page is at its id URL already
        dest = file_of(path, directory_urls=directory_urls)
        claims.setdefault(dest, Redirect(dest, page.path, page.title, page.id, path, True))
    return [claims[dest] for dest in sorted(claims)]


def redirect_html(redirect: Redirect, *, directory_urls: bool, site_url: str | None) -> str:
    """The redirect page. The link is relative (the site works under any prefix); the
    canonical link is absolute when the site's `site_url` is known."""
    target_url = url_of(redirect.target, directory_urls=directory_urls)
    folder = posixpath.dirname(redirect.dest)
    relative = posixpath.relpath(target_url or ".", folder or ".")
    if target_url.endswith("/") or not target_url:
        relative = relative.rstrip("/") + "/"
    href = quote(relative, safe="/.-_~")
    canonical = href
    if site_url:
        root = quote(site_url.rstrip("/"), safe=_URL_SAFE)  # no quote, space or `<`
        canonical = root + "/" + quote(target_url, safe="/.-_~")
    title = html_text(redirect.title or "the new page")
    href_attr = html.escape(href, quote=True)
    canonical_attr = html.escape(canonical, quote=True)
    return (
        "<!doctype html>\n"
        '<html lang="en">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        f"<title>Redirecting to {title}</title>\n"
        f'<link rel="canonical" href="{canonical_attr}">\n'
        '<meta name="robots" content="noindex">\n'
        f'<meta http-equiv="refresh" content="0; url={href_attr}">\n'
        "</head>\n"
        "<body>\n"
        f'<p>This page has moved to <a href="{href_attr}">{title}</a>.</p>\n'
        "</body>\n"
        "</html>\n"
    )
