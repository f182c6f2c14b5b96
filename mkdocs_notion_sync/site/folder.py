"""A folder that the sync shares with people: docs_dir, where hand-written pages live
next to the Notion pages `mkdocs-notion-sync sync` writes for generators that run no
MkDocs plugin (Zensical).

The sync's files are recorded in a manifest (`.notion-sync/manifest.json`: each file's
SHA-256, size and mtime), which is how it tells its own files from everyone else's:

- a file it did not write is never overwritten or deleted; a Notion page that would land
  on one (by name, or at the same URL) is one error naming both, before anything is written;
- a file it wrote that was changed since (by hand, by another tool) is treated the same
  way: it is no longer the sync's to overwrite, and it is left in place, not deleted,
  when its Notion page goes away;
- a file whose bytes did not change is not rewritten, so its mtime stays and a watching
  server (`zensical serve`) rebuilds only what changed; a removed page's file goes.

Every write is a temporary file renamed into place, so a reader sees the old file or the
new one. The manifest is written before the files with both the old and the new hash of
each file about to change, so a sync killed half-way leaves files the next sync still
knows as its own.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..atomic import write_atomically
from ..errors import FolderError
from ..places import site_file
from .manifest import MANIFEST, META_DIR, Record, dump_manifest, parse_manifest

_CHUNK = 1 << 20


def _file_mode() -> int:
    """The mode a file made by anyone here gets (0644 under the usual umask): mkstemp
    makes its files 0600, and a page or image that only its owner can read breaks the
    web server or the CI step that publishes the folder."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


@dataclass(frozen=True)
class Wanted:
    """One file the sync wants in the folder: bytes, or a file to copy (a page staged in
    the cache, read when needed so that a big site's pages are never all in memory; or
    a downloaded asset, whose name is the hash of its content)."""

    what: str
    """For messages: `the Notion page 'Guide' (1f2e...)`."""
    data: bytes | None = None
    source: Path | None = None
    named_by_content: bool = False
    """The same path always holds the same bytes (assets): no need to compare them."""

    def digest(self) -> str:
        if self.data is not None:
            return hashlib.sha256(self.data).hexdigest()
        assert self.source is not None
        return file_digest(self.source)


@dataclass
class Changes:
    """What one sync did to the folder."""

    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    left: list[str] = field(default_factory=list)
    """Files whose Notion page is gone but which were changed since the sync wrote them."""


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def served_at(path: str) -> str:
    """The URL (directory URLs, as MkDocs and Zensical default to) a Markdown file is
    published at: `a/index.md`, `a/README.md` and `a.md` are all `a/`."""
    stem = path.removesuffix(".md")
    head, _, name = stem.rpartition("/")
    if name in ("index", "README"):
        return f"{head}/" if head else "/"
    return f"{stem}/"


class SyncFolder:
    """The files the sync owns under `root`, and the one way to change them."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    # -- reading ---------------------------------------------------------------------

    def owned(self) -> dict[str, Record]:
        """The manifest's files (none before the first sync)."""
        path = self.root / MANIFEST
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as error:
            raise FolderError(f"cannot read {path} ({error.strerror or error})") from None
        try:
            return parse_manifest(raw)
        except ValueError as error:
            raise FolderError(
                f"{path} is damaged ({error}): restore it (from version control, say), or "
                f"delete it together with the files the sync wrote, then sync again"
            ) from None

    def as_left(self, owned: Mapping[str, Record] | None = None) -> set[str]:
        """The sync's files that are still as it wrote them (what a build with the
        plugin may replace by its own copies of the same pages)."""
        found = set()
        for rel, record in (self.owned() if owned is None else owned).items():
            st = _lstat(self.root / rel)
            if st is not None and stat.S_ISREG(st.st_mode) and self._is_ours(rel, st, record):
                found.add(rel)
        return found

    def hand_written_pages(self, owned: Mapping[str, Record]) -> list[str]:
        """Every Markdown file under root that the sync did not write, skipping dot files
        and dot folders as the generators do."""
        pages = []
        for folder, dirs, files in os.walk(self.root):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            base = Path(folder).relative_to(self.root).as_posix()
            for name in sorted(files):
                if name.endswith(".md") and not name.startswith("."):
                    rel = name if base == "." else f"{base}/{name}"
                    if rel not in owned:
                        pages.append(rel)
        return pages

    # -- changing --------------------------------------------------------------------

    def publish(self, wanted: Mapping[str, Wanted]) -> Changes:
        """Make the sync's files exactly `wanted` (site path -> content). Every clash is
        found before anything is written; the first is the error."""
        owned = self.owned()
        problems: list[str] = []
        writes: dict[str, Wanted] = {}
        digests: dict[str, str] = {}
        records: dict[str, Record] = {}
        changes = Changes()
        by_url = {served_at(p): p for p in self.hand_written_pages(owned)}
        for rel in sorted(wanted):
            want = wanted[rel]
            target = self._target(rel)
            problem = self._in_the_way(rel, target, want, by_url)
            if problem:
                problems.append(problem)
                continue
            decision, record, digest = self._decide(rel, target, want, owned.get(rel))
            if decision == "write":
                writes[rel] = want
                digests[rel] = digest or self._want_digest(want)
            elif decision == "same":
                assert record is not None
                records[rel] = record
                changes.unchanged += 1
            else:
                problems.append(decision)
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            raise FolderError(problems[0] + more)
        removals = {rel: record for rel, record in owned.items() if rel not in wanted}
        final = dict(records)
        if not writes and not removals and final == owned:
            return changes  # nothing on disk changes, not even the manifest
        pending = {**owned, **final}
        for rel, digest in digests.items():
            old = owned[rel].sha256 if rel in owned else ()
            pending[rel] = Record(tuple(dict.fromkeys([*old, digest])))
        self._write_manifest(pending)
        for rel, want in writes.items():
            final[rel] = self._write(rel, want)
            changes.written.append(rel)
        for rel, record in sorted(removals.items()):
            if self._remove(rel, record):
                changes.removed.append(rel)
            elif _lstat(self.root / rel) is not None:
                changes.left.append(rel)
        self._write_manifest(final)
        return changes

    def write_meta(self, name: str, data: bytes) -> bool:
        """A file of the sync's own folder (`.notion-sync/<name>`), written only when its
        bytes change (a watching generator then sees no change). True when written."""
        target = self.root / META_DIR / name
        try:
            if target.read_bytes() == data:
                return False
        except OSError:
            pass
        self._atomic(f"{META_DIR}/{name}", lambda handle: handle.write(data))
        return True

    # -- the decisions -----------------------------------------------------------------

    def _target(self, rel: str) -> Path:
        if site_file(rel) != rel or rel.split("/", 1)[0] == META_DIR:
            raise FolderError(f"refusing to write {rel!r}: not a plain path inside {self.root}")
        return self.root / rel

    def _in_the_way(
        self, rel: str, target: Path, want: Wanted, by_url: Mapping[str, str]
    ) -> str | None:
        """A hand-written page at the same URL, a file where a folder must go, or a
        folder that leads outside root (a symbolic link)."""
        if rel.endswith(".md"):
            other = by_url.get(served_at(rel))
            if other is not None and other != rel:
                return (
                    f"{self._show(other)} (not written by notion-sync) and {want.what} would "
                    f"both be published at {served_at(rel)}; rename or move the file, or "
                    "change the source's dest"
                )
        probe = target.parent
        while probe != self.root and not probe.exists() and not probe.is_symlink():
            probe = probe.parent
        real = probe.resolve()
        if real != self.root and self.root not in real.parents:
            return (
                f"{self._show(rel)} would be written outside {self.root} (through the link "
                f"{probe}); replace the link by a folder, or change the source's dest"
            )
        if not probe.is_dir():
            return (
                f"{self._show(probe.relative_to(self.root).as_posix())} is a file where "
                f"the folder of {want.what} must go; rename or move it, or change the "
                "source's dest"
            )
        return None

    def _decide(
        self, rel: str, target: Path, want: Wanted, record: Record | None
    ) -> tuple[str, Record | None, str | None]:
        """("write" | "same" | why not, the record of a file kept, its new hash if known)."""
        st = _lstat(target)
        if st is None:
            return "write", None, None
        if record is None:
            return (
                f"{self._show(rel)} is in the way of {want.what}, and notion-sync did not "
                "write it; rename or move the file, or change the source's dest",
                None,
                None,
            )
        if stat.S_ISREG(st.st_mode) and record.untouched(st):
            if want.named_by_content:
                return "same", record, None
            digest = self._want_digest(want)
            return ("same", record, None) if record.sha256 == (digest,) else ("write", None, digest)
        if stat.S_ISREG(st.st_mode):
            on_disk = self._digest(rel)
            digest = self._want_digest(want)
            if on_disk == digest:
                return "same", Record((digest,), st.st_size, st.st_mtime_ns), None
            if on_disk in record.sha256:
                return "write", None, digest
        return (
            f"{self._show(rel)} was changed since notion-sync wrote it ({want.what}); "
            "move your changes elsewhere (edit the page in Notion) and delete the file, "
            "then sync again",
            None,
            None,
        )

    def _want_digest(self, want: Wanted) -> str:
        with self._disk(str(want.source or "a page"), "read"):
            return want.digest()

    def _is_ours(self, rel: str, st: os.stat_result, record: Record) -> bool:
        return record.untouched(st) or self._digest(rel) in record.sha256

    def _digest(self, rel: str) -> str:
        with self._disk(rel, "read"):
            return file_digest(self.root / rel)

    # -- the disk ----------------------------------------------------------------------

    def _write(self, rel: str, want: Wanted) -> Record:
        if want.data is not None:
            data = want.data
            digest = self._atomic(rel, lambda handle: handle.write(data))
        else:
            source = want.source
            assert source is not None

            def copy(handle: Any) -> None:
                with self._disk(str(source), "read"), source.open("rb") as stored:
                    while chunk := stored.read(_CHUNK):
                        handle.write(chunk)

            digest = self._atomic(rel, copy)
        st = (self.root / rel).stat()
        return Record((digest,), st.st_size, st.st_mtime_ns)

    def _atomic(self, rel: str, fill: Any) -> str:
        """Write through a temporary file of its own, renamed into place; the SHA-256
        of what was written."""
        target = self.root / rel
        with self._disk(rel, "write"):
            write_atomically(target, fill, mode=_file_mode())
            return file_digest(target)

    def _remove(self, rel: str, record: Record) -> bool:
        """Delete a file the sync wrote, if it still is as the sync left it."""
        target = self.root / rel
        st = _lstat(target)
        if st is None or not stat.S_ISREG(st.st_mode) or not self._is_ours(rel, st, record):
            return False
        with self._disk(rel, "delete"):
            target.unlink(missing_ok=True)
            folder = target.parent
            while folder != self.root:
                try:
                    folder.rmdir()  # only when empty: a hand-written file keeps its folder
                except OSError:
                    break
                folder = folder.parent
        return True

    def _write_manifest(self, records: Mapping[str, Record]) -> None:
        text = dump_manifest(records)
        self._atomic(MANIFEST, lambda handle: handle.write(text))

    def _show(self, rel: str) -> str:
        return f"{self.root.name}/{rel}"

    @contextmanager
    def _disk(self, rel: str, doing: str) -> Iterator[None]:
        """A disk that is full or read-only is one line naming the file."""
        try:
            yield
        except OSError as error:
            raise FolderError(
                f"cannot {doing} {rel} under {self.root} ({error.strerror or error}); free "
                "some disk space or make the folder writable"
            ) from None


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return path.lstat()
    except (FileNotFoundError, NotADirectoryError):
        return None
