"""SVG files made passive before they are published.

An SVG shown in `<img>` never runs script, but the same file opened on its own (a
reader follows the image's URL) is a document on the site's origin, and its
`<script>`, `onload=`, `<a href="javascript:...">`, `<foreignObject>` HTML or
`<animate>`d links all run there. So an SVG is parsed (defusedxml: no entity
expansion, no external entities) and written out anew from an allow-list of drawing
elements and attributes; whatever is not on the list is left out, and a link may only
point inside the file (`#id`). A file that does not parse as SVG is not published as one.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element
from xml.sax.saxutils import escape, quoteattr

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

SVG_LIMIT = 4 * 1024 * 1024
"""Bytes; a larger SVG is parsed whole in memory, so it is published as a download."""
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"

ELEMENTS = frozenset(
    {
        "svg", "g", "defs", "symbol", "use", "title", "desc", "path", "rect", "circle",
        "ellipse", "line", "polyline", "polygon", "text", "tspan", "textPath",
        "linearGradient", "radialGradient", "stop", "clipPath", "mask", "pattern", "marker",
        "filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite",
        "feDropShadow", "feFlood", "feFuncA", "feFuncB", "feFuncG", "feFuncR",
        "feGaussianBlur", "feMerge", "feMergeNode", "feMorphology", "feOffset",
    }
)  # fmt: skip
UNWRAPPED = frozenset({"a", "switch"})
"""Left out, but their children are kept: a link's drawing still shows."""

ATTRIBUTES = frozenset(
    {
        "id", "class", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx",
        "fy", "fr", "dx", "dy", "width", "height", "d", "points", "viewBox",
        "preserveAspectRatio", "transform", "version", "fill", "fill-opacity", "fill-rule",
        "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin", "stroke-dasharray",
        "stroke-dashoffset", "stroke-opacity", "stroke-miterlimit", "opacity", "color",
        "display", "visibility", "overflow", "font-family", "font-size", "font-weight",
        "font-style", "font-variant", "text-anchor", "dominant-baseline",
        "alignment-baseline", "baseline-shift", "letter-spacing", "word-spacing",
        "text-decoration", "textLength", "lengthAdjust", "rotate", "startOffset", "offset",
        "stop-color", "stop-opacity", "gradientUnits", "gradientTransform", "spreadMethod",
        "clip-path", "clip-rule", "clipPathUnits", "mask", "maskUnits", "maskContentUnits",
        "marker-start", "marker-mid", "marker-end", "markerWidth", "markerHeight", "refX",
        "refY", "orient", "markerUnits", "patternUnits", "patternContentUnits",
        "patternTransform", "filter", "filterUnits", "primitiveUnits", "stdDeviation",
        "in", "in2", "result", "mode", "operator", "k1", "k2", "k3", "k4", "values", "type",
        "tableValues", "slope", "intercept", "amplitude", "exponent", "radius",
        "flood-color", "flood-opacity", "style", "href", "vector-effect", "paint-order",
        "shape-rendering", "text-rendering", "image-rendering", "mix-blend-mode",
        "isolation", "xml:space",
    }
)  # fmt: skip

_URL = re.compile(r"url\s*\(", re.IGNORECASE)
_LOCAL_URL = re.compile(r"url\s*\(\s*['\"]?#", re.IGNORECASE)
_ACTIVE = re.compile(r"javascript|vbscript|data\s*:|expression|@import|behavior|\\", re.I)


def _local_name(tag: str) -> str | None:
    """`path` for `{svg namespace}path`; None for any other namespace."""
    if tag.startswith(f"{{{SVG_NS}}}"):
        return tag[len(SVG_NS) + 2 :]
    return None


def _attribute_name(key: str) -> str | None:
    if key.startswith(f"{{{XLINK_NS}}}"):
        return "href" if key.endswith("}href") else None
    if key == f"{{{XML_NS}}}space":
        return "xml:space"
    return key if "{" not in key else None


def _safe_value(name: str, value: str) -> bool:
    """Links stay inside the file; CSS and paint values load nothing and run nothing."""
    if name == "href":
        return value.strip().startswith("#") and not _ACTIVE.search(value)
    if _ACTIVE.search(value) or "<" in value:
        return False
    return len(_URL.findall(value)) == len(_LOCAL_URL.findall(value))


def _write(element: Element, out: list[str]) -> None:
    name = _local_name(str(element.tag))
    if name in ELEMENTS:
        out.append(f"<{name}")
        if name == "svg" and not out[:-1]:
            out.append(f' xmlns="{SVG_NS}"')
        for key, value in element.attrib.items():
            attribute = _attribute_name(key)
            if attribute in ATTRIBUTES and _safe_value(attribute, value):
                out.append(f" {attribute}={quoteattr(value)}")
        out.append(">")
        if element.text and name in ("text", "tspan", "textPath", "title", "desc"):
            out.append(escape(element.text))
        for child in element:
            _write(child, out)
            if child.tail and name in ("text", "tspan", "textPath"):
                out.append(escape(child.tail))
        out.append(f"</{name}>")
    elif name in UNWRAPPED:
        for child in element:
            _write(child, out)


def sanitise(data: bytes) -> bytes | None:
    """The SVG rebuilt from what cannot run or load anything, or None when `data` is
    not an SVG document (or too large to rebuild)."""
    if len(data) > SVG_LIMIT:
        return None
    try:
        root = fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException, ValueError):
        return None
    if _local_name(str(root.tag)) != "svg":
        return None
    out: list[str] = []
    _write(root, out)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + "".join(out) + "\n").encode()
