"""The Zensical path on the benchmark workspace: `mkdocs-notion-sync sync` into docs_dir
(cold, warm, after 1 % of the pages were edited), `zensical build` from clean and with
Zensical's own cache, and beside them a warm `mkdocs build` with the plugin, all driven
by one mkdocs.yml and one Notion cache (issue #18).

Why: the issue's claim is that Zensical is also the fast path for big sites; this
measures it here, with what the emulator saw as the request counts.

Run (from the repository root, in the venv with the dev extra; nothing leaves 127.0.0.1):
    python bench/bench_zensical.py --pages 1000 --repeat 3 --out bench/out/zensical
    python bench/bench_zensical.py --pages 1000 --sync-only --out bench/out/zensical-sync

The two steps after the edit run once (a second run would find nothing changed). Each
step is a fresh process (the command a user types), timed from start to exit in wall
and CPU seconds (on a shared machine the wall time moves with the load; CPU time much
less); its peak RSS is the VmHWM of that process, read from /proc while it runs (so the
emulator, which lives in this process, is not counted). Steps run `--repeat` times and
report the median; a cold sync starts from an empty cache and an empty docs folder each
time, a clean Zensical build with `--clean`. The Notion cache sits outside `.cache/`
(`cache_dir: .notion-sync-cache`) because `zensical build --clean` deletes `.cache/`.
Results go to OUT/zensical-<pages>.json and are printed as a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

TOKEN = "secret_bench_token"
JSON = dict[str, Any]


def write_site(root: Path, api_url: str, root_id: str) -> Path:
    """mkdocs.yml for both generators: bench/run.py's site plus awesome-nav (Zensical's
    nav files) and the sync's Markdown extension."""
    from bench.run import write_site as write_bench_site

    return write_bench_site(
        root,
        {"root": root_id, "api_url": api_url},
        concurrency=8,
        cache_dir=".notion-sync-cache",
        plugins=("awesome-nav",),
        extensions=("mkdocs_notion_sync.markdown_extension",),
    )


def peak_of(pid: int) -> float | None:
    """VmHWM of a running process in MB, or None once it has gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def run(command: list[str], cwd: Path, log: Path) -> JSON:
    """One command to its end: wall seconds, peak RSS, exit status."""
    env = {
        **os.environ,
        "NO_PROXY": "127.0.0.1,localhost",
        "NO_MKDOCS_2_WARNING": "1",
        "DISABLE_MKDOCS_2_WARNING": "true",
        "PYTHONPATH": str(REPO),
    }
    started = time.perf_counter()
    with log.open("ab") as out:
        out.write(f"\n$ {' '.join(command)}\n".encode())
        out.flush()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=out)
        peak = 0.0
        while True:
            # wait4 gives this child's own CPU time (the machine is shared: wall time
            # moves with the load, CPU time much less).
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, peak_of(process.pid) or 0.0)
            time.sleep(0.05)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}); see {log}")
    cpu = usage.ru_utime + usage.ru_stime
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_rss_mb": peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "zensical")
    parser.add_argument(
        "--sync-only", action="store_true", help="only the sync steps (no site builds)"
    )
    args = parser.parse_args()

    from bench.generate import generate
    from bench.run import Bench
    from notion_emulator import Emulator, Workspace

    bin_dir = Path(sys.executable).parent
    sync = [str(bin_dir / "mkdocs-notion-sync"), "-f", "mkdocs.yml", "sync"]
    zensical = [str(bin_dir / "zensical"), "build", "-f", "mkdocs.yml"]
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "-f", "mkdocs.yml"]

    data, stats = generate(args.pages, args.seed)
    workspace = Workspace.from_dict(data)
    del data
    work = args.out / f"site-{args.pages}"
    args.out.mkdir(parents=True, exist_ok=True)
    log = args.out / f"zensical-{args.pages}.log"
    log.write_text("")
    rows: dict[str, list[JSON]] = {}

    def step(
        name: str, command: list[str], emulator: Any, before: Any = None, repeat: int = 0
    ) -> JSON:
        for _ in range(repeat or args.repeat):
            if before is not None:
                before()
            counted = emulator.stats.snapshot()["total"]
            result = run(command, work, log)
            result["requests"] = emulator.stats.snapshot()["total"] - counted
            rows.setdefault(name, []).append(result)
            print(
                f"  {name}: {result['seconds']:.2f}s ({result['cpu_seconds']:.2f}s CPU), "
                f"{result['requests']} requests, {result['peak_rss_mb']:.0f} MB",
                flush=True,
            )
        return rows[name][-1]

    def fresh() -> None:
        shutil.rmtree(work, ignore_errors=True)
        write_site(work, emulator.url, stats.root_id)

    with Emulator(workspace, token=TOKEN, port=0) as emulator:
        print(f"== {args.pages} pages, emulator at {emulator.url}", flush=True)
        step("sync cold", sync, emulator, before=fresh)
        step("sync warm", sync, emulator)
        if not args.sync_only:
            step("zensical build --clean", [*zensical, "--clean"], emulator)
            step("zensical build (cached)", zensical, emulator)
            step("mkdocs build (plugin, warm)", mkdocs, emulator)
        edited = Bench.edit_pages(workspace, stats.page_ids, max(1, args.pages // 100))
        # Once each: a second run would find nothing changed.
        step("sync after 1 % edited", sync, emulator, repeat=1)
        if not args.sync_only:
            step("zensical build (cached) after the edit", zensical, emulator, repeat=1)

    table = [
        "| step | median s | runs (s) | median CPU s | requests | peak RSS MB |",
        "|---|---|---|---|---|---|",
    ]
    for name, results in rows.items():
        seconds = [r["seconds"] for r in results]
        cpu = statistics.median(r["cpu_seconds"] for r in results)
        table.append(
            f"| {name} | {statistics.median(seconds):.2f} | "
            f"{', '.join(f'{s:.1f}' for s in seconds)} | {cpu:.2f} | "
            f"{results[0]['requests']} | {max(r['peak_rss_mb'] for r in results):.0f} |"
        )
    text = "\n".join(table)
    print(f"\n{args.pages} pages ({edited} edited for the steps after the edit):\n\n{text}")
    (args.out / f"zensical-{args.pages}.json").write_text(
        json.dumps({"pages": args.pages, "edited": edited, "rows": rows}, indent=2) + "\n"
    )


if __name__ == "__main__":
    main()
