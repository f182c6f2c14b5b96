"""The GitHub Pages workflow skips idle hours (#23): its scheduled run asks
`mkdocs-notion-sync changed` first and builds, uploads and deploys only on exit 0; an
error (exit 2) fails the run. The step's own shell script is run here, with a stand-in
for the command, so the exit-code handling is what is tested, not its description."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = yaml.safe_load((ROOT / ".github/workflows/docs.yml").read_text(encoding="utf-8"))
BUILD_JOB: dict[str, Any] = WORKFLOW["jobs"]["build"]
STEPS = {step.get("name", ""): step for step in BUILD_JOB["steps"]}
CHANGED = next(s for s in BUILD_JOB["steps"] if s.get("id") == "changed")


def _run_step(tmp_path: Path, exit_code: int) -> tuple[int, str]:
    """The step's script with a stand-in `mkdocs-notion-sync` that exits `exit_code`."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "mkdocs-notion-sync"
    fake.write_text(f'#!/bin/sh\necho "called: $*"\nexit {exit_code}\n', encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    output = tmp_path / "github_output"
    output.write_text("", encoding="utf-8")
    bash = shutil.which("bash")
    assert bash is not None
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_OUTPUT": str(output),
        "MKDOCS_CONFIG": "mkdocs.yml",
    }
    # GitHub runs `bash -e {0}` for run steps.
    result = subprocess.run(
        [bash, "-e", "-c", CHANGED["run"]], env=env, capture_output=True, text=True, check=False
    )
    assert "called: -f mkdocs.yml changed" in result.stdout
    return result.returncode, output.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("exit_code", "step_status", "build"), [(0, 0, "true"), (1, 0, "false"), (2, 2, None)]
)
def test_the_scheduled_run_builds_only_when_changed_says_so(
    tmp_path: Path, exit_code: int, step_status: int, build: str | None
) -> None:
    status, output = _run_step(tmp_path, exit_code)
    assert status == step_status
    assert output == (f"build={build}\n" if build else "")


def test_only_the_schedule_asks_and_a_false_answer_skips_build_upload_and_deploy() -> None:
    assert CHANGED["if"] == "github.event_name == 'schedule'"
    skip = "steps.changed.outputs.build != 'false'"
    for name in ("Build", "Collect metrics", "Upload metrics", "Upload the site"):
        assert skip in STEPS[name]["if"], name
    assert BUILD_JOB["outputs"]["built"] == "${{ " + skip + " }}"
    assert "needs.build.outputs.built == 'true'" in WORKFLOW["jobs"]["deploy"]["if"]
    triggers = WORKFLOW.get("on", WORKFLOW.get(True))
    assert triggers["repository_dispatch"] == {"types": ["notion-changed"]}
