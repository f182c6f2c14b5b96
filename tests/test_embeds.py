"""Notion inside hand-written pages: embeds and links, through a real build."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from notion_emulator import Emulator

from .support.emulators import emulate
from .support.sitebuild import run_build, write_site
from .support.workspaces import GUIDE, IMAGE, OUTSIDE, ROOT, SETUP, SETUP_PARA, handbook

HAND_WRITTEN = f"""# Policies

Intro written in git.

## From Notion

<!-- notion: https://www.notion.so/acme/Set-up-{SETUP.replace("-", "")} -->

## One block

<!-- notion: {ROOT}#{IMAGE} -->

See [the guide](https://www.notion.so/Guide-{GUIDE.replace("-", "")}) and
[elsewhere](https://app.notion.com/p/{OUTSIDE.replace("-", "")}).
"""


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with emulate(handbook()) as emu:
        yield emu


def _site(tmp_path: Path, emulator: Emulator, **plugin: Any) -> Path:
    options: dict[str, Any] = {"api_url": emulator.url, "rate_limit": 1000}
    options.update(plugin)
    return write_site(tmp_path, options, docs={"index.md": "# Home\n", "policies.md": HAND_WRITTEN})


def test_embeds_show_notion_content_assets_and_site_links(
    tmp_path: Path, emulator: Emulator
) -> None:
    site = run_build(_site(tmp_path, emulator, sources=[{"page": GUIDE, "dest": "guide"}]))
    assert site.error is None, site.messages()
    page = site.html("policies/index.html")
    article = page.select_one("article")
    assert article is not None
    assert "Intro written in git." in article.get_text()
    assert "Install the thing." in article.get_text()  # the embedded page
    image = article.select_one("img")
    assert image is not None and "assets/notion/" in image["src"]
    assert (site.site / "policies" / image["src"]).resolve().is_file()
    hrefs = [a["href"] for a in article.select("a[href]")]
    assert "../guide/" in hrefs  # a Notion URL of a synced page became a site link
    assert any("app.notion.com/p/" in h for h in hrefs)  # unsynced: kept
    assert any("not part of the synced sources" in w for w in site.warnings())
    assert "notion:" not in article.decode_contents()


def test_an_embed_need_not_be_a_source_and_its_headings_sit_below(
    tmp_path: Path, emulator: Emulator
) -> None:
    emulator.workspace.append_blocks(SETUP, [{"heading_1": "Embedded heading"}])
    site = run_build(_site(tmp_path, emulator))
    assert site.error is None, site.messages()
    article = site.html("policies/index.html").select_one("article")
    assert article is not None
    heading = article.find(string=lambda s: s and "Embedded heading" in s)
    assert heading is not None and heading.find_parent("h3") is not None


def test_a_rebuild_with_nothing_changed_fetches_no_embed_content(
    tmp_path: Path, emulator: Emulator
) -> None:
    config = _site(tmp_path, emulator)
    run_build(config)
    emulator.stats.reset()
    site = run_build(config)
    assert site.error is None
    assert not any("children" in endpoint for endpoint in emulator.stats.by_endpoint)
    assert "Install the thing." in site.html("policies/index.html").get_text()
    emulator.workspace.set_text(SETUP_PARA, "Install it differently.")
    site = run_build(config)
    assert "Install it differently." in site.html("policies/index.html").get_text()


def test_an_embed_the_integration_cannot_see_fails_clearly(
    tmp_path: Path, emulator: Emulator
) -> None:
    config = write_site(
        tmp_path,
        {"api_url": emulator.url},
        docs={"index.md": "<!-- notion: 99999999999949998999999999999999 -->\n"},
    )
    site = run_build(config)
    assert site.error is not None
    assert any("was not found: share it with your integration" in m for m in site.messages())


def test_with_on_error_warn_a_missing_embed_only_warns(tmp_path: Path, emulator: Emulator) -> None:
    config = write_site(
        tmp_path,
        {"api_url": emulator.url, "on_error": "warn"},
        docs={"index.md": "# Home\n\n<!-- notion: 99999999999949998999999999999999 -->\n"},
    )
    site = run_build(config)
    assert site.error is None
    assert any("embedded page" in w for w in site.warnings())


def test_with_the_plugin_disabled_the_comment_shows_nothing(
    tmp_path: Path, emulator: Emulator
) -> None:
    site = run_build(_site(tmp_path, emulator, enabled=False))
    assert site.error is None
    article = site.html("policies/index.html").select_one("article")
    assert article is not None
    assert "Install the thing." not in article.get_text()
    assert "notion:" not in article.get_text()
    assert emulator.stats.total == 0


def test_embedding_a_synced_child_page_keeps_it_on_the_site(
    tmp_path: Path, emulator: Emulator
) -> None:
    config = write_site(
        tmp_path,
        {
            "api_url": emulator.url,
            "rate_limit": 1000,
            "sources": [{"page": ROOT, "dest": "handbook"}],
        },
        docs={"index.md": f"# Home\n\n<!-- notion: {SETUP} -->\n"},
    )
    site = run_build(config)
    assert site.error is None, site.messages()
    assert "Install the thing." in site.html("index.html").get_text()
    assert (site.site / "handbook/guide/set-up/index.html").is_file()
    emulator.stats.reset()
    run_build(config)
    assert emulator.stats.by_endpoint.get("GET /v1/pages/{id}", 0) <= 1  # only the root
