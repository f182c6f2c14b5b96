"""Embeds that play in the page: an allow-list of providers, each embed URL rebuilt.

An embed (or a video block) whose URL belongs to a known provider becomes an iframe of
that provider's player. The URL from Notion is never pasted through: its host must be
one of the provider's, the ids are matched against what the provider's ids look like,
and the player URL is built from those ids alone (on the privacy-friendlier host where
there is one: youtube-nocookie.com, Vimeo with `dnt=1`). Every iframe is lazily loaded,
titled, and sandboxed as tightly as the provider's player allows. media.py decides
where an embed plays; anything else is a link card (cards.py).

Long because each provider's URL forms are small parsers of their own; they
read best side by side with the one table that names them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from .context import Block
from .escape import attribute
from .rich_text import plain_text
from .urls import safe_url
from .walk import Walk, payload

VIDEO_SUFFIXES = (".mp4", ".webm", ".ogv", ".ogg", ".mov", ".m4v")

_POPUPS = "allow-popups allow-popups-to-escape-sandbox"
"""Links inside a player ("watch on YouTube", "open in Figma") open a normal tab."""
_PLAYER = f"allow-scripts allow-same-origin allow-presentation {_POPUPS}"
_VIEWER = f"allow-scripts allow-same-origin {_POPUPS}"
_ORIGIN_ONLY = "strict-origin-when-cross-origin"
"""Sends only the site's origin: YouTube and Vimeo refuse to play without it."""


@dataclass(frozen=True)
class Provider:
    """One allow-listed provider and how tightly its iframe is held."""

    name: str
    kind: str
    """`video`, `document`, `map`, `board`: the shape of the frame (stylesheet)."""
    sandbox: str
    allow: str
    referrer: str = "no-referrer"


YOUTUBE = Provider(
    "YouTube", "video", _PLAYER, "encrypted-media; fullscreen; picture-in-picture", _ORIGIN_ONLY
)
VIMEO = Provider("Vimeo", "video", _PLAYER, "fullscreen; picture-in-picture", _ORIGIN_ONLY)
LOOM = Provider("Loom", "video", _PLAYER, "fullscreen", _ORIGIN_ONLY)
GOOGLE_MAPS = Provider("Google Maps", "map", _VIEWER, "fullscreen")
FIGMA = Provider("Figma", "board", _VIEWER, "fullscreen")
GOOGLE_DOCS = Provider("Google Docs", "document", _VIEWER, "fullscreen")
GOOGLE_DRIVE = Provider("Google Drive", "document", _PLAYER, "fullscreen")
MIRO = Provider("Miro", "board", _VIEWER, "fullscreen", _ORIGIN_ONLY)
CODEPEN = Provider("CodePen", "document", f"{_VIEWER} allow-forms", "fullscreen")


@dataclass(frozen=True)
class Embed:
    provider: Provider
    src: str


_ID = r"[A-Za-z0-9_-]"
_YOUTUBE_ID = re.compile(rf"{_ID}{{11}}")
_YOUTUBE_PATH = re.compile(rf"/(?:embed|shorts|live|v)/({_ID}{{11}})/?")
_PLAYLIST = re.compile(rf"{_ID}{{2,64}}")
_DURATION = re.compile(r"(?:(\d{1,2})h)?(?:(\d{1,4})m)?(?:(\d{1,6})s?)?")
_VIMEO_PATH = re.compile(
    r"/(?:video/)?(?:channels/[\w-]{1,64}/|groups/[\w-]{1,64}/videos/)?(\d{1,12})(?:/([0-9a-f]{6,32}))?/?"
)
_HASH = re.compile(r"[0-9a-f]{6,32}")
_LOOM_PATH = re.compile(r"/(?:share|embed)/([0-9a-f]{32})/?")
_COORDINATES = re.compile(
    r"/@(-?\d{1,3}(?:\.\d{1,10})?),(-?\d{1,3}(?:\.\d{1,10})?),(\d{1,2}(?:\.\d{1,4})?)z"
)
_PB = re.compile(r"[A-Za-z0-9!._%:*-]{1,4000}")
_FIGMA_PATH = re.compile(
    r"/(file|design|proto|board|slides|deck)/([A-Za-z0-9]{10,64})(?:/[^/]*)?/?"
)
_NODE = re.compile(r"\d{1,12}[-:]\d{1,12}")
_DOCS_PATH = re.compile(rf"/(document|spreadsheets|presentation)/d/(e/)?({_ID}{{20,200}})(?:/.*)?")
_DRIVE_FILE = re.compile(rf"/file/d/({_ID}{{20,200}})(?:/.*)?")
_DRIVE_FOLDER = re.compile(rf"/drive/(?:u/\d/)?folders/({_ID}{{20,200}})/?")
_MIRO_PATH = re.compile(r"/app/(?:board|live-embed)/([A-Za-z0-9_=-]{6,64})/?")
_CODEPEN_PATH = re.compile(
    r"/([A-Za-z0-9_-]{1,64})/(?:pen|full|details|embed(?:/preview)?)/([A-Za-z0-9]{3,16})/?"
)


def _first(query: dict[str, list[str]], *names: str) -> str:
    for name in names:
        values = query.get(name)
        if values:
            return values[0]
    return ""


def _seconds(text: str) -> int | None:
    """`90`, `90s`, `1m30s`, `1h2m3s` as seconds; None for anything else or zero."""
    match = _DURATION.fullmatch(text) if text else None
    if match is None:
        return None
    hours, minutes, seconds = (int(part) if part else 0 for part in match.groups())
    total = hours * 3600 + minutes * 60 + seconds
    return total or None


def _youtube(host: str, path: str, query: dict[str, list[str]]) -> str | None:
    if host == "youtu.be":
        video = path.strip("/")
    elif path.rstrip("/") == "/watch":
        video = _first(query, "v")
    else:
        match = _YOUTUBE_PATH.fullmatch(path)
        video = match.group(1) if match else ""
    params: dict[str, str | int] = {}
    playlist = _first(query, "list")
    if _PLAYLIST.fullmatch(playlist):
        params["list"] = playlist
    start = _seconds(_first(query, "t", "start"))
    if start:
        params["start"] = start
    if _YOUTUBE_ID.fullmatch(video):
        base = f"https://www.youtube-nocookie.com/embed/{video}"
    elif "list" in params and path.rstrip("/") in ("/playlist", "/embed/videoseries"):
        base = "https://www.youtube-nocookie.com/embed/videoseries"
    else:
        return None
    return f"{base}?{urlencode(params)}" if params else base


def _vimeo(host: str, path: str, query: dict[str, list[str]]) -> str | None:
    match = _VIMEO_PATH.fullmatch(path)
    if match is None or (host == "player.vimeo.com") != path.startswith("/video/"):
        return None
    params = {"dnt": "1"}
    secret = match.group(2) or _first(query, "h")
    if _HASH.fullmatch(secret):
        params["h"] = secret
    return f"https://player.vimeo.com/video/{match.group(1)}?{urlencode(params)}"


def _loom(host: str, path: str, query: dict[str, list[str]]) -> str | None:
    match = _LOOM_PATH.fullmatch(path)
    return f"https://www.loom.com/embed/{match.group(1)}" if match else None


def _google_maps(host: str, path: str, query: dict[str, list[str]]) -> str | None:
    if not path.startswith("/maps"):
        return None
    pb = _first(query, "pb")
    if path.rstrip("/") == "/maps/embed" and _PB.fullmatch(pb):
        return f"https://www.google.com/maps/embed?pb={pb}"
    params: dict[str, str | int] = {}
    match = _COORDINATES.search(path)
    if match and abs(float(match.group(1))) <= 90 and abs(float(match.group(2))) <= 180:
        params = {"q": f"{match.group(1)},{match.group(2)}", "z": int(float(match.group(3)))}
    else:
        place = " ".join(_first(query, "q", "query").split())[:200]
        if not place:
            return None
        params = {"q": place}
    return "https://maps.google.com/maps?" + urlencode({**params, "output": "embed"})


def _figma(host: str, path: str, query: dict[str, list[str]]) -> str | None:
    match = _FIGMA_PATH.fullmatch(path)
    if match is None:
        return None
    canonical = f"https://www.figma.com/{match.group(1)}/{match.group(2)}"
    node = _first(query, "node-id")
    if _NODE.fullmatch(node):
        canonical += f"?node-id={node}"
    return f"https://www.figma.com/embed?embed_host=share&url={quote(canonical, safe='')}"


def _google_docs(host: str, path: str, query: dict[str, list[str]]) -> str | None:
    match = _DOCS_PATH.fullmatch(path)
    if match is None:
        return None
    kind, published, doc = match.groups()
    base = f"https://docs.google.com/{kind}/d/"
    if not published:
        return f"{base}{doc}/{'embed' if kind == 'presentation' else 'preview'}"
    ending = {
        "document": "pub?embedded=true",
        "spreadsheets": "pubhtml?widget=true&headers=false",
        "presentation": "embed",
    }[kind]
    return f"{base}e/{doc}/{ending}"


def _google_drive(host: str, path: str, query: dict[str, list[str]]) -> str | None:
    file_match = _DRIVE_FILE.fullmatch(path)
    if file_match:
        return f"https://drive.google.com/file/d/{file_match.group(1)}/preview"
    folder = _DRIVE_FOLDER.fullmatch(path)
    if folder:
        return f"https://drive.google.com/embeddedfolderview?id={folder.group(1)}#list"
    return None


def _miro(host: str, path: str, query: dict[str, list[str]]) -> str | None:
    match = _MIRO_PATH.fullmatch(path)
    return f"https://miro.com/app/live-embed/{match.group(1)}/" if match else None


def _codepen(host: str, path: str, query: dict[str, list[str]]) -> str | None:
    match = _CODEPEN_PATH.fullmatch(path)
    if match is None:
        return None
    return f"https://codepen.io/{match.group(1)}/embed/{match.group(2)}?default-tab=result"


Parser = Callable[[str, str, dict[str, list[str]]], "str | None"]

PROVIDERS: dict[str, tuple[Provider, Parser]] = {
    **dict.fromkeys(
        (
            "youtube.com",
            "www.youtube.com",
            "m.youtube.com",
            "youtu.be",
            "youtube-nocookie.com",
            "www.youtube-nocookie.com",
        ),
        (YOUTUBE, _youtube),
    ),
    **dict.fromkeys(("vimeo.com", "www.vimeo.com", "player.vimeo.com"), (VIMEO, _vimeo)),
    **dict.fromkeys(("loom.com", "www.loom.com"), (LOOM, _loom)),
    **dict.fromkeys(
        ("google.com", "www.google.com", "maps.google.com"), (GOOGLE_MAPS, _google_maps)
    ),
    **dict.fromkeys(("figma.com", "www.figma.com"), (FIGMA, _figma)),
    "docs.google.com": (GOOGLE_DOCS, _google_docs),
    "drive.google.com": (GOOGLE_DRIVE, _google_drive),
    **dict.fromkeys(("miro.com", "www.miro.com"), (MIRO, _miro)),
    "codepen.io": (CODEPEN, _codepen),
}
"""Host (exactly, lower case) -> its provider and the parser that rebuilds its URLs."""


def embeddable(url: str) -> Embed | None:
    """The player of an allow-listed provider for this URL, or None."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if parts.scheme.lower() not in ("http", "https") or parts.username or parts.password:
        return None
    if port not in (None, 80, 443) or host not in PROVIDERS:
        return None
    provider, parse = PROVIDERS[host]
    src = parse(host, parts.path, parse_qs(parts.query))
    return Embed(provider, src) if src else None


def iframe(found: Embed, title: str) -> str:
    """The iframe of an embed; `title` names it for screen readers."""
    provider = found.provider
    return (
        f'<iframe class="notion-embed notion-embed-{provider.kind}" '
        f'src="{attribute(safe_url(found.src) or "about:blank")}" '
        f'title="{attribute(title)}" loading="lazy" sandbox="{provider.sandbox}" '
        f'allow="{provider.allow}" referrerpolicy="{provider.referrer}" allowfullscreen>'
        "</iframe>"
    )


def is_video_file(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(VIDEO_SUFFIXES)


def framed(found: Embed, block: Block, walk: Walk) -> str:
    """The provider's iframe, titled by the caption, with the caption below it."""
    data = payload(block)
    named = " ".join(plain_text(data.get("caption")).split())
    title = named or f"{found.provider.name} {found.provider.kind}"
    caption = walk.inline(data.get("caption"))
    shown = iframe(found, title)
    return f"{shown}\n\n{caption}" if caption else shown
