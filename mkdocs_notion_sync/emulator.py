"""`python -m mkdocs_notion_sync.emulator`, the command the user contract names, kept for
the emulator that now lives in its own package: `python -m notion_emulator`."""

from __future__ import annotations

import sys

from notion_emulator.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
