"""Progress while a build fetches: a throttled log line, or a bar on a terminal."""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable

from .log import log


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
