"""Notion ids: dashed UUIDs, stable across runs when derived from a seed and a path."""

from __future__ import annotations

import hashlib
import re

_HEX32 = re.compile(r"^[0-9a-fA-F]{32}$")


def derive_id(seed: str, path: str) -> str:
    """A uuid4-looking id from a hash, so generated workspaces keep their ids between runs."""
    digest = hashlib.sha1(f"{seed}\x00{path}".encode()).hexdigest()[:32]
    raw = digest[:12] + "4" + digest[13:16] + "89ab"[int(digest[16], 16) % 4] + digest[17:]
    return dashed(raw)


def dashed(raw: str) -> str:
    return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:32]}"


def normalize_id(value: str) -> str | None:
    """The dashed lower-case form of a compact or dashed id, None if it is not one."""
    compact = value.replace("-", "")
    if len(compact) != 32 or not _HEX32.match(compact):
        return None
    return dashed(compact.lower())


def compact(value: str) -> str:
    return value.replace("-", "")
