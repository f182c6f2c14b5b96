"""Notion inside hand-written pages: `<!-- notion: ID_OR_URL[#BLOCK] -->` and links.

The comment is found when files are collected (so the embedded page is fetched with the
rest of the sync, through the same cache and pool), and replaced when the page's
Markdown is read. Without the plugin the comment is just an HTML comment: nothing shows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from ..notion.ids import parse_notion_id, parse_notion_url
from .paths import SiteLinks

EMBED = re.compile(r"^[ \t]*<!--\s*notion:\s*(?P<ref>\S+?)\s*-->[ \t]*$", re.MULTILINE)
_FENCE = re.compile(r"^(```|~~~)")
_HEADING = re.compile(r"^(#{1,6})(\s)")
_NOTION_URL = r"https?://(?:www\.)?(?:notion\.so|app\.notion\.com|[\w-]+\.notion\.site)/[^)\s>]+"
NOTION_LINK = re.compile(rf"(?P<open>\]\()(?P<url>{_NOTION_URL})")
NOTION_AUTOLINK = re.compile(rf"<(?P<url>{_NOTION_URL})>")


@dataclass(frozen=True)
class EmbedRequest:
    """`<!-- notion: PAGE#BLOCK -->` in the hand-written page at `host_path`."""

    host_path: str
    page_id: str
    block_id: str | None = None


class DocFile(Protocol):
    src_uri: str
    generated_by: str | None

    def is_documentation_page(self) -> bool: ...

    @property
    def content_string(self) -> str: ...


def parse_ref(ref: str) -> tuple[str, str | None] | None:
    """`ID`, `URL` or either with `#BLOCK_ID`."""
    if "://" in ref or ref.startswith(("notion.so/", "www.notion.so/", "app.notion.com/")):
        url = ref if "://" in ref else f"https://{ref}"
        return parse_notion_url(url)
    page, _, block = ref.partition("#")
    page_id = parse_notion_id(page)
    if page_id is None:
        return None
    return page_id, (parse_notion_id(block) if block else None)


def requests_in(markdown: str, host_path: str) -> list[EmbedRequest]:
    found = []
    for match in EMBED.finditer(markdown):
        parsed = parse_ref(match.group("ref"))
        if parsed:
            found.append(EmbedRequest(host_path, parsed[0], parsed[1]))
    return found


def find_embeds(files: Iterable[DocFile]) -> list[EmbedRequest]:
    """Every embed in the hand-written pages (a cheap scan: only pages that mention it)."""
    found: list[EmbedRequest] = []
    for file in files:
        if not file.is_documentation_page() or file.generated_by:
            continue
        text = file.content_string
        if "notion:" in text:
            found.extend(requests_in(text, file.src_uri))
    return found


def shift_headings(markdown: str, under_level: int) -> str:
    """Embedded headings start at h2 (the converter's top level); move them to sit one
    level below the heading that precedes the embed."""
    shift = under_level + 1 - 2
    if shift <= 0:
        return markdown
    lines = markdown.split("\n")
    fenced = False
    for index, line in enumerate(lines):
        if _FENCE.match(line.lstrip()):
            fenced = not fenced
        elif not fenced:
            match = _HEADING.match(line)
            if match:
                level = min(len(match.group(1)) + shift, 6)
                lines[index] = "#" * level + line[len(match.group(1)) :]
    return "\n".join(lines)


def fill_embeds(markdown: str, host_path: str, rendered: Mapping[EmbedRequest, str]) -> str:
    """Each embed comment replaced by its Markdown, headings shifted to fit."""

    def level_before(position: int) -> int:
        level = 1
        fenced = False
        for line in markdown[:position].split("\n"):
            if _FENCE.match(line.lstrip()):
                fenced = not fenced
            elif not fenced:
                match = _HEADING.match(line)
                if match:
                    level = len(match.group(1))
        return level

    def replace(match: re.Match[str]) -> str:
        parsed = parse_ref(match.group("ref"))
        if parsed is None:
            return match.group(0)
        body = rendered.get(EmbedRequest(host_path, parsed[0], parsed[1]), "")
        return "\n" + shift_headings(body.strip("\n"), level_before(match.start())) + "\n"

    return EMBED.sub(replace, markdown)


def rewrite_notion_links(
    markdown: str, host_path: str, links: SiteLinks, warn: Callable[[str], None]
) -> str:
    """Links to Notion URLs of synced pages become site links; others stay, reported."""

    def report(message: str) -> None:
        warn(f"{host_path}: {message}")

    def replace(match: re.Match[str]) -> str:
        return match.group("open") + links.rewrite(host_path, match.group("url"), report)

    def replace_autolink(match: re.Match[str]) -> str:
        url = match.group("url")
        target = links.rewrite(host_path, url, report)
        return match.group(0) if target == url else f"[{url}]({target})"

    return NOTION_AUTOLINK.sub(replace_autolink, NOTION_LINK.sub(replace, markdown))
