"""Files replaced whole or not at all: written to a temporary file beside the target,
then renamed over it.

Whoever reads the file (MkDocs, a generator, the next build, a reviewer's `git diff`)
sees the old content or the new, never half of it; a write that fails (a full disk,
Ctrl-C) leaves the old file as it was and no temporary file behind. The staged pages,
the files the sync writes into docs_dir and the redirects file all go through here.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def write_atomically(
    target: Path, content: bytes | Callable[[BinaryIO], None], *, mode: int | None = None
) -> None:
    """`content`: the bytes, or a function that writes them into the open file (a copy
    streamed in chunks); `mode`, when given, is set before the rename (mkstemp makes
    files 0600)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(content, bytes):
                handle.write(content)
            else:
                content(handle)
            if mode is not None:
                os.fchmod(handle.fileno(), mode)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
