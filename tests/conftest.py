"""Shared fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mkdocs_notion_sync.emulator import DEMO_TOKEN, Emulator, Workspace


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    """The demo workspace served on an ephemeral port, stopped after the test."""
    with Emulator(Workspace.demo(), token=DEMO_TOKEN, port=0) as emu:
        yield emu
