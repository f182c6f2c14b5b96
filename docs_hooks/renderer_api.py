"""MkDocs hook: the custom renderers' context API, generated from the code.

`docs/custom-renderers.md` holds `<!-- renderer-context -->`, replaced at build time with
every public member of `BlockContext` and every field of `PageInfo` (its signature and
its docstring, read from `mkdocs_notion_sync/render/custom.py`), so the reference cannot
drift from the code. A public member without a docstring fails the build.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import itertools
import sys
from pathlib import Path
from types import ModuleType

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

ROOT = Path(__file__).resolve().parent.parent
PAGE = "custom-renderers.md"
MARKER = "<!-- renderer-context -->"


def _module() -> ModuleType:
    try:
        return importlib.import_module("mkdocs_notion_sync.render.custom")
    except ModuleNotFoundError:
        sys.path.insert(0, str(ROOT))
        return importlib.import_module("mkdocs_notion_sync.render.custom")


def _doc(name: str, value: object) -> str:
    text = inspect.getdoc(value)
    if not text:
        raise PluginError(f"renderer API: BlockContext.{name} has no docstring")
    return " ".join(text.split())


def _signature(name: str, member: object) -> str:
    if isinstance(member, property):
        return f"ctx.{name}"
    function = member.__func__ if isinstance(member, staticmethod) else member
    signature = inspect.signature(function)  # type: ignore[arg-type]
    parameters = [p for p in signature.parameters.values() if p.name != "self"]
    shown = str(signature.replace(parameters=parameters, return_annotation=inspect.Signature.empty))
    returns = signature.return_annotation
    arrow = f" -> {returns}" if returns is not inspect.Signature.empty else ""
    # Annotations are strings (postponed evaluation): show them without their quotes.
    return f"ctx.{name}{shown}{arrow}".replace("'", "")


def _field_docs(cls: type) -> dict[str, str]:
    """A dataclass's attribute docstrings (the string after each field), from its source."""
    tree = ast.parse(inspect.getsource(cls))
    body = tree.body[0].body  # type: ignore[attr-defined]
    docs: dict[str, str] = {}
    for before, after in itertools.pairwise(body):
        if (
            isinstance(before, ast.AnnAssign)
            and isinstance(before.target, ast.Name)
            and isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
            and isinstance(after.value.value, str)
        ):
            docs[before.target.id] = " ".join(after.value.value.split())
    return docs


def render_reference(module: ModuleType) -> str:
    context = module.BlockContext
    rows = ["| member | what it gives |", "| --- | --- |"]
    for name, member in vars(context).items():
        if name.startswith("_"):
            continue
        rows.append(f"| `{_signature(name, member)}` | {_doc(name, member).replace('|', '/')} |")
    page_rows = ["| `ctx.page.` | |", "| --- | --- |"]
    for name, text in _field_docs(module.PageInfo).items():
        page_rows.append(f"| `{name}` | {text} |")
    return "\n".join(rows) + "\n\n" + "\n".join(page_rows) + "\n"


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    if page.file.src_uri != PAGE:
        return markdown
    if MARKER not in markdown:
        raise PluginError(f"renderer API: {PAGE} must contain {MARKER}")
    return markdown.replace(MARKER, render_reference(_module()))
