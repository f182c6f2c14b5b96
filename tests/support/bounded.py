"""Running code that might never finish (an unbounded wait, a pagination loop) without
letting a test hang: the test fails instead, naming the bound that was missing."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest


def finishes(fn: Callable[[], Any], seconds: float = 30.0) -> BaseException | None:
    """Runs `fn` on a daemon thread; returns the exception it raised (None if it
    returned), or fails the test if it is still running after `seconds`."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            fn()
        except BaseException as error:
            outcome.append(error)
        else:
            outcome.append(None)

    thread = threading.Thread(target=run, daemon=True, name="bounded-call")
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        pytest.fail(f"still running after {seconds:g}s: the wait or the loop is unbounded")
    return outcome[0]
