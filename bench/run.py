"""Throughput, request and memory benchmarks of mkdocs-notion-sync against the emulator.

Why: the plugin promises to be fast, polite and incremental on large workspaces; this
measures it on synthetic workspaces of 1,000-20,000 pages (bench/generate.py) served by
the project's emulator on 127.0.0.1, next to notion2md and a plain sequential script
(bench/baseline.py) reading the same workspace from the same emulator in the same run.

Run (from the repository root, in the venv; nothing leaves 127.0.0.1):
    python bench/run.py --sizes 1000,5000 --out bench/out/
    python bench/run.py --sizes 20000 --scenarios cold,warm --skip-peers
    python bench/run.py --sizes 200 --scenarios throttled
    python bench/run.py --sizes 5000 --scenarios profile --out bench/out/profile
    python bench/run.py --out bench/out --merge bench/out/profile/results.json  # tables only

Cold and peer scenarios run `--repeat` times (default 3) and keep the median run.

Scenarios (`--scenarios`, comma-separated, default all but profile):
    cold       cold sync, emulator unthrottled, plugin rate_limit 10000, concurrency 4 and 8
    peers      notion2md (page by page through its library API) and bench/baseline.py
    warm       second sync on the same cache_dir, nothing changed
    changed    sync after 1 % of the pages were edited through the emulator's workspace API
    poll       the serve-time change check, Pipeline.poll(), with nothing changed
    build      whole `mkdocs build` (material theme, search plugin), cold then warm
    throttled  cold sync at 3 requests/s (emulator Faults(rate_limit=3), plugin rate_limit
               3, concurrency 4) compared with the floor required_requests / 3
    profile    yappi (CPU, every thread) of a cold and a warm sync, and tracemalloc
               snapshots of a cold sync

Each measurement runs in a fresh subprocess (`run.py --child SPEC`), so peak RSS
(VmHWM from /proc/self/status at the end of the child; not ru_maxrss, which Linux carries
over from the forking parent across execve) is per scenario; the emulator lives in this
parent process, so its memory is not counted, and its CPU use is reported as `emu CPU%`
(100 % means the emulator was the bottleneck). Request counts are what the emulator saw
(`Emulator.stats`). Results accumulate in OUT/results.json (re-running a size replaces
its rows); OUT/summary.md holds the
tables and OUT/scaling.png the plot (skipped when matplotlib is missing).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import random
import resource
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

TOKEN = "secret_bench_token"
MARKER = "BENCH_RESULT "
FAST_RATE = 10_000.0
"""The plugin's maximum rate_limit: "unthrottled"."""
ALL_SCENARIOS = ("cold", "peers", "warm", "changed", "poll", "build", "throttled")
JSON = dict[str, Any]


# ---------------------------------------------------------------------------- child side


def current_rss_mb() -> float:
    """Resident set size now, from /proc (Linux)."""
    with open("/proc/self/statm", encoding="ascii") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def rss_parts_mb() -> dict[str, float]:
    """RssAnon (heap) and RssFile (mapped files: libraries, SQLite's mmap of the cache)."""
    parts: dict[str, float] = {}
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            key = line.split(":", 1)[0]
            if key in ("RssAnon", "RssFile", "RssShmem", "VmHWM", "VmRSS"):
                parts[key] = int(line.split()[1]) / 1024
    return parts


def peak_rss_mb() -> float:
    """VmHWM: the high-water mark of this process's own address space. Not ru_maxrss:
    Linux carries ru_maxrss across execve, so a child forked from the parent (which holds
    the emulator's workspace) would report the parent's RSS as its own peak."""
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def count_blocks(blocks: Any) -> int:
    total = 0
    stack = list(blocks) if isinstance(blocks, list) else []
    while stack:
        block = stack.pop()
        total += 1
        children = block.get("children") if isinstance(block, dict) else None
        if isinstance(children, list):
            stack.extend(children)
    return total


@dataclass
class Phases:
    """Wall seconds of the pipeline's parts, measured by wrapping them in the child."""

    fetch: float = 0.0
    """SourceWalk.run: the walk, requests, cache writes (asset downloads overlap it)."""
    render: float = 0.0
    """PageComposer.compose: cache read + front matter + conversion, per page."""
    convert: float = 0.0
    """render_blocks alone."""
    blocks: int = 0
    cache_read: float = 0.0
    """Cache.get_page on the main thread (during rendering)."""
    front_matter: float = 0.0
    stage: float = 0.0
    """Staging.write: rendered pages written under cache_dir/site."""
    assets_wait: float = 0.0
    """AssetStore.close: waiting for downloads still running."""
    rss_after_fetch_mb: float = 0.0
    rss_anon_after_fetch_mb: float = 0.0


def instrument(phases: Phases) -> None:
    """Wraps the core's phase functions with timers (this process only)."""
    from mkdocs_notion_sync import render
    from mkdocs_notion_sync.site import assets, compose, staging
    from mkdocs_notion_sync.sync import cache, walk

    main = threading.main_thread()

    def timed(owner: Any, name: str, slot: str, main_only: bool = False) -> None:
        original = getattr(owner, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if main_only and threading.current_thread() is not main:
                return original(*args, **kwargs)
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                setattr(phases, slot, getattr(phases, slot) + time.perf_counter() - started)

        setattr(owner, name, wrapper)

    original_run = walk.SourceWalk.run

    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original_run(self, *args, **kwargs)
        finally:
            phases.fetch += time.perf_counter() - started
            phases.rss_after_fetch_mb = current_rss_mb()
            phases.rss_anon_after_fetch_mb = rss_parts_mb().get("RssAnon", 0.0)

    walk.SourceWalk.run = run  # type: ignore[method-assign]
    original_convert = render.render_blocks  # what compose imported

    def render_blocks(blocks: Any, ctx: Any, *args: Any) -> str:
        phases.blocks += count_blocks(blocks)
        started = time.perf_counter()
        try:
            return original_convert(blocks, ctx, *args)
        finally:
            phases.convert += time.perf_counter() - started

    compose.__dict__["render_blocks"] = render_blocks
    timed(compose.PageComposer, "compose", "render")
    timed(compose, "front_matter", "front_matter")
    timed(cache.Cache, "get_page", "cache_read", main_only=True)
    timed(staging.Staging, "write", "stage")
    timed(assets.AssetStore, "close", "assets_wait")


class WarningCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0
        self.first: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        if len(self.first) < 5:
            self.first.append(record.getMessage()[:200])


def settings_for(spec: JSON) -> Any:
    from mkdocs_notion_sync.settings import Settings
    from mkdocs_notion_sync.sync.model import Source

    return Settings(
        sources=[Source(kind="page", id=spec["root"], dest="handbook")],
        cache_dir=Path(spec["cache_dir"]),
        token=TOKEN,
        api_url=spec["api_url"],
        concurrency=int(spec.get("concurrency", 4)),
        rate_limit=float(spec.get("rate_limit", FAST_RATE)),
        max_retries=int(spec.get("max_retries", 8)),
    )


@contextlib.contextmanager
def profiled(mode: str | None, result: JSON, out_dir: Path, label: str) -> Iterator[None]:
    """yappi over every thread (CPU clock), or tracemalloc, around the block."""
    if mode == "yappi":
        import yappi

        yappi.set_clock_type("cpu")
        yappi.start(builtins=True, profile_threads=True)
        try:
            yield
        finally:
            yappi.stop()
            stats = yappi.get_func_stats()
            rows = []
            total = sum(stat.tsub for stat in stats)
            for stat in stats:
                rows.append(
                    {
                        "function": f"{_short_path(stat.module)}:{stat.lineno}:{stat.name}",
                        "ncall": stat.ncall,
                        "tsub": stat.tsub,
                        "ttot": stat.ttot,
                    }
                )
            result["profile_total_cpu"] = total
            result["profile_by_self"] = sorted(rows, key=lambda r: -r["tsub"])[:40]
            result["profile_by_total"] = sorted(rows, key=lambda r: -r["ttot"])[:60]
            by_file: dict[str, float] = {}
            for stat in stats:
                key = _short_path(stat.module)
                by_file[key] = by_file.get(key, 0.0) + stat.tsub
            result["profile_by_file"] = sorted(by_file.items(), key=lambda kv: -kv[1])[:25]
            stats.save(str(out_dir / f"profile-{label}.pstat"), type="pstat")
    elif mode == "tracemalloc":
        import tracemalloc

        tracemalloc.start(8)
        try:
            yield
        finally:
            snapshot = tracemalloc.take_snapshot()
            current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            result["traced_current_mb"] = current / 2**20
            result["traced_peak_mb"] = peak / 2**20
            result["traced_top_at_end"] = [
                {"where": str(stat.traceback[0]), "mb": stat.size / 2**20, "count": stat.count}
                for stat in snapshot.statistics("lineno")[:15]
            ]
    else:
        yield


def _short_path(module: str) -> str:
    for marker in ("site-packages/", "/lib/python3.11/", str(REPO) + "/"):
        if marker in module:
            return module.split(marker, 1)[1]
    return module


def memory_probe(result: JSON) -> Callable[[], None]:
    """tracemalloc snapshot at the end of the fetch phase (the tree is complete, nothing
    rendered yet): what the sync itself keeps."""
    import tracemalloc

    from mkdocs_notion_sync.sync import walk

    original = walk.SourceWalk.run

    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        value = original(self, *args, **kwargs)
        if tracemalloc.is_tracing():
            snapshot = tracemalloc.take_snapshot()
            current, peak = tracemalloc.get_traced_memory()
            result["traced_after_fetch_mb"] = current / 2**20
            result["traced_peak_during_fetch_mb"] = peak / 2**20
            result["traced_top_after_fetch"] = [
                {"where": str(stat.traceback[0]), "mb": stat.size / 2**20, "count": stat.count}
                for stat in snapshot.statistics("lineno")[:15]
            ]
        return value

    walk.SourceWalk.run = run  # type: ignore[method-assign]
    return lambda: None


def child_sync(spec: JSON, result: JSON) -> None:
    from mkdocs_notion_sync.pipeline import Session

    phases = Phases()
    instrument(phases)
    if spec.get("profile") == "tracemalloc":
        memory_probe(result)
    session = Session(settings_for(spec))
    result["rss_before_run_mb"] = current_rss_mb()
    out_dir = Path(spec["out_dir"])
    with profiled(spec.get("profile"), result, out_dir, spec.get("label", "sync")):
        started = time.perf_counter()
        outcome = session.build()
        result["wall_seconds"] = time.perf_counter() - started
    report = outcome.report
    result.update(
        report.as_dict(),
        pages=report.pages_total,
        plugin_seconds=report.duration_seconds,
        documents=len(outcome.documents),
        phases=asdict(phases),
        summary=report.summary(),
    )
    polls = int(spec.get("polls", 0))
    if polls:
        times = []
        answers = []
        for _ in range(polls):
            started = time.perf_counter()
            answers.append(session.poll(outcome.synced_ids))
            times.append(time.perf_counter() - started)
        result["poll_seconds"] = times
        result["poll_changed"] = answers
    session.close()


def child_build(spec: JSON, result: JSON) -> None:
    """`mkdocs build` in-process, as the CLI runs it (startup, build, shutdown)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    phases = Phases()
    instrument(phases)
    config_file = Path(spec["config"])
    started = time.perf_counter()
    config = load_config(str(config_file))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
        result["build_seconds"] = time.perf_counter() - started
        plugin: Any = config.plugins["notion-sync"]
        report = plugin.session.report
        result.update(
            report.as_dict(),
            pages=report.pages_total,
            plugin_seconds=report.duration_seconds,
            summary=report.summary(),
            phases=asdict(phases),
        )
    finally:
        config.plugins.on_shutdown()
    result["html_pages"] = sum(1 for _ in (config_file.parent / "site").rglob("*.html"))


def child_notion2md(spec: JSON, result: JSON) -> None:
    """notion2md 2.9 through its library API, one page at a time. Its NotionClient is a
    singleton around notion_client.Client(auth=token); the Client is swapped for one
    whose base_url is the emulator before first use, so nothing reaches api.notion.com."""
    import functools

    import notion_client
    from notion2md import notion_api
    from notion2md.exporter.block import StringExporter

    notion_api.Client = functools.partial(notion_client.Client, base_url=spec["api_url"])
    singleton: Any = notion_api.NotionClient(TOKEN)
    client: Any = singleton._client
    assert str(client.options.base_url).startswith("http://127.0.0.1"), client.options.base_url
    out = Path(spec["work_dir"])
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    ids: list[str] = []
    cursor: str | None = None
    while True:  # page discovery: the search endpoint, 100 pages a request
        body: dict[str, Any] = {"filter": {"property": "object", "value": "page"}}
        if cursor:
            body["start_cursor"] = cursor
        answer: Any = client.search(page_size=100, **body)
        ids.extend(str(item["id"]) for item in answer["results"])
        cursor = answer.get("next_cursor")
        if not answer.get("has_more") or not cursor:
            break
    markdown_bytes = 0
    for page_id in ids:
        exporter = StringExporter(
            block_id=page_id, output_path=str(out), download=True, unzipped=True, token=TOKEN
        )
        markdown_bytes += len(exporter.export().encode())
    seconds = time.perf_counter() - started
    result.update(pages=len(ids), plugin_seconds=seconds, markdown_bytes=markdown_bytes)


def child_baseline(spec: JSON, result: JSON) -> None:
    from bench.baseline import Baseline

    outcome = Baseline(spec["api_url"], TOKEN).run(spec["root"])
    result.update(
        pages=outcome.pages,
        plugin_seconds=outcome.seconds,
        blocks=outcome.blocks,
        api_requests=outcome.requests,
        markdown_bytes=outcome.markdown_bytes,
    )


CHILDREN: dict[str, Callable[[JSON, JSON], None]] = {
    "sync": child_sync,
    "build": child_build,
    "notion2md": child_notion2md,
    "baseline": child_baseline,
}


def child_main(raw: str) -> None:
    spec = json.loads(raw)
    counter = WarningCounter()
    logging.getLogger().addHandler(counter)
    result: JSON = {"rss_after_import_mb": 0.0}
    import mkdocs_notion_sync.pipeline  # noqa: F401  (import cost is part of the baseline RSS)

    result["rss_after_import_mb"] = current_rss_mb()
    started = time.perf_counter()
    CHILDREN[spec["kind"]](spec, result)
    result["child_seconds"] = time.perf_counter() - started
    times = os.times()
    result["child_cpu_seconds"] = times.user + times.system
    result["peak_rss_mb"] = peak_rss_mb()
    result["rss_parts_at_end_mb"] = rss_parts_mb()
    result["warnings"] = counter.count
    result["first_warnings"] = counter.first
    print(MARKER + json.dumps(result), flush=True)


# ---------------------------------------------------------------------------- parent side


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Bench:
    """The parent: hosts the emulator, runs each scenario in a child, keeps results."""

    def __init__(self, out: Path, repeat: int = 1) -> None:
        self.out = out
        self.logs = out / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.results: list[JSON] = []
        self.repeat = repeat

    def median_of(self, emulator: Any, size: int, scenario: str, spec: JSON) -> JSON:
        """Runs a timed scenario `repeat` times (a cold sync from an empty cache each
        time) and keeps the run of median plugin time: this machine's speed drifts by
        +-15 % between runs, and a ratio of two single runs drifts with it."""
        runs = []
        for _ in range(self.repeat):
            if spec.get("cache_dir"):
                shutil.rmtree(spec["cache_dir"], ignore_errors=True)
            runs.append(self.child(emulator, size, scenario, spec))
        for run in runs:
            self.results.remove(run)
        runs.sort(key=lambda run: float(run["plugin_seconds"]))
        chosen = runs[len(runs) // 2]
        chosen["repeats"] = [round(float(run["plugin_seconds"]), 2) for run in runs]
        self.results.append(chosen)
        return chosen

    def child(self, emulator: Any, size: int, scenario: str, spec: JSON) -> JSON:
        spec = {"out_dir": str(self.out), **spec}
        before: Any = emulator.stats.snapshot()
        cpu_before, started = cpu_seconds(), time.perf_counter()
        log_path = self.logs / f"{size}-{scenario}.log"
        command = [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(spec)]
        env = {**os.environ, "PYTHONPATH": str(REPO), "NO_PROXY": "127.0.0.1,localhost"}
        process = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO)
        elapsed = time.perf_counter() - started
        cpu = cpu_seconds() - cpu_before
        after: Any = emulator.stats.snapshot()
        log_path.write_text(process.stdout + "\n--- stderr ---\n" + process.stderr)
        lines = [ln for ln in process.stdout.splitlines() if ln.startswith(MARKER)]
        if process.returncode != 0 or not lines:
            raise RuntimeError(f"{scenario} at {size} failed; see {log_path}")
        result: JSON = json.loads(lines[-1][len(MARKER) :])
        endpoints = {
            key: after["by_endpoint"].get(key, 0) - before["by_endpoint"].get(key, 0)
            for key in after["by_endpoint"]
        }
        result.update(
            size=size,
            scenario=scenario,
            server_requests=after["total"] - before["total"],
            server_429=after["rate_limited"] - before["rate_limited"],
            server_by_endpoint={k: v for k, v in endpoints.items() if v},
            server_file_downloads=after["file_downloads"] - before["file_downloads"],
            process_seconds=elapsed,
            emulator_cpu_pct=100.0 * cpu / elapsed if elapsed else 0.0,
            time=time.strftime("%Y-%m-%dT%H:%M:%S"),
        )
        self.results.append(result)
        print(row_text(result), flush=True)
        return result

    # -- scenarios ----------------------------------------------------------

    def run_size(
        self, size: int, scenarios: set[str], seed: int, cold_concurrency: list[int]
    ) -> None:
        from bench.generate import generate
        from notion_emulator import Emulator, Workspace

        started = time.perf_counter()
        data, stats = generate(size, seed)
        (self.out / f"ws-{size}.json").write_text(json.dumps(data), encoding="utf-8")
        workspace = Workspace.from_dict(data)
        del data
        print(
            f"\n== {size} pages: {stats.regular_pages} regular, {stats.databases} databases, "
            f"{stats.entries} entries, ~{stats.blocks} blocks, {stats.images} images; "
            f"generated and loaded in {time.perf_counter() - started:.1f}s",
            flush=True,
        )
        work = self.out / "work" / str(size)
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        with Emulator(workspace, token=TOKEN, port=0) as emulator:
            base = {"api_url": emulator.url, "root": stats.root_id}
            if "throttled" in scenarios:
                self.throttled(emulator, size, base, work)
            if "cold" in scenarios:
                for concurrency in cold_concurrency:
                    self.median_of(
                        emulator,
                        size,
                        f"cold-c{concurrency}",
                        {
                            **base,
                            "kind": "sync",
                            "cache_dir": str(work / f"cold-c{concurrency}"),
                            "concurrency": concurrency,
                        },
                    )
            if "peers" in scenarios:
                self.median_of(emulator, size, "baseline", {**base, "kind": "baseline"})
                self.median_of(
                    emulator,
                    size,
                    "notion2md",
                    {**base, "kind": "notion2md", "work_dir": str(work / "notion2md")},
                )
            warm_cache = work / "cold-c8"
            if scenarios & {"warm", "changed", "poll"} and not warm_cache.exists():
                self.child(
                    emulator,
                    size,
                    "prep-cold-c8",
                    {**base, "kind": "sync", "cache_dir": str(warm_cache), "concurrency": 8},
                )
            warm = {**base, "kind": "sync", "cache_dir": str(warm_cache), "concurrency": 8}
            if "warm" in scenarios:
                self.child(emulator, size, "warm", warm)
            if "changed" in scenarios:
                edited = self.edit_pages(workspace, stats.page_ids, max(1, size // 100))
                result = self.child(emulator, size, "warm-1pct", warm)
                result["edited_pages"] = edited
            if "poll" in scenarios:
                self.child(emulator, size, "poll", {**warm, "polls": 3})
            if "build" in scenarios:
                site = work / "site"
                config = write_site(site, base, concurrency=4)
                self.child(emulator, size, "build-cold", {"kind": "build", "config": str(config)})
                self.child(emulator, size, "build-warm", {"kind": "build", "config": str(config)})
            if "profile" in scenarios:
                cache = work / "profile"
                self.child(
                    emulator,
                    size,
                    "profile-cold",
                    {
                        **base,
                        "kind": "sync",
                        "cache_dir": str(cache),
                        "concurrency": 8,
                        "profile": "yappi",
                        "label": f"cold-{size}",
                    },
                )
                self.child(
                    emulator,
                    size,
                    "profile-warm",
                    {
                        **base,
                        "kind": "sync",
                        "cache_dir": str(cache),
                        "concurrency": 8,
                        "profile": "yappi",
                        "label": f"warm-{size}",
                    },
                )
                self.child(
                    emulator,
                    size,
                    "memory-cold",
                    {
                        **base,
                        "kind": "sync",
                        "cache_dir": str(work / "memory"),
                        "concurrency": 8,
                        "profile": "tracemalloc",
                    },
                )

    def throttled(self, emulator: Any, size: int, base: JSON, work: Path) -> None:
        """The floor is the requests a cold sync needs (counted unthrottled) over 3/s."""
        need = self.child(
            emulator,
            size,
            "throttle-reference",
            {**base, "kind": "sync", "cache_dir": str(work / "reference"), "concurrency": 4},
        )
        emulator.faults.rate_limit = 3.0
        try:
            result = self.child(
                emulator,
                size,
                "cold-3rps",
                {
                    **base,
                    "kind": "sync",
                    "cache_dir": str(work / "throttled"),
                    "concurrency": 4,
                    "rate_limit": 3.0,
                },
            )
        finally:
            emulator.faults.rate_limit = None
        required = int(need["server_requests"])
        floor = required / 3.0
        result["required_requests"] = required
        result["floor_seconds"] = floor
        result["floor_ratio"] = result["plugin_seconds"] / floor
        print(
            f"   floor {floor:.1f}s for {required} requests: plugin took "
            f"{result['plugin_seconds']:.1f}s = {result['floor_ratio']:.3f}x the floor, "
            f"{result['server_429']} x 429",
            flush=True,
        )

    @staticmethod
    def edit_pages(workspace: Any, page_ids: list[str], count: int) -> int:
        """Edits one paragraph on `count` pages, stamped in the previous minute (as if
        the edit happened a minute before this build), so the same-minute rule of the
        change check does not force a second fetch."""
        chosen = random.Random(7).sample(page_ids, count)
        workspace.advance(-60)
        edited = 0
        try:
            for page_id in chosen:
                for block_id in workspace.blocks[page_id].children:
                    if workspace.blocks[block_id].type == "paragraph":
                        workspace.set_text(block_id, f"Edited for the benchmark ({page_id[:8]}).")
                        edited += 1
                        break
        finally:
            workspace.advance(60)
        return edited

    # -- output -------------------------------------------------------------

    def save(self) -> list[JSON]:
        path = self.out / "results.json"
        previous: list[JSON] = []
        if path.is_file():
            previous = json.loads(path.read_text(encoding="utf-8"))
        fresh = {(r["size"], r["scenario"]) for r in self.results}
        merged = [r for r in previous if (r["size"], r["scenario"]) not in fresh] + self.results
        merged.sort(key=lambda r: (r["size"], r.get("time", "")))
        path.write_text(json.dumps(merged, indent=1), encoding="utf-8")
        return merged


def write_site(
    root: Path,
    base: JSON,
    *,
    concurrency: int,
    cache_dir: str = ".cache/notion-sync",
    plugins: tuple[str, ...] = (),
    extensions: tuple[str, ...] = (),
) -> Path:
    """A project folder with mkdocs.yml (material theme, search, any other `plugins`) and
    docs/index.md; bench_zensical.py writes its site with it too."""
    import yaml

    from mkdocs_notion_sync.render import MARKDOWN_EXTENSIONS

    docs = root / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "index.md").write_text("# Home\n\nHand-written home page.\n", encoding="utf-8")
    config = {
        "site_name": "Bench site",
        "theme": {"name": "material"},
        "plugins": [
            "search",
            *plugins,
            {
                "notion-sync": {
                    "sources": [{"page": base["root"], "dest": "handbook"}],
                    "api_url": base["api_url"],
                    "token": TOKEN,
                    "cache_dir": cache_dir,
                    "concurrency": concurrency,
                    "rate_limit": FAST_RATE,
                    "poll_interval": 0,
                }
            },
        ],
        "markdown_extensions": [*extensions, *MARKDOWN_EXTENSIONS],
    }
    path = root / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def _num(value: Any, digits: int = 1) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def pages_per_minute(result: JSON) -> float | None:
    seconds = result.get("build_seconds") or result.get("plugin_seconds")
    pages = result.get("pages")
    if not seconds or not pages:
        return None
    return float(pages) / float(seconds) * 60.0


HEADER = (
    "| size | scenario | pages | pages/min | req/page | requests | 429s | plugin s | "
    "build s | peak RSS MB | emu CPU% |"
)


def row_text(result: JSON) -> str:
    pages = result.get("pages") or 0
    requests = result.get("server_requests", 0)
    per_page = requests / pages if pages else None
    return (
        f"| {result['size']} | {result['scenario']} | {_num(pages)} | "
        f"{_num(pages_per_minute(result), 0)} | {_num(per_page, 2)} | {_num(requests)} | "
        f"{_num(result.get('server_429'))} | {_num(result.get('plugin_seconds'), 2)} | "
        f"{_num(result.get('build_seconds'), 2)} | {_num(result.get('peak_rss_mb'), 0)} | "
        f"{_num(result.get('emulator_cpu_pct'), 0)} |"
    )


def find(results: list[JSON], size: int, scenario: str) -> JSON | None:
    for result in results:
        if result["size"] == size and result["scenario"] == scenario:
            return result
    return None


def summary(results: list[JSON]) -> str:
    lines = ["## Figures", "", HEADER, "|" + "---|" * 11]
    lines += [row_text(r) for r in results]
    lines += ["", "## Ratios (our pages/min / theirs)", ""]
    lines += [
        "| size | ours | vs notion2md | vs baseline | plugin / whole build | "
        "runs, plugin s: ours / notion2md |"
    ]
    lines += ["|---|---|---|---|---|---|"]
    for size in sorted({r["size"] for r in results}):
        ours = [find(results, size, f"cold-c{c}") for c in (4, 8)]
        best = max((r for r in ours if r), key=lambda r: pages_per_minute(r) or 0, default=None)
        if best is None:
            continue
        mine = pages_per_minute(best) or 0.0
        cells = [f"{best['scenario']} {mine:,.0f}/min"]
        for peer in ("notion2md", "baseline"):
            theirs = find(results, size, peer)
            rate = pages_per_minute(theirs) if theirs else None
            cells.append(f"{mine / rate:.2f}x" if rate else "-")
        build = find(results, size, "build-cold")
        if build and build.get("build_seconds"):
            cells.append(f"{build['plugin_seconds'] / build['build_seconds']:.2f}")
        else:
            cells.append("-")
        peer = find(results, size, "notion2md")
        cells.append(f"{best.get('repeats', '-')} / {peer.get('repeats', '-') if peer else '-'}")
        lines.append(f"| {size} | " + " | ".join(cells) + " |")
    lines += ["", "## Phases (seconds, from wrapping the core's functions in the child)", ""]
    lines += [
        "| size | scenario | fetch | render | convert | blocks | blocks/s | cache read | "
        "front matter | stage | assets wait | RSS after fetch MB |",
        "|" + "---|" * 12,
    ]
    for r in results:
        ph = r.get("phases")
        if not ph:
            continue
        rate = ph["blocks"] / ph["convert"] if ph["convert"] else None
        lines.append(
            f"| {r['size']} | {r['scenario']} | {ph['fetch']:.2f} | {ph['render']:.2f} | "
            f"{ph['convert']:.2f} | {ph['blocks']:,} | {_num(rate, 0)} | "
            f"{ph['cache_read']:.2f} | {ph['front_matter']:.2f} | {ph['stage']:.2f} | "
            f"{ph['assets_wait']:.2f} | {ph['rss_after_fetch_mb']:.0f} |"
        )
    return "\n".join(lines) + "\n"


def plot(results: list[JSON], path: Path) -> str:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "matplotlib is not installed; no plot"
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    drawn = False
    for scenario, style in (
        ("cold-c4", "o-"),
        ("cold-c8", "s-"),
        ("warm", "^-"),
        ("build-cold", "d--"),
    ):
        points = sorted(
            (
                r["size"],
                r.get("build_seconds") or r["plugin_seconds"],
                r["peak_rss_mb"],
            )
            for r in results
            if r["scenario"] == scenario and r.get("plugin_seconds")
        )
        if len(points) < 1:
            continue
        drawn = True
        sizes = [p[0] for p in points]
        left.plot(sizes, [p[1] for p in points], style, label=scenario)
        right.plot(sizes, [p[2] for p in points], style, label=scenario)
    if not drawn:
        plt.close(fig)
        return "no results to plot"
    for axis, label in ((left, "seconds"), (right, "peak RSS of the build (MB)")):
        axis.set_xlabel("workspace size (pages)")
        axis.set_ylabel(label)
        axis.set_xscale("log")
        axis.grid(True, alpha=0.3)
        axis.legend()
    left.set_title("time (plugin; whole build for build-cold)")
    right.set_title("peak RSS")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return f"plot written to {path}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,5000", help="pages, comma-separated")
    parser.add_argument(
        "--scenarios",
        default=",".join(s for s in ALL_SCENARIOS if s != "throttled"),
        help=f"comma-separated from {', '.join(ALL_SCENARIOS)}, profile; or all",
    )
    parser.add_argument("--skip-peers", action="store_true", help="leave out notion2md/baseline")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--cold-concurrency", default="4,8", help="concurrency values of the cold scenario"
    )
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "out")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs of each cold and peer scenario; the median is kept",
    )
    parser.add_argument(
        "--merge",
        type=Path,
        nargs="*",
        default=None,
        help="results.json files of other runs to fold into OUT/results.json (none: just "
        "report OUT/results.json again)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_main(args.child)
        return
    if args.merge is not None:
        out_dir: Path = args.out.resolve()
        merger = Bench(out_dir)
        for path in args.merge:
            merger.results.extend(json.loads(path.read_text(encoding="utf-8")))
        merged_results = merger.save()
        (out_dir / "summary.md").write_text(summary(merged_results), encoding="utf-8")
        print(summary(merged_results))
        print(plot(merged_results, out_dir / "scaling.png"))
        return
    scenarios = set(
        ALL_SCENARIOS if args.scenarios == "all" else args.scenarios.replace(" ", "").split(",")
    )
    unknown = scenarios - set(ALL_SCENARIOS) - {"profile"}
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    if args.skip_peers:
        scenarios.discard("peers")
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if "throttled" in scenarios and any(size > 1000 for size in sizes):
        parser.error("throttled runs at 3 requests/s: use --sizes of 1000 or fewer (e.g. 200)")
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    bench = Bench(out, repeat=max(1, args.repeat))
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores; scenarios "
        f"{', '.join(sorted(scenarios))}\n{HEADER}",
        flush=True,
    )
    try:
        for size in sizes:
            bench.run_size(
                size, scenarios, args.seed, [int(c) for c in args.cold_concurrency.split(",")]
            )
    finally:
        merged = bench.save()
        (out / "summary.md").write_text(summary(merged), encoding="utf-8")
        print("\n" + summary(merged))
        print(plot(merged, out / "scaling.png"))


if __name__ == "__main__":
    main()
