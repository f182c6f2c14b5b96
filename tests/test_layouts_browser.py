"""Database layouts in a real browser with JavaScript off, in Material's light and dark
(slate) schemes: boards have side-by-side columns, galleries show their covers, text
reads against its background, and nothing a Notion editor wrote runs (#22).

Skipped, with the reason, only where chromium or Playwright is not installed.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

import pytest

from .support.emulators import emulate
from .support.local_http import serving
from .support.sitebuild import run_build, write_site
from .support.viewsite import HOME, TASKS, views_workspace
from .support.workspaces import TOKEN
from .test_browser import _PROVOKE, CHROMIUM, FLAGS, _QuietHandler

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install playwright)"
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install chromium chromium-driver)"
)

_CONTRAST = """(selector) => {
  const rgb = (text) => (text.match(/[\\d.]+/g) || []).slice(0, 4).map(Number);
  const luminance = ([r, g, b]) => {
    const linear = [r, g, b].map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2];
  };
  const backdrop = (element) => {
    for (let node = element; node; node = node.parentElement) {
      const colour = rgb(getComputedStyle(node).backgroundColor);
      if (colour.length === 3 || (colour.length === 4 && colour[3] > 0)) return colour;
    }
    return [255, 255, 255];
  };
  return [...document.querySelectorAll(selector)].map(element => {
    const fg = luminance(rgb(getComputedStyle(element).color));
    const bg = luminance(backdrop(element));
    return (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
  });
}"""
"""The WCAG contrast ratio of each matched element's text against what is behind it."""


@pytest.fixture(scope="module", params=["default", "slate"])
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    root = tmp_path_factory.mktemp(f"layouts-{request.param}")
    theme = {"name": "material", "palette": {"scheme": request.param}}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NOTION_TOKEN", TOKEN)  # module scope: before the autouse fixture
        yield from _serve(root, theme)


def _serve(root: Path, theme: dict[str, object]) -> Iterator[str]:
    with emulate(views_workspace()) as emulator:
        plugin = {
            "api_url": emulator.url,
            "rate_limit": 1000,
            "sources": [
                {"database": TASKS, "dest": "board", "view": "Board"},
                {"page": HOME, "dest": "home"},
            ],
        }
        site = run_build(write_site(root, plugin, extra={"theme": theme}))
    assert site.error is None, site.messages()
    gallery = root / "gallery"
    with emulate(views_workspace()) as emulator:
        plugin = {
            "api_url": emulator.url,
            "rate_limit": 1000,
            "sources": [{"database": TASKS, "dest": "gallery", "view": "Gallery"}],
        }
        other = run_build(write_site(gallery, plugin, extra={"theme": theme}))
    assert other.error is None, other.messages()
    (site.site / "gallery").symlink_to(other.site / "gallery", target_is_directory=True)
    (site.site / "assets" / "notion").mkdir(parents=True, exist_ok=True)
    for image in (other.site / "assets" / "notion").glob("*"):
        target = site.site / "assets" / "notion" / image.name
        if not target.exists():
            target.write_bytes(image.read_bytes())
    handler = functools.partial(_QuietHandler, directory=str(site.site))
    with serving(handler) as url:
        yield url


@pytest.fixture(scope="module")
def tab(served: str) -> Iterator[object]:
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(
            java_script_enabled=False, viewport={"width": 1400, "height": 900}
        )
        context.route(
            "**/*",
            lambda route: (
                route.continue_() if route.request.url.startswith(served) else route.abort()
            ),
        )
        page = context.new_page()
        yield page
        context.close()
        browser.close()


def _boxes(tab: object, selector: str) -> list[dict[str, float]]:
    return tab.eval_on_selector_all(  # type: ignore[attr-defined]
        selector,
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return {x: r.x, y: r.y, w: r.width, h: r.height}; })",
    )


def test_a_board_shows_its_columns_side_by_side(tab: object, served: str) -> None:
    tab.goto(f"{served}/board/")  # type: ignore[attr-defined]
    columns = _boxes(tab, ".notion-board > .card")
    assert len(columns) == 5
    assert all(box["w"] > 100 and box["h"] > 40 for box in columns), columns
    first_row = [box for box in columns if abs(box["y"] - columns[0]["y"]) < 2]
    assert len(first_row) >= 2, "columns stand next to each other, not in one stack"
    ratios = tab.evaluate(_CONTRAST, ".notion-board li a, .notion-board strong")  # type: ignore[attr-defined]
    assert ratios and min(ratios) >= 3, ratios
    assert tab.evaluate(_PROVOKE) == 0  # type: ignore[attr-defined]


def test_a_gallery_shows_its_covers(tab: object, served: str) -> None:
    tab.goto(f"{served}/gallery/", wait_until="load")  # type: ignore[attr-defined]
    widths = tab.eval_on_selector_all(  # type: ignore[attr-defined]
        ".notion-gallery img", "imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)"
    )
    assert widths and all(width > 0 for width in widths), widths
    cards = _boxes(tab, ".notion-gallery > ul > li")
    assert len(cards) == 6 and len({round(box["y"]) for box in cards}) < 6, "a grid"
    ratios = tab.evaluate(_CONTRAST, ".notion-gallery li p")  # type: ignore[attr-defined]
    assert ratios and min(ratios) >= 3, ratios


def test_a_linked_view_is_on_its_page(tab: object, served: str) -> None:
    tab.goto(f"{served}/home/")  # type: ignore[attr-defined]
    link = tab.locator(".notion-board a", has_text="Write the guide")  # type: ignore[attr-defined]
    link.click()
    tab.wait_for_url("**/board/write-the-guide/")  # type: ignore[attr-defined]
    assert "Write the guide" in tab.locator("article h1").inner_text()  # type: ignore[attr-defined]


def test_nothing_from_notion_runs(tab: object, served: str, tmp_path: Path) -> None:
    dialogs: list[str] = []
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))  # type: ignore[attr-defined]
    for path in ("board/", "gallery/", "home/"):
        tab.goto(f"{served}/{path}")  # type: ignore[attr-defined]
        assert tab.evaluate(_PROVOKE) == 0  # type: ignore[attr-defined]
    shot = tmp_path / "board.png"
    tab.goto(f"{served}/board/")  # type: ignore[attr-defined]
    tab.screenshot(path=str(shot), full_page=True)  # type: ignore[attr-defined]
    assert shot.stat().st_size > 5_000 and dialogs == []
