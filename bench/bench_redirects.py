"""What redirects cost a build (issue #21): warm `mkdocs build` of the benchmark
workspace with `redirects: false`, with `redirects: true` (one id URL per page), and
with `redirects: true` after 10 % of the pages were renamed (their old URLs too).

Why: each page gets an id-URL redirect file, so a site has about twice as many files;
this measures what that adds to a warm build, next to the build itself.

Run (from the repository root, in the venv with the dev extra; nothing leaves 127.0.0.1):
    python bench/bench_redirects.py --pages 1000 --repeat 3

Each row is the median wall time of `--repeat` in-process warm builds (the emulator in
the same process, rate limit lifted), and the count of files in site_dir.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

TOKEN = "secret_bench_token"


def _site(root: Path, api_url: str, root_id: str, redirects: bool) -> Path:
    import yaml

    from mkdocs_notion_sync.render import MARKDOWN_EXTENSIONS

    (root / "docs").mkdir(parents=True, exist_ok=True)
    (root / "docs/index.md").write_text("# Home\n", encoding="utf-8")
    plugin: dict[str, Any] = {
        "api_url": api_url,
        "rate_limit": 10_000,
        "poll_interval": 0,
        "redirects": redirects,
        "sources": [{"page": root_id, "dest": "handbook"}],
    }
    config = {
        "site_name": "Bench",
        "theme": {"name": "material"},
        "plugins": ["search", {"notion-sync": plugin}],
        "markdown_extensions": MARKDOWN_EXTENSIONS,
    }
    path = root / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def _build(config: Path) -> float:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.config.defaults import MkDocsConfig

    MkDocsConfig.plugins.plugin_cache.clear()  # type: ignore[attr-defined]
    started = time.monotonic()
    cfg = load_config(str(config))
    cfg.plugins.on_startup(command="build", dirty=False)
    try:
        build(cfg)
    finally:
        cfg.plugins.on_shutdown()
    return time.monotonic() - started


def _files(site: Path) -> int:
    return sum(1 for p in site.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    os.environ["NOTION_TOKEN"] = TOKEN
    os.environ["DISABLE_MKDOCS_2_WARNING"] = "true"

    from bench.generate import generate
    from notion_emulator import Emulator, Workspace

    workspace, _stats = generate(args.pages)
    served = Workspace.from_dict(workspace)
    root_id = str(workspace["pages"][0]["id"])
    rows: list[tuple[str, float, int]] = []
    with tempfile.TemporaryDirectory() as folder, Emulator(served, token=TOKEN) as emulator:
        root = Path(folder)
        for redirects in (False, True):
            config = _site(root, emulator.url, root_id, redirects)
            _build(config)  # cold for the first, then warm
            times = [_build(config) for _ in range(args.repeat)]
            label = f"warm, redirects: {'true' if redirects else 'false'}"
            rows.append((label, statistics.median(times), _files(root / "site")))
        pages = [p for p in served.pages.values() if str(p.id) != root_id]
        renamed = pages[: max(1, len(pages) // 10)]
        for page in renamed:
            served.rename_page(str(page.id), f"Renamed {page.id}")
        _build(config)  # fetches the renamed pages
        times = [_build(config) for _ in range(args.repeat)]
        rows.append(
            (f"warm, redirects: true, {len(renamed)} renamed", statistics.median(times),
             _files(root / "site"))
        )  # fmt: skip
    print(f"| {args.pages} pages | median s of {args.repeat} | files in site |")
    print("|---|---|---|")
    for label, seconds, files in rows:
        print(f"| {label} | {seconds:.2f} | {files} |")


if __name__ == "__main__":
    main()
