"""What every API answer is held to, whichever socket carries it: a deadline for the
whole request and a size no Notion answer reaches.

`timeout` bounds a whole request (connect, send and every byte of the answer), not each
socket read: a server that sends a byte every few seconds would otherwise hold a build
for ever without a single read timing out. A server that sends without end would fill
the memory instead, hence the size cap.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable

import httpx

MAX_ANSWER_BYTES = 64 * 1024 * 1024
"""Far above any answer Notion sends (100 objects a page, 2,000 characters a text)."""


class AnswerTooLarge(httpx.TransportError):
    """An answer past MAX_ANSWER_BYTES. Not retried: the same answer would come back."""


class DeadlinePassed(TimeoutError):
    """The request's whole-request deadline passed before it was done."""


def deadline_of(request: httpx.Request) -> float:
    """The monotonic time by which `request` must be answered in full: its timeout
    (notion-client puts `timeout` in every one of httpx's timeout slots) from now."""
    timeouts = request.extensions.get("timeout") or {}
    seconds = timeouts.get("read")
    return math.inf if seconds is None else time.monotonic() + float(seconds)


def time_left(deadline: float) -> float:
    """Seconds until `deadline`; past it, DeadlinePassed."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise DeadlinePassed("the whole-request timeout passed")
    return left


def check_size(size: int, request: httpx.Request) -> None:
    if size > MAX_ANSWER_BYTES:
        raise AnswerTooLarge(
            f"the answer is larger than {MAX_ANSWER_BYTES / (1024 * 1024):g} MiB", request=request
        )


def read_capped(chunks: Iterable[bytes], request: httpx.Request) -> bytes:
    """All of an answer's body, refused once it grows past MAX_ANSWER_BYTES."""
    parts: list[bytes] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        check_size(size, request)
        parts.append(chunk)
    return b"".join(parts)
