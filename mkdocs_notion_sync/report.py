"""What the person running the build sees: progress, one summary line, a metrics file.

The counts come from the HTTP layer (client.RequestMetrics), so they equal what Notion
saw. Prometheus text is written with prometheus_client's own exposition format rather
than by hand.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger("mkdocs.plugins.mkdocs_notion_sync.report")


class ProgressLog:
    """`notion-sync: fetched 40/120 pages (33%), ETA 12s`, at most every 2 s or 10 %."""

    def __init__(
        self,
        emit: Callable[[str], None] | None = None,
        *,
        interval: float = 2.0,
        step: float = 0.10,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.emit = emit or (lambda line: log.info(line))
        self.interval = interval
        self.step = step
        self.clock = clock
        self.started = clock()
        self._last_time = self.started
        self._last_fraction = 0.0
        self._lock = threading.Lock()

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        fraction = done / total if total else 1.0
        with self._lock:
            if now - self.started < self.interval:
                return  # a quick sync needs no progress, the summary line says it all
            if now - self._last_time < self.interval and fraction - self._last_fraction < self.step:
                return
            self._last_time, self._last_fraction = now, fraction
        elapsed = now - self.started
        eta = elapsed / done * (total - done) if done else 0.0
        self.emit(f"notion-sync: fetched {done}/{total} pages ({fraction:.0%}), ETA {eta:.0f}s")


class ProgressBar:
    """`[##########..........]  40/120 pages`, redrawn in place on a terminal."""

    width = 24

    def __init__(self, interval: float = 0.1) -> None:
        self.interval = interval
        self.line = ""
        self.drawn = False
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last < self.interval:
            return
        self._last = now
        filled = int(self.width * done / total) if total else self.width
        bar = "#" * filled + "." * (self.width - filled)
        self.line = f"notion-sync: [{bar}] {done}/{total} pages"
        self.redraw()

    def redraw(self) -> None:
        if self.line:
            sys.stderr.write(f"\r{self.line}\x1b[K")
            sys.stderr.flush()
            self.drawn = True

    def clear(self) -> None:
        if self.drawn:
            sys.stderr.write("\r\x1b[K")
            self.drawn = False

    def finish(self) -> None:
        if self.drawn:
            sys.stderr.write("\n")
            sys.stderr.flush()
            self.drawn = False
        self.line = ""


class BarGuard(logging.Filter):
    """Clears the bar before any log line is printed (MkDocs' handler writes to the
    same terminal), so warnings never land in the middle of it."""

    def __init__(self, bar: ProgressBar) -> None:
        super().__init__()
        self.bar = bar

    def filter(self, record: logging.LogRecord) -> bool:
        self.bar.clear()
        return True


def terminal_progress() -> tuple[ProgressBar, Callable[[], None]] | None:
    """On a terminal, a bar guarded against log lines, and the call that ends it."""
    if not sys.stderr.isatty():
        return None
    bar = ProgressBar()
    guard = BarGuard(bar)
    handlers = logging.getLogger("mkdocs").handlers
    for handler in handlers:
        handler.addFilter(guard)

    def finish() -> None:
        for handler in handlers:
            handler.removeFilter(guard)
        bar.finish()

    return bar, finish


def human_bytes(size: int) -> str:
    """2.3 MiB, as the contract's summary line shows sizes."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"


@dataclass
class SyncReport:
    """The figures of one build, in the contract's names."""

    pages_total: int = 0
    pages_fetched: int = 0
    pages_cached: int = 0
    api_requests: int = 0
    rate_limited: int = 0
    retries: int = 0
    assets_downloaded: int = 0
    assets_bytes: int = 0
    duration_seconds: float = 0.0
    wait_seconds: float = 0.0
    requests_by_endpoint: dict[str, int] = field(default_factory=dict)
    requests_by_status: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        return (
            f"notion-sync: {self.pages_total} pages ({self.pages_cached} cached, "
            f"{self.pages_fetched} fetched), {self.api_requests} API requests "
            f"({self.rate_limited} rate-limited, {self.retries} retried), "
            f"{self.assets_downloaded} assets ({human_bytes(self.assets_bytes)}) "
            f"in {self.duration_seconds:.1f}s"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "pages_total": self.pages_total,
            "pages_fetched": self.pages_fetched,
            "pages_cached": self.pages_cached,
            "api_requests": self.api_requests,
            "rate_limited": self.rate_limited,
            "retries": self.retries,
            "assets_downloaded": self.assets_downloaded,
            "assets_bytes": self.assets_bytes,
            "duration_seconds": round(self.duration_seconds, 3),
            "wait_seconds": round(self.wait_seconds, 3),
            "requests_by_endpoint": dict(sorted(self.requests_by_endpoint.items())),
            "requests_by_status": dict(sorted(self.requests_by_status.items())),
        }

    def prometheus(self) -> str:
        """Prometheus text exposition: counters end in `_total`, gauges do not."""
        from prometheus_client import (
            CollectorRegistry,
            Counter,
            Gauge,
            disable_created_metrics,
            generate_latest,
        )

        disable_created_metrics()  # type: ignore[no-untyped-call]  # `_created` means nothing here
        registry = CollectorRegistry()
        gauges = {
            "pages_total": "Pages on the site from Notion",
            "duration_seconds": "Sync duration",
        }
        counters = {
            "pages_fetched": "Pages fetched from Notion",
            "pages_cached": "Pages served from the cache",
            "api_requests": "HTTP requests sent to the Notion API, retries included",
            "rate_limited": "429 responses from Notion",
            "retries": "Requests retried",
            "assets_downloaded": "Files downloaded",
            "assets_bytes": "Bytes of files downloaded",
            "wait_seconds": "Seconds spent waiting for the rate limit or a retry",
        }
        values = self.as_dict()
        for key, help_text in gauges.items():
            Gauge(f"notion_sync_{key}", help_text, registry=registry).set(values[key])
        for key, help_text in counters.items():
            Counter(f"notion_sync_{key}", help_text, registry=registry).inc(values[key])
        by_endpoint = Counter(
            "notion_sync_requests_by_endpoint",
            "HTTP requests sent to the Notion API, by endpoint",
            ["endpoint"],
            registry=registry,
        )
        for endpoint, count in self.requests_by_endpoint.items():
            by_endpoint.labels(endpoint=endpoint).inc(count)
        return generate_latest(registry).decode()

    def write(self, path: Path) -> None:
        """`.prom` gets Prometheus text; anything else JSON."""
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".prom":
            path.write_text(self.prometheus(), encoding="utf-8")
        else:
            path.write_text(json.dumps(self.as_dict(), indent=2) + "\n", encoding="utf-8")
