"""Live preview: a background poller that notices Notion edits during `mkdocs serve`.

It asks the cheapest question there is (one search request for recently edited pages)
and, when a synced page changed, calls back so the plugin can trigger a rebuild; the
rebuild's incremental sync then refetches only what changed. Errors never stop serve:
the poller backs off and tries again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from .log import log

MAX_BACKOFF = 300.0


class ChangePoller:
    """Calls `check` every `interval` seconds; `on_change` when it answers True."""

    def __init__(
        self, check: Callable[[], bool], on_change: Callable[[], None], interval: float
    ) -> None:
        self.check = check
        self.on_change = on_change
        self.interval = interval
        self.polls = 0
        self.errors = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="notion-sync-poller", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Ends the thread promptly: the wait between polls is interruptible."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        delay = self.interval
        while not self._stop.wait(delay):
            try:
                changed = self.check()
            except Exception as error:
                self.errors += 1
                delay = min(delay * 2, MAX_BACKOFF)
                log.warning("change check failed (%s); next try in %.0fs", error, delay)
                continue
            self.polls += 1
            delay = self.interval
            if changed:
                log.info("Notion changed, rebuilding")
                self.on_change()
