"""A database source following a Notion view (#22): its filter, sorts, properties and
layout, end to end from the emulator to the built HTML; linked databases inline."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag

from notion_emulator import Emulator

from .support.emulators import emulate
from .support.sitebuild import BuiltSite, run_build, write_site
from .support.viewsite import (
    BOARD,
    CALENDAR,
    DONE,
    EVIL_OPTION,
    EVIL_TITLE,
    EVIL_VIEW,
    GALLERY,
    HOME,
    HOSTILE_VIEW,
    LINKED,
    LIST,
    PROGRESS,
    TABLE,
    TASKS,
    TIMELINE,
    views_workspace,
)

ALL_TITLES = {
    "Write the guide",
    "Review the guide",
    "Ship 1.0",
    "Ship 0.9",
    "Plan 2.0",
    EVIL_TITLE,
}


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with emulate(views_workspace()) as emu:
        yield emu


def _compact(notion_id: str) -> str:
    return notion_id.replace("-", "")


def _build(
    tmp_path: Path, emulator: Emulator, *sources: dict[str, Any], strict: bool = False
) -> BuiltSite:
    plugin = {"api_url": emulator.url, "rate_limit": 1000, "sources": list(sources)}
    site = run_build(write_site(tmp_path, plugin), strict=strict)
    assert site.error is None, site.messages()
    return site


def _article(site: BuiltSite, path: str) -> Tag:
    article = site.html(path).find("article")
    assert isinstance(article, Tag)
    return article


def _inert(article: Tag) -> None:
    """Nothing from Notion became markup or a script link."""
    assert article.find("script") is None
    for element in article.find_all(True):
        assert not [a for a in element.attrs if a.lower().startswith("on")], element
        for key in ("href", "src"):
            value = str(element.get(key) or "")
            assert not value.lower().startswith(("javascript:", "data:")), element
    text = article.get_text()
    assert EVIL_TITLE in text


def _links_resolve(site: BuiltSite, page_dir: str, anchors: list[Tag]) -> dict[str, str]:
    """Title -> href of entry links, each of which leads to a built page."""
    found = {}
    for anchor in anchors:
        href = str(anchor["href"])
        target = (site.site / page_dir / href).resolve()
        assert (target / "index.html").is_file() or target.is_file(), href
        found[anchor.get_text(strip=True)] = href
    return found


def test_a_board_has_one_column_per_status_with_linked_cards(
    tmp_path: Path, emulator: Emulator
) -> None:
    site = _build(tmp_path, emulator, {"database": TASKS, "dest": "tasks", "view": "Board"})
    article = _article(site, "tasks/index.html")
    columns = article.select(".grid.notion-board > .card")
    headings = [column.find("strong").get_text(strip=True) for column in columns]
    assert headings == ["Not started", "Doing", "Review", EVIL_OPTION, "Done"]
    by_column = {
        column.find("strong").get_text(strip=True): [
            a.get_text(strip=True) for a in column.select("li a")
        ]
        for column in columns
    }
    assert by_column["Done"] == ["Ship 1.0", "Ship 0.9"] or set(by_column["Done"]) == {
        "Ship 1.0",
        "Ship 0.9",
    }
    assert by_column["Doing"] == ["Write the guide"]
    assert by_column[EVIL_OPTION] == [EVIL_TITLE]
    links = _links_resolve(site, "tasks", article.select(".notion-board li a"))
    assert set(links) == ALL_TITLES
    doing = next(c for c in columns if c.find("strong").get_text(strip=True) == "Doing")
    assert "Due: 2026-03-02" in doing.get_text(" ", strip=True)
    assert "Status:" not in article.select_one(".notion-board").get_text(), "the column says it"
    said = article.find("em").get_text(" ", strip=True)
    assert "Board" in said and "board" in said
    _inert(article)


def test_a_gallery_named_by_its_url_shows_covers_from_the_site(
    tmp_path: Path, emulator: Emulator
) -> None:
    url = f"https://www.notion.so/acme/Tasks-{_compact(TASKS)}?v={_compact(GALLERY)}"
    site = _build(tmp_path, emulator, {"database": url, "dest": "tasks"})
    article = _article(site, "tasks/index.html")
    cards = article.select(".grid.cards.notion-gallery > ul > li")
    assert len(cards) == len(ALL_TITLES)
    write = next(c for c in cards if "Write the guide" in c.get_text())
    image = write.find("img")
    assert image is not None and not str(image["src"]).startswith("http")
    assert (site.site / "tasks" / str(image["src"])).resolve().is_file()
    assert "Status: Doing" in write.get_text(" ", strip=True)
    evil = next(c for c in cards if EVIL_TITLE in c.get_text())
    assert evil.find("img") is None, "an external javascript: cover is not shown"
    _links_resolve(site, "tasks", article.select(".notion-gallery li a"))
    _inert(article)


def test_a_views_filter_and_sorts_choose_and_order_the_entries(
    tmp_path: Path, emulator: Emulator
) -> None:
    site = _build(tmp_path, emulator, {"database": TASKS, "dest": "tasks", "view": DONE})
    article = _article(site, "tasks/index.html")
    headers = [th.get_text(strip=True) for th in article.select("table th")]
    assert headers == ["Due", "Name"], "the view's columns, in its order"
    rows = [a.get_text(strip=True) for a in article.select("table tbody tr a")]
    assert rows == ["Ship 1.0", "Ship 0.9"]
    assert (site.site / "tasks/ship-1-0/index.html").is_file()
    assert not (site.site / "tasks/write-the-guide").exists(), "filtered out, not published"


def test_the_sources_own_filter_sorts_and_columns_win_over_the_views(
    tmp_path: Path, emulator: Emulator
) -> None:
    source = {
        "database": TASKS,
        "dest": "tasks",
        "view": DONE,
        "filter": {"property": "Status", "status": {"equals": "Doing"}},
        "columns": ["Name", "Owner"],
    }
    site = _build(tmp_path, emulator, source)
    article = _article(site, "tasks/index.html")
    assert [th.get_text(strip=True) for th in article.select("table th")] == ["Name", "Owner"]
    assert [a.get_text(strip=True) for a in article.select("tbody a")] == ["Write the guide"]


@pytest.mark.parametrize("version", ["2025-09-03", "2026-12-01"])
def test_a_status_group_in_a_filter_matches_its_options_on_every_version(
    tmp_path: Path, emulator: Emulator, version: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NOTION_SYNC_NOTION_VERSION", raising=False)  # this test chooses
    plugin = {
        "api_url": emulator.url,
        "rate_limit": 1000,
        "notion_version": version,
        "sources": [{"database": TASKS, "dest": "tasks", "view": PROGRESS}],
    }
    site = run_build(write_site(tmp_path, plugin))
    assert site.error is None, site.messages()
    article = _article(site, "tasks/index.html")
    columns = {
        c.find("strong").get_text(strip=True): {a.get_text(strip=True) for a in c.select("li a")}
        for c in article.select(".notion-board > .card")
    }
    assert columns["In progress"] == {"Write the guide", "Review the guide", EVIL_TITLE}
    assert not columns.get("Complete") and not columns.get("To-do")
    assert emulator.stats.versions[version] > 0 and set(emulator.stats.versions) == {version}


def test_a_list_and_a_calendar(tmp_path: Path, emulator: Emulator) -> None:
    site = _build(tmp_path / "list", emulator, {"database": TASKS, "dest": "list", "view": LIST})
    items = _article(site, "list/index.html").find_all("li")
    write = next(li for li in items if "Write the guide" in li.get_text())
    assert "Due: 2026-03-02" in write.get_text(" ", strip=True)
    assert write.find("a")["href"] == "write-the-guide/"
    site = _build(tmp_path / "cal", emulator, {"database": TASKS, "dest": "cal", "view": CALENDAR})
    calendar = _article(site, "cal/index.html")
    months = [s.get_text(strip=True) for s in calendar.select("p > strong")]
    assert months[:3] == ["January 2026", "February 2026", "March 2026"]
    march = calendar.select("table")[2]
    assert next(th.get_text(strip=True) for th in march.select("th")) == "Mon"
    day = next(td for td in march.select("td") if td.get_text(" ", strip=True).startswith("2 "))
    assert day.find("a").get_text(strip=True) == "Write the guide"
    assert "Plan 2.0" in calendar.get_text(), "an entry without a date is listed after"
    _links_resolve(site, "cal", calendar.select("td a"))
    _inert(calendar)


def test_a_timeline_is_a_table_with_one_info_line(tmp_path: Path, emulator: Emulator) -> None:
    site = _build(tmp_path, emulator, {"database": TASKS, "dest": "tasks", "view": TIMELINE})
    article = _article(site, "tasks/index.html")
    assert {a.get_text(strip=True) for a in article.select("tbody a")} == ALL_TITLES
    lines = [m for m in site.messages(logging.INFO) if "follows the view" in m]
    assert len(lines) == 1 and lines[0].startswith("notion-sync: ") and "table" in lines[0]
    assert "timeline, shown as a table" in article.find("em").get_text()


def test_a_hostile_view_name_is_text(tmp_path: Path, emulator: Emulator) -> None:
    site = _build(tmp_path, emulator, {"database": TASKS, "dest": "tasks", "view": HOSTILE_VIEW})
    article = _article(site, "tasks/index.html")
    assert EVIL_VIEW in article.find("em").get_text()
    _inert(article)


def test_a_view_that_is_not_there_fails_in_one_line(tmp_path: Path, emulator: Emulator) -> None:
    for wanted, said in (("Kanban", '"Board"'), (BOARD.replace("a2", "ff"), "not found")):
        plugin = {
            "api_url": emulator.url,
            "sources": [{"database": TASKS, "dest": "tasks", "view": wanted}],
        }
        site = run_build(write_site(tmp_path, plugin))
        assert site.error is not None
        (line,) = [m for m in site.messages(logging.ERROR) if m.startswith("notion-sync: ")]
        assert "\n" not in line and said in line, line


def test_a_view_of_another_database_is_refused(tmp_path: Path, emulator: Emulator) -> None:
    from .support.viewsite import LINKED_VIEW

    plugin = {
        "api_url": emulator.url,
        "sources": [{"database": TASKS, "dest": "tasks", "view": LINKED_VIEW}],
    }
    site = run_build(write_site(tmp_path, plugin))
    assert site.error is not None
    assert any("is not a view of database" in m for m in site.messages(logging.ERROR))


def test_a_linked_database_shows_its_view_inside_its_page(
    tmp_path: Path, emulator: Emulator
) -> None:
    site = _build(
        tmp_path,
        emulator,
        {"page": HOME, "dest": "home"},
        {"database": TASKS, "dest": "tasks", "view": TABLE},
    )
    article = _article(site, "home/index.html")
    board = article.select_one(".notion-board")
    assert board is not None, "the linked view is on the page, in its layout"
    titles = {a.get_text(strip=True) for a in board.select("li a")}
    assert titles == ALL_TITLES - {"Ship 1.0", "Ship 0.9"}, "its own filter (not Done)"
    links = _links_resolve(site, "home", board.select("li a"))
    assert all(href.startswith("../tasks/") for href in links.values())
    assert "My board" in article.get_text()
    assert not (site.site / "home/untitled").exists(), "no page of its own"
    assert (site.site / "home/notes/index.html").is_file(), "a real child database still is"
    _inert(article)


def test_a_linked_database_whose_original_is_not_published_shows_titles(
    tmp_path: Path, emulator: Emulator
) -> None:
    site = _build(tmp_path, emulator, {"page": HOME, "dest": "home"})
    board = _article(site, "home/index.html").select_one(".notion-board")
    assert board is not None
    assert "Write the guide" in board.get_text() and not board.select("li a")
    assert not site.warnings(), site.warnings()


def test_cold_and_warm_strict_builds_agree(tmp_path: Path, emulator: Emulator) -> None:
    sources = [
        {"page": HOME, "dest": "home"},
        {"database": TASKS, "dest": "tasks", "view": "Board"},
    ]
    plugin = {"api_url": emulator.url, "rate_limit": 1000, "sources": sources}
    config = write_site(tmp_path, plugin)
    cold = run_build(config, strict=True)
    assert cold.error is None, cold.messages()
    pages = {p.relative_to(cold.site).as_posix(): p.read_text() for p in cold.pages()}
    warm = run_build(config, strict=True)
    assert warm.error is None, warm.messages()
    again = {p.relative_to(warm.site).as_posix(): p.read_text() for p in warm.pages()}
    assert again.keys() == pages.keys()
    for path in ("home/index.html", "tasks/index.html"):
        before = BeautifulSoup(pages[path], "html.parser").find("article")
        after = BeautifulSoup(again[path], "html.parser").find("article")
        assert str(before) == str(after), path
    assert LINKED  # the linked database's block id is not a page of the site


def test_an_offline_build_shows_the_view_from_the_cache(tmp_path: Path, emulator: Emulator) -> None:
    source = {"database": TASKS, "dest": "tasks", "view": "Board"}
    online = _build(tmp_path, emulator, source)
    board = str(_article(online, "tasks/index.html").select_one(".notion-board"))
    emulator.stats.reset()
    plugin = {"api_url": emulator.url, "offline": True, "sources": [source]}
    offline = run_build(write_site(tmp_path, plugin), strict=True)
    assert offline.error is None, offline.messages()
    assert str(_article(offline, "tasks/index.html").select_one(".notion-board")) == board
    assert emulator.stats.total == 0


def _rewriting(field: str, value: Any) -> Any:
    def rewrite(endpoint: str, answer: Any) -> Any:
        if endpoint == "GET /v1/views/{id}":
            return {**answer, field: value}
        return answer

    return rewrite


@pytest.mark.parametrize("value", ["../../users", {"id": "x"}])
def test_a_view_naming_no_data_source_id_fails_in_one_line(
    tmp_path: Path, emulator: Emulator, value: Any
) -> None:
    emulator.faults.rewrite = _rewriting("data_source_id", value)
    plugin = {
        "api_url": emulator.url,
        "max_retries": 1,
        "sources": [{"database": TASKS, "dest": "tasks", "view": BOARD}],
    }
    site = run_build(write_site(tmp_path, plugin))
    assert site.error is not None
    (line,) = [m for m in site.messages(logging.ERROR) if m.startswith("notion-sync: ")]
    assert "view" in line and "malformed" in line and "\n" not in line, line
    assert not any("users" in e for e in emulator.stats.by_endpoint if "view" not in e)


@pytest.mark.parametrize(
    "configuration",
    [
        {"type": "board", "group_by": 5, "properties": "Name"},
        {"type": "calendar", "date_property_id": ["x"], "properties": [None, 3, {"visible": 0}]},
        "not an object",
    ],
)
def test_a_garbled_view_configuration_still_shows_the_entries(
    tmp_path: Path, emulator: Emulator, configuration: Any
) -> None:
    emulator.faults.rewrite = _rewriting("configuration", configuration)
    site = _build(tmp_path, emulator, {"database": TASKS, "dest": "tasks", "view": BOARD})
    article = _article(site, "tasks/index.html")
    assert {a.get_text(strip=True) for a in article.select("tbody a")} == ALL_TITLES
    _inert(article)


def test_check_names_the_view_a_source_follows(
    tmp_path: Path, emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    from mkdocs_notion_sync.cli import main

    plugin = {
        "api_url": emulator.url,
        "sources": [{"database": TASKS, "dest": "tasks", "view": "Board"}],
    }
    config = write_site(tmp_path, plugin)
    assert main(["-f", str(config), "check"]) == 0
    assert 'ok (view "Board")' in capsys.readouterr().out
    plugin["sources"] = [{"database": TASKS, "dest": "tasks", "view": "Nope"}]
    config = write_site(tmp_path, plugin)
    assert main(["-f", str(config), "check"]) == 1
    assert 'no view named "Nope"' in capsys.readouterr().out
