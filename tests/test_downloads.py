"""Downloaded files: nothing a file holds runs on the site, nothing inside the network is
fetched and published, expired URLs are refreshed wherever a file sits, and downloads
are bounded in time and memory. Every failure is one WARNING and the build goes on."""

from __future__ import annotations

import base64
import logging
import re
import socket
import tracemalloc
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort

from mkdocs_notion_sync.settings import Settings
from mkdocs_notion_sync.site.assets import AssetStore
from mkdocs_notion_sync.sync.cache import Cache
from notion_emulator import Emulator

from .support.emulators import emulate
from .support.fileserver import FileServer, file_server
from .support.sitebuild import BuiltSite, collecting_logs, run_build, write_site

ROOT = "11111111-1111-4111-8111-111111111111"
FILE_BLOCK = "11111111-0000-4000-8000-0000000000f1"
IMAGE_BLOCK = "11111111-0000-4000-8000-0000000000f2"
DB = "88888888-8888-4888-8888-888888888888"
ENTRY = "99999999-9999-4999-8999-999999999991"
STORED = re.compile(r"^[0-9a-f]{32}\.[a-z0-9]{1,8}$")
ACTIVE = (".md", ".markdown", ".html", ".htm", ".xhtml", ".xht", ".xml", ".js", ".svgz")
SCRIPT = b"<script>alert(document.domain)</script>\n# A heading\n<img src=x onerror=alert(1)>"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYPj/HwAEAQH/2hWBRwAAAABJRU5ErkJggg=="
)


def _workspace(*blocks: dict[str, Any], cover: Any = None) -> dict[str, Any]:
    page: dict[str, Any] = {"id": ROOT, "title": "Files", "blocks": list(blocks)}
    if cover is not None:
        page["cover"] = cover
    return {"seed": "downloads", "pages": [page]}


def _hosted(name: str, data: bytes, content_type: str | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {"base64": base64.b64encode(data).decode(), "name": name}
    if content_type:
        spec["content_type"] = content_type
    return spec


def _build(tmp_path: Path, emu: Emulator, *, strict: bool = False, **options: Any) -> BuiltSite:
    plugin: dict[str, Any] = {
        "api_url": emu.url,
        "rate_limit": 1000,
        "sources": [{"page": ROOT, "dest": "files"}],
        **options,
    }
    return run_build(write_site(tmp_path, plugin), strict=strict)


def _published(site: BuiltSite) -> list[Path]:
    folder = site.site / "assets/notion"
    return sorted(folder.rglob("*")) if folder.exists() else []


def _stored(tmp_path: Path) -> list[Path]:
    folder = tmp_path / ".cache/plugin/notion-sync/assets"
    return [p for p in folder.iterdir() if not p.name.startswith(".")] if folder.exists() else []


def _assert_inert(site: BuiltSite) -> None:
    """Every published file has an inert name; none became a page of the site."""
    for path in _published(site):
        assert path.is_file() and STORED.match(path.name), path
        assert path.suffix not in ACTIVE, path
    nav = site.html("files/index.html").select("nav a")
    assert not any("assets/notion" in str(a.get("href")) for a in nav)


# -- attachments never become pages or active documents ------------------------------


@pytest.mark.parametrize(
    "name", ["notes.md", "page.html", "page.htm", "doc.xhtml", "feed.xml", "readme.markdown"]
)
def test_an_attachment_never_becomes_a_page_or_a_document(tmp_path: Path, name: str) -> None:
    with emulate(_workspace({"id": FILE_BLOCK, "file": {"file": _hosted(name, SCRIPT)}})) as emu:
        site = _build(tmp_path, emu)
    assert site.error is None, site.messages()
    _assert_inert(site)
    assert not list((site.site / "assets").rglob("index.html"))  # no page made of it
    link = site.html("files/index.html").select_one("article a[href*='assets/notion/']")
    assert link is not None and link.get_text() == name
    assert link.get("download") == name  # the reader saves it under its own name
    target = (site.site / "files" / str(link["href"])).resolve()
    assert target.is_file() and target.read_bytes() == SCRIPT
    assert target.suffix == ".bin"


@pytest.mark.parametrize(
    ("name", "saved_as"),
    [
        ('x" onclick="alert(1)}{: .evil }.html', "x onclick=alert(1): .evil .html"),
        ("line\nbreak\t\x00.md", "line break .md"),
    ],
)
def test_a_hostile_file_name_stays_a_plain_download_name(
    tmp_path: Path, name: str, saved_as: str
) -> None:
    with emulate(
        _workspace({"id": FILE_BLOCK, "file": {"file": _hosted("a.bin", SCRIPT), "name": name}})
    ) as emu:
        site = _build(tmp_path, emu)
    assert site.error is None, site.messages()
    link = site.html("files/index.html").select_one("article a[href*='assets/notion/']")
    assert link is not None and link.get("download") == saved_as
    assert not any(key.startswith("on") or key == "class" for key in link.attrs), link.attrs


@pytest.mark.parametrize(
    "content_type", ["text/html", "application/xhtml+xml", "text/markdown", "application/xml"]
)
def test_the_content_type_never_chooses_an_active_extension(
    tmp_path: Path, content_type: str
) -> None:
    hosted = _hosted("payload", SCRIPT, content_type)
    with emulate(_workspace({"id": FILE_BLOCK, "file": {"file": hosted}})) as emu:
        site = _build(tmp_path, emu)
    assert site.error is None, site.messages()
    _assert_inert(site)
    assert [p.suffix for p in _published(site)] == [".bin"]


def test_an_inert_content_type_names_an_extensionless_file(tmp_path: Path) -> None:
    hosted = _hosted("photo", PNG, "image/png")
    with emulate(_workspace({"id": IMAGE_BLOCK, "image": {"file": hosted}})) as emu:
        site = _build(tmp_path, emu)
    assert [p.suffix for p in _published(site)] == [".png"]


HOSTILE_SVG = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     viewBox="0 0 10 10" onload="alert('onload')">
  <script>alert('script')</script>
  <style>@import url(http://evil.example/x.css); rect { fill: red }</style>
  <defs><linearGradient id="g"><stop offset="0" stop-color="#123456"/></linearGradient></defs>
  <rect id="box" width="10" height="10" fill="url(#g)" onclick="alert('click')"/>
  <a xlink:href="javascript:alert('link')"><circle cx="5" cy="5" r="2" fill="blue"/></a>
  <foreignObject width="10" height="10"><iframe xmlns="http://www.w3.org/1999/xhtml"
     src="javascript:alert('iframe')"/></foreignObject>
  <animate xlink:href="#box" attributeName="href" to="javascript:alert('animate')"/>
  <set attributeName="onmouseover" to="alert('set')"/>
  <use href="http://evil.example/sprite.svg#icon"/>
  <image href="http://evil.example/track.png" width="1" height="1"/>
  <text x="1" y="9" style="fill: url(http://evil.example/paint)">Label &amp; more</text>
</svg>"""


def test_an_svg_is_published_without_anything_that_runs_or_loads(tmp_path: Path) -> None:
    hosted = _hosted("diagram.svg", HOSTILE_SVG)
    with emulate(_workspace({"id": IMAGE_BLOCK, "image": {"file": hosted}})) as emu:
        site = _build(tmp_path, emu)
    assert site.error is None, site.messages()
    image = site.html("files/index.html").select_one("article img")
    assert image is not None and str(image["src"]).endswith(".svg")
    published = (site.site / "files" / str(image["src"])).resolve()
    text = published.read_text(encoding="utf-8")
    forbidden = "script alert javascript onload onclick foreignObject iframe animate <set "
    forbidden += "evil.example @import <style <image"
    for bad in forbidden.split():
        assert bad not in text, bad
    root = ElementTree.fromstring(text)  # still an SVG, still the drawing
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg" and root.get("viewBox") == "0 0 10 10"
    assert root.find(f"{ns}rect") is not None and root.find(f"{ns}circle") is not None
    assert root.find(f"{ns}rect").get("fill") == "url(#g)"  # type: ignore[union-attr]
    assert root.find(f"{ns}text").text == "Label & more"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "data",
    [
        b"<html><body><script>alert(1)</script></body></html>",
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><rect',
    ],
    ids=["html-named-svg", "entities", "truncated"],
)
def test_a_file_named_svg_that_is_not_a_clean_svg_is_only_a_download(
    tmp_path: Path, data: bytes
) -> None:
    hosted = _hosted("logo.svg", data)
    with emulate(_workspace({"id": IMAGE_BLOCK, "image": {"file": hosted}})) as emu:
        site = _build(tmp_path, emu)
    assert site.error is None, site.messages()
    assert [p.suffix for p in _published(site)] == [".bin"]


# -- nothing inside the network is fetched and published ---------------------------


@pytest.fixture
def server() -> Iterator[FileServer]:
    with file_server() as state:
        yield state


def _external_image(url: str) -> dict[str, Any]:
    return {"id": IMAGE_BLOCK, "image": {"external": {"url": url}}}


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "localhost", "[::1]", "2130706433", "127.1", "0.0.0.0"]
)
def test_external_downloads_never_reach_a_loopback_address(
    tmp_path: Path, server: FileServer, host: str
) -> None:
    port = server.url.rsplit(":", 1)[1]
    server.file("/secret.png", PNG, "image/png")
    url = f"http://{host}:{port}/secret.png"
    with emulate(_workspace(_external_image(url))) as emu:
        site = _build(tmp_path, emu, download_external=True)
    assert site.error is None, site.messages()
    assert server.requests == []  # never asked
    warnings = site.warnings()
    assert len(warnings) == 1 and "not a public address" in warnings[0], warnings
    image = site.html("files/index.html").select_one("article img")
    assert image is not None and str(image["src"]).startswith(f"http://{host}:{port}/")
    assert _stored(tmp_path) == [] and _published(site) == []


@pytest.mark.parametrize("allowed", ["127.0.0.1", "127.0.0.0/8", "LOCALHOST"])
def test_download_allowed_hosts_lets_a_listed_host_or_network_through(
    tmp_path: Path, server: FileServer, allowed: str
) -> None:
    port = server.url.rsplit(":", 1)[1]
    url = f"http://localhost:{port}/ok.png" if allowed == "LOCALHOST" else server.url + "/ok.png"
    server.file("/ok.png", PNG, "image/png")
    with emulate(_workspace(_external_image(url))) as emu:
        site = _build(tmp_path, emu, download_external=True, download_allowed_hosts=[allowed])
    assert site.error is None and site.warnings() == [], site.messages()
    image = site.html("files/index.html").select_one("article img")
    assert image is not None and "assets/notion/" in str(image["src"])
    assert server.requests == ["/ok.png"]


def test_a_redirect_into_the_network_is_refused(
    tmp_path: Path, server: FileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The owner trusts the host `files.test` (a name, whatever its address); where it
    redirects, the next host is judged on its own."""
    _fake_dns(monkeypatch, {"files.test": [["127.0.0.1"]]})
    with file_server() as inner:
        inner.file("/admin", b"internal secrets", "text/plain")
        inner_port = inner.url.rsplit(":", 1)[1]
        server.redirect("/go", f"http://localhost:{inner_port}/admin")
        url = f"http://files.test:{server.url.rsplit(':', 1)[1]}/go"
        with emulate(_workspace(_external_image(url))) as emu:
            site = _build(
                tmp_path, emu, download_external=True, download_allowed_hosts=["files.test"]
            )
        assert inner.requests == [] and server.requests == ["/go"]
    assert site.error is None, site.messages()
    warnings = site.warnings()
    assert len(warnings) == 1 and "redirects to http://localhost" in warnings[0], warnings
    assert "not a public address" in warnings[0]
    assert _stored(tmp_path) == []


@pytest.mark.parametrize(
    "location", ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1:6379/_INFO"]
)
def test_a_redirect_to_another_scheme_is_refused(
    tmp_path: Path, server: FileServer, location: str
) -> None:
    url = server.redirect("/go", location)
    with emulate(_workspace(_external_image(url))) as emu:
        site = _build(tmp_path, emu, download_external=True, download_allowed_hosts=["127.0.0.1"])
    assert site.error is None, site.messages()
    warnings = site.warnings()
    assert len(warnings) == 1 and "only http(s)" in warnings[0], warnings


@pytest.mark.parametrize(("hops", "downloaded"), [(5, True), (6, False)])
def test_redirects_are_capped_at_five(
    tmp_path: Path, server: FileServer, hops: int, downloaded: bool
) -> None:
    server.file("/r0", PNG, "image/png")
    for hop in range(1, hops + 1):
        server.redirect(f"/r{hop}", f"/r{hop - 1}")
    url = f"{server.url}/r{hops}"
    with emulate(_workspace(_external_image(url))) as emu:
        site = _build(tmp_path, emu, download_external=True, download_allowed_hosts=["127.0.0.1"])
    assert site.error is None, site.messages()
    assert bool(_published(site)) is downloaded
    if not downloaded:
        assert "more than 5 times" in " ".join(site.warnings())
        assert "/r0" not in server.requests


def test_a_notion_file_may_redirect_within_its_origin_but_not_into_the_network(
    tmp_path: Path, server: FileServer
) -> None:
    """A `file` object's URL is the API's word (in tests the emulator's own loopback
    address); where it redirects to another origin, that hop is judged like any other."""
    with file_server() as inner:
        inner.file("/admin.png", PNG, "image/png")
        inner_port = inner.url.rsplit(":", 1)[1]
        server.file("/real.png", PNG, "image/png")
        same = server.redirect("/moved.png", "/real.png")
        away = server.redirect("/away.png", f"http://localhost:{inner_port}/admin.png")
        blocks = [
            {"id": IMAGE_BLOCK, "image": {"file": {"url": same, "expiry_time": "2099-01-01"}}},
            {"id": FILE_BLOCK, "file": {"file": {"url": away, "expiry_time": "2099-01-01"}}},
        ]
        with emulate(_workspace(*blocks)) as emu:
            site = _build(tmp_path, emu)
        assert inner.requests == []
    assert site.error is None, site.messages()
    image = site.html("files/index.html").select_one("article img")
    assert image is not None and "assets/notion/" in str(image["src"])
    warnings = site.warnings()
    assert len(warnings) == 1 and "not a public address" in warnings[0], warnings


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
     "0.0.0.0", "224.0.0.1", "240.0.0.1", "255.255.255.255", "192.0.2.1", "::1", "::",
     "fe80::1", "fc00::1", "ff02::1", "::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe",
     "2002:0a00:0001::1", "2001:db8::1"],
)  # fmt: skip
def test_private_reserved_and_embedded_addresses_are_not_public(address: str) -> None:
    import ipaddress

    from mkdocs_notion_sync.site import netguard

    assert not netguard.is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700::1111"])
def test_public_addresses_are_public(address: str) -> None:
    import ipaddress

    from mkdocs_notion_sync.site import netguard

    assert netguard.is_public(ipaddress.ip_address(address))


def _fake_dns(monkeypatch: pytest.MonkeyPatch, answers: dict[str, list[list[str]]]) -> list[str]:
    """Names in `answers` resolve to the next list of addresses (the last one repeats);
    everything else resolves for real. Returns the names asked, in order."""
    real = socket.getaddrinfo
    asked: list[str] = []

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in answers:
            return real(host, port, *args, **kwargs)
        asked.append(host)
        queue = answers[host]
        addresses = queue.pop(0) if len(queue) > 1 else queue[0]
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in addresses
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


def test_a_name_is_judged_by_every_address_it_resolves_to(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_dns(
        monkeypatch,
        {"intranet.test": [["10.0.0.5"]], "mixed.test": [["93.184.216.34", "192.168.0.9"]]},
    )
    from mkdocs_notion_sync.site import netguard

    policy = netguard.AddressPolicy.from_entries(["wiki.test", "10.9.0.0/16"])
    with pytest.raises(netguard.Refused, match=re.escape("intranet.test resolves to 10.0.0.5")):
        policy.resolve("intranet.test", 80)
    with pytest.raises(netguard.Refused, match=re.escape("192.168.0.9")):
        policy.resolve("mixed.test", 443)
    with pytest.raises(netguard.Refused, match="does not resolve"):
        policy.resolve("nothing.invalid", 80)
    assert policy.address_allowed(__import__("ipaddress").ip_address("10.9.1.1"))
    assert policy.host_allowed("WIKI.test.")


def test_the_connection_goes_to_the_address_that_was_judged(
    tmp_path: Path, server: FileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: the name answers an allowed address once, then another one; the
    download uses the first answer and never asks again for that connection."""
    port = server.url.rsplit(":", 1)[1]
    server.file("/ok.png", PNG, "image/png")
    asked = _fake_dns(monkeypatch, {"files.rebind.test": [["127.0.0.1"], ["127.0.0.3"]]})
    url = f"http://files.rebind.test:{port}/ok.png"
    with emulate(_workspace(_external_image(url))) as emu:
        site = _build(
            tmp_path, emu, download_external=True, download_allowed_hosts=["127.0.0.1/32"]
        )
    assert site.error is None and site.warnings() == [], site.messages()
    assert server.requests == ["/ok.png"] and asked == ["files.rebind.test"]


@pytest.mark.parametrize(("host", "allowed"), [("files.test", True), ("localhost", False)])
def test_through_a_proxy_the_target_is_judged_before_the_request(
    tmp_path: Path, server: FileServer, monkeypatch: pytest.MonkeyPatch, host: str, allowed: bool
) -> None:
    """HTTP_PROXY: the proxy connects, so the target's addresses are judged first."""
    _fake_dns(monkeypatch, {"files.test": [["127.0.0.1"]]})
    monkeypatch.setenv("HTTP_PROXY", server.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")  # the emulator's API goes direct
    server.file("/ok.png", PNG, "image/png")
    url = f"http://{host}:8/ok.png"  # nothing listens on port 8: only the proxy answers
    with emulate(_workspace(_external_image(url))) as emu:
        site = _build(tmp_path, emu, download_external=True, download_allowed_hosts=["files.test"])
    assert site.error is None, site.messages()
    assert server.requests == ([url] if allowed else [])
    assert bool(_published(site)) is allowed
    assert len(site.warnings()) == (0 if allowed else 1), site.warnings()


def _store(tmp_path: Path, **settings: Any) -> AssetStore:
    cache = Cache(tmp_path / "cache")
    pool = ThreadPoolExecutor(2)
    return AssetStore(cache, Settings(cache_dir=tmp_path / "cache", **settings), pool)


def test_an_expired_file_refreshed_into_an_external_url_follows_download_external(
    tmp_path: Path, server: FileServer
) -> None:
    expired = server.status("/expired.png", 403)
    outside = server.file("/outside.png", PNG, "image/png")
    store = _store(tmp_path, download_external=False)
    try:
        store.submit(
            IMAGE_BLOCK,
            {"type": "file", "file": {"url": expired}},
            lambda _owner: {"type": "external", "external": {"url": outside}},
        )
        found = store.lookup(IMAGE_BLOCK, {"type": "file", "file": {"url": expired}})
    finally:
        store.close()
    assert found.name is None and found.problem and "download_external" in found.problem
    assert server.requests == ["/expired.png"]


def test_a_refresh_that_fails_or_a_server_error_is_the_reason_given(
    tmp_path: Path, server: FileServer
) -> None:
    from mkdocs_notion_sync.errors import NotSharedError

    expired = {"type": "file", "file": {"url": server.status("/expired.png", 403)}}
    missing = {"type": "file", "file": {"url": server.status("/missing.png", 404)}}
    unsized = {"type": "file", "file": {"url": server.unsized("/unsized.png", 4096)}}

    def gone(owner_id: str) -> dict[str, Any] | None:
        raise NotSharedError(owner_id, "page")

    store = _store(tmp_path, max_asset_size=0.001)
    try:
        store.submit("a", expired, gone)
        store.submit("b", expired, lambda _owner: None)
        store.submit("c", missing)
        store.submit("d", unsized)
        problems = [store.lookup(owner, file).problem for owner, file in
                    [("a", expired), ("b", expired), ("c", missing), ("d", unsized)]]  # fmt: skip
        again = store.lookup("c", missing)
    finally:
        store.close()
    assert problems[0] and "could not be refreshed: Notion page a" in problems[0]
    assert problems[1] == "the signed URL expired and could not be refreshed"
    assert problems[2] == "answered HTTP 404"
    assert problems[3] and "larger than the 1048 byte limit" in problems[3]
    assert again.problem == "answered HTTP 404" and not again.first  # reported once
    assert [p.name for p in (tmp_path / "cache/assets").iterdir()] == []  # no part files left


def test_names_from_an_older_cache_are_trusted_only_when_inert(
    tmp_path: Path, server: FileServer
) -> None:
    """Caches written before names were made inert may map a file to `<hash>.html` or
    to an SVG that was never sanitised: those are downloaded again; an inert name is
    adopted without a download. And whatever the index says, nothing active is
    published."""
    from mkdocs_notion_sync.site.assets import _legacy_key

    cache = Cache(tmp_path / "cache")
    cache.assets_dir.mkdir(parents=True)
    files = {
        "png": {"type": "file", "file": {"url": server.file("/a.png", PNG, "image/png")}},
        "html": {"type": "file", "file": {"url": server.file("/b.html", SCRIPT, "text/html")}},
        "svg": {"type": "file", "file": {"url": server.file("/c.svg", HOSTILE_SVG)}},
    }
    for kind, file in files.items():
        name = "0" * 31 + {"png": "1.png", "html": "2.html", "svg": "3.svg"}[kind]
        (cache.assets_dir / name).write_bytes(b"old copy")
        cache.assets.put(_legacy_key(kind, file["file"]["url"]), name)
    cache.close()
    store = _store(tmp_path)
    try:
        names = {kind: store.lookup(kind, file).name for kind, file in files.items()}
        store.used.add("0" * 31 + "2.html")  # as a stale render record would
        published = store.published()
    finally:
        store.close()
    assert names["png"] == "0" * 31 + "1.png" and "/a.png" not in server.requests
    assert str(names["html"]).endswith(".bin") and str(names["svg"]).endswith(".svg")
    assert names["svg"] != "0" * 31 + "3.svg"
    assert not any(path.endswith((".html", ".md")) for path in published)


def test_a_cache_folder_that_cannot_store_files_is_one_warning(tmp_path: Path) -> None:
    """Disks are unreliable: the assets folder cannot be made (here a file is in its
    way); the build goes on without the file and says so once."""
    assets = tmp_path / ".cache/plugin/notion-sync/assets"
    assets.parent.mkdir(parents=True)
    assets.write_text("in the way")
    image = {"id": IMAGE_BLOCK, "image": {"file": {"generate": "png"}}}
    with emulate(_workspace(image)) as emu:
        site = _build(tmp_path, emu)
    assert site.error is None, site.messages()
    warnings = site.warnings()
    assert len(warnings) == 1 and "could not be stored" in warnings[0], warnings


# -- expired URLs are refreshed wherever a file sits ---------------------------------


def _database(files: list[Any]) -> dict[str, Any]:
    database = {
        "id": DB,
        "title": "Reports",
        "properties": {"Name": "title", "Attachment": "files"},
        "entries": [{"id": ENTRY, "title": "Q3", "properties": {"Attachment": files}}],
    }
    return {
        "seed": "downloads",
        "pages": [{"id": ROOT, "title": "Files", "blocks": [{"database": database}]}],
    }


def _build_db(tmp_path: Path, emu: Emulator, *, strict: bool = False) -> BuiltSite:
    plugin = {"api_url": emu.url, "rate_limit": 1000, "sources": [{"database": DB, "dest": "r"}]}
    return run_build(write_site(tmp_path, plugin), strict=strict)


@pytest.mark.parametrize("count", [1, 2])
def test_files_in_a_database_property_are_refreshed_when_their_url_expired(
    tmp_path: Path, count: int
) -> None:
    files = [{"generate": "pdf", "name": f"report-{i}.pdf"} for i in range(count)]
    with emulate(_database(files)) as emu:
        emu.faults.expired_downloads = count  # every URL the query gave has expired
        site = _build_db(tmp_path, emu)
        retrieved = emu.stats.by_endpoint.get("GET /v1/pages/{id}", 0)
    assert site.error is None and site.warnings() == [], site.messages()
    page = next(p for p in site.pages() if "q3" in str(p).lower())
    links = [
        a
        for a in site.html(str(page.relative_to(site.site))).select("article a")
        if "assets/notion/" in str(a.get("href"))
    ]
    assert sorted(a.get_text() for a in links) == [f"report-{i}.pdf" for i in range(count)]
    assert len(_published(site)) == count and retrieved >= 1


@pytest.mark.parametrize("where", ["cover", "image", "property"])
def test_a_file_that_stays_refused_is_one_warning_and_the_build_goes_on(
    tmp_path: Path, where: str
) -> None:
    pdf = {"generate": "pdf", "name": "report.pdf"}
    if where == "property":
        workspace = _database([pdf])
    elif where == "cover":
        workspace = _workspace({"paragraph": "Text."}, cover={"generate": "png"})
    else:
        workspace = _workspace({"id": IMAGE_BLOCK, "image": {"file": {"generate": "png"}}})
    with emulate(workspace) as emu:
        emu.faults.expired_downloads = -1  # refused for good, fresh URL or not
        build = _build_db if where == "property" else _build
        site = build(tmp_path / "plain", emu)
        strict = build(tmp_path / "strict", emu, strict=True)
    assert site.error is None, site.messages()
    warnings = site.warnings()
    assert len(warnings) == 1, warnings
    assert "answered HTTP 403, also with a fresh URL" in warnings[0]
    assert "\n" not in warnings[0] and "Traceback" not in " ".join(site.messages())
    assert strict.error is not None and not list((tmp_path / "strict/site").rglob("*.bin"))


# -- bounded in time and memory ------------------------------------------------------


@pytest.mark.parametrize("headers_too", [False, True], ids=["body", "headers"])
def test_a_download_that_trickles_is_cut_off_by_its_deadline(
    tmp_path: Path, server: FileServer, headers_too: bool
) -> None:
    url = server.trickle("/slow.png", headers_too=headers_too)
    image = {"id": IMAGE_BLOCK, "image": {"file": {"url": url, "expiry_time": "2099-01-01"}}}
    with emulate(_workspace(image, {"paragraph": "After the image."})) as emu:
        site = _build(tmp_path, emu, timeout=0.2)
    assert site.error is None, site.messages()
    warnings = site.warnings()
    assert len(warnings) == 1 and "not complete within 2s" in warnings[0], warnings
    assert "After the image." in site.html("files/index.html").get_text()


def _peak_build(tmp_path: Path, server: FileServer, size: int) -> int:
    url = server.streamed(f"/big-{size}.bin", size)
    block = {"id": FILE_BLOCK, "file": {"file": {"url": url, "expiry_time": "2099-01-01"}}}
    with emulate(_workspace(block)) as emu:
        tracemalloc.start()
        try:
            site = _build(tmp_path, emu, max_asset_size=64)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert site.error is None and site.warnings() == [], site.messages()
    assert [p.stat().st_size for p in _published(site)] == [size]
    return peak


def test_downloads_stream_to_disk_so_memory_does_not_grow_with_file_size(
    tmp_path: Path, server: FileServer
) -> None:
    small = _peak_build(tmp_path / "small", server, 1 << 20)
    large = _peak_build(tmp_path / "large", server, 32 << 20)
    assert large - small < 8 << 20, (small, large)  # a 31 MiB bigger file, not 31 MiB more


# -- the option ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (["not a host!"], "is not a host name or an IP network"),
        (["10.0.0.0/33"], "is not a host name or an IP network"),
        ([""], "an empty entry"),
        ([42], "download_allowed_hosts"),
    ],
)
def test_bad_download_allowed_hosts_fail_with_the_option_named(
    tmp_path: Path, value: Any, expected: str
) -> None:
    config = write_site(tmp_path, {"sources": [], "download_allowed_hosts": value})
    with collecting_logs() as records, pytest.raises(Abort):
        MkDocsConfig.plugins.plugin_cache.clear()  # type: ignore[attr-defined]
        load_config(str(config))
    errors = [r.getMessage() for r in records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "option 'download_allowed_hosts'" in errors[0], errors
    assert expected in errors[0]


def test_download_allowed_hosts_can_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOTION_SYNC_DOWNLOAD_ALLOWED_HOSTS", "wiki.internal, 10.1.0.0/16")
    MkDocsConfig.plugins.plugin_cache.clear()  # type: ignore[attr-defined]
    config = load_config(str(write_site(tmp_path, {"sources": []})))
    plugin = config.plugins["notion-sync"]
    assert plugin.config.download_allowed_hosts == ["wiki.internal", "10.1.0.0/16"]
