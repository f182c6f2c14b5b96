"""Peak memory of downloading large files, to show it does not grow with file size.

Why: downloads used to be held in memory whole (about concurrency x max_asset_size, 260 MB
measured for four large files); they now stream to disk. This serves FILES files of
SIZE MiB from a local HTTP server (bytes made as they are sent, in this process) and
downloads them with the asset store in a fresh child process, which reports its peak
RSS (VmHWM). Nothing leaves 127.0.0.1.

Run (from the repository root, in the venv):
    python bench/bench_downloads.py                       # 4 x 50 MiB, this checkout
    python bench/bench_downloads.py --files 4 --size 50 --code /tmp/before  # another copy

`--code DIR` imports mkdocs_notion_sync from DIR instead (e.g. an older commit made with
`git archive COMMIT mkdocs_notion_sync | tar -x -C DIR`), for before/after figures.
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

CHUNK = b"\x5a" * (1 << 16)


class _Streaming(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    size = 0

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(self.size))
        self.end_headers()
        left = self.size
        while left > 0:
            piece = CHUNK[: min(len(CHUNK), left)]
            self.wfile.write(piece)
            left -= len(piece)

    def log_message(self, format: str, *args: object) -> None:
        pass


def _peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child(urls: list[str], size_mb: float, concurrency: int) -> None:
    """Downloads every URL as a Notion-hosted file with the asset store; prints JSON."""
    from concurrent.futures import ThreadPoolExecutor

    from mkdocs_notion_sync.settings import Settings
    from mkdocs_notion_sync.site.assets import AssetStore
    from mkdocs_notion_sync.sync.cache import Cache

    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            cache_dir=Path(folder), max_asset_size=size_mb + 1, concurrency=concurrency
        )
        cache = Cache(Path(folder))
        pool = ThreadPoolExecutor(concurrency)
        store = AssetStore(cache, settings, pool)
        files = [(f"block-{i}", {"type": "file", "file": {"url": u}}) for i, u in enumerate(urls)]
        started = time.monotonic()
        for owner, file in files:
            store.submit(owner, file)
        lookup = getattr(store, "lookup", None)
        local_name = getattr(store, "local_name", None)  # the API before lookup(), for --code
        names = []
        for owner, file in files:
            if lookup is not None:
                names.append(lookup(owner, file).name)
            else:
                assert local_name is not None
                names.append(local_name(owner, file))
        seconds = time.monotonic() - started
        store.close()
        pool.shutdown()
        cache.close()
    print(
        json.dumps(
            {
                "downloaded": sum(1 for n in names if n),
                "seconds": round(seconds, 2),
                "peak_rss_mb": round(_peak_rss_mb(), 1),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=4)
    parser.add_argument("--size", type=float, default=50.0, help="MiB per file")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--code", type=Path, help="import mkdocs_notion_sync from here")
    parser.add_argument("--child", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child, args.size, args.concurrency)
        return
    _Streaming.size = int(args.size * 1024 * 1024)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Streaming)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    env = dict(os.environ)
    if args.code:
        env["PYTHONPATH"] = str(args.code.resolve())
    results = {}
    for label, count in (("no download", 0), (f"{args.files} x {args.size:g} MiB", args.files)):
        urls = [f"{base}/file-{i}.bin" for i in range(count)]
        out = subprocess.run(
            [sys.executable, __file__, "--size", str(args.size), "--concurrency",
             str(args.concurrency), "--child", *urls],
            env=env, capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        results[label] = json.loads(out.strip().splitlines()[-1])
    server.shutdown()
    print(f"code: {args.code or 'this checkout'}, concurrency {args.concurrency}")
    print("| run | files downloaded | seconds | peak RSS MB |\n|---|---|---|---|")
    for label, row in results.items():
        print(f"| {label} | {row['downloaded']} | {row['seconds']} | {row['peak_rss_mb']} |")


if __name__ == "__main__":
    main()
