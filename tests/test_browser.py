"""The example site in a real browser: Playwright driving Debian's chromium.

Skipped, with the reason, only where chromium or Playwright is not installed (.ci/run
installs both).
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .support.local_http import serving

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install playwright)"
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install chromium chromium-driver)"
)


@pytest.fixture(scope="module")
def served_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The example site built from the demo workspace, served on a loopback port."""
    root = tmp_path_factory.mktemp("example")
    env = {
        **os.environ,
        "NOTION_SYNC_CACHE_DIR": str(root / "cache"),
        "NOTION_SYNC_POLL_INTERVAL": "0",
        "NO_MKDOCS_2_WARNING": "1",
    }
    env.pop("NOTION_TOKEN", None)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "-f",
            str(REPO / "example-site/mkdocs.yml"),
            "-d",
            str(root / "site"),
        ],
        check=True,
        env=env,
        cwd=root,
        capture_output=True,
    )
    handler = functools.partial(_QuietHandler, directory=str(root / "site"))
    with serving(handler) as url:
        yield url


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def page(served_site: str) -> Iterator[object]:
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context()
        # Nothing may leave the machine: every request goes to the local server.
        context.route(
            "**/*",
            lambda route: (
                route.continue_() if route.request.url.startswith(served_site) else route.abort()
            ),
        )
        tab = context.new_page()
        yield tab
        browser.close()


def test_images_load(page: object, served_site: str, tmp_path: Path) -> None:
    page.goto(f"{served_site}/handbook/")  # type: ignore[attr-defined]
    widths = page.eval_on_selector_all(  # type: ignore[attr-defined]
        "article img", "imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)"
    )
    assert widths and all(width > 0 for width in widths), widths
    shot = tmp_path / "handbook.png"
    page.screenshot(path=str(shot), full_page=True)  # type: ignore[attr-defined]
    assert shot.stat().st_size > 10_000
    print(f"screenshot: {shot}")


def test_internal_links_navigate(page: object, served_site: str) -> None:
    page.goto(f"{served_site}/handbook/")  # type: ignore[attr-defined]
    link = page.locator("article a[href*='getting-started']").first  # type: ignore[attr-defined]
    link.click()
    page.wait_for_url("**/handbook/getting-started/")  # type: ignore[attr-defined]
    assert "Getting started" in page.locator("article h1").inner_text()  # type: ignore[attr-defined]


def test_admonitions_and_toggles_render(page: object, served_site: str) -> None:
    page.goto(f"{served_site}/handbook/getting-started/")  # type: ignore[attr-defined]
    admonition = page.locator("article .admonition").first  # type: ignore[attr-defined]
    assert admonition.is_visible()
    toggle = page.locator("article details").first  # type: ignore[attr-defined]
    assert toggle.is_visible()
    was_open = toggle.evaluate("d => d.open")
    toggle.locator("summary").click()
    assert toggle.evaluate("d => d.open") is not was_open


def test_search_finds_a_notion_page(page: object, served_site: str) -> None:
    page.goto(f"{served_site}/")  # type: ignore[attr-defined]
    page.keyboard.press("/")  # type: ignore[attr-defined]  # Material's search shortcut
    page.keyboard.type("on-call")  # type: ignore[attr-defined]
    result = page.locator(".md-search-result__item a").first  # type: ignore[attr-defined]
    result.wait_for(timeout=15_000)
    results = page.locator(".md-search-result").inner_text()  # type: ignore[attr-defined]
    assert "On-call" in results
    result.click()
    page.wait_for_url(lambda url: "call" in url)  # type: ignore[attr-defined]
    assert "call" in page.locator("article h1").inner_text().lower()  # type: ignore[attr-defined]
