"""Finding the callables the `renderers` option names, and fingerprinting them.

A renderer is named as `module:attribute` (any importable module: an installed package,
or a module on `PYTHONPATH`) or by the name of an entry point in the group
`mkdocs_notion_sync.renderers`, which is how an installable package offers renderers:

    [project.entry-points."mkdocs_notion_sync.renderers"]
    material-cards = "notion_cards:callout"

Installing a package never changes a site by itself: mkdocs.yml names what it uses.

The fingerprint decides which pages are rendered again when a renderer changes. It
digests the bytes of the module that defines the callable, as that module was when this
process first fingerprinted it (the code that runs), the version of the distribution
that installed it (an upgrade also changes helpers in other modules of the package),
the callable's name and its options. Editing a helper in another module of an
unversioned local package is the one change it does not see: bump the package's
version, or clear the cache (`mkdocs-notion-sync cache clear`).
"""

from __future__ import annotations

import copy
import functools
import hashlib
import importlib
import importlib.metadata
import inspect
import json
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from .custom import CustomRenderer, frozen_options

GROUP = "mkdocs_notion_sync.renderers"
_MODULE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
_MODULE_DIGESTS: dict[str, str] = {}
"""Module name -> digest of its source when first fingerprinted (the code as loaded)."""


class RendererNotFound(ValueError):
    """A `renderers` entry names nothing usable; the message says what to fix."""


def load_renderer(block_type: str, target: str, options: Mapping[str, Any]) -> CustomRenderer:
    """The renderer `target` names (`module:attribute` or an entry point's name)."""
    target = target.strip()
    if ":" in target:
        function, distribution = _imported(target), _distribution_of_module(target)
    else:
        function, distribution = _entry_point(target)
    if not callable(function):
        raise RendererNotFound(
            f"{target!r} is not callable (it is {type(function).__name__!r}); name a "
            "function `renderer(block, ctx)`"
        )
    owned = copy.deepcopy(dict(options))
    return CustomRenderer(
        block_type=block_type,
        function=function,
        name=target,
        options=frozen_options(owned),
        fingerprint=fingerprint(target, function, distribution, owned),
    )


def _imported(target: str) -> Any:
    module_name, _, attribute = target.partition(":")
    if not _MODULE.fullmatch(module_name) or not _MODULE.fullmatch(attribute):
        raise RendererNotFound(
            f"{target!r} is not `module:function` (like `mypkg.notion:callout`) nor the "
            "name of an installed renderer"
        )
    try:
        value: Any = importlib.import_module(module_name)
    except Exception as error:  # an import runs the module: anything can go wrong
        raise RendererNotFound(
            f"cannot import {module_name!r} for {target!r} ({type(error).__name__}: "
            f"{_short(error)}); install it or put its folder on PYTHONPATH"
        ) from None
    for part in attribute.split("."):
        if not hasattr(value, part):
            raise RendererNotFound(f"module {module_name!r} has no {attribute!r} (in {target!r})")
        value = getattr(value, part)
    return value


def _entry_point(name: str) -> tuple[Any, str]:
    found = [ep for ep in importlib.metadata.entry_points(group=GROUP) if ep.name == name]
    if not found:
        installed = sorted({ep.name for ep in importlib.metadata.entry_points(group=GROUP)})
        offer = ", ".join(installed) if installed else "none is installed"
        raise RendererNotFound(
            f"{name!r} is neither `module:function` nor an installed renderer (entry points "
            f"{GROUP}: {offer})"
        )
    entry = found[0]
    try:
        function = entry.load()
    except Exception as error:
        raise RendererNotFound(
            f"the renderer {name!r} ({entry.value}) cannot be loaded "
            f"({type(error).__name__}: {_short(error)})"
        ) from None
    dist = entry.dist
    distribution = f"{dist.name}=={dist.version}" if dist is not None else ""
    return function, distribution


@functools.cache
def _distributions() -> Mapping[str, list[str]]:
    return importlib.metadata.packages_distributions()


def _distribution_of_module(target: str) -> str:
    top = target.partition(":")[0].split(".")[0]
    names = sorted(_distributions().get(top, []))
    versions = []
    for name in names:
        try:
            versions.append(f"{name}=={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            continue
    return ",".join(versions)


def fingerprint(target: str, function: Any, distribution: str, options: Mapping[str, Any]) -> str:
    """What a page rendered by this renderer depends on (see the module's docstring)."""
    module = inspect.getmodule(function) or inspect.getmodule(type(function))
    name = getattr(function, "__qualname__", type(function).__qualname__)
    parts = [
        target,
        name,
        _module_digest(module),
        distribution,
        json.dumps(options, sort_keys=True, default=repr),
    ]
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:20]


def _module_digest(module: ModuleType | None) -> str:
    if module is None:
        return ""
    known = _MODULE_DIGESTS.get(module.__name__)
    if known is not None:
        return known
    digest = ""
    source = getattr(module, "__file__", None)
    if source:
        try:
            digest = hashlib.sha256(Path(source).read_bytes()).hexdigest()
        except OSError:
            digest = ""
    if not digest:
        digest = f"{module.__name__}@{sys.version}"
    _MODULE_DIGESTS[module.__name__] = digest
    return digest


def _short(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text if len(text) <= 160 else text[:159] + "…"
