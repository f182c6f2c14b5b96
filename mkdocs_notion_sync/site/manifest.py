"""The manifest of the files `sync` wrote into a folder (`.notion-sync/manifest.json`):
each file's SHA-256, size and mtime, which is how site/folder.py tells the sync's files
from everyone else's. It is read as untrusted: a manifest that names a path outside the
folder, or is not one at all, must never make the sync overwrite or delete anything.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..places import site_file

META_DIR = ".notion-sync"
"""The sync's own folder inside the one it writes into; generators skip dot folders."""
MANIFEST = f"{META_DIR}/manifest.json"
MANIFEST_FORMAT = 1
_HEX = frozenset("0123456789abcdef")


@dataclass(frozen=True)
class Record:
    """What the manifest knows of one file the sync wrote."""

    sha256: tuple[str, ...]
    """The contents the sync may have left there: one, or (while a sync is writing)
    the old and the new."""
    size: int | None = None
    mtime_ns: int | None = None

    def untouched(self, st: os.stat_result) -> bool:
        """The file is as the sync left it, by its size and mtime (no need to read it)."""
        return len(self.sha256) == 1 and self.size == st.st_size and self.mtime_ns == st.st_mtime_ns


def dump_manifest(records: Mapping[str, Record]) -> bytes:
    files = {
        rel: {"sha256": list(r.sha256), "size": r.size, "mtime_ns": r.mtime_ns}
        for rel, r in sorted(records.items())
    }
    document = {"format": MANIFEST_FORMAT, "generator": "mkdocs-notion-sync", "files": files}
    return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def parse_manifest(raw: bytes) -> dict[str, Record]:
    """The files of a manifest, every one checked; ValueError says what is wrong."""
    try:
        document = json.loads(raw)
    except (ValueError, TypeError) as error:
        raise ValueError(str(error)) from None
    return _records(document)


def _records(document: Any) -> dict[str, Record]:
    """The manifest's files, every one checked: a manifest that names a path outside the
    folder (or is not one at all) must never make the sync delete anything."""
    if not isinstance(document, dict) or document.get("format") != MANIFEST_FORMAT:
        raise ValueError(f"not a format {MANIFEST_FORMAT} manifest")
    files = document.get("files")
    if not isinstance(files, dict):
        raise ValueError("no files")
    records = {}
    for rel, entry in files.items():
        if not isinstance(rel, str) or site_file(rel) != rel or rel.startswith(f"{META_DIR}/"):
            raise ValueError(f"{rel!r} is not a path inside the folder")
        if not isinstance(entry, dict):
            raise ValueError(f"the entry of {rel!r} is not an object")
        hashes = entry.get("sha256")
        size, mtime = entry.get("size"), entry.get("mtime_ns")
        if (
            not isinstance(hashes, list)
            or not hashes
            or not all(isinstance(h, str) and len(h) == 64 and set(h) <= _HEX for h in hashes)
            or not (size is None or (type(size) is int and size >= 0))
            or not (mtime is None or type(mtime) is int)
        ):
            raise ValueError(f"the entry of {rel!r} is not a file record")
        records[rel] = Record(tuple(hashes), size, mtime)
    return records
