"""The build log's summary line, progress lines and metrics files, as users read them."""

import itertools
import json
from pathlib import Path

from mkdocs_notion_sync.progress import ProgressLog
from mkdocs_notion_sync.report import SyncReport, human_bytes


def test_summary_line_has_the_contract_form() -> None:
    report = SyncReport(
        pages_total=120,
        pages_fetched=22,
        pages_cached=98,
        api_requests=57,
        rate_limited=3,
        retries=1,
        assets_downloaded=14,
        assets_bytes=int(2.3 * 1024 * 1024),
        duration_seconds=8.43,
    )
    assert report.summary() == (
        "notion-sync: 120 pages (98 cached, 22 fetched), 57 API requests "
        "(3 rate-limited, 1 retried), 14 assets (2.3 MiB) in 8.4s"
    )


def test_sizes_read_naturally() -> None:
    assert human_bytes(0) == "0 B"
    assert human_bytes(1536) == "1.5 KiB"
    assert human_bytes(5 * 1024**3) == "5.0 GiB"


def test_progress_is_throttled_to_every_two_seconds_or_ten_percent() -> None:
    lines: list[str] = []
    now = [0.0]
    progress = ProgressLog(lines.append, clock=lambda: now[0])
    for done in range(1, 101):
        now[0] += 0.1
        progress(done, 100)
    # nothing in the first 2 s, then every 10 % (time alone never reaches 2 s between steps)
    assert lines[0] == "notion-sync: fetched 20/100 pages (20%), ETA 8s"
    done = [int(line.split()[2].split("/")[0]) for line in lines]
    assert all(later - earlier >= 10 for earlier, later in itertools.pairwise(done))


def test_a_quick_sync_prints_no_progress() -> None:
    lines: list[str] = []
    progress = ProgressLog(lines.append, clock=lambda: 0.0)
    progress(3, 3)
    assert lines == []


def test_metrics_files_in_json_and_prometheus(tmp_path: Path) -> None:
    report = SyncReport(
        pages_total=5,
        api_requests=9,
        rate_limited=2,
        requests_by_endpoint={"GET /v1/pages/{id}": 5},
    )
    report.write(tmp_path, "m.json")
    data = json.loads((tmp_path / "m.json").read_text())
    for key in (
        "pages_total",
        "pages_fetched",
        "pages_cached",
        "api_requests",
        "rate_limited",
        "retries",
        "assets_downloaded",
        "assets_bytes",
        "duration_seconds",
        "requests_by_endpoint",
    ):
        assert key in data
    assert data["requests_by_endpoint"] == {"GET /v1/pages/{id}": 5}
    report.write(tmp_path, "m.prom")
    text = (tmp_path / "m.prom").read_text()
    assert "notion_sync_api_requests_total 9.0" in text
    assert "notion_sync_rate_limited_total 2.0" in text
    assert "notion_sync_pages_total 5.0" in text
    assert 'notion_sync_requests_by_endpoint_total{endpoint="GET /v1/pages/{id}"} 5.0' in text
