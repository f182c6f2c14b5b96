"""What the person running the build sees at the end: one summary line, a metrics file.

The counts come from the HTTP layer (notion.pacing.RequestMetrics), so they equal what Notion
saw. Prometheus text is written with prometheus_client's own exposition format rather
than by hand.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .notion.pacing import RequestMetrics


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

    def add_requests(self, metrics: RequestMetrics) -> None:
        """The HTTP layer's counts of one client, added to this build's."""
        self.api_requests += metrics.requests
        self.rate_limited += metrics.rate_limited
        self.retries += metrics.retries
        self.wait_seconds += metrics.wait_seconds
        for endpoint, count in metrics.by_endpoint.items():
            self.requests_by_endpoint[endpoint] = self.requests_by_endpoint.get(endpoint, 0) + count
        for status, count in metrics.by_status.items():
            self.requests_by_status[status] = self.requests_by_status.get(status, 0) + count

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

    def write(self, site_dir: Path, metrics_file: str) -> Path:
        """`.prom` gets Prometheus text; anything else JSON. The file stays inside
        site_dir (the option is checked, and so is where it resolves to, links and
        all); a path that cannot be written is one line naming the option."""
        root = site_dir.resolve()
        path = (root / metrics_file).resolve()
        if root not in path.parents:
            raise ConfigError(f"metrics_file {metrics_file} resolves outside site_dir {root}")
        text = self.prometheus() if path.suffix == ".prom" else self.as_json()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as error:
            reason = error.strerror or type(error).__name__
            raise ConfigError(
                f"cannot write metrics_file {metrics_file} ({path}): {reason}"
            ) from None
        return path

    def as_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2) + "\n"
