"""Big syncs against a fast API fetch and render in worker processes: the site, the
counts and the errors are the same as on threads, and the pacing stays global."""

from __future__ import annotations

import os
import pickle
import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from mkdocs_notion_sync import sync
from mkdocs_notion_sync.client import Pacer, RequestMetrics
from mkdocs_notion_sync.emulator import Emulator, Workspace
from mkdocs_notion_sync.errors import NotionSyncError, NotSharedError, WorkerFailed
from mkdocs_notion_sync.pipeline import Pipeline, Settings
from mkdocs_notion_sync.tree import Source
from mkdocs_notion_sync.workers import MIN_PAGES, process_count

from .checks import assert_no_request_inside_a_retry_after_window
from .workspaces import DB, PEOPLE, ROOT, TOKEN, changelog_database

COUNT = MIN_PAGES + 20
PAGES = COUNT + 5  # the root, the regular pages, a database and its three entries
VANISHING = "99999999-0000-4000-8000-000000000007"


def big_workspace(*, vanishing: bool = False) -> dict[str, Any]:
    """Enough pages to start workers: links between them, nested lists, an image."""
    pages = []
    for i in range(COUNT):
        page_id = VANISHING if i == 7 else f"99999999-0000-4000-8000-{i:012d}"
        blocks: list[Any] = [
            {"heading_2": f"Part {i}"},
            {"paragraph": ["See ", {"mention": {"page": ROOT}}, f" and <b>{i}</b> & co."]},
            {"bulleted_list_item": "outer", "children": [{"bulleted_list_item": "in"}]},
        ]
        if i % 50 == 0:
            blocks.append({"image": {"file": {"generate": "png", "name": f"d{i}.png"}}})
        page: dict[str, Any] = {"id": page_id, "title": f"Page {i:04d}", "blocks": blocks}
        if vanishing and i == 7:
            page["shared"] = False
        pages.append({"page": page})
    return {
        "seed": "workers",
        "users": PEOPLE,
        "pages": [{"id": ROOT, "title": "Big", "blocks": [changelog_database(DB), *pages]}],
    }


def _pipeline(emu: Emulator, cache: Path, processes: int, **options: Any) -> Pipeline:
    settings = Settings(
        sources=[Source(kind="page", id=ROOT, dest="big")],
        cache_dir=cache,
        token=TOKEN,
        api_url=emu.url,
        concurrency=4,
        rate_limit=1000.0,
        retry_base_delay=0.01,
        processes=processes,
        **options,
    )
    return Pipeline(settings, progress=lambda done, total: None)


def _staged(cache: Path) -> dict[str, str]:
    site = cache / "site"
    return {
        str(path.relative_to(site)): path.read_text(encoding="utf-8")
        for path in sorted(site.rglob("*.md"))
    }


def test_workers_build_the_same_site_with_the_same_requests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sync, "LISTING_BATCH", 50)  # the listing goes to the cache in parts
    with Emulator(Workspace.from_dict(big_workspace()), token=TOKEN) as emu:
        threads = _pipeline(emu, tmp_path / "threads", processes=0)
        outcome_threads = threads.run()
        requests_threads = emu.stats.total
        processes = _pipeline(emu, tmp_path / "processes", processes=2)
        outcome_processes = processes.run()
        requests_processes = emu.stats.total - requests_threads
        leftovers = processes.cache.stats()
        threads.close()
        processes.close()
    # Search listed every page object (kept in the cache meanwhile, removed after), so
    # only the root, which is always asked for, was retrieved on its own.
    assert processes.report.requests_by_endpoint["GET /v1/pages/{id}"] == 1
    assert "listed" not in leftovers
    assert (threads.worker_processes, processes.worker_processes) == (0, 2)
    staged = _staged(tmp_path / "processes")
    assert len(staged) == PAGES
    assert staged == _staged(tmp_path / "threads")
    page = staged["big/page-0003.md"]
    assert "See [Big](index.md) and &lt;b&gt;3&lt;/b&gt; &amp; co." in page
    assert "- outer\n    - in" in page  # nested blocks came through the worker
    assert "![](../assets/notion/" in staged["big/page-0050.md"]
    assert sorted(outcome_processes.assets) == sorted(outcome_threads.assets) != []
    report = processes.report
    assert report.pages_total == PAGES
    assert report.api_requests == requests_processes == threads.report.api_requests
    assert report.requests_by_endpoint == threads.report.requests_by_endpoint
    # 5 images, and 3 attachments that only rendering asks for (here, in a worker)
    assert report.assets_downloaded == threads.report.assets_downloaded == 8


def test_a_warm_rebuild_after_workers_reuses_everything(tmp_path: Path) -> None:
    with Emulator(Workspace.from_dict(big_workspace()), token=TOKEN) as emu:
        pipeline = _pipeline(emu, tmp_path / "cache", processes=2)
        pipeline.run()
        before = emu.stats.total
        outcome = pipeline.run()
        pipeline.close()
        assert emu.stats.total - before <= 6  # change check, root, the database re-queried
    assert pipeline.worker_processes == 0  # nothing to fetch, so no processes started
    assert pipeline.report.pages_cached == PAGES - 1  # all but the database, re-queried
    assert len(outcome.documents) == PAGES


def test_workers_share_one_pacer_and_honour_retry_after(tmp_path: Path) -> None:
    with Emulator(Workspace.from_dict(big_workspace()), token=TOKEN) as emu:
        emu.faults.rate_limit = 150.0
        emu.faults.burst = 5.0
        pipeline = _pipeline(emu, tmp_path / "cache", processes=2, max_retries=10)
        outcome = pipeline.run()
        pipeline.close()
        assert emu.stats.rate_limited > 0
        assert pipeline.report.rate_limited == emu.stats.rate_limited
        assert pipeline.report.api_requests == emu.stats.total
        assert_no_request_inside_a_retry_after_window(emu)
    assert pipeline.worker_processes == 2
    assert len(outcome.documents) == PAGES


@pytest.mark.parametrize("on_error", ["fail", "warn"])
def test_an_error_in_a_worker_follows_on_error(tmp_path: Path, on_error: str) -> None:
    warnings: list[str] = []
    with Emulator(Workspace.from_dict(big_workspace(vanishing=True)), token=TOKEN) as emu:
        pipeline = _pipeline(emu, tmp_path / "cache", processes=2, on_error=on_error)
        pipeline.warn = warnings.append
        if on_error == "fail":
            with pytest.raises(NotSharedError, match=f"{VANISHING} was not found: share it"):
                pipeline.run()
        else:
            outcome = pipeline.run()
            assert len(outcome.documents) == PAGES - 1
            assert any("left out page" in w and VANISHING in w for w in warnings)
        pipeline.close()


def test_errors_cross_processes_intact() -> None:
    error = NotSharedError("abc", "database", "req-1", trashed=True)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is NotSharedError
    assert str(copy) == str(error)
    assert (copy.object_id, copy.code, copy.request_id) == ("abc", "object_not_found", "req-1")
    plain = pickle.loads(pickle.dumps(NotionSyncError("boom", code="x")))
    assert (str(plain), plain.code) == ("boom", "x")


def test_request_counts_taken_from_a_worker_add_up() -> None:
    worker, build = RequestMetrics(), RequestMetrics()
    worker.record("GET /v1/pages/{id}", "200")
    worker.record("GET /v1/pages/{id}", "429")
    worker.add(retries=1, wait=0.5)
    build.merge(pickle.loads(pickle.dumps(worker.take())))
    worker.record("GET /v1/pages/{id}", "200")
    build.merge(worker.take())
    assert (build.requests, build.rate_limited, build.retries) == (3, 1, 1)
    assert build.by_status == {"200": 2, "429": 1}
    assert worker.requests == 0


def test_only_a_shared_pacer_goes_to_another_process() -> None:
    with pytest.raises(TypeError, match="shared"):
        pickle.dumps(Pacer(10.0))
    shared = Pacer(10.0, print)
    shared.rate_limited(0.0)  # halves the rate: the shared copy starts from here
    shared.share()
    assert shared.rate == 5.0
    handed_over = shared.__getstate__()  # what process spawning pickles
    assert handed_over["on_pause"] is None  # the build's callback stays in the build
    assert handed_over["_state"] is shared._state


def test_processes_start_only_when_the_rate_outruns_one_core() -> None:
    assert process_count(None, 3.0, 4) == 0  # Notion's own limit: threads keep up
    assert process_count(None, 1000.0, 1) == 0  # concurrency 1 means one request at a time
    assert process_count(0, 1000.0, 8) == 0
    assert process_count(3, 1.0, 8) == 3  # asked for explicitly
    assert 0 <= process_count(None, 1000.0, 8) <= 4


def _spawned_children() -> list[int]:
    """Worker processes of this test process (not multiprocessing's tracker)."""
    found = []
    for task in Path("/proc/self/task").iterdir():
        for pid in (task / "children").read_text().split():
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            if b"spawn_main" in cmdline:
                found.append(int(pid))
    return found


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_a_killed_worker_fails_the_build_with_one_line_and_keeps_the_cache(
    tmp_path: Path,
) -> None:
    outcome: list[BaseException | None] = []
    with Emulator(Workspace.from_dict(big_workspace()), token=TOKEN) as emu:
        emu.faults.slow_seconds = 0.02  # long enough to catch the workers at work
        pipeline = _pipeline(emu, tmp_path / "cache", processes=2)

        def build() -> None:
            try:
                pipeline.run()
                outcome.append(None)
            except BaseException as error:
                outcome.append(error)

        runner = threading.Thread(target=build)
        runner.start()
        deadline = time.monotonic() + 20
        while emu.stats.total < 60 and time.monotonic() < deadline:
            time.sleep(0.02)  # the workers are fetching and storing pages
        os.kill(_spawned_children()[0], signal.SIGKILL)
        runner.join(60)
        pipeline.close()
        assert len(outcome) == 1 and isinstance(outcome[0], WorkerFailed), outcome
        assert "\n" not in str(outcome[0]) and "processes: 0" in str(outcome[0])
        emu.faults.slow_seconds = 0.0
        again = _pipeline(emu, tmp_path / "cache", processes=0)
        rebuilt = again.run()
        again.close()
    assert len(rebuilt.documents) == PAGES
    assert again.report.pages_cached > 0  # what the workers stored before the kill
