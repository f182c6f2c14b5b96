"""MkDocs hook: the configuration reference, generated from the plugin's config classes.

`docs/configuration.md` holds two markers. At build time this hook replaces
`<!-- config-reference -->` with a table of every option of `NotionSyncConfig` and
`<!-- config-reference:sources -->` with a table of every key of `SourceConfig`: name,
type, default, environment variable and description, all read from the classes, so the
reference cannot drift from the code.

Descriptions come from `mkdocs_notion_sync.config.OPTION_HELP`, beside the options
themselves. An option with no description there fails the build, so a new option
cannot ship undocumented.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import BaseConfigOption
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

ROOT = Path(__file__).resolve().parent.parent
PAGE = "configuration.md"
MARKER = "<!-- config-reference -->"
SOURCES_MARKER = "<!-- config-reference:sources -->"
ENV_PREFIX = "NOTION_SYNC_"

DEFAULT_SHOWN: dict[str, str] = {
    "token": "`$NOTION_TOKEN`",
    "sources": "(required)",
    "page": "(`page` or `database`)",
    "database": "(`page` or `database`)",
    "dest": "(required)",
}
"""Defaults that read better as words than as the stored value."""

TYPE_NAMES: dict[str, str] = {
    "bool": "boolean",
    "str": "string",
    "int": "whole number",
    "float": "number",
    "dict": "mapping",
    "list": "list",
}
CUSTOM_TYPES: dict[str, str] = {
    "NotionId": "Notion id or URL",
    "SiteFolder": "folder in the site",
    "ApiUrl": "http(s) URL",
    "CacheDir": "folder",
    "MetricsFile": "file in site_dir",
    "Renderers": "mapping of block type to renderer",
    "BlockTypes": "list of block types",
    "FrontMatterMap": "mapping of front-matter key to property",
    "PagePatterns": "list of page titles, ids or URLs",
    "NotionVersion": "Notion API version",
    "RedirectsFile": ".json or .yml file beside mkdocs.yml",
}
"""Option classes of the package, by class name, where the Python type says too little."""


def _config_module() -> ModuleType:
    """The package's config module; the checkout is importable even when not installed."""
    try:
        return importlib.import_module("mkdocs_notion_sync.config")
    except ModuleNotFoundError:
        sys.path.insert(0, str(ROOT))
        return importlib.import_module("mkdocs_notion_sync.config")


def _type_name(value: object) -> str:
    if isinstance(value, tuple):
        names = {TYPE_NAMES.get(t.__name__, t.__name__) for t in value if isinstance(t, type)}
        if names == {"whole number", "number"}:
            return "number"
        return " or ".join(sorted(names))
    if isinstance(value, type):
        return TYPE_NAMES.get(value.__name__, value.__name__)
    return str(value)


def describe_type(option: BaseConfigOption[Any]) -> str:
    """`number, 0.01 to 10000`, `one of fail, warn`, `list of sources`, ..."""
    if isinstance(option, c.Optional):
        inner: BaseConfigOption[Any] = option.option
        return describe_type(inner)
    if isinstance(option, c.Choice):
        return "one of " + ", ".join(f"`{choice}`" for choice in option.choices)
    if isinstance(option, c.URL):
        return "URL"
    if isinstance(option, c.ListOfItems) and type(option).__name__ in CUSTOM_TYPES:
        return CUSTOM_TYPES[type(option).__name__]
    if isinstance(option, c.ListOfItems):
        item: BaseConfigOption[Any] = option.option_type
        if isinstance(item, c.SubConfig):
            return "list of sources (see [Source keys](#source-keys))"
        return f"list of {describe_type(item)}s"
    if isinstance(option, c.SubConfig):
        return "mapping"
    name = CUSTOM_TYPES.get(type(option).__name__)
    if name is None:
        name = _type_name(getattr(option, "_type", "value"))
    minimum, maximum = getattr(option, "minimum", None), getattr(option, "maximum", None)
    if minimum is not None and maximum is not None:
        name += f", {minimum:g} to {maximum:g}"
    return name


def describe_default(name: str, option: BaseConfigOption[Any]) -> str:
    if name in DEFAULT_SHOWN:
        return DEFAULT_SHOWN[name]
    value = option.default
    if value is None:
        return "none"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, str):
        return f"`{value}`" if value else '`""`'
    if isinstance(value, (list, dict)) and not value:
        return f"`{value!r}`"
    return f"`{value}`"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _help_for(name: str, package_help: Mapping[str, str]) -> str:
    text = package_help.get(name)
    if not text or not text.strip():
        raise PluginError(
            f"configuration reference: option '{name}' has no description; add it to "
            "OPTION_HELP in mkdocs_notion_sync/config.py"
        )
    text = text.strip()
    return text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")


def options_table(
    schema: Iterable[tuple[str, BaseConfigOption[Any]]],
    package_help: Mapping[str, str],
    *,
    env: bool,
) -> str:
    """A Markdown table, one row per option, with an anchor per option."""
    rows = [
        f"| {'Option' if env else 'Key'} | Type | Default | Environment variable | Description |",
        "| --- | --- | --- | --- | --- |",
    ]
    prefix = "option" if env else "source"
    for name, option in schema:
        variable = f"`{ENV_PREFIX}{name.upper()}`" if env else "in `NOTION_SYNC_SOURCES`"
        rows.append(
            f'| <a id="{prefix}-{name}"></a>`{name}` '
            f"| {_cell(describe_type(option))} "
            f"| {_cell(describe_default(name, option))} "
            f"| {variable} "
            f"| {_cell(_help_for(name, package_help))} |"
        )
    return "\n".join(rows) + "\n"


def _schema(config_class: object) -> Sequence[tuple[str, BaseConfigOption[Any]]]:
    schema = getattr(config_class, "_schema", None)
    if not isinstance(schema, (list, tuple)) or not schema:
        raise PluginError(f"configuration reference: {config_class!r} has no _schema")
    return schema


def render_reference(module: ModuleType) -> tuple[str, str]:
    """The plugin options table and the source keys table."""
    package_help = getattr(module, "OPTION_HELP", None)
    helps: Mapping[str, str] = package_help if isinstance(package_help, Mapping) else {}
    plugin = options_table(_schema(module.NotionSyncConfig), helps, env=True)
    sources = options_table(_schema(module.SourceConfig), helps, env=False)
    return plugin, sources


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    if page.file.src_uri != PAGE:
        return markdown
    if MARKER not in markdown or SOURCES_MARKER not in markdown:
        raise PluginError(
            f"configuration reference: {PAGE} must contain {MARKER} and {SOURCES_MARKER}"
        )
    plugin, sources = render_reference(_config_module())
    return markdown.replace(MARKER, plugin).replace(SOURCES_MARKER, sources)
