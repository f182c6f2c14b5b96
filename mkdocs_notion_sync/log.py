"""The plugin's one logger, and the collector of one build's warnings.

`log` is the logger `mkdocs.plugins.get_plugin_logger("notion-sync")` returns (the same
`mkdocs.plugins.notion-sync` logger, prefixing each message with `notion-sync: `), made
here without importing MkDocs so that the core stays generator-agnostic: under
`mkdocs.plugins` its warnings count for `mkdocs build --strict`.
"""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from typing import Any

LOGGER_NAME = "mkdocs.plugins.notion-sync"
PREFIX = "notion-sync"


class PrefixedLogger(logging.LoggerAdapter):  # type: ignore[type-arg]
    """Every message starts with `notion-sync: `, the contract's prefix; lines made
    whole elsewhere (the summary and progress lines, which the command line prints
    too) already carry it and keep it once."""

    def process(self, msg: Any, kwargs: MutableMapping[str, Any]) -> tuple[Any, Any]:
        text = str(msg)
        return (text if text.startswith(f"{PREFIX}: ") else f"{PREFIX}: {text}"), kwargs


log = PrefixedLogger(logging.getLogger(LOGGER_NAME), {})


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
        if message in self._seen:
            return
        self._seen.add(message)
        self.messages.append(message)
        log.warning(message)

    def __len__(self) -> int:
        return len(self.messages)
