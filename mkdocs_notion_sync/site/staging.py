"""The folder of rendered pages under cache_dir/site, which MkDocs reads them from.

Pages are written to disk rather than held in memory (Material's blog plugin also opens
posts by path), and a page whose Markdown did not change keeps its file and mtime, so
`mkdocs serve --dirty` rebuilds only what changed. Each write goes to a temporary file of
its own (never a shared name) and is renamed into place, so a reader sees the old page or
the new one; one build at a time stages (the cache_dir's lock, sync/lock.py), so pruning
never removes another build's pages.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..atomic import write_atomically
from ..errors import CacheError, ConfigError


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
        with self._disk(relative):
            if target.is_file() and target.read_bytes() == data:
                return target
            write_atomically(target, data)
        return target

    def prune(self) -> None:
        """Pages deleted in Notion disappear from the staging folder too (and anything
        a killed build left half-written)."""
        if not self.root.is_dir():
            return
        with self._disk("the staged pages"):
            for path in self.root.rglob("*"):
                if path.is_file() and path not in self.written:
                    path.unlink(missing_ok=True)

    @contextmanager
    def _disk(self, what: str) -> Iterator[None]:
        """A disk that is full or read-only is one line naming the folder."""
        try:
            yield
        except OSError as error:
            raise CacheError(
                f"cannot write {what} under {self.root} ({error.strerror or error}); free "
                "some disk space or make cache_dir writable"
            ) from None
