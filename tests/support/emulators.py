"""The one way tests start an emulator: a workspace (dict or Workspace) served on an
ephemeral port of 127.0.0.1 with the test token, stopped when the block ends."""

from __future__ import annotations

from typing import Any

from notion_emulator import Emulator, Workspace

from .workspaces import TOKEN


def emulate(workspace: dict[str, Any] | Workspace, **options: Any) -> Emulator:
    """`with emulate(handbook(), file_ttl=0.5) as emu:`; options go to the Emulator."""
    served = workspace if isinstance(workspace, Workspace) else Workspace.from_dict(workspace)
    return Emulator(served, **{"token": TOKEN, **options})
