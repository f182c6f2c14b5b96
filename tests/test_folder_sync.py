"""`mkdocs-notion-sync sync` and `watch` against the emulator: the Notion pages written
into docs_dir, incrementally, beside hand-written pages it never touches (issue #18)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from mkdocs_notion_sync.cli import main
from mkdocs_notion_sync.folder_sync import EXTENSION, watch_into
from mkdocs_notion_sync.pipeline import Session
from mkdocs_notion_sync.project import load_project
from mkdocs_notion_sync.site.manifest import MANIFEST
from notion_emulator import Emulator

from .support.emulators import emulate
from .support.sitebuild import run_build, write_site
from .support.workspaces import FAQ, GUIDE, ROOT, SETUP, SETUP_PARA, handbook, many_pages

HAND_WRITTEN = {
    "index.md": "# Home\n\nHand-written.\n",
    "handbook/extra.md": "# Extra\n\nA hand-written page inside the Notion folder.\n",
    "about/team.md": "# Team\n",
}
EMBEDS_WATCH = "docs/.notion-sync/embeds.json"


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with emulate(handbook()) as emu:
        yield emu


def project(
    root: Path,
    emulator: Emulator,
    *,
    docs: dict[str, str] | None = None,
    zensical: bool = True,
    **options: Any,
) -> Path:
    """A site for Zensical: awesome-nav listed, the Markdown extension and its watch."""
    plugin = {
        "api_url": emulator.url,
        "rate_limit": 1000,
        "sources": [{"page": ROOT, "dest": "handbook"}],
        **options,
    }
    extra: dict[str, Any] = {}
    if zensical:
        extra["watch"] = [EMBEDS_WATCH]
    config = write_site(
        root,
        plugin,
        docs=dict(HAND_WRITTEN if docs is None else docs),
        plugins_before=["search", "awesome-nav"] if zensical else ["search"],
        extra=extra,
    )
    if zensical:
        data = yaml.safe_load(config.read_text(encoding="utf-8"))
        data["markdown_extensions"].insert(0, EXTENSION)
        config.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return config


def sync(capsys: pytest.CaptureFixture[str], config: Path, *more: str) -> tuple[int, str]:
    code = main(["-f", str(config), "sync", *more])
    return code, capsys.readouterr().err


def files(docs: Path) -> dict[str, tuple[int, bytes]]:
    """Every file under docs (but the sync's own folder): mtime and bytes."""
    return {
        p.relative_to(docs).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(docs.rglob("*"))
        if p.is_file() and ".notion-sync" not in p.parts
    }


def warnings_in(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("WARNING: ")]


def test_the_pages_files_and_nav_land_under_dest(
    tmp_path: Path, emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    config = project(tmp_path, emulator)
    code, err = sync(capsys, config)
    assert code == 0, err
    docs = tmp_path / "docs"
    written = set(files(docs))
    assert {
        "handbook/index.md",
        "handbook/guide/index.md",
        "handbook/guide/set-up.md",
        "handbook/faq.md",
        "handbook/notes.md",
        "handbook/notes-666666.md",
        "handbook/.nav.yml",
        "handbook/guide/.nav.yml",
    } <= written
    assert [p for p in written if p.startswith("assets/notion/") and p.endswith(".png")]
    nav = yaml.safe_load((docs / "handbook/.nav.yml").read_text(encoding="utf-8"))
    assert nav == {
        "title": "📘 Handbook",  # the page's emoji icon, as Notion's sidebar shows it
        "nav": ["index.md", {"Guide": "guide"}, "faq.md", "notes.md", "notes-666666.md"],
    }
    assert "Install the thing." in (docs / "handbook/guide/set-up.md").read_text()
    assert "notion-sync: docs: " in err and " files written, 0 removed, 0 unchanged" in err
    assert (docs / MANIFEST).is_file()


def test_a_second_sync_rewrites_nothing_and_costs_what_a_warm_build_costs(
    tmp_path: Path, emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    config = project(tmp_path, emulator)
    docs = tmp_path / "docs"
    assert sync(capsys, config)[0] == 0
    before = files(docs)
    manifest = (docs / MANIFEST).stat().st_mtime_ns
    emulator.stats.reset()
    code, err = sync(capsys, config)
    assert code == 0, err
    sync_requests = emulator.stats.total
    assert files(docs) == before
    assert (docs / MANIFEST).stat().st_mtime_ns == manifest
    assert "0 files written, 0 removed" in err and "(6 cached, 0 fetched)" in err
    emulator.stats.reset()
    built = run_build(config)  # the plugin, from the same cache
    assert built.error is None, built.messages()
    assert sync_requests == emulator.stats.total == 2  # one search, the source root
    assert files(docs) == before  # the build wrote nothing into docs_dir


def test_an_edit_rewrites_exactly_that_page(
    tmp_path: Path, emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    config = project(tmp_path, emulator)
    docs = tmp_path / "docs"
    sync(capsys, config)
    before = files(docs)
    emulator.workspace.set_text(SETUP_PARA, "Install the new thing.")
    code, err = sync(capsys, config)
    assert code == 0, err
    after = files(docs)
    changed = {path for path in after if after[path] != before.get(path)}
    assert changed == {"handbook/guide/set-up.md"}
    assert "Install the new thing." in after["handbook/guide/set-up.md"][1].decode()
    assert "1 files written, 0 removed" in err


def test_a_trashed_page_disappears_and_hand_written_files_stay(
    tmp_path: Path, emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    config = project(tmp_path, emulator)
    docs = tmp_path / "docs"
    sync(capsys, config)
    mine = {p: v for p, v in files(docs).items() if p in HAND_WRITTEN}
    assert set(mine) == set(HAND_WRITTEN)
    emulator.workspace.trash_page(SETUP)
    emulator.workspace.trash_page(FAQ)
    code, err = sync(capsys, config)
    assert code == 0, err
    assert not (docs / "handbook/faq.md").exists()
    assert not (docs / "handbook/guide/set-up.md").exists()
    assert (docs / "handbook/guide.md").is_file()  # a page without children is a file
    assert not (docs / "handbook/guide").exists()  # and its folder went with its children
    nav = yaml.safe_load((docs / "handbook/.nav.yml").read_text(encoding="utf-8"))
    assert nav["nav"] == ["index.md", "guide.md", "notes.md", "notes-666666.md"]
    assert {p: v for p, v in files(docs).items() if p in HAND_WRITTEN} == mine
    assert "removed" in err


def test_a_hand_written_file_in_the_way_is_one_error_naming_both(
    tmp_path: Path, emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = {**HAND_WRITTEN, "handbook/faq.md": "# My own FAQ\n"}
    config = project(tmp_path, emulator, docs=docs)
    code, err = sync(capsys, config)
    assert code == 1
    lines = err.strip().splitlines()
    assert lines[-1].startswith("mkdocs-notion-sync: error: docs/handbook/faq.md is in the way")
    assert "the Notion page 'FAQ'" in lines[-1] and FAQ in lines[-1]
    assert "Traceback" not in err
    assert (tmp_path / "docs/handbook/faq.md").read_text() == "# My own FAQ\n"
    assert not (tmp_path / "docs/handbook/index.md").exists()  # nothing was written


@pytest.mark.parametrize("title", ["Evil\nmkdocs-notion-sync: all good", "Red \x1b[31mtext\x1b[0m"])
def test_a_hostile_title_in_an_error_stays_on_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], title: str
) -> None:
    workspace = handbook()
    workspace["pages"][0]["title"] = title
    with emulate(workspace) as emulator:
        docs = {**HAND_WRITTEN, "handbook/index.md": "# Mine\n"}
        code, err = sync(capsys, project(tmp_path, emulator, docs=docs))
    assert code == 1
    error = [line for line in err.splitlines() if line.startswith("mkdocs-notion-sync: error:")]
    assert len(error) == 1 and repr(title) in error[0], err
    assert "\x1b" not in error[0] and err.strip().splitlines()[-1] == error[0]


def test_what_zensical_would_miss_is_a_warning_and_strict_fails_on_it(
    tmp_path: Path, emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = {"index.md": f"# Home\n\n<!-- notion: {GUIDE} -->\n"}
    config = project(tmp_path, emulator, docs=docs, zensical=False)
    code, err = sync(capsys, config, "--strict")
    assert code == 1
    found = warnings_in(err)
    assert any("does not list awesome-nav under plugins" in w for w in found), found
    assert any(
        f"index.md embeds or links Notion pages, but mkdocs.yml does not list {EXTENSION}" in w
        for w in found
    ), found
    assert err.strip().splitlines()[-1].startswith("mkdocs-notion-sync: error: ")
    assert "warnings with --strict" in err
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["markdown_extensions"].insert(0, EXTENSION)
    data["plugins"].insert(0, "awesome-nav")
    config.write_text(yaml.safe_dump(data), encoding="utf-8")
    code, err = sync(capsys, config)
    assert [w for w in warnings_in(err) if "watch" in w] == [
        f"WARNING: notion-sync: index.md embeds or links Notion pages: add `{EMBEDS_WATCH}` "
        "to `watch:` in mkdocs.yml, or Zensical's cache keeps showing old embeds and links"
    ]


def test_strict_passes_when_nothing_is_missed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with emulate(many_pages(3)) as emulator:
        docs = {"index.md": f"# Home\n\n<!-- notion: {ROOT} -->\n"}
        code, err = sync(capsys, project(tmp_path, emulator, docs=docs), "--strict")
    assert code == 0, err
    assert warnings_in(err) == []


def test_a_link_to_an_unsynced_notion_page_in_a_hand_written_page_is_a_warning(
    tmp_path: Path, emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = "https://www.notion.so/Outside-77777777777747778777777777777777"
    docs = {
        "index.md": f"# Home\n\n[outside]({outside}) and [guide](https://www.notion.so/{GUIDE})\n"
    }
    code, err = sync(capsys, project(tmp_path, emulator, docs=docs))
    assert code == 0, err
    mine = [w for w in warnings_in(err) if w.startswith("WARNING: notion-sync: index.md: ")]
    assert len(mine) == 1 and "77777777-7777-4777-8777-777777777777" in mine[0], err


def test_the_plugin_builds_a_docs_dir_the_sync_wrote_into(
    tmp_path: Path, emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """One mkdocs.yml, one cache, both paths: MkDocs with the plugin takes the synced
    copies for its own pages, not for hand-written ones in the way."""
    config = project(tmp_path, emulator)
    assert sync(capsys, config)[0] == 0
    built = run_build(config, strict=False)
    assert built.error is None, built.messages()
    assert "Install the thing." in built.html("handbook/guide/set-up/index.html").get_text()
    assert "A hand-written page" in built.html("handbook/extra/index.html").get_text()
    (tmp_path / "docs/handbook/faq.md").write_text("# Edited by hand\n", encoding="utf-8")
    built = run_build(config, strict=False)
    assert built.error is not None
    assert any("faq.md in docs_dir and the Notion page" in m for m in built.messages()), (
        built.messages()
    )


def test_the_folder_must_be_apart_from_the_site_and_the_cache(
    tmp_path: Path, emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    config = project(tmp_path, emulator)
    for out, says in [
        (tmp_path / "site", "apart from site_dir"),
        (tmp_path / "site" / "x", "apart from site_dir"),
        (tmp_path, "must not be inside the sync folder"),
        (tmp_path / ".cache/plugin/notion-sync/x", "must not contain the sync folder"),
    ]:
        code, err = sync(capsys, config, "--out", str(out))
        assert code == 1 and says in err, err
    (tmp_path / "a-file").write_text("x")
    code, err = sync(capsys, config, "--out", str(tmp_path / "a-file"))
    assert code == 1 and "is a file, not a folder" in err
    code, err = sync(capsys, config, "--out", str(tmp_path / "elsewhere"))
    assert code == 0 and (tmp_path / "elsewhere/handbook/index.md").is_file()


# -- watch ------------------------------------------------------------------------------

POLL = 0.5


def wait_for(check: Callable[[], bool], timeout: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if check():
            return time.monotonic() - started
        time.sleep(0.05)
    raise AssertionError(f"not within {timeout}s")


@pytest.fixture
def watching(
    tmp_path: Path, emulator: Emulator
) -> Iterator[tuple[Path, threading.Thread, threading.Event]]:
    """`watch_into` in a thread of this process, stopped after the test."""
    config = project(tmp_path, emulator, poll_interval=POLL, max_retries=0)
    loaded = load_project(config)
    session = Session(loaded.settings)
    stop = threading.Event()
    failure: list[BaseException] = []

    def run() -> None:
        try:
            watch_into(session, tmp_path / "docs", None, POLL, stop)
        except BaseException as error:  # pragma: no cover - reported below
            failure.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        wait_for(lambda: (tmp_path / "docs/handbook/guide/set-up.md").is_file(), 30)
        yield tmp_path / "docs", thread, stop
    finally:
        stop.set()
        thread.join(10)
        session.close()
        loaded.close()
    assert not thread.is_alive() and not failure, failure


def test_watch_brings_an_edit_to_the_file_within_the_poll_interval(
    watching: tuple[Path, threading.Thread, threading.Event], emulator: Emulator
) -> None:
    docs, _thread, _stop = watching
    page = docs / "handbook/guide/set-up.md"
    faq = (docs / "handbook/faq.md").stat().st_mtime_ns
    emulator.stats.reset()
    time.sleep(POLL * 2.5)
    idle = emulator.stats.snapshot()  # what watching costs while nothing changes
    assert 1 <= int(idle["total"]) <= 3, idle
    assert idle["by_endpoint"] == {"POST /v1/search": idle["total"]}, idle
    emulator.workspace.set_text(SETUP_PARA, "Install the watched thing.")
    latency = wait_for(lambda: "watched thing" in page.read_text(encoding="utf-8"), POLL + 5)
    print(f"edit-to-file latency: {latency:.2f}s with a poll interval of {POLL}s")
    assert (docs / "handbook/faq.md").stat().st_mtime_ns == faq


def test_watch_warns_once_for_a_failed_check_and_goes_on(
    watching: tuple[Path, threading.Thread, threading.Event],
    emulator: Emulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    docs, _thread, _stop = watching
    caplog.set_level(logging.INFO, logger="mkdocs.plugins.notion-sync")
    emulator.faults.error_rate = 1.0
    wait_for(lambda: any("change check failed" in r.getMessage() for r in caplog.records), 10)
    emulator.faults.error_rate = 0.0
    emulator.workspace.set_text(SETUP_PARA, "Install after the outage.")
    page = docs / "handbook/guide/set-up.md"
    wait_for(lambda: "after the outage" in page.read_text(encoding="utf-8"), 4 * POLL + 5)
    failed = [r for r in caplog.records if "failed" in r.getMessage()]
    assert len(failed) == 1 and failed[0].levelno == logging.WARNING, failed
    assert "next try in 1s" in failed[0].getMessage()


def test_watch_syncs_a_new_embed_and_retries_a_failed_sync(
    watching: tuple[Path, threading.Thread, threading.Event],
    caplog: pytest.LogCaptureFixture,
) -> None:
    docs, _thread, _stop = watching
    caplog.set_level(logging.INFO, logger="mkdocs.plugins.notion-sync")
    embeds = docs / ".notion-sync/embeds.json"
    (docs / "handbook/notes.md").unlink()
    (docs / "handbook/notes.md").write_text("mine now\n", encoding="utf-8")
    (docs / "about/team.md").write_text(f"# Team\n\n<!-- notion: {FAQ} -->\n", encoding="utf-8")
    wait_for(lambda: any("sync failed" in r.getMessage() for r in caplog.records), 10)
    assert "Questions." not in embeds.read_text(encoding="utf-8")
    (docs / "handbook/notes.md").unlink()  # the clash is gone: the retry needs no Notion edit
    wait_for(lambda: "Questions." in embeds.read_text(encoding="utf-8"), 4 * POLL + 5)
    assert (docs / "handbook/notes.md").read_text(encoding="utf-8").startswith("---")
