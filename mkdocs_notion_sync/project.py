"""The command line's config reader: the plugin's options from one mkdocs.yml, validated
and resolved exactly as a build resolves them (the same config class, environment
overrides, paths and token). With plugin.py, the only place outside the core that
imports MkDocs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .config import NotionSyncConfig, apply_env_overrides, settings_from
from .demo import Demo
from .errors import ConfigError
from .settings import Settings

PLUGIN_NAMES = ("notion-sync", "mkdocs_notion_sync")


@dataclass
class Project:
    """The plugin's options from one mkdocs.yml, resolved as a build resolves them."""

    config_file: Path
    config: NotionSyncConfig
    settings: Settings
    demo: Demo | None = None
    """The bundled emulator, when the options say `demo: true`."""
    site_dir: Path | None = None
    mkdocs_yml: dict[str, Any] = field(default_factory=dict)
    """The whole of mkdocs.yml as read (other tags blank): what `sync` checks a generator
    will find (plugins, markdown_extensions, watch, nav)."""

    def close(self) -> None:
        if self.demo is not None:
            self.demo.stop()


def _ignore_tag(loader: yaml.SafeLoader, node: yaml.Node) -> None:
    """`!relative`, `!!python/name:...` and friends configure other plugins, not this one."""
    return None


def _yaml_loader() -> Any:
    """mkdocs' loader (`!ENV`, `INHERIT`), safe, and blind to other plugins' tags."""
    from mkdocs.utils.yaml import get_yaml_loader

    loader: type[yaml.SafeLoader] = get_yaml_loader(yaml.SafeLoader)
    loader.add_constructor(None, _ignore_tag)
    return loader


def _plugin_options(data: Any, config_file: Path) -> dict[str, Any]:
    """The notion-sync entry of `plugins:` (a list of names/mappings, or a mapping)."""
    plugins = data.get("plugins") if isinstance(data, dict) else None
    pairs: list[tuple[Any, Any]] = []
    if isinstance(plugins, dict):
        pairs = list(plugins.items())
    elif isinstance(plugins, list):
        for entry in plugins:
            if isinstance(entry, str):
                pairs.append((entry, None))
            elif isinstance(entry, dict):
                pairs.extend(entry.items())
    for name, value in pairs:
        if name not in PLUGIN_NAMES:
            continue
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise ConfigError(
                f"{config_file}: the options of the notion-sync plugin must be a mapping, "
                f"not {type(value).__name__}"
            )
        return dict(value)
    raise ConfigError(
        f"{config_file} does not enable the notion-sync plugin: add `- notion-sync:` with its "
        "options under `plugins:`"
    )


def _setting(data: Any, key: str, default: bool) -> bool:
    value = data.get(key, default) if isinstance(data, dict) else default
    return value if isinstance(value, bool) else default


def _extension_names(data: Any) -> list[str]:
    """The names in mkdocs.yml's `markdown_extensions` (a list of names and mappings)."""
    listed = data.get("markdown_extensions") if isinstance(data, dict) else None
    names: list[str] = []
    for entry in listed if isinstance(listed, list) else []:
        if isinstance(entry, str):
            names.append(entry)
        elif isinstance(entry, dict):
            names.extend(str(key) for key in entry)
    return names


def load_project(config_file: Path) -> Project:
    """The plugin's options from mkdocs.yml, validated as MkDocs would validate them."""
    from mkdocs.exceptions import ConfigurationError
    from mkdocs.utils.yaml import yaml_load

    if not config_file.is_file():
        raise ConfigError(
            f"no MkDocs config at {config_file}: run in the folder of mkdocs.yml or pass "
            "-f path/to/mkdocs.yml"
        )
    try:
        with config_file.open("rb") as handle:
            data = yaml_load(handle, _yaml_loader())
    except ConfigurationError as parse_error:
        raise ConfigError(f"{config_file}: {' '.join(str(parse_error).split())}") from None
    options = _plugin_options(data, config_file)
    config = NotionSyncConfig(config_file_path=str(config_file))
    config.load_dict(apply_env_overrides(options))
    errors, _warnings = config.validate()
    if errors:
        key, error = errors[0]
        message = " ".join(str(error).split())
        raise ConfigError(f"{config_file}: notion-sync option '{key}': {message}")
    folder = config_file.resolve().parent
    docs_dir = data.get("docs_dir") if isinstance(data, dict) else None
    site_dir = data.get("site_dir") if isinstance(data, dict) else None
    demo = Demo() if config.demo else None
    try:
        settings = settings_from(
            config,
            config_file=config_file,
            docs_dir=folder / str(docs_dir or "docs"),
            site_dir=folder / str(site_dir or "site"),
            endpoint=demo,
            use_directory_urls=_setting(data, "use_directory_urls", True),
            markdown_extensions=_extension_names(data),
        )
    except BaseException:
        if demo is not None:
            demo.stop()
        raise
    return Project(
        config_file,
        config,
        settings,
        demo,
        site_dir=folder / str(site_dir or "site"),
        mkdocs_yml=dict(data) if isinstance(data, dict) else {},
    )
