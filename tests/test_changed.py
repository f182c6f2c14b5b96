"""`mkdocs-notion-sync changed` (#23): exit 0 listing what changed since the last sync,
1 when nothing did, 2 on error; one search plus one request per source root, counted
by the emulator; and it leaves the change for the build that follows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mkdocs_notion_sync.cli import main
from notion_emulator import Emulator

from .support.emulators import emulate
from .support.sitebuild import run_build, write_site
from .support.viewsite import SHIP, TASKS, WRITE, views_workspace
from .support.workspaces import FAQ, GUIDE, ROOT, SETUP, SETUP_PARA, handbook

SEARCH = "POST /v1/search"
PAGE = "GET /v1/pages/{id}"
QUERY = "POST /v1/data_sources/{id}/query"


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with emulate(handbook()) as emu:
        yield emu


@pytest.fixture
def tasks() -> Iterator[Emulator]:
    with emulate(views_workspace()) as emu:
        yield emu


def _site(root: Path, emulator: Emulator, sources: list[dict[str, Any]]) -> Path:
    return write_site(root, {"api_url": emulator.url, "rate_limit": 1000, "sources": sources})


def _built(root: Path, emulator: Emulator, sources: list[dict[str, Any]]) -> Path:
    config = _site(root, emulator, sources)
    site = run_build(config)
    assert site.error is None, site.messages()
    emulator.workspace.advance(120)  # past the minute of that sync
    return config


def _changed(
    capsys: pytest.CaptureFixture[str], config: Path, emulator: Emulator
) -> tuple[int, list[str], str, dict[str, int]]:
    """Exit code, stdout lines, stderr, and the requests Notion saw."""
    emulator.stats.reset()
    code = main(["-f", str(config), "changed"])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err, dict(emulator.stats.by_endpoint)


HANDBOOK = [{"page": ROOT, "dest": "handbook"}]


def test_nothing_changed_exits_1_for_one_search_and_one_request_per_root(
    tmp_path: Path, emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _built(tmp_path, emulator, HANDBOOK)
    code, out, err, requests = _changed(capsys, config, emulator)
    assert code == 1, [*out, err]
    assert out == []
    assert requests == {SEARCH: 1, PAGE: 1}, requests
    assert "nothing changed since the last sync (2 API requests)" in err


def test_an_edit_is_reported_and_left_for_the_build(
    tmp_path: Path, emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _built(tmp_path, emulator, HANDBOOK)
    emulator.workspace.set_text(SETUP_PARA, "Install the new thing.")
    code, out, _err, requests = _changed(capsys, config, emulator)
    assert code == 0
    assert any(line.startswith(f'page {SETUP} "Set up": edited') for line in out), out
    assert requests == {SEARCH: 1, PAGE: 1}, requests
    # Asked twice, the same answer: the check recorded nothing.
    code, again, _err, _ = _changed(capsys, config, emulator)
    assert (code, again) == (0, out)
    site = run_build(config)
    assert "Install the new thing." in site.html("handbook/guide/set-up/index.html").get_text()
    emulator.workspace.advance(120)
    code, out, _err, _ = _changed(capsys, config, emulator)
    assert code == 0, "fetched in the minute of its edit: a later edit could hide there"
    run_build(config)  # after that minute
    emulator.workspace.advance(120)
    code, out, _err, _ = _changed(capsys, config, emulator)
    assert (code, out) == (1, []), "the build took the change in"


def test_a_trashed_page_and_a_new_page_are_reported(
    tmp_path: Path, emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _built(tmp_path, emulator, HANDBOOK)
    emulator.workspace.trash_page(FAQ)
    code, out, _err, requests = _changed(capsys, config, emulator)
    assert code == 0
    # Search no longer lists the trashed page; its parent, the root, was stamped.
    assert any(line.startswith(f'source {ROOT} "Handbook": edited') for line in out), out
    assert requests == {SEARCH: 1, PAGE: 1}, requests
    run_build(config)
    emulator.workspace.advance(120)
    new = emulator.workspace.add_page(GUIDE, "Release notes")
    code, out, _err, _ = _changed(capsys, config, emulator)
    assert code == 0
    assert f'page {new} "Release notes": new under page {GUIDE}' in out, out


def test_an_edit_in_the_minute_of_the_last_fetch_counts_as_changed(
    tmp_path: Path, emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """Notion stamps edits to the minute: a copy fetched in its edit's minute may miss
    a later edit of that minute, so it is changed until fetched after the minute."""
    config = _built(tmp_path, emulator, HANDBOOK)
    emulator.workspace.set_text(SETUP_PARA, "First edit.")
    assert run_build(config).error is None  # fetched in the edit's minute
    emulator.workspace.set_text(SETUP_PARA, "Second edit, same minute.")
    code, out, _err, _ = _changed(capsys, config, emulator)
    assert code == 0
    assert any(line.startswith(f"page {SETUP}") for line in out), out


def test_a_database_root_edit_trash_and_new_entry(
    tmp_path: Path, tasks: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _built(tmp_path, tasks, [{"database": TASKS, "dest": "board", "view": "Board"}])
    code, out, _err, requests = _changed(capsys, config, tasks)
    assert (code, out) == (1, [])
    assert requests == {SEARCH: 1, QUERY: 1}, requests
    tasks.workspace.set_property(WRITE, "Due", "2026-04-01")
    code, out, _err, requests = _changed(capsys, config, tasks)
    assert code == 0
    assert any(line.startswith(f"entry {WRITE} ") and "edited" in line for line in out), out
    assert requests == {SEARCH: 1, QUERY: 1}, requests
    run_build(config)
    tasks.workspace.advance(120)
    tasks.workspace.trash_page(SHIP)
    code, out, _err, _ = _changed(capsys, config, tasks)
    assert code == 0
    assert any(line.startswith(f"entry {SHIP}") for line in out), out
    run_build(config)
    tasks.workspace.advance(120)
    new = tasks.workspace.add_page(TASKS, "Write the changelog")
    code, out, _err, _ = _changed(capsys, config, tasks)
    assert code == 0
    assert any(line.startswith(f'entry {new} "Write the changelog": new in') for line in out), out


def test_no_sync_yet_exits_0_and_errors_exit_2(
    tmp_path: Path, emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _site(tmp_path, emulator, HANDBOOK)
    code, out, _err, requests = _changed(capsys, config, emulator)
    assert code == 0
    assert out and "no sync recorded" in out[0]
    assert requests == {}
    assert run_build(config).error is None
    emulator.stop()  # Notion unreachable
    code = main(["-f", str(config), "changed"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and err[0].startswith("mkdocs-notion-sync: error: "), err
    code = main(["-f", str(tmp_path / "missing.yml"), "changed"])
    assert code == 2
    assert "no MkDocs config" in capsys.readouterr().err


def test_a_hostile_title_is_printed_as_one_inert_line(
    tmp_path: Path, emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _built(tmp_path, emulator, HANDBOOK)
    emulator.workspace.rename_page(FAQ, "FAQ\n\x1b[2J\x1b]0;owned\x07\rfake line")
    code, out, _err, _ = _changed(capsys, config, emulator)
    assert code == 0
    (line,) = [line for line in out if line.startswith(f"page {FAQ}")]
    assert "\x1b" not in line and "\x07" not in line and "\r" not in line
    assert '"FAQ [2J]0;owned fake line"' in line
