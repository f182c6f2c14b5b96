"""The CI files we ship, and the workflows the docs tell users to copy, keep their
hardening: every action pinned to a commit with its release beside it, no token left in
a checkout, least-privilege permissions, no secret for pull requests, every job bounded
in time. Read from the files themselves, so a later edit cannot quietly undo it; no
network."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW_DIR = ROOT / ".github" / "workflows"
FENCED_YAML = re.compile(r"^(?P<fence>`{3,})ya?ml[^\n]*\n(?P<body>.*?)^(?P=fence)\s*$", re.M | re.S)
USES_LINE = re.compile(r"^[\s-]*uses:\s*(?P<ref>[^\s#]+)\s*(?:#\s*(?P<comment>.*))?$", re.M)
PINNED = re.compile(r"^(?P<action>[\w.-]+/[\w.-]+(?:/[\w./-]+)?)@(?P<sha>[0-9a-f]{40})$")
RELEASE = re.compile(r"^v\d+\.\d+\.\d+\b")
MAX_JOB_MINUTES = 60


@dataclass(frozen=True)
class Workflow:
    """One workflow: where it is (for messages), its text (comments are in the text,
    not in the parsed YAML) and its parsed YAML."""

    where: str
    text: str
    data: dict[Any, Any]

    @property
    def triggers(self) -> dict[str, Any]:
        # YAML 1.1 reads the key `on` as True.
        raw = self.data.get("on", self.data.get(True))
        if isinstance(raw, str):
            return {raw: None}
        if isinstance(raw, list):
            return dict.fromkeys(raw)
        return dict(raw or {})

    @property
    def jobs(self) -> dict[str, dict[str, Any]]:
        return dict(self.data["jobs"])

    def steps(self) -> list[tuple[str, dict[str, Any]]]:
        return [
            (job_id, step) for job_id, job in self.jobs.items() for step in job.get("steps", [])
        ]


def shipped_workflows(directory: Path = WORKFLOW_DIR) -> list[Workflow]:
    return [
        Workflow(path.relative_to(ROOT).as_posix(), text, yaml.safe_load(text))
        for path in sorted(directory.glob("*.y*ml"))
        for text in [path.read_text(encoding="utf-8")]
    ]


def documented_workflows(docs: Path = ROOT / "docs") -> list[Workflow]:
    """Every fenced YAML block of the docs that is a whole workflow (has `jobs:`)."""
    found = []
    for page in sorted(docs.rglob("*.md")):
        markdown = page.read_text(encoding="utf-8")
        for match in FENCED_YAML.finditer(markdown):
            body = match.group("body")
            if not re.search(r"^jobs:", body, re.M):
                continue  # a piece of a workflow, or not one at all
            line = markdown.count("\n", 0, match.start()) + 1
            where = f"{page.relative_to(ROOT).as_posix()}:{line}"
            found.append(Workflow(where, body, yaml.safe_load(body)))
    return found


SHIPPED = shipped_workflows()
DOCUMENTED = documented_workflows()
EVERY = SHIPPED + DOCUMENTED
BY_NAME = pytest.mark.parametrize("workflow", EVERY, ids=[w.where for w in EVERY])


def test_the_files_are_found() -> None:
    assert {w.where for w in SHIPPED} >= {".github/workflows/ci.yml", ".github/workflows/docs.yml"}
    assert any(w.where.startswith("docs/publishing.md") for w in DOCUMENTED)


@BY_NAME
def test_every_action_is_pinned_to_a_commit_with_its_release(workflow: Workflow) -> None:
    lines = list(USES_LINE.finditer(workflow.text))
    parsed = [step["uses"] for _job, step in workflow.steps() if "uses" in step]
    parsed += [job["uses"] for job in workflow.jobs.values() if "uses" in job]
    # Every `uses:` the YAML holds is on a line of its own, where its comment can be read.
    assert sorted(m.group("ref") for m in lines) == sorted(parsed), workflow.where
    for match in lines:
        ref, comment = match.group("ref"), match.group("comment") or ""
        if ref.startswith("./"):
            continue  # an action of this repository: the commit being run
        assert PINNED.match(ref), f"{workflow.where}: {ref} is not pinned to a commit SHA"
        assert RELEASE.match(comment.strip()), (
            f"{workflow.where}: {ref} needs its release as a comment (# vX.Y.Z)"
        )


def test_each_action_has_one_commit_everywhere() -> None:
    """The docs show the commits the shipped workflows use, and one commit is always
    called by the same release."""
    seen: dict[str, set[tuple[str, str]]] = {}
    for workflow in EVERY:
        for match in USES_LINE.finditer(workflow.text):
            pinned = PINNED.match(match.group("ref"))
            if pinned:
                action = pinned.group("action").split("/")[:2]
                release = (match.group("comment") or "").split()[0:1]
                seen.setdefault("/".join(action), set()).add(
                    (pinned.group("sha"), "".join(release))
                )
    assert seen
    differing = {action: pins for action, pins in seen.items() if len(pins) > 1}
    assert not differing, differing


@BY_NAME
def test_checkout_leaves_no_token_on_disk(workflow: Workflow) -> None:
    checkouts = [
        (job, step)
        for job, step in workflow.steps()
        if str(step.get("uses", "")).startswith("actions/checkout@")
    ]
    for job, step in checkouts:
        persist = (step.get("with") or {}).get("persist-credentials")
        assert persist in (False, "false"), (
            f"{workflow.where}: job {job} checks out with the token left in .git/config "
            "(add `persist-credentials: false`)"
        )


@BY_NAME
def test_permissions_are_least_privilege(workflow: Workflow) -> None:
    top = workflow.data.get("permissions")
    assert top in ({}, {"contents": "read"}), (
        f"{workflow.where}: top-level permissions must be {{}} or contents: read, not {top!r}"
    )
    for job_id, job in workflow.jobs.items():
        granted = job.get("permissions", top)
        assert isinstance(granted, dict), f"{workflow.where}: job {job_id} gets {granted!r}"
        steps = job.get("steps", [])
        if any(str(s.get("uses", "")).startswith("actions/checkout@") for s in steps):
            assert granted.get("contents") in ("read", "write"), (
                f"{workflow.where}: job {job_id} checks out without `contents: read`"
            )
        if granted.get("pages") == "write" or granted.get("id-token") == "write":
            # Publishing rights go to a job that runs nothing from the repository.
            runs = [s for s in steps if "run" in s or "actions/checkout@" in str(s.get("uses"))]
            assert not runs, f"{workflow.where}: job {job_id} can publish and runs {runs}"


@BY_NAME
def test_pull_requests_get_no_secret(workflow: Workflow) -> None:
    triggers = workflow.triggers
    assert "pull_request_target" not in triggers, f"{workflow.where}: pull_request_target"
    if "pull_request" not in triggers:
        return
    for line in workflow.text.splitlines():
        if "secrets." in line and not line.lstrip().startswith("#"):
            assert "github.event_name != 'pull_request' &&" in line, (
                f"{workflow.where}: a pull request run gets a secret: {line.strip()}"
            )


@BY_NAME
def test_every_job_is_bounded_in_time(workflow: Workflow) -> None:
    for job_id, job in workflow.jobs.items():
        if "uses" in job:
            continue  # a called workflow bounds its own jobs
        minutes = job.get("timeout-minutes")
        assert isinstance(minutes, int) and 0 < minutes <= MAX_JOB_MINUTES, (
            f"{workflow.where}: job {job_id} needs timeout-minutes (at most {MAX_JOB_MINUTES})"
        )


def test_zizmor_finds_nothing_in_the_documented_workflows(tmp_path: Path) -> None:
    """.ci/run audits the shipped files; the workflows in the docs get the same audit."""
    # Beside this Python first: the dev extra installs it there, on PATH or not.
    zizmor = shutil.which(
        "zizmor",
        path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
    )
    if zizmor is None:
        pytest.skip("zizmor is not installed (it comes with the dev extra)")
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    for number, workflow in enumerate(DOCUMENTED):
        (folder / f"documented-{number}.yml").write_text(workflow.text, encoding="utf-8")
    result = subprocess.run(
        [zizmor, "--offline", "--no-progress", str(folder)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


SOURCE_FOLDERS = ("mkdocs_notion_sync", "notion_emulator", "tests", "docs", "docs_hooks", "bench")
SOURCE_SUFFIXES = {".py", ".md", ".yml", ".yaml", ".toml", ".css", ".json", ".txt"}
GENERATED = ("bench/out/",)


def test_no_source_file_is_hidden_by_gitignore() -> None:
    """CI checks out a clean clone, which has only what git tracks. A broad pattern (a
    bare `site/` once matched the package's own `mkdocs_notion_sync/site/`) keeps new
    modules out of every commit while the author's tree still works."""
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    listed = subprocess.run(
        [
            git,
            "ls-files",
            "--others",
            "--ignored",
            "--exclude-standard",
            "-z",
            "--",
            *SOURCE_FOLDERS,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.split("\0")
    hidden = [
        name
        for name in listed
        if Path(name).suffix in SOURCE_SUFFIXES
        and not name.startswith(GENERATED)
        and not {"__pycache__", ".hypothesis"} & set(Path(name).parts)
    ]
    assert not hidden, f"ignored by .gitignore, so missing from every clone: {hidden}"
