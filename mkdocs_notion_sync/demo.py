"""`demo: true`: the bundled emulator serves the demo workspace in-process, so the example
site builds with no token and no network. One starter, for the plugin and the command."""

from __future__ import annotations

from typing import Any

from .log import log


class Demo:
    """The demo workspace on an ephemeral port of 127.0.0.1, until `stop()`."""

    def __init__(self) -> None:
        from notion_emulator import DEMO_TOKEN, Emulator, Workspace

        self.token: str = DEMO_TOKEN
        self._emulator: Any = Emulator(Workspace.demo(), token=DEMO_TOKEN, port=0).start()
        self.url: str = str(self._emulator.url)
        log.info("demo workspace served by the bundled emulator at %s", self.url)

    def stop(self) -> None:
        self._emulator.stop()
