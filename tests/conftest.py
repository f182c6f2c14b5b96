"""Shared fixtures."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from notion_emulator import DEMO_TOKEN, Emulator, Workspace

from .support.workspaces import TOKEN


@pytest.fixture(autouse=True)
def notion_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test sees the test token and none of the developer's NOTION_SYNC_*
    settings (an exported NOTION_SYNC_OFFLINE would otherwise change what tests see)."""
    monkeypatch.setenv("NOTION_TOKEN", TOKEN)
    for name in list(os.environ):
        if name.startswith("NOTION_SYNC_"):
            monkeypatch.delenv(name)


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    """The demo workspace served on an ephemeral port, stopped after the test."""
    with Emulator(Workspace.demo(), token=DEMO_TOKEN, port=0) as emu:
        yield emu
