"""The plugin's one logger, and the collector of one build's warnings.

`log` is the logger `mkdocs.plugins.get_plugin_logger("notion-sync")` returns (the same
`mkdocs.plugins.notion-sync` logger, prefixing each message with `notion-sync: `), made
here without importing MkDocs so that the core stays generator-agnostic: under
`mkdocs.plugins` its warnings count for `mkdocs build --strict`.

It is also where secrets are kept out of every message: `redact` knows the token and the
credentials of `api_url`, a filter on the logger applies it to every line, and the
command line, `check --json` and the plugin's errors apply it to what they print.
"""

from __future__ import annotations

import logging
import re
from collections.abc import MutableMapping
from typing import Any
from urllib.parse import unquote, urlsplit

LOGGER_NAME = "mkdocs.plugins.notion-sync"
PREFIX = "notion-sync"


class PrefixedLogger(logging.LoggerAdapter):  # type: ignore[type-arg]
    """Every message starts with `notion-sync: `, the contract's prefix; lines made
    whole elsewhere (the summary and progress lines, which the command line prints
    too) already carry it and keep it once."""

    def process(self, msg: Any, kwargs: MutableMapping[str, Any]) -> tuple[Any, Any]:
        text = str(msg)
        return (text if text.startswith(f"{PREFIX}: ") else f"{PREFIX}: {text}"), kwargs


_USERINFO = re.compile(r"\b([a-zA-Z][a-zA-Z0-9+.-]*://)[^/\s@?#]+@")
"""The `user:password@` of any URL in a message, whoever wrote the message."""


class Redactor:
    """Replaces every known secret in a text with `***`.

    Secrets are registered once (the token when the options are read; the environment's
    tokens when the command line starts) and stay known for the life of the process: a
    message quoting an old token is still a leak."""

    MIN_LENGTH = 8
    """Shorter pieces are not secrets worth blanking ordinary words for (real tokens are
    50 characters; a 3-character line of a broken paste reveals nothing)."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()

    def add_token(self, token: str | None) -> None:
        """The token, and each line of it: a token pasted with a line break shows up in
        messages split (`Bearer abc\\ndef` in a header error)."""
        if token:
            self._add(token.strip(), *token.split())

    def add_url(self, url: str | None) -> None:
        """The credentials of a URL (`https://user:password@host`), as written and decoded."""
        try:
            netloc = urlsplit(url or "").netloc
        except ValueError:
            return
        userinfo, at, _host = netloc.rpartition("@")
        if at:
            user, _colon, password = userinfo.partition(":")
            self._add(*{userinfo, user, password, unquote(user), unquote(password)})

    def _add(self, *values: str) -> None:
        self._secrets.update(v for v in values if len(v) >= self.MIN_LENGTH)

    def __call__(self, text: str) -> str:
        text = _USERINFO.sub(r"\1***@", text)
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, "***")
        return text


redact = Redactor()
"""The one redaction, for log lines, errors and everything the command line prints."""


class _RedactingFilter(logging.Filter):
    """Every record of the plugin's logger, redacted before any handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


_logger = logging.getLogger(LOGGER_NAME)
if not any(isinstance(f, _RedactingFilter) for f in _logger.filters):
    _logger.addFilter(_RedactingFilter())
log = PrefixedLogger(_logger, {})


class Warnings:
    """One build's WARNINGs: each is logged once, when it happens, and kept.

    Passed to every stage that can warn (the walk, the fetch, the assets, the pages),
    instead of a callback threaded through each signature."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self._seen: set[str] = set()

    def __call__(self, message: str) -> None:
        self.warn(message)

    def warn(self, message: str) -> None:
        message = redact(message)  # kept (and perhaps cached), not only logged
        if message in self._seen:
            return
        self._seen.add(message)
        self.messages.append(message)
        log.warning(message)

    def __len__(self) -> int:
        return len(self.messages)
