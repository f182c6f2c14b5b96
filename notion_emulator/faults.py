"""Injected failures and the server-side counters tests compare the client against.

A sync client is judged by how it behaves when Notion misbehaves (429s, 5xx, dropped
connections, garbage); the emulator can produce each of these on demand and reproducibly.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

Rewrite = Callable[[str, Any], Any]
"""(endpoint, parsed answer) -> the JSON to send instead."""


@dataclass
class Faults:
    """What goes wrong, and how often. Mutable while the server runs.

    `rate_limit` is in requests per second (a token bucket holding `burst` tokens,
    default: the rate, at least 1); every other rate is a probability per request.

    A hostile or broken server is more than a slow one: `fail_first` makes the first
    requests fail in a known order, `retry_after_header` sends any Retry-After text
    (an HTTP-date, `inf`, garbage), `trickle_seconds` spreads an answer over time so
    that no single read times out, and `rewrite` replaces a 200 answer's JSON with any
    other shape.
    """

    rate_limit: float | None = None
    burst: float | None = None
    error_rate: float = 0.0
    error_statuses: tuple[int, ...] = (500, 502, 503, 504, 529)
    slow_seconds: float = 0.0
    slow_rate: float = 1.0
    slow_max_seconds: float | None = None
    """With it, a slow answer takes a seeded random time between `slow_seconds` and
    this (Notion answers in 100-400 ms)."""
    drop_rate: float = 0.0
    malformed_rate: float = 0.0
    broken_cursor: bool = False
    expired_downloads: int = 0
    """The next this many file downloads are refused as S3 refuses an expired URL (403),
    however fresh the URL: a signed URL that expired between the API answer and the
    download, without waiting an hour (or a negative count: every download, for good)."""
    fail_first: int = 0
    """The first N API requests answer with `error_statuses` in turn, whatever
    `error_rate` says."""
    retry_after_header: str | None = None
    """The Retry-After text of every 429 (and of injected 529s, which otherwise carry
    none) instead of whole seconds."""
    rate_limit_reason: str = "public_api_request_rate_limit"
    """`additional_data.rate_limit_reason` of 429s; `public_api_request_blocked` means
    "do not retry"."""
    trickle_seconds: float = 0.0
    """Answers are written a few bytes at a time over this many seconds."""
    trickle_rate: float = 1.0
    rewrite: Rewrite | None = None
    """Replaces the JSON of 200 API answers (wrong shapes, looping cursors)."""
    seed: int | None = 0

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        self._lock = threading.Lock()
        self._tokens: float | None = None
        self._stamp = time.monotonic()
        self._bucket_key: tuple[float | None, float | None] = (None, None)
        self._forced = 0

    def roll(self, probability: float) -> bool:
        """Seeded, so a failing run can be replayed with the same sequence of faults."""
        if probability <= 0.0:
            return False
        with self._lock:
            return self._random.random() < probability

    def delay(self) -> float:
        """How long this answer is held back (0: not at all)."""
        if self.slow_seconds <= 0 or not self.roll(self.slow_rate):
            return 0.0
        if self.slow_max_seconds is None or self.slow_max_seconds <= self.slow_seconds:
            return self.slow_seconds
        with self._lock:
            return self._random.uniform(self.slow_seconds, self.slow_max_seconds)

    def take_expired_download(self) -> bool:
        """True when this file download must be refused as expired."""
        with self._lock:
            if self.expired_downloads == 0:
                return False
            if self.expired_downloads > 0:
                self.expired_downloads -= 1
            return True

    def choose_status(self) -> int:
        with self._lock:
            return self._random.choice(self.error_statuses)

    def forced_status(self) -> int | None:
        """The status of the next of the `fail_first` failures, or None once they are spent."""
        with self._lock:
            if self._forced >= self.fail_first:
                return None
            status = self.error_statuses[self._forced % len(self.error_statuses)]
            self._forced += 1
            return status

    def reseed(self, seed: int | None) -> None:
        with self._lock:
            self.seed = seed
            self._random = random.Random(seed)

    def take_token(self) -> float:
        """0 when the request may pass, else the seconds until a token is available."""
        rate = self.rate_limit
        if rate is None or rate <= 0:
            return 0.0
        capacity = self.burst if self.burst is not None else max(1.0, rate)
        with self._lock:
            now = time.monotonic()
            if self._tokens is None or self._bucket_key != (rate, capacity):
                self._tokens = capacity
                self._bucket_key = (rate, capacity)
            else:
                self._tokens = min(capacity, self._tokens + (now - self._stamp) * rate)
            self._stamp = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return 0.0
            return (1.0 - self._tokens) / rate

    def retry_after(self, wait: float) -> int:
        """Notion sends whole seconds, never 0."""
        return max(1, math.ceil(wait))


def retry_after_seconds(text: str | None, now: datetime) -> float | None:
    """The wait a Retry-After text asks for (seconds or an HTTP-date), for the timeline
    that tests check clients against; None when it asks for nothing readable."""
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        pass
    try:
        return (parsedate_to_datetime(text) - now).total_seconds()
    except (TypeError, ValueError, IndexError):
        return None


@dataclass
class Stats:
    """What the server saw. `total` counts every request to /v1/ (faults included);
    file downloads are not API requests and are counted apart."""

    total: int = 0
    by_endpoint: Counter[str] = field(default_factory=Counter)
    by_status: Counter[int] = field(default_factory=Counter)
    rate_limited: int = 0
    file_downloads: int = 0
    file_bytes: int = 0
    versions: Counter[str] = field(default_factory=Counter)
    """Requests by the Notion-Version header they sent."""

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self.timeline: deque[tuple[float, int, float | None]] = deque(maxlen=100_000)
        """(monotonic arrival, status, Retry-After sent): to check clients waited."""

    def record(
        self,
        endpoint: str,
        status: int,
        retry_after: float | None = None,
        version: str | None = None,
    ) -> None:
        with self._lock:
            self.timeline.append((time.monotonic(), status, retry_after))
            self.total += 1
            if version is not None:
                self.versions[version] += 1
            self.by_endpoint[endpoint] += 1
            self.by_status[status] += 1
            if status == 429:
                self.rate_limited += 1

    def record_download(self, size: int) -> None:
        with self._lock:
            self.file_downloads += 1
            self.file_bytes += size

    def reset(self) -> None:
        with self._lock:
            self.total = 0
            self.timeline.clear()
            self.by_endpoint = Counter()
            self.by_status = Counter()
            self.versions = Counter()
            self.rate_limited = 0
            self.file_downloads = 0
            self.file_bytes = 0

    def snapshot(self) -> dict[str, object]:
        """A consistent copy, for assertions and the metrics comparison."""
        with self._lock:
            return {
                "total": self.total,
                "by_endpoint": dict(self.by_endpoint),
                "by_status": dict(self.by_status),
                "rate_limited": self.rate_limited,
                "file_downloads": self.file_downloads,
                "file_bytes": self.file_bytes,
            }
