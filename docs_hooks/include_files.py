"""MkDocs hook: `<!-- include-file: PATH -->` becomes the file's text in a code block.

PATH is relative to the repository root (the folder holding mkdocs.yml)
and must stay inside it. Publishing docs show the real workflow and Dockerfile this way,
so the page cannot drift from the files. A missing file fails the build.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

ROOT = Path(__file__).resolve().parent.parent
INCLUDE = re.compile(r"^<!-- include-file: (?P<path>[^ ]+?)(?: as (?P<lang>[\w-]+))? -->$", re.M)
LANGUAGES = {".yml": "yaml", ".yaml": "yaml", ".toml": "toml", ".py": "python", ".sh": "bash"}


def fenced(path: Path, language: str) -> str:
    text = path.read_text(encoding="utf-8").rstrip("\n")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    title = path.relative_to(ROOT).as_posix()
    return f'{fence}{language} title="{title}"\n{text}\n{fence}'


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    def replace(match: re.Match[str]) -> str:
        target = (ROOT / match.group("path")).resolve()
        if ROOT not in target.parents or not target.is_file():
            raise PluginError(
                f"{page.file.src_uri}: include-file {match.group('path')!r} is not a file "
                "of the repository"
            )
        language = match.group("lang") or LANGUAGES.get(target.suffix, "text")
        return fenced(target, language)

    return INCLUDE.sub(replace, markdown)
