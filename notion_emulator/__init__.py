"""A Notion API emulator: a real HTTP server on 127.0.0.1 with Notion's JSON shapes.

It lets the plugin, its tests and the example site run with no token and no network, and
it misbehaves on request (rate limits, 5xx, dropped connections, expiring file URLs) so
the client's resilience can be tested against the same failures production shows.

Demo workspace ids (see demo/workspace.json):

* root page "Acme Handbook": ``1f2e3d4c-5b6a-7988-1f2e-3d4c5b6a7988``
* database "Changelog":      ``8a7b6c5d-4e3f-2100-8a7b-6c5d4e3f2100``
* its data source:           ``8a7b6c5d-4e3f-2100-9a7b-6c5d4e3f2101``
* token:                     ``secret_demo``
"""

from .api import ApiError
from .clock import Clock
from .faults import Faults, Stats
from .files import HostedFile, png_bytes
from .server import DEMO_TOKEN, Emulator
from .workspace import Workspace, WorkspaceError

DEMO_ROOT_PAGE_ID = "1f2e3d4c-5b6a-7988-1f2e-3d4c5b6a7988"
DEMO_DATABASE_ID = "8a7b6c5d-4e3f-2100-8a7b-6c5d4e3f2100"
DEMO_DATA_SOURCE_ID = "8a7b6c5d-4e3f-2100-9a7b-6c5d4e3f2101"

__all__ = [
    "DEMO_DATABASE_ID",
    "DEMO_DATA_SOURCE_ID",
    "DEMO_ROOT_PAGE_ID",
    "DEMO_TOKEN",
    "ApiError",
    "Clock",
    "Emulator",
    "Faults",
    "HostedFile",
    "Stats",
    "Workspace",
    "WorkspaceError",
    "png_bytes",
]
