"""The serve poller: polls, backs off on errors without dying, stops promptly."""

from __future__ import annotations

import itertools
import threading
import time

from mkdocs_notion_sync.watch import ChangePoller


def test_a_change_triggers_a_rebuild_and_stop_ends_the_thread() -> None:
    answers = iter([False, True, False])
    rebuilds = threading.Event()
    poller = ChangePoller(lambda: next(answers, False), rebuilds.set, interval=0.02)
    poller.start()
    assert rebuilds.wait(2)
    started = time.monotonic()
    poller.stop()
    assert not poller.running
    assert time.monotonic() - started < 1
    assert poller.polls >= 2


def test_errors_back_off_and_polling_goes_on() -> None:
    calls: list[float] = []

    def flaky() -> bool:
        calls.append(time.monotonic())
        if len(calls) < 3:
            raise OSError("Notion is down")
        return False

    poller = ChangePoller(flaky, lambda: None, interval=0.02)
    poller.start()
    deadline = time.monotonic() + 3
    while poller.polls < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    poller.stop()
    assert poller.errors == 2 and poller.polls >= 1
    gaps = [b - a for a, b in itertools.pairwise(calls)]
    assert gaps[1] > gaps[0]  # the wait doubled after the second failure
