"""Time for the emulator: wall time plus an offset tests can advance.

Change detection in the plugin hinges on `last_edited_time`, which Notion rounds to the
minute; tests need to cross minute boundaries without sleeping, hence `advance()`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta, timezone


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def minute_iso(moment: datetime) -> str:
    """Notion's `last_edited_time` format: seconds and milliseconds are always zero."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:00.000Z")


def parse_iso(value: str) -> datetime:
    """Accepts `2026-07-04`, `2026-07-04T09:08:00.000Z` and offsets; naive means UTC."""
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment


class Clock:
    """An injectable `now()` with an offset; thread-safe because tests advance it live."""

    def __init__(self, now: Callable[[], datetime] | None = None) -> None:
        self._source = now or utc_now
        self._offset = timedelta(0)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._source() + self._offset

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._offset += timedelta(seconds=seconds)

    def set_source(self, now: Callable[[], datetime]) -> None:
        with self._lock:
            self._source = now
            self._offset = timedelta(0)
