"""Live preview: edit-to-served latency and rebuilds per edit under `mkdocs serve`, with
Notion as users meet it (issue #23).

Why: the issue's claim is "one edit, one rebuild", and on a 1,000-page site an edit
served within poll_interval + 5 s with `mkdocs serve --dirty`. This measures both on the
benchmark workspace (bench/generate.py) served by the emulator on 127.0.0.1.

A `mkdocs build` first fills the cache unthrottled (a cold sync of 1,000 pages at 3
requests/s is minutes of waiting that measures nothing here); then, for serve, Notion is
throttled as users meet it:
3 requests/s (Faults(rate_limit=3)) and 100-400 ms per answer (slow_seconds 0.1 to
slow_max_seconds 0.4), the plugin at rate_limit 3. Each edit changes one paragraph
through the emulator's workspace API; the latency is from that call until the served
HTML shows the new text (polled every 0.1 s); rebuilds are the plugin's summary lines
in serve's log, counted until `--quiet` seconds after the last edit was served.

Run (from the repository root, in the venv with the dev extra; nothing leaves 127.0.0.1):
    python bench/bench_serve.py --pages 1000 --dirty
    python bench/bench_serve.py --pages 200 --edits 2
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

TOKEN = "secret_bench_token"
SUMMARY = re.compile(r"notion-sync: \d+ pages \(.* in ([0-9.]+)s$")
"""The plugin's summary line, one per build (not its progress lines)."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _shows(url: str, text: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return text in response.read().decode("utf-8", "replace")
    except OSError:
        return False


def _wait(url: str, text: str, timeout: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if _shows(url, text):
            return time.monotonic() - started
        time.sleep(0.1)
    raise SystemExit(f"{url} did not show {text!r} within {timeout:.0f}s")


def _paragraphs(workspace: Any, page_ids: list[str], count: int) -> list[tuple[str, str]]:
    """(page id, paragraph block id) of `count` pages spread over the workspace."""
    found: list[tuple[str, str]] = []
    step = max(1, len(page_ids) // (count + 1))
    for page_id in page_ids[step::step]:
        for child in workspace.blocks[page_id].children:
            if workspace.blocks[child].type == "paragraph":
                found.append((page_id, child))
                break
        if len(found) == count:
            break
    return found


def _url_of(staged: Path, marker: str, port: int) -> str:
    """The served URL of the page whose staged Markdown holds `marker`."""
    for path in staged.rglob("*.md"):
        if marker in path.read_text(encoding="utf-8", errors="replace"):
            relative = path.relative_to(staged).as_posix()[:-3]
            folder = relative[: -len("index")] if relative.endswith("index") else relative + "/"
            return f"http://127.0.0.1:{port}/{folder}"
    raise SystemExit(f"no staged page holds {marker!r}")


def main() -> None:
    from bench.generate import generate
    from notion_emulator import Emulator, Workspace

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=1)
    parser.add_argument("--poll", type=float, default=2.0, help="poll_interval, seconds")
    parser.add_argument("--dirty", action="store_true", help="mkdocs serve --dirty")
    parser.add_argument("--quiet", type=float, default=30.0, help="seconds watched after")
    parser.add_argument("--out", type=Path, default=None, help="write the figures as JSON")
    args = parser.parse_args()

    data, stats = generate(args.pages, 42)
    workspace = Workspace.from_dict(data)
    work = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    (work / "docs").mkdir()
    (work / "docs/index.md").write_text("# Bench\n", encoding="utf-8")
    config = {
        "site_name": "Bench",
        "theme": {"name": "material"},
        "plugins": [
            "search",
            {
                "notion-sync": {
                    "sources": [{"page": stats.root_id, "dest": "bench"}],
                    "rate_limit": 3,
                    "poll_interval": args.poll,
                }
            },
        ],
    }
    (work / "mkdocs.yml").write_text(json.dumps(config), encoding="utf-8")
    with Emulator(workspace, token=TOKEN, port=0) as emulator:
        port = _free_port()
        env = {
            **os.environ,
            "NOTION_TOKEN": TOKEN,
            "NOTION_SYNC_API_URL": emulator.url,
            "DISABLE_MKDOCS_2_WARNING": "true",
        }
        edits = _paragraphs(workspace, stats.page_ids, args.edits)
        markers = [
            str(workspace.blocks[b].payload["rich_text"][0]["plain_text"]).strip()[:40]
            for _, b in edits
        ]
        cold = time.monotonic()
        subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "-q"],
            cwd=work,
            env={**env, "NOTION_SYNC_RATE_LIMIT": "10000"},  # the cold sync, unthrottled
            check=True,
        )
        cold_seconds = time.monotonic() - cold
        # Notion as users meet it, from here on.
        emulator.faults.rate_limit = 3.0
        emulator.faults.slow_seconds = 0.1
        emulator.faults.slow_max_seconds = 0.4
        command = [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"]
        process = subprocess.Popen(
            [*command, *(["--dirty"] if args.dirty else [])],
            cwd=work,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL) and None,
        )
        lines: list[str] = []

        def read() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                lines.append(line.rstrip("\n"))

        reader = threading.Thread(target=read, daemon=True)
        reader.start()

        def builds() -> int:
            return sum(bool(SUMMARY.search(line)) for line in lines)

        try:
            started = time.monotonic()
            while builds() < 1:
                if process.poll() is not None or time.monotonic() - started > 1800:
                    raise SystemExit("serve did not build:\n" + "\n".join(lines[-30:]))
                time.sleep(0.5)
            first = time.monotonic() - started
            urls = [_url_of(work / ".cache/plugin/notion-sync/site", m, port) for m in markers]
            _wait(urls[0], markers[0], 600)
            time.sleep(args.poll * 2)
            before = builds()
            emulator.stats.reset()
            latencies: list[float] = []
            for index, ((_page, block), url) in enumerate(zip(edits, urls, strict=True)):
                text = f"Edited for the benchmark, edit {index + 1}."
                workspace.set_text(block, text)
                latencies.append(_wait(url, text, 900))
            time.sleep(args.quiet)
            rebuilds = builds() - before
            requests = emulator.stats.snapshot()
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
            reader.join(5)
    build_times = [float(m.group(1)) for line in lines if (m := SUMMARY.search(line))]
    served = [line for line in lines if "Documentation built in" in line]
    figures = {
        "pages": stats.pages,
        "dirty": args.dirty,
        "poll_interval": args.poll,
        "cold_build_seconds": round(cold_seconds, 1),
        "serve_first_build_seconds": round(first, 1),
        "edits": args.edits,
        "latencies_seconds": [round(x, 2) for x in latencies],
        "median_latency_seconds": round(statistics.median(latencies), 2),
        "rebuilds": rebuilds,
        "quiet_seconds": args.quiet,
        "requests_after_throttling": requests["total"],
        "rate_limited": requests["rate_limited"],
        "sync_seconds": build_times,
        "mkdocs_builds": [line.split("built in ")[-1] for line in served],
    }
    print(json.dumps(figures, indent=2))
    if args.out:
        args.out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
