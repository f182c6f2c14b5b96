"""The folder of rendered pages under cache_dir/site, which MkDocs reads them from.

Pages are written to disk rather than held in memory (Material's blog plugin also opens
posts by path), and a page whose Markdown did not change keeps its file and mtime, so
`mkdocs serve --dirty` rebuilds only what changed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError


@dataclass(frozen=True)
class StagedPage:
    """A rendered page, written under cache_dir/site: MkDocs (and Material's blog, which
    opens posts by path) read it from there, and memory holds none of it."""

    path: str
    file: Path
    page_id: str
    notion_url: str


class Staging:
    """The folder of rendered pages; unchanged pages keep their mtime (for `--dirty`)."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.written: set[Path] = set()

    def _target(self, relative: str) -> Path:
        target = (self.root / relative).resolve()
        if self.root not in target.parents:
            raise ConfigError(f"refusing to write {relative!r} outside {self.root}")
        return target

    def has(self, relative: str) -> bool:
        return self._target(relative).is_file()

    def put(self, relative: str, text: str | None) -> Path:
        """Write the page, or (text None) keep the copy a previous build staged."""
        if text is None:
            target = self._target(relative)
            self.written.add(target)
            return target
        return self.write(relative, text)

    def write(self, relative: str, text: str) -> Path:
        target = self._target(relative)
        self.written.add(target)
        data = text.encode("utf-8")
        if target.is_file() and target.read_bytes() == data:
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.part")
        temporary.write_bytes(data)
        os.replace(temporary, target)
        return target

    def prune(self) -> None:
        """Pages deleted in Notion disappear from the staging folder too."""
        if not self.root.is_dir():
            return
        for path in self.root.rglob("*"):
            if path.is_file() and path not in self.written:
                path.unlink(missing_ok=True)
