"""The example site, and a site built from a hostile workspace, in a real browser:
Playwright driving Debian's chromium.

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

from .support.hostile import build_hostile_site
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
def browser() -> Iterator[object]:
    """One chromium for the module: Playwright's sync API runs one at a time."""
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


def _local_only(browser: object, base: str) -> object:
    """A browser context whose requests all go to the local server: nothing may leave
    the machine."""
    context = browser.new_context()  # type: ignore[attr-defined]
    context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(base) else route.abort(),
    )
    return context


@pytest.fixture(scope="module")
def page(served_site: str, browser: object) -> Iterator[object]:
    context = _local_only(browser, served_site)
    yield context.new_page()  # type: ignore[attr-defined]
    context.close()  # type: ignore[attr-defined]


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


def test_an_embed_plays_in_a_lazy_sandboxed_frame(page: object, served_site: str) -> None:
    """The demo's YouTube video is the provider's privacy-friendlier player, laid out
    16:9 by the shipped stylesheet (nothing loads: the page may reach only the site)."""
    page.goto(f"{served_site}/handbook/engineering/on-call/")  # type: ignore[attr-defined]
    frame = page.locator("article iframe.notion-embed").first  # type: ignore[attr-defined]
    frame.scroll_into_view_if_needed()
    src = frame.get_attribute("src")
    assert src.startswith("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"), src
    assert frame.get_attribute("loading") == "lazy"
    assert frame.get_attribute("title") == "Incident drill recording"
    sandbox = frame.get_attribute("sandbox").split()
    assert "allow-scripts" in sandbox and "allow-top-navigation" not in sandbox
    box = frame.bounding_box()
    assert box is not None and box["width"] > 300, box
    assert abs(box["height"] - box["width"] * 9 / 16) < 3, box
    article = page.locator("article").bounding_box()  # type: ignore[attr-defined]
    assert box["width"] <= article["width"] + 1  # responsive: never wider than the text


def test_a_tab_set_switches_tabs(page: object, served_site: str) -> None:
    page.goto(f"{served_site}/handbook/getting-started/")  # type: ignore[attr-defined]
    tabs = page.locator("article .tabbed-set").first  # type: ignore[attr-defined]
    assert tabs.is_visible()
    labels = tabs.locator(".tabbed-labels label")
    assert labels.all_inner_texts() == ["🍎 macOS", "🐧 Linux", "🪟 Windows"]
    blocks = tabs.locator(".tabbed-block")
    assert blocks.nth(0).is_visible() and not blocks.nth(1).is_visible()
    labels.nth(1).click()
    assert blocks.nth(1).is_visible() and not blocks.nth(0).is_visible()
    assert "sudo apt install acme-cli" in blocks.nth(1).inner_text()


def test_colours_and_cards_take_the_shipped_stylesheet(page: object, served_site: str) -> None:
    page.goto(f"{served_site}/handbook/getting-started/")  # type: ignore[attr-defined]
    quote = page.locator("article blockquote p.notion-purple").first  # type: ignore[attr-defined]
    assert quote.evaluate("p => getComputedStyle(p).color") == "rgb(144, 101, 176)"
    card = page.locator("article p.notion-card > a").first  # type: ignore[attr-defined]
    assert card.evaluate("a => getComputedStyle(a).display") == "grid"
    assert "MkDocs" in card.inner_text()


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


# -- a hostile workspace: no page may run what a Notion editor wrote (issue #16) -------

_LINK_PROTOCOLS = """() => {
  const bad = [];
  const names = ["href", "src", "action", "formaction", "poster"];
  for (const element of document.querySelectorAll(names.map(name => `[${name}]`).join(","))) {
    for (const name of names) {
      const value = element.getAttribute(name);
      if (value === null) continue;
      const protocol = new URL(value, document.baseURI).protocol;
      if (!["http:", "https:", "mailto:", "tel:"].includes(protocol)) {
        bad.push(`${element.tagName} ${name}=${value}`);
      }
    }
  }
  return bad;
}"""
"""Links and sources whose scheme, as this browser parses them, could run script."""

_PROVOKE = """() => {
  for (const element of document.querySelectorAll("body *")) {
    for (const type of ["mouseover", "mouseenter", "focus", "animationstart"]) {
      element.dispatchEvent(new Event(type, {bubbles: true}));
    }
  }
  return window.__pwned || 0;
}"""
"""Fires the events an injected handler would wait for; returns the payloads' count."""


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str]]]:
    """The hostile workspace's site, served on a loopback port, with every page's URL."""
    site = build_hostile_site(tmp_path_factory.mktemp("hostile-browser"))
    paths = []
    for page in site.pages():
        relative = page.relative_to(site.site).as_posix()
        paths.append(
            relative[: -len("index.html")] if relative.endswith("index.html") else relative
        )
    handler = functools.partial(_QuietHandler, directory=str(site.site))
    with serving(handler) as url:
        yield url, paths


@pytest.fixture
def hostile_tab(
    hostile_site: tuple[str, list[str]], browser: object
) -> Iterator[tuple[object, list[str]]]:
    """A tab that records every dialog (and dismisses it) and reaches only the site."""
    base, _ = hostile_site
    dialogs: list[str] = []
    context = _local_only(browser, base)
    tab = context.new_page()  # type: ignore[attr-defined]
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield tab, dialogs
    context.close()  # type: ignore[attr-defined]


def test_no_page_of_a_hostile_site_runs_a_script(
    hostile_site: tuple[str, list[str]], hostile_tab: tuple[object, list[str]]
) -> None:
    base, paths = hostile_site
    tab, dialogs = hostile_tab
    assert len(paths) > 15, paths
    ran: dict[str, object] = {}
    for path in paths:
        tab.goto(f"{base}/{path}", wait_until="load")  # type: ignore[attr-defined]
        tab.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
        pwned = tab.evaluate(_PROVOKE)  # type: ignore[attr-defined]
        bad_links = tab.evaluate(_LINK_PROTOCOLS)  # type: ignore[attr-defined]
        if pwned or bad_links or dialogs:
            ran[path] = (pwned, bad_links, list(dialogs))
            dialogs.clear()
    assert ran == {}


def test_searching_a_hostile_site_runs_nothing(
    hostile_site: tuple[str, list[str]], hostile_tab: tuple[object, list[str]]
) -> None:
    """Material's search shows titles and text from its index: the results stay text."""
    base, _ = hostile_site
    tab, dialogs = hostile_tab
    tab.goto(f"{base}/hostile/", wait_until="load")  # type: ignore[attr-defined]
    tab.keyboard.press("/")  # type: ignore[attr-defined]
    tab.keyboard.type("onerror")  # type: ignore[attr-defined]
    result = tab.locator(".md-search-result__item").first  # type: ignore[attr-defined]
    result.wait_for(timeout=15_000)
    assert "onerror" in tab.locator(".md-search-result").inner_text()  # type: ignore[attr-defined]
    assert tab.evaluate(_PROVOKE) == 0  # type: ignore[attr-defined]
    assert dialogs == []
