"""Large synthetic Notion workspaces for the emulator, for the benchmarks in bench/run.py.

Why: the bundled demo workspace has a dozen pages; throughput, request counts and memory
only show at 1,000-20,000 pages. This writes a deterministic (seeded) workspace in the
emulator's authoring format (documented at the top of notion_emulator/
workspace.py): one root page (the sync source) holding a few top-level sections, each a
tree 2-4 levels deep with varying fan-out; every page carries ~30 blocks of a realistic
mix (annotated prose with links, headings, nested bulleted and numbered lists, a code
block, a callout, a toggle with children, to-dos, a quote, page mentions, a table on
~1 page in 4, a hosted PNG on ~1 page in 10) and a few child databases of 50-200 entries
with typed properties.

Run:
    python bench/generate.py --pages 1000 --out bench/out/ws-1000.json
    python -c "from bench.generate import generate; ws = generate(1000)"

`--pages` counts every page the site will have: regular pages, database entries, and
the root. The JSON feeds `python -m notion_emulator --workspace FILE`.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

JSON = dict[str, Any]

WORKSPACE_TIME = "2026-06-01T10:00:00.000Z"
"""All pages were last edited at this (past) minute, so a warm rebuild sees no change."""

_WORD_TEXT = (
    "client token cache build deploy config page block sync rate limit request retry "
    "server plugin theme search index asset image table column header release version "
    "upgrade install guide tutorial reference handbook policy review team owner process "
    "quality metric latency budget incident runbook alert dashboard database query filter "
    "property status priority schedule meeting roadmap feature bug patch branch merge "
    "pipeline artifact container cluster region storage backup restore secret key access "
    "the a of to and in for with on by from is are be can will should must may"
)
WORDS = _WORD_TEXT.split()
CODE_SNIPPETS = {
    "python": "import os\n\n\ndef main() -> None:\n    token = os.environ['TOKEN']\n"
    "    print(f'hello {token[:4]}')\n\n\nif __name__ == '__main__':\n    main()",
    "bash": "set -euo pipefail\npip install mkdocs-notion-sync\nmkdocs build --strict",
    "yaml": "plugins:\n  - search\n  - notion-sync:\n      concurrency: 4\n      rate_limit: 3",
    "json": '{\n  "name": "example",\n  "version": 3,\n  "tags": ["a", "b"]\n}',
    "javascript": "export function add(a, b) {\n  return a + b;\n}\nconsole.log(add(1, 2));",
}
SECTION_NAMES = (
    "Engineering",
    "Product",
    "Operations",
    "People",
    "Security",
    "Design",
    "Sales",
    "Support",
)
EMOJI = ("💡", "⚠️", "📌", "✅", "🔥", "📘")
COLORS = ("#2563eb", "#16a34a", "#dc2626", "#9333ea", "#ea580c")


@dataclass
class Stats:
    """What the generator produced, for the benchmark's per-block figures."""

    pages: int = 0
    regular_pages: int = 0
    entries: int = 0
    databases: int = 0
    blocks: int = 0
    images: int = 0
    tables: int = 0
    max_depth: int = 0
    page_ids: list[str] = field(default_factory=list)
    """Regular pages (not entries, not the root), in authoring order."""
    root_id: str = ""


class Generator:
    """One deterministic workspace; every random choice goes through `self.rng`."""

    def __init__(self, pages: int, seed: int = 42) -> None:
        if pages < 10:
            raise ValueError("at least 10 pages")
        self.total = pages
        self.rng = random.Random(seed)
        self.seed = seed
        self.stats = Stats()
        self.all_ids: list[str] = []
        """Ids of regular pages generated so far; mention targets come from here and
        from `future_ids`, so mentions point both backwards and forwards."""
        self.future_ids: list[str] = []

    # ------------------------------------------------------------------ helpers

    def new_id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def words(self, low: int, high: int) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(self.rng.randint(low, high)))

    def sentence(self) -> str:
        text = self.words(6, 14)
        return text[:1].upper() + text[1:] + "."

    def title(self) -> str:
        return self.words(2, 4).title()

    def mention_target(self) -> str:
        if self.future_ids and (not self.all_ids or self.rng.random() < 0.3):
            return self.rng.choice(self.future_ids)  # a page written later in the tree
        return self.rng.choice(self.all_ids)

    def prose(self, *, mention: bool = False) -> list[Any]:
        """A paragraph's rich text: plain runs, bold/italic/code spans, a link."""
        rng = self.rng
        items: list[Any] = [self.sentence() + " "]
        if rng.random() < 0.7:
            items.append({"text": self.words(1, 3), "bold": True})
            items.append(" " + self.words(3, 8) + " ")
        if rng.random() < 0.5:
            items.append({"text": self.rng.choice(WORDS) + "_id", "code": True})
            items.append(" " + self.words(2, 6) + " ")
        if rng.random() < 0.4:
            items.append({"text": self.words(1, 3), "italic": True})
            items.append(" ")
        if rng.random() < 0.5:
            items.append(
                {"text": self.words(1, 3), "link": f"https://example.com/{rng.choice(WORDS)}"}
            )
            items.append(". ")
        if mention:
            items.append("See ")
            items.append({"mention": {"page": self.mention_target()}})
            items.append(" for details.")
        items.append(self.sentence())
        return items

    # ------------------------------------------------------------------ blocks

    def page_blocks(self, *, entry: bool = False) -> list[Any]:
        """~30 blocks (counting nested ones); entries get a shorter body (~10)."""
        rng = self.rng
        blocks: list[Any] = []
        if entry:
            blocks.append({"heading_2": self.title()})
            blocks.append({"paragraph": self.prose(mention=rng.random() < 0.3)})
            blocks.append({"bulleted_list_item": self.words(3, 8)})
            blocks.append(
                {
                    "bulleted_list_item": self.words(3, 8),
                    "children": [{"bulleted_list_item": self.words(3, 6)}],
                }
            )
            blocks.append({"paragraph": self.prose()})
            blocks.append({"to_do": {"rich_text": self.words(3, 6), "checked": rng.random() < 0.5}})
            blocks.append({"callout": {"rich_text": self.sentence(), "icon": rng.choice(EMOJI)}})
            blocks.append({"paragraph": self.prose()})
            self.stats.blocks += 9
            return blocks
        blocks.append({"heading_1": self.title()})
        blocks.append({"paragraph": self.prose()})
        blocks.append({"paragraph": self.prose(mention=True)})
        blocks.append({"heading_2": self.title()})
        bullets: list[Any] = []
        for index in range(rng.randint(3, 5)):
            item: JSON = {"bulleted_list_item": self.prose() if index == 0 else self.words(4, 10)}
            if index == 1:
                item["children"] = [
                    {"bulleted_list_item": self.words(3, 8)} for _ in range(rng.randint(1, 3))
                ]
                if rng.random() < 0.3:  # a third level
                    item["children"][0]["children"] = [{"bulleted_list_item": self.words(2, 5)}]
            bullets.append(item)
        blocks.extend(bullets)
        blocks.append({"paragraph": self.prose()})
        numbered: list[Any] = []
        for index in range(rng.randint(3, 4)):
            item = {"numbered_list_item": self.words(4, 10)}
            if index == 0:
                item["children"] = [{"numbered_list_item": self.words(3, 7)} for _ in range(2)]
            numbered.append(item)
        blocks.extend(numbered)
        language = rng.choice(sorted(CODE_SNIPPETS))
        blocks.append({"code": {"rich_text": CODE_SNIPPETS[language], "language": language}})
        blocks.append({"callout": {"rich_text": self.prose(), "icon": rng.choice(EMOJI)}})
        blocks.append(
            {
                "toggle": self.words(3, 6),
                "children": [{"paragraph": self.prose()}, {"paragraph": self.prose()}],
            }
        )
        blocks.append({"heading_3": self.title()})
        blocks.append({"paragraph": self.prose(mention=rng.random() < 0.5)})
        if rng.random() < 0.25:
            cols = rng.randint(2, 4)
            rows = [[self.title() for _ in range(cols)]]
            rows += [[self.words(1, 3) for _ in range(cols)] for _ in range(rng.randint(2, 5))]
            blocks.append({"table": {"has_column_header": True, "rows": rows}})
            self.stats.tables += 1
        if rng.random() < 0.1:
            blocks.append(
                {
                    "image": {
                        "file": {
                            "generate": "png",
                            "color": rng.choice(COLORS),
                            "width": 64,
                            "height": 40,
                            "name": f"diagram-{self.stats.images}.png",
                        },
                        "caption": self.words(2, 5),
                    }
                }
            )
            self.stats.images += 1
        blocks.append({"quote": self.sentence()})
        blocks.extend(
            {"to_do": {"rich_text": self.words(3, 7), "checked": rng.random() < 0.4}}
            for _ in range(2)
        )
        blocks.append({"divider": {}})
        blocks.append({"paragraph": self.prose()})
        self.stats.blocks += _count(blocks)
        return blocks

    # ------------------------------------------------------------------ tree

    def split(self, budget: int, parts: int) -> list[int]:
        """`budget` pages into `parts` subtrees of uneven size, each at least 1."""
        weights = [self.rng.expovariate(1.0) + 0.05 for _ in range(parts)]
        scale = (budget - parts) / sum(weights)
        sizes = [1 + int(w * scale) for w in weights]
        for index in range(budget - sum(sizes)):
            sizes[index % parts] += 1
        return sizes

    def subtree(self, budget: int, depth: int, levels_left: int) -> JSON:
        """A page and `budget - 1` pages below it, at most `levels_left` levels deeper."""
        page_id = self.future_ids.pop()
        self.all_ids.append(page_id)
        self.stats.page_ids.append(page_id)
        self.stats.max_depth = max(self.stats.max_depth, depth)
        page: JSON = {"id": page_id, "title": self.title(), "blocks": self.page_blocks()}
        if self.rng.random() < 0.3:
            page["icon"] = self.rng.choice(EMOJI)
        rest = budget - 1
        if rest <= 0:
            return page
        if levels_left <= 1:
            parts = rest
        else:
            base = max(2, math.ceil(rest ** (1 / levels_left)))
            parts = min(rest, self.rng.randint(max(1, base // 2), base * 2))
        page["pages"] = [
            self.subtree(size, depth + 1, levels_left - 1) for size in self.split(rest, parts)
        ]
        return page

    def database(self, entries: int, index: int) -> JSON:
        rng = self.rng
        statuses = ["Draft", "In review", "Published"]
        tags = ["api", "docs", "infra", "ui", "security", "billing", "mobile"]
        rows = []
        for number in range(entries):
            rows.append(
                {
                    "id": self.new_id(),
                    "properties": {
                        "Name": f"{self.title()} {index}.{number}",
                        "Status": rng.choice(statuses),
                        "Tags": rng.sample(tags, rng.randint(0, 3)),
                        "Priority": rng.randint(1, 5),
                        "Done": rng.random() < 0.5,
                        "Due": f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                        "Link": f"https://example.com/item/{index}/{number}",
                        "Summary": self.words(4, 12),
                    },
                    "blocks": self.page_blocks(entry=True),
                }
            )
        self.stats.entries += entries
        self.stats.databases += 1
        return {
            "id": self.new_id(),
            "title": f"{rng.choice(['Changelog', 'Decisions', 'Projects', 'Incidents'])} {index}",
            "properties": {
                "Name": "title",
                "Status": {"type": "select", "options": statuses},
                "Tags": {"type": "multi_select", "options": tags},
                "Priority": "number",
                "Done": "checkbox",
                "Due": "date",
                "Link": "url",
                "Summary": "rich_text",
            },
            "entries": rows,
        }

    def build(self) -> JSON:
        rng = self.rng
        n = self.total
        databases = 1 if n <= 300 else 3 if n <= 1000 else 5 if n <= 5000 else 8
        entry_counts = []
        for _ in range(databases):
            count = rng.randint(50, 200)
            entry_counts.append(max(5, min(count, int(n * 0.15 / databases))))
        regular = n - 1 - databases - sum(entry_counts)  # the root and index pages too
        self.future_ids = [self.new_id() for _ in range(regular)]
        self.future_ids.reverse()
        sections = min(len(SECTION_NAMES), max(3, round(math.log2(n) / 2)))
        section_pages: list[JSON] = []
        for section, size in enumerate(self.split(regular, sections)):
            levels = rng.randint(2, 4)
            page = self.subtree(size, 1, levels)
            page["title"] = SECTION_NAMES[section]
            section_pages.append(page)
        for index, count in enumerate(entry_counts):
            holder = section_pages[index % len(section_pages)]
            holder["blocks"].append({"database": self.database(count, index + 1)})
        root_id = self.new_id()
        self.stats.root_id = root_id
        root = {
            "id": root_id,
            "title": "Handbook",
            "icon": "📘",
            "blocks": [
                {"heading_1": "Welcome"},
                {"paragraph": self.prose(mention=True)},
                {"callout": {"rich_text": self.sentence(), "icon": "💡"}},
            ],
            "pages": section_pages,
        }
        self.stats.blocks += 3
        self.stats.regular_pages = regular
        self.stats.pages = 1 + regular + databases + sum(entry_counts)
        return {
            "seed": f"bench-{self.seed}",
            "time": WORKSPACE_TIME,
            "bot": {"name": "Bench", "workspace_name": "Bench"},
            "users": [{"name": "Ada", "email": "ada@bench.test"}],
            "pages": [root],
        }


def _count(blocks: list[Any]) -> int:
    total = 0
    for block in blocks:
        total += 1
        if isinstance(block, dict):
            children = block.get("children")
            if isinstance(children, list):
                total += _count(children)
            table = block.get("table")
            if isinstance(table, dict):
                total += len(table.get("rows", []))
    return total


def generate(pages: int, seed: int = 42) -> tuple[JSON, Stats]:
    """The workspace dict (emulator format) and what it holds."""
    generator = Generator(pages, seed)
    return generator.build(), generator.stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, required=True, help="JSON file to write")
    args = parser.parse_args()
    workspace, stats = generate(args.pages, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(workspace), encoding="utf-8")
    print(
        f"{args.out}: {stats.pages} pages ({stats.regular_pages} regular, {stats.databases} "
        f"databases, {stats.entries} entries), {stats.blocks} blocks, {stats.images} images, "
        f"{stats.tables} tables, depth {stats.max_depth}"
    )


if __name__ == "__main__":
    main()
