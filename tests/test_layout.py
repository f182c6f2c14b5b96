"""The package's shape holds: the core never imports MkDocs, the emulator never imports
the plugin, one logger, and long modules say why they are long."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

from mkdocs.plugins import get_plugin_logger

from mkdocs_notion_sync.log import log

from .support.sitebuild import run_build, write_site

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "mkdocs_notion_sync"
MKDOCS_GLUE = {"plugin.py", "cli.py", "config.py", "options.py", "project.py", "emulator.py"}
"""plugin.py and the command line's config reader (cli, project, config, options) import MkDocs;
emulator.py is the `python -m mkdocs_notion_sync.emulator` entry point."""


def _core_modules() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if path.name in MKDOCS_GLUE and path.parent == PACKAGE:
            continue
        module = ".".join(relative.with_suffix("").parts)
        names.append(module.removesuffix(".__init__"))
    return names


def _loaded_after_importing(modules: list[str]) -> set[str]:
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return set(result.stdout.split())


def test_the_core_never_imports_mkdocs() -> None:
    core = _core_modules()
    assert "mkdocs_notion_sync.pipeline" in core and "mkdocs_notion_sync.site.compose" in core
    loaded = _loaded_after_importing(core)
    assert not {m for m in loaded if m == "mkdocs" or m.startswith("mkdocs.")}


def test_the_emulator_imports_nothing_of_the_plugin() -> None:
    loaded = _loaded_after_importing(["notion_emulator", "notion_emulator.__main__"])
    assert not {m for m in loaded if m.startswith("mkdocs_notion_sync")}
    for path in (ROOT / "notion_emulator").rglob("*.py"):
        assert "mkdocs_notion_sync" not in path.read_text(encoding="utf-8"), path


def test_one_logger_the_one_mkdocs_gives_plugins() -> None:
    theirs = get_plugin_logger("notion-sync")
    assert log.logger is theirs.logger
    assert log.process("x", {}) == theirs.process("x", {})


def test_long_modules_say_why_they_are_long() -> None:
    for path in [*PACKAGE.rglob("*.py"), *(ROOT / "notion_emulator").rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > 420:
            docstring = text.split('"""')[1] if text.startswith('"""') else ""
            assert "400 lines" in docstring, f"{path} is long without a reason at its top"


def test_the_removed_processes_option_only_warns(tmp_path: Path) -> None:
    site = run_build(write_site(tmp_path, {"demo": True, "processes": 4}))
    assert site.error is None
    warnings = [m for m in site.messages(logging.WARNING) if "processes" in m]
    assert warnings and "does nothing" in warnings[0], site.messages(logging.WARNING)
    assert site.pages(), "the site still builds"
