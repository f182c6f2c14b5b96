"""What to publish: a source's `include` and `exclude`, whole subtrees, links to left-out
pages as plain text with one WARNING per build, and `drafts_in_serve`."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mkdocs_notion_sync.sync.cache import Cache
from notion_emulator import Emulator

from .support.emulators import emulate
from .support.sitebuild import BuiltSite, run_build, write_site
from .support.workspaces import PEOPLE, changelog_database

ROOT = "c0c0c0c0-0000-4000-8000-000000000001"
GUIDE = "c0c0c0c0-0000-4000-8000-000000000002"
SETUP = "c0c0c0c0-0000-4000-8000-000000000003"
DRAFTS = "c0c0c0c0-0000-4000-8000-000000000004"
IDEA = "c0c0c0c0-0000-4000-8000-000000000005"
INTERNAL = "c0c0c0c0-0000-4000-8000-000000000006"
DRAFTS_PARA = "c0c0c0c0-0000-4000-8000-0000000000a1"
DB = "c0c0c0c0-0000-4000-8000-000000000007"
HOSTILE_TITLE = 'Drafts "><script>alert(1)</script>\n\x1b[31mred'


def _url(page_id: str, title: str = "Page") -> str:
    return f"https://www.notion.so/{title}-{page_id.replace('-', '')}"


def workspace(drafts_title: str = "Drafts") -> dict[str, Any]:
    return {
        "seed": "publish",
        "users": PEOPLE,
        "pages": [
            {
                "id": ROOT,
                "title": "Handbook",
                "blocks": [
                    {"paragraph": ["See ", {"mention": {"page": DRAFTS}}, " for ideas."]},
                    {"link_to_page": {"page_id": DRAFTS}},
                    {"paragraph": [{"text": "the idea", "link": _url(IDEA, "Idea")}]},
                    {"paragraph": [{"text": "the drafts", "link": _url(DRAFTS, "Drafts")}]},
                    {
                        "page": {
                            "id": GUIDE,
                            "title": "Guide",
                            "blocks": [
                                {"paragraph": ["Back to ", {"mention": {"page": DRAFTS}}]},
                                {
                                    "page": {
                                        "id": SETUP,
                                        "title": "Set up",
                                        "blocks": [{"paragraph": "Install it."}],
                                    }
                                },
                            ],
                        }
                    },
                    {
                        "page": {
                            "id": DRAFTS,
                            "title": drafts_title,
                            "blocks": [
                                {"id": DRAFTS_PARA, "paragraph": "Half-baked."},
                                {
                                    "page": {
                                        "id": IDEA,
                                        "title": "Idea",
                                        "blocks": [{"paragraph": "A secret idea."}],
                                    }
                                },
                            ],
                        }
                    },
                    {
                        "page": {
                            "id": INTERNAL,
                            "title": "Internal",
                            "blocks": [{"paragraph": "Staff only."}],
                        }
                    },
                    changelog_database(DB),
                ],
            }
        ],
    }


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with emulate(workspace()) as emu:
        yield emu


def _site(
    tmp_path: Path,
    emulator: Emulator,
    *,
    strict: bool = False,
    command: str = "build",
    **source: Any,
) -> BuiltSite:
    plugin = {
        "api_url": emulator.url,
        "rate_limit": 1000,
        "sources": [{"page": ROOT, "dest": "handbook", **source.pop("source", {})}],
        **source,
    }
    return run_build(write_site(tmp_path, plugin), strict=strict, command=command)


def _requests(site: BuiltSite) -> int:
    match = re.search(r"(\d+) API requests", site.summary())
    assert match, site.summary()
    return int(match.group(1))


def _left_out_warnings(site: BuiltSite) -> list[str]:
    return [w for w in site.warnings() if "left out by include/exclude" in w]


def test_an_excluded_page_and_its_subtree_stay_out_and_are_never_fetched(
    tmp_path: Path, emulator: Emulator
) -> None:
    site = _site(tmp_path, emulator, source={"exclude": ["Drafts"]})
    assert site.error is None, site.messages()
    assert (site.site / "handbook/guide/set-up/index.html").is_file()
    assert not (site.site / "handbook/drafts").exists()
    assert "Half-baked" not in " ".join(p.read_text() for p in site.pages())
    assert "A secret idea" not in " ".join(p.read_text() for p in site.pages())
    cache = Cache(tmp_path / ".cache/plugin/notion-sync")
    try:
        assert cache.get_page(DRAFTS) is None and cache.get_page(IDEA) is None
    finally:
        cache.close()
    nav = [a.get_text(strip=True) for a in site.html("index.html").select("nav a.md-nav__link")]
    assert "Drafts" not in nav and "Idea" not in nav


def test_links_to_a_left_out_page_become_plain_text_with_one_warning_per_build(
    tmp_path: Path, emulator: Emulator
) -> None:
    site = _site(tmp_path, emulator, source={"exclude": ["Drafts"]})
    article = site.html("handbook/index.html").select_one("article")
    assert article is not None
    hrefs = [a.get("href", "") for a in article.find_all("a")]
    assert not any(DRAFTS.replace("-", "") in h or "drafts" in h for h in hrefs), hrefs
    text = article.get_text(" ")
    assert "See Drafts for ideas." in " ".join(text.split())  # the mention, as text
    assert "the drafts" in text  # a notion.so link, as text
    # The child_page block of the left-out page is not shown at all.
    assert [p.get_text() for p in article.find_all("p")].count("Drafts") == 1  # link_to_page
    lines = _left_out_warnings(site)
    assert len(lines) == 1, site.warnings()
    assert f"({DRAFTS}) from " in lines[0] and '"Guide"' in lines[0] and '"Handbook"' in lines[0]
    assert not [w for w in site.warnings() if "not part of the" in w and DRAFTS in w]
    # The idea is below the left-out page: a link to it is a link outside the site.
    assert [w for w in site.warnings() if IDEA in w and "not part of the synced sources" in w]


def test_a_warm_build_warns_as_the_cold_one_and_costs_nothing_more(
    tmp_path: Path, emulator: Emulator
) -> None:
    cold = _site(tmp_path, emulator, source={"exclude": ["Drafts"]})
    warm = run_build(tmp_path / "mkdocs.yml")
    assert warm.error is None
    assert sorted(warm.warnings()) == sorted(cold.warnings())
    assert (
        warm.html("handbook/index.html").get_text() == cold.html("handbook/index.html").get_text()
    )
    # The same site without exclude: a warm build costs the same requests.
    other = tmp_path / "plain"
    _site(other, emulator)
    plain_warm = run_build(other / "mkdocs.yml")
    assert _requests(warm) == _requests(plain_warm)
    emulator.stats.reset()
    again = run_build(tmp_path / "mkdocs.yml", strict=True)
    assert again.error is not None  # the one WARNING fails --strict on every build alike
    assert not any("children" in e for e in emulator.stats.by_endpoint)


@pytest.mark.parametrize(
    "pattern",
    [
        DRAFTS,
        DRAFTS.replace("-", ""),
        _url(DRAFTS, "Drafts"),
        f"https://www.notion.so/acme/x-{DRAFTS.replace('-', '')}?v=1234",
        "draft*",
        "  DRAFTS ",
    ],
)
def test_exclude_takes_an_id_a_url_or_a_title_glob(
    tmp_path: Path, emulator: Emulator, pattern: str
) -> None:
    site = _site(tmp_path, emulator, source={"exclude": [pattern]})
    assert site.error is None, site.messages()
    assert not (site.site / "handbook/drafts").exists()
    assert (site.site / "handbook/internal/index.html").is_file()


def test_a_hostile_title_is_inert_where_a_left_out_page_is_named(tmp_path: Path) -> None:
    with emulate(workspace(HOSTILE_TITLE)) as emu:
        site = _site(tmp_path, emu, source={"exclude": ["Drafts*"]})
    assert site.error is None, site.messages()
    for page in site.pages():
        assert "<script>alert(1)" not in page.read_text(encoding="utf-8")
    (line,) = _left_out_warnings(site)
    # One log line: the title as typed, without its line break or terminal escape.
    assert "\n" not in line and "\x1b" not in line
    assert '"Drafts "><script>alert(1)</script> [31mred"' in line


def test_include_publishes_only_the_named_subtrees_and_the_way_to_them(
    tmp_path: Path, emulator: Emulator
) -> None:
    site = _site(tmp_path, emulator, source={"include": ["Set up"]})
    assert site.error is None, site.messages()
    assert (site.site / "handbook/index.html").is_file()  # the root stays
    assert (site.site / "handbook/guide/set-up/index.html").is_file()
    assert (site.site / "handbook/guide/index.html").is_file()  # on the way
    for gone in ("drafts", "internal", "changelog"):
        assert not (site.site / "handbook" / gone).exists(), gone
    assert re.match(r"notion-sync: 3 pages \(0 cached, 3 fetched\)", site.summary())


def test_exclude_wins_over_include_and_applies_to_database_entries(
    tmp_path: Path, emulator: Emulator
) -> None:
    site = _site(
        tmp_path, emulator, source={"include": ["Changelog", "Guide"], "exclude": ["Unfin*"]}
    )
    assert site.error is None, site.messages()
    index = site.html("handbook/changelog/index.html").get_text()
    assert "First release" in index and "Unfinished" not in index
    assert not (site.site / "handbook/changelog/unfinished").exists()
    assert (site.site / "handbook/guide/set-up/index.html").is_file()
    assert not (site.site / "handbook/drafts").exists()


def test_a_child_database_excluded_by_id_is_not_queried(tmp_path: Path, emulator: Emulator) -> None:
    site = _site(tmp_path, emulator, source={"exclude": [DB]})
    assert site.error is None, site.messages()
    assert not (site.site / "handbook/changelog").exists()
    assert not any("databases" in e or "data_sources" in e for e in emulator.stats.by_endpoint)


def test_drafts_in_serve_shows_left_out_pages_as_drafts_only_while_serving(
    tmp_path: Path, emulator: Emulator
) -> None:
    served = _site(
        tmp_path, emulator, command="serve", drafts_in_serve=True, source={"exclude": ["Drafts"]}
    )
    assert served.error is None, served.messages()
    drafts = served.html("handbook/drafts/index.html")
    assert "Half-baked" in drafts.get_text()
    notice = drafts.select_one("article .admonition.warning")
    assert notice is not None and "Draft" in notice.get_text()
    idea = served.html("handbook/drafts/idea/index.html")
    assert idea.select_one("article .admonition.warning") is not None  # below a draft
    assert not _left_out_warnings(served)
    assert any("as drafts" in m for m in served.messages(logging.INFO))
    built = run_build(tmp_path / "mkdocs.yml")  # the same mkdocs.yml, built
    assert built.error is None
    assert not (built.site / "handbook/drafts").exists()
    assert len(_left_out_warnings(built)) == 1


def test_a_page_comes_back_with_its_latest_content_when_it_is_no_longer_excluded(
    tmp_path: Path, emulator: Emulator
) -> None:
    _site(tmp_path, emulator)  # published and cached
    excluded = _site(tmp_path, emulator, source={"exclude": ["Drafts"]})
    assert not (excluded.site / "handbook/drafts").exists()
    emulator.workspace.advance(120)
    emulator.workspace.set_text(DRAFTS_PARA, "Fully baked now.")
    emulator.workspace.advance(120)
    assert run_build(tmp_path / "mkdocs.yml").error is None  # still excluded; sees the edit
    emulator.workspace.advance(120)  # the next change window no longer shows the edit
    again = _site(tmp_path, emulator)  # exclude removed
    assert "Fully baked now." in again.html("handbook/drafts/index.html").get_text()


def test_a_renamed_page_is_judged_by_its_new_title(tmp_path: Path, emulator: Emulator) -> None:
    first = _site(tmp_path, emulator, source={"exclude": ["Drafts"]})
    assert not (first.site / "handbook/drafts").exists()
    emulator.workspace.rename_page(DRAFTS, "Ideas")
    emulator.workspace.set_text(DRAFTS_PARA, "Ready.")
    second = run_build(tmp_path / "mkdocs.yml")
    assert "Ready." in second.html("handbook/ideas/index.html").get_text()
    emulator.workspace.rename_page(GUIDE, "Drafts")
    third = run_build(tmp_path / "mkdocs.yml")
    assert not (third.site / "handbook/guide").exists()
    assert not (third.site / "handbook/drafts").exists()
