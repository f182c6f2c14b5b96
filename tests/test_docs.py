"""The project's documentation builds with --strict, and its generated pages are there."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from mkdocs_notion_sync.config import NotionSyncConfig, SourceConfig

ROOT = Path(__file__).resolve().parent.parent


def test_docs_build_strict(tmp_path: Path) -> None:
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", "mkdocs.yml", "-d", str(site)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]

    reference = (site / "configuration" / "index.html").read_text(encoding="utf-8")
    for name, _option in [*NotionSyncConfig._schema, *SourceConfig._schema]:
        assert f"<code>{name}</code>" in reference, f"option {name!r} missing from the reference"
        assert f'id="option-{name}"' in reference or f'id="source-{name}"' in reference
    assert "NOTION_SYNC_OFFLINE" in reference

    blocks = (site / "blocks" / "index.html").read_text(encoding="utf-8")
    for block_type in ("paragraph", "callout", "synced_block", "unsupported"):
        assert f"<code>{block_type}</code>" in blocks
    assert "notion-block-example" not in blocks  # every placeholder was replaced
