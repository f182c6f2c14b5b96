"""Politeness and resilience for every request: one token bucket, one pause on 429,
retries with backoff, a circuit breaker, and counts taken where the bytes go out.

notion-client 3.1.0 does no pacing and retries only some failures, so all of that lives
in an httpx transport under it: every request (retries included) passes one token
bucket and one concurrency gate, a 429 pauses the whole client for Retry-After, and the
counts equal what the server saw.

Retry-After is Notion's to choose, so it is also a way for a broken or hostile server
to stall a build: one wait is capped (`max_retry_after`), all of a build's waits
together are capped (`max_rate_limit_wait`), and past either the request fails with
one line instead of sleeping.
"""

from __future__ import annotations

import json
import math
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

import httpx

from .limits import AnswerTooLarge

MIN_RATE = 0.5
"""Requests per second the pacer never goes below: Notion's documented floor is 3."""
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504, 529})
DEFAULT_RETRY_AFTER = 1.0
"""Seconds a 429 waits when its Retry-After is missing or asks for nothing sensible."""
BLOCKED = "public_api_request_blocked"
"""The `rate_limit_reason` of a 429 that must not be retried (access is restricted)."""
RETRIED_FAILURES = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
_ID_SEGMENT = re.compile(
    r"/[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
)
_PROPERTY_SEGMENT = re.compile(r"(/properties/)[^/]+")


def endpoint_name(method: str, path: str) -> str:
    """`GET /v1/blocks/{id}/children`: one bucket per endpoint, whatever the ids."""
    path = _PROPERTY_SEGMENT.sub(r"\1{property_id}", _ID_SEGMENT.sub("/{id}", path))
    return f"{method} {path}"


@dataclass
class RequestMetrics:
    """What went over the wire; shared by all threads, so every change holds the lock."""

    requests: int = 0
    rate_limited: int = 0
    retries: int = 0
    wait_seconds: float = 0.0
    by_endpoint: Counter[str] = field(default_factory=Counter)
    by_status: Counter[str] = field(default_factory=Counter)
    server_date: str | None = None
    """The `Date` header of the latest answer: Notion's clock, which stamps edits."""
    first_server_date: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, endpoint: str, status: str) -> None:
        with self._lock:
            self.requests += 1
            self.by_endpoint[endpoint] += 1
            self.by_status[status] += 1
            if status == "429":
                self.rate_limited += 1

    def add(self, *, retries: int = 0, wait: float = 0.0) -> None:
        with self._lock:
            self.retries += retries
            self.wait_seconds += wait


class Pacer:
    """A token bucket shared by every thread, a pause that a 429 imposes on all of them,
    and a rate that drops after repeated 429s and climbs back slowly."""

    def __init__(self, rate: float, on_pause: Callable[[float], None] | None = None) -> None:
        self.configured_rate = rate
        self.rate = rate
        self.on_pause = on_pause
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._successes = 0
        self._lock = threading.Lock()

    def wait_turn(self) -> float:
        """Block until this thread may send; returns the seconds waited. A thread takes
        a slot 1/rate after the previous one; a 429 that arrives while it waits sends it
        back to wait out the pause and take a new slot after it."""
        waited = 0.0
        slot: float | None = None
        while True:
            with self._lock:
                now = time.monotonic()
                if now < self._paused_until:
                    slot = None
                    delay = self._paused_until - now
                else:
                    if slot is None:
                        slot = max(now, self._next_slot)
                        self._next_slot = slot + 1.0 / self.rate
                    if slot <= now:
                        return waited
                    delay = slot - now
            time.sleep(delay)
            waited += delay

    def pause_extension(self, retry_after: float) -> float:
        """How much later than the current pause a pause of `retry_after` would end: the
        wall-clock time a 429 adds, whoever else is already waiting."""
        with self._lock:
            now = time.monotonic()
            return max(0.0, now + retry_after - max(self._paused_until, now))

    def rate_limited(self, retry_after: float) -> None:
        """Everyone waits out Retry-After, and the rate halves so it does not happen
        again; 429s that answer requests sent before the pause count once."""
        with self._lock:
            now = time.monotonic()
            fresh = now >= self._paused_until
            self._paused_until = max(self._paused_until, now + retry_after)
            self._next_slot = max(self._next_slot, self._paused_until)
            if fresh:
                self.rate = max(self.rate * 0.5, MIN_RATE)
                self._successes = 0
        if fresh and self.on_pause is not None:
            self.on_pause(retry_after)

    def succeeded(self) -> None:
        """Every 50 clean answers the rate climbs 10 % back towards the configured one."""
        if self.rate >= self.configured_rate:
            return
        with self._lock:
            self._successes += 1
            if self._successes >= 50:
                self._successes = 0
                self.rate = min(self.rate * 1.1, self.configured_rate)


class CircuitBreaker:
    """Stops sending after many consecutive failures, so a dead API is not hammered."""

    def __init__(self, threshold: int, cooldown: float = 30.0) -> None:
        self.threshold = threshold
        self.cooldown = cooldown
        self._failures = 0
        self._open_until = 0.0
        self._lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        return time.monotonic() < self._open_until

    def failed(self) -> None:
        with self._lock:
            self._failures += 1
            if self._failures >= self.threshold:
                self._open_until = time.monotonic() + self.cooldown

    def succeeded(self) -> None:
        with self._lock:
            self._failures = 0
            self._open_until = 0.0


class CircuitOpen(httpx.TransportError):
    """Raised instead of sending while the breaker is open."""


@dataclass
class RetryPolicy:
    max_retries: int = 5
    base_delay: float = 0.25
    max_delay: float = 30.0

    def backoff(self, attempt: int) -> float:
        """Exponential with full jitter, so parallel retries do not arrive together."""
        return random.uniform(0, min(self.max_delay, self.base_delay * 2**attempt))


def retry_after(response: httpx.Response) -> float:
    """The seconds a 429 or 529 asks to wait (RFC 9110, 10.2.3): delta-seconds, or an
    HTTP-date read against the answer's own Date header, so that the two clocks need
    not agree. Missing, negative, NaN or unreadable values ask for nothing sensible and
    read as one second; `inf` and huge values are kept, for the cap to refuse."""
    text = response.headers.get("retry-after", "").strip()
    try:
        seconds: float | None = float(text)
    except ValueError:
        seconds = _seconds_until(text, response.headers.get("date"))
    if seconds is None or math.isnan(seconds) or seconds < 0:
        return DEFAULT_RETRY_AFTER
    return seconds


def _seconds_until(text: str, date_header: str | None) -> float | None:
    moment = _http_date(text)
    if moment is None:
        return None
    now = _http_date(date_header or "") or datetime.now(timezone.utc)
    return max(0.0, (moment - now).total_seconds())  # a date in the past: retry now


def _http_date(text: str) -> datetime | None:
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def is_blocked(response: httpx.Response) -> bool:
    """A 429 whose `rate_limit_reason` says access is restricted: retrying cannot help."""
    try:
        body = json.loads(response.content)
    except (ValueError, RecursionError):
        return False
    extra = body.get("additional_data") if isinstance(body, dict) else None
    return isinstance(extra, dict) and extra.get("rate_limit_reason") == BLOCKED


class WaitRefused(httpx.TransportError):
    """Notion asked for a wait past `max_retry_after`, or past what is left of
    `max_rate_limit_wait`: the request fails now instead of sleeping."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def message(self, what: str) -> str:
        return self.reason.replace("{what}", what)


class WaitBudget:
    """How long one client lets Notion make it wait: one Retry-After at most `longest`
    seconds, all of them at most `total`. A pause that every thread waits out counts
    once, as the wall-clock time it adds."""

    def __init__(self, longest: float, total: float) -> None:
        self.longest = longest
        self.total = total
        self.spent = 0.0
        self._lock = threading.Lock()

    def check(self, seconds: float) -> None:
        """Refuses a single wait past the cap."""
        if seconds > self.longest:
            asked = "forever" if math.isinf(seconds) else f"{seconds:g}s"
            raise WaitRefused(
                f"Notion asked to wait {asked} (Retry-After) before retrying {{what}}, "
                f"longer than max_retry_after ({self.longest:g}s); try again later, or "
                "raise max_retry_after"
            )

    def spend(self, seconds: float) -> None:
        """Counts `seconds` of waiting, or refuses them past the total."""
        with self._lock:
            if self.spent + seconds > self.total:
                raise WaitRefused(
                    f"Notion kept rate-limiting {{what}} after {self.spent:.0f}s of waiting "
                    f"for its rate limits, all that max_rate_limit_wait ({self.total:g}s) "
                    "allows; try again later, lower rate_limit, or raise max_rate_limit_wait"
                )
            self.spent += seconds


class PacedTransport(httpx.BaseTransport):
    """Sends each request through the pacer, retries what is worth retrying, counts all."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        pacer: Pacer,
        policy: RetryPolicy,
        metrics: RequestMetrics,
        concurrency: int,
        breaker: CircuitBreaker,
        waits: WaitBudget,
    ) -> None:
        self.inner = inner
        self.pacer = pacer
        self.policy = policy
        self.metrics = metrics
        self.breaker = breaker
        self.waits = waits
        self._slots = threading.Semaphore(concurrency)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        endpoint = endpoint_name(request.method, request.url.path)
        attempt = 0
        while True:
            if self.breaker.is_open:
                raise CircuitOpen("the Notion API kept failing; stopped sending requests")
            response: httpx.Response | None = None
            with self._slots:
                waited = self.pacer.wait_turn()
                try:
                    response = self.inner.handle_request(request)
                    response.read()
                except RETRIED_FAILURES:
                    response = None
                    if attempt >= self.policy.max_retries:
                        self._count(endpoint, "error", waited)
                        self.breaker.failed()
                        raise
                except AnswerTooLarge:
                    self._count(endpoint, "error", waited)  # sent, and answered
                    raise
            status = str(response.status_code) if response is not None else "error"
            self._count(endpoint, status, waited)
            if response is not None and response.status_code not in RETRY_STATUSES:
                date = response.headers.get("date")
                if date:
                    self.metrics.server_date = date
                    self.metrics.first_server_date = self.metrics.first_server_date or date
                self.breaker.succeeded()
                self.pacer.succeeded()
                return response
            final = attempt >= self.policy.max_retries
            if response is not None and response.status_code == 429:
                if is_blocked(response):
                    return response  # notion-client raises it; the error says why
                self._obey_retry_after(response, final=final)
            else:
                self.breaker.failed()
            if final:
                assert response is not None
                return response
            if response is not None:
                response.close()
                if response.status_code == 529 and "retry-after" in response.headers:
                    self._obey_retry_after(response, final=False)
            if response is None or response.status_code != 429:
                delay = self.policy.backoff(attempt)
                self.metrics.add(wait=delay)
                time.sleep(delay)
            attempt += 1
            self.metrics.add(retries=1)

    def _count(self, endpoint: str, status: str, waited: float) -> None:
        self.metrics.record(endpoint, status)
        self.metrics.add(wait=waited)

    def _obey_retry_after(self, response: httpx.Response, *, final: bool) -> None:
        """Every thread waits out Retry-After, within the caps; the last attempt's wait
        is not charged to the budget, since nothing of this request waits for it."""
        seconds = retry_after(response)
        self.waits.check(seconds)
        if not final:
            self.waits.spend(self.pacer.pause_extension(seconds))
        self.pacer.rate_limited(seconds)

    def close(self) -> None:
        self.inner.close()
