"""A plain sequential fetch-and-convert baseline written with notion-client, for bench/run.py.

Why: the plugin's throughput only means something next to what the obvious script does.
This is that script: walk the tree from a root page, one request at a time (page object,
then every block's children recursively, child pages and databases as they appear),
and turn each page into Markdown with a trivial converter (prefix + plain text; no
escaping, no links, no assets, no cache). It makes the minimum requests the API needs to
read the content, so its request count is also the floor the plugin is compared with.

Run (against an emulator, e.g. `python -m notion_emulator --port 8765`):
    python bench/baseline.py --api-url http://127.0.0.1:8765 --token secret_demo \
        --root 1f2e3d4c-5b6a-7988-1f2e-3d4c5b6a7988
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from typing import Any

from notion_client import Client

PREFIX = {
    "heading_1": "# ",
    "heading_2": "## ",
    "heading_3": "### ",
    "bulleted_list_item": "- ",
    "numbered_list_item": "1. ",
    "to_do": "- [ ] ",
    "quote": "> ",
    "callout": "> ",
    "toggle": "- ",
    "paragraph": "",
}


@dataclass
class BaselineResult:
    pages: int = 0
    blocks: int = 0
    requests: int = 0
    markdown_bytes: int = 0
    seconds: float = 0.0


class Baseline:
    """One sequential walk; `result.requests` counts the calls it made."""

    def __init__(self, api_url: str, token: str) -> None:
        self.client = Client(auth=token, base_url=api_url.rstrip("/"))
        self.result = BaselineResult()

    def _children(self, block_id: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            kwargs: dict[str, Any] = {"page_size": 100}
            if cursor:
                kwargs["start_cursor"] = cursor
            self.result.requests += 1
            page: Any = self.client.blocks.children.list(block_id, **kwargs)
            out.extend(page["results"])
            cursor = page.get("next_cursor")
            if not page.get("has_more") or not cursor:
                return out

    def _blocks(self, block_id: str, depth: int, markdown: list[str], pages: list[str]) -> None:
        for block in self._children(block_id):
            self.result.blocks += 1
            kind = str(block["type"])
            if kind == "child_page":
                pages.append(str(block["id"]))
                continue
            if kind == "child_database":
                self._database(str(block["id"]))
                continue
            payload = block.get(kind) or {}
            if kind == "table_row":
                cells = [_plain(cell) for cell in payload.get("cells", [])]
                markdown.append("  " * depth + "| " + " | ".join(cells) + " |")
            elif kind == "code":
                text = _plain(payload.get("rich_text", []))
                markdown.append(f"```{payload.get('language', '')}\n{text}\n```")
            elif "rich_text" in payload:
                prefix = PREFIX.get(kind, "")
                markdown.append("  " * depth + prefix + _plain(payload["rich_text"]))
            elif kind == "image":
                file = payload.get("file") or payload.get("external") or {}
                markdown.append(f"![]({file.get('url', '')})")
            if block.get("has_children"):
                self._blocks(str(block["id"]), depth + 1, markdown, pages)

    def page(self, page_id: str) -> None:
        """One page and, depth first, every page below it."""
        self.result.requests += 1
        obj: Any = self.client.pages.retrieve(page_id)
        markdown = [f"# {_title(obj)}"]
        children: list[str] = []
        self._blocks(page_id, 0, markdown, children)
        self.result.pages += 1
        self.result.markdown_bytes += len("\n\n".join(markdown).encode())
        for child in children:
            self.page(child)

    def _database(self, database_id: str) -> None:
        self.result.requests += 1
        database: Any = self.client.databases.retrieve(database_id)
        self.result.pages += 1
        for source in database.get("data_sources", []):
            cursor: str | None = None
            while True:
                body: dict[str, Any] = {"page_size": 100}
                if cursor:
                    body["start_cursor"] = cursor
                self.result.requests += 1
                answer: Any = self.client.data_sources.query(str(source["id"]), **body)
                for entry in answer["results"]:
                    markdown = [f"# {_title(entry)}"]
                    self._blocks(str(entry["id"]), 0, markdown, [])
                    self.result.pages += 1
                    self.result.markdown_bytes += len("\n\n".join(markdown).encode())
                cursor = answer.get("next_cursor")
                if not answer.get("has_more") or not cursor:
                    break

    def run(self, root: str) -> BaselineResult:
        started = time.perf_counter()
        self.page(root)
        self.result.seconds = time.perf_counter() - started
        return self.result


def _plain(rich: list[dict[str, Any]]) -> str:
    return "".join(str(item.get("plain_text", "")) for item in rich)


def _title(obj: dict[str, Any]) -> str:
    for prop in (obj.get("properties") or {}).values():
        if isinstance(prop, dict) and prop.get("type") == "title":
            return _plain(prop.get("title") or [])
    return "Untitled"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api-url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--root", required=True, help="id of the root page")
    args = parser.parse_args()
    result = Baseline(args.api_url, args.token).run(args.root)
    rate = result.pages / result.seconds * 60 if result.seconds else 0.0
    print(
        f"{result.pages} pages, {result.blocks} blocks, {result.requests} requests in "
        f"{result.seconds:.1f}s ({rate:.0f} pages/min)"
    )


if __name__ == "__main__":
    main()
