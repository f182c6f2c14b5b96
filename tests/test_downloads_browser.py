"""Hostile attachments in a real browser: a site built from files that carry script
(an SVG image, HTML and Markdown attachments) is opened page by page and file by file
in chromium, and no dialog ever opens.

Skipped, with the reason, only where chromium or Playwright is not installed (.ci/run
installs both).
"""

from __future__ import annotations

import base64
import functools
import http.server
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from .support.emulators import emulate
from .support.local_http import serving
from .support.sitebuild import run_build, write_site

ROOT = "11111111-1111-4111-8111-111111111111"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
SVG = b"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 20" onload="alert('svg')">
<script>alert('svg script')</script><rect width="20" height="20" fill="teal"/>
<a href="javascript:alert('svg link')"><circle cx="10" cy="10" r="5"/></a></svg>"""
HTML = b"<html><body><script>alert('html')</script><img src=x onerror=alert('img')></body></html>"

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install playwright)"
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install chromium chromium-driver)"
)


def _hosted(name: str, data: bytes, content_type: str | None = None) -> dict[str, object]:
    spec: dict[str, object] = {"base64": base64.b64encode(data).decode(), "name": name}
    if content_type:
        spec["content_type"] = content_type
    return spec


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def hostile_site(tmp_path: Path) -> Iterator[tuple[str, list[str]]]:
    """The built site served on a loopback port, and the paths of everything in it a
    reader could open (every page and every published file)."""
    root = tmp_path / "hostile-files"
    blocks = [
        {"image": {"file": _hosted("diagram.svg", SVG), "caption": "A diagram"}},
        {"file": {"file": _hosted("page.html", HTML)}},
        {"file": {"file": _hosted("notes.md", b"# Notes\n\n" + HTML)}},
        {"file": {"file": _hosted("served-as-html", HTML, "text/html")}},
        {"image": {"file": _hosted("image.xhtml", HTML, "application/xhtml+xml")}},
    ]
    workspace = {
        "seed": "hostile-files",
        "pages": [{"id": ROOT, "title": "Files", "blocks": blocks}],
    }
    with emulate(workspace) as emu:
        config = write_site(
            root, {"api_url": emu.url, "rate_limit": 1000, "sources": [{"page": ROOT, "dest": "f"}]}
        )
        site = run_build(config)
    assert site.error is None, site.messages()
    paths = sorted(
        str(p.relative_to(site.site))
        for p in site.site.rglob("*")
        if p.is_file() and (p.suffix == ".html" or "assets/notion" in str(p))
    )
    handler = functools.partial(_Quiet, directory=str(site.site))
    with serving(handler) as url:
        yield url, paths


def test_no_page_or_file_of_a_hostile_site_opens_a_dialog(
    hostile_site: tuple[str, list[str]],
) -> None:
    url, paths = hostile_site
    assert any(p.startswith("assets/notion/") for p in paths)
    dialogs: list[str] = []
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(accept_downloads=True)
        context.route(
            "**/*",
            lambda route: route.continue_() if route.request.url.startswith(url) else route.abort(),
        )
        tab = context.new_page()
        tab.on(
            "dialog",
            lambda dialog: (dialogs.append(f"{tab.url}: {dialog.message}"), dialog.dismiss()),
        )
        for path in paths:
            try:
                tab.goto(f"{url}/{path}", wait_until="load")
            except playwright_api.Error as error:
                assert "Download is starting" in str(error), (path, error)  # a .bin
                continue
            tab.wait_for_timeout(150)
            for link in tab.locator("svg a").all():  # a javascript: link inside an SVG
                link.dispatch_event("click")
        tab.goto(f"{url}/f/")
        widths = tab.eval_on_selector_all(
            "article img", "imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)"
        )
        browser.close()
    assert dialogs == []
    assert widths and widths[0] > 0  # the sanitised SVG still shows as an image
