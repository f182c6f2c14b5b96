"""Shared fixtures."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from mkdocs_notion_sync import settings
from notion_emulator import DEMO_TOKEN, Emulator, Workspace

from .support.workspaces import TOKEN

TEST_VERSION = os.environ.get("NOTION_TEST_API_VERSION")
"""Runs the whole suite on another Notion API version (CI runs it on 2025-09-03 too):
the default every build gets, in this process and in the builds it starts."""


@pytest.fixture(autouse=True)
def notion_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test sees the test token and none of the developer's NOTION_SYNC_*
    settings (an exported NOTION_SYNC_OFFLINE would otherwise change what tests see)."""
    monkeypatch.setenv("NOTION_TOKEN", TOKEN)
    for name in list(os.environ):
        if name.startswith("NOTION_SYNC_"):
            monkeypatch.delenv(name)
    if TEST_VERSION:
        monkeypatch.setattr(settings, "DEFAULT_NOTION_VERSION", TEST_VERSION)
        monkeypatch.setenv("NOTION_SYNC_NOTION_VERSION", TEST_VERSION)


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    """The demo workspace served on an ephemeral port, stopped after the test."""
    with Emulator(Workspace.demo(), token=DEMO_TOKEN, port=0) as emu:
        yield emu
