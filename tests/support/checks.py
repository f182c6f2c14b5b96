"""Assertions about what the emulator saw, shared by the test modules."""

from __future__ import annotations

from notion_emulator import Emulator


def assert_no_request_inside_a_retry_after_window(emulator: Emulator) -> None:
    """After a 429 with Retry-After r at time t, nothing arrives before t + r (requests
    already in flight when the 429 went out may land a moment after t)."""
    timeline = list(emulator.stats.timeline)
    in_flight = 0.05
    for when, status, retry_after in timeline:
        if status != 429 or not retry_after:
            continue
        inside = [
            t for t, _, _ in timeline if when + in_flight < t < when + retry_after - in_flight
        ]
        assert not inside, f"{len(inside)} requests inside a {retry_after}s Retry-After window"
