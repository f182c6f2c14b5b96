"""The folder `sync` shares with people (site/folder.py): it rewrites only what changed,
removes what it wrote when Notion no longer has it, and never overwrites, deletes or
writes outside of what it owns, whatever the disk or the manifest says."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from mkdocs_notion_sync.errors import FolderError
from mkdocs_notion_sync.site.folder import SyncFolder, Wanted, served_at
from mkdocs_notion_sync.site.manifest import MANIFEST


def page(text: str, title: str = "Guide") -> Wanted:
    return Wanted(f"the Notion page {title!r} (1234)", data=text.encode())


def mtimes(root: Path) -> dict[str, int]:
    return {
        p.relative_to(root).as_posix(): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()
    }


def contents(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    root.mkdir()
    (root / "index.md").write_text("# Home\n", encoding="utf-8")
    return root


def test_a_second_publish_of_the_same_files_touches_nothing(docs: Path) -> None:
    folder = SyncFolder(docs)
    wanted = {"guide/index.md": page("one"), "guide/setup.md": page("two")}
    first = folder.publish(wanted)
    assert sorted(first.written) == ["guide/index.md", "guide/setup.md"]
    before = mtimes(docs)
    second = folder.publish(wanted)
    assert second.written == [] and second.removed == [] and second.unchanged == 2
    assert mtimes(docs) == before  # the manifest too


def test_only_the_changed_file_is_rewritten(docs: Path) -> None:
    folder = SyncFolder(docs)
    folder.publish({"guide/index.md": page("one"), "guide/setup.md": page("two")})
    before = mtimes(docs)
    changes = folder.publish({"guide/index.md": page("one"), "guide/setup.md": page("2")})
    assert changes.written == ["guide/setup.md"]
    after = mtimes(docs)
    assert after["guide/index.md"] == before["guide/index.md"]
    assert after["index.md"] == before["index.md"]
    assert (docs / "guide/setup.md").read_text() == "2"


def test_a_file_no_longer_wanted_goes_and_its_empty_folder_with_it(docs: Path) -> None:
    folder = SyncFolder(docs)
    (docs / "guide").mkdir()
    (docs / "guide" / "mine.md").write_text("hand-written")
    folder.publish({"guide/a/index.md": page("a"), "guide/b.md": page("b")})
    changes = folder.publish({"guide/b.md": page("b")})
    assert changes.removed == ["guide/a/index.md"]
    assert not (docs / "guide/a").exists()
    assert (docs / "guide/mine.md").read_text() == "hand-written"
    changes = folder.publish({})
    assert changes.removed == ["guide/b.md"]
    assert (docs / "guide").is_dir()  # the hand-written page keeps its folder
    assert json.loads((docs / MANIFEST).read_text())["files"] == {}


def test_an_asset_named_by_its_content_is_copied_once(docs: Path, tmp_path: Path) -> None:
    stored = tmp_path / "stored.png"
    stored.write_bytes(b"\x89PNG picture")
    folder = SyncFolder(docs)
    wanted = {"assets/notion/abc.png": Wanted("a file", source=stored, named_by_content=True)}
    assert folder.publish(wanted).written == ["assets/notion/abc.png"]
    assert (docs / "assets/notion/abc.png").read_bytes() == b"\x89PNG picture"
    before = mtimes(docs)
    assert folder.publish(wanted).unchanged == 1
    assert mtimes(docs) == before


def test_a_staged_page_is_read_from_its_file_only_when_needed(docs: Path, tmp_path: Path) -> None:
    staged = tmp_path / "staged.md"
    staged.write_text("# Staged\n")
    folder = SyncFolder(docs)
    assert folder.publish({"a.md": Wanted("a page", source=staged)}).written == ["a.md"]
    staged.write_text("# Staged again\n")
    assert folder.publish({"a.md": Wanted("a page", source=staged)}).written == ["a.md"]
    assert (docs / "a.md").read_text() == "# Staged again\n"
    staged.unlink()  # the cache lost it: one line, nothing written
    with pytest.raises(FolderError, match="cannot read"):
        folder.publish({"a.md": Wanted("a page", source=staged)})


# -- files the sync did not write -------------------------------------------------------


@pytest.mark.parametrize("name", ["guide/index.md", "guide/notes.txt"])
def test_a_hand_written_file_in_the_way_is_one_error_naming_both(docs: Path, name: str) -> None:
    (docs / name).parent.mkdir(parents=True)
    (docs / name).write_text("mine")
    before = contents(docs)
    with pytest.raises(FolderError) as raised:
        SyncFolder(docs).publish({"guide/other.md": page("x"), name: page("theirs", "Guide")})
    message = str(raised.value)
    assert f"docs/{name}" in message and "'Guide'" in message and "\n" not in message
    assert contents(docs) == before  # nothing written, not even the other page


@pytest.mark.parametrize("mine", ["guide/faq/index.md", "guide/faq/README.md", "guide/faq.md"])
def test_a_hand_written_page_at_the_same_url_is_a_clash(docs: Path, mine: str) -> None:
    (docs / mine).parent.mkdir(parents=True, exist_ok=True)
    (docs / mine).write_text("mine")
    theirs = "guide/faq.md" if mine != "guide/faq.md" else "guide/faq/index.md"
    before = contents(docs)
    with pytest.raises(FolderError, match="both be published at guide/faq/") as raised:
        SyncFolder(docs).publish({theirs: page("x", "FAQ")})
    assert f"docs/{mine}" in str(raised.value) and "'FAQ'" in str(raised.value)
    assert contents(docs) == before


def test_served_at() -> None:
    assert served_at("index.md") == "/"
    assert served_at("README.md") == "/"
    assert served_at("a/index.md") == served_at("a.md") == served_at("a/README.md") == "a/"


def test_a_file_edited_after_the_sync_wrote_it_is_not_overwritten(docs: Path) -> None:
    folder = SyncFolder(docs)
    folder.publish({"guide.md": page("one")})
    (docs / "guide.md").write_text("my edit")
    with pytest.raises(FolderError, match="was changed since notion-sync wrote it"):
        folder.publish({"guide.md": page("two")})
    assert (docs / "guide.md").read_text() == "my edit"


def test_a_file_edited_after_the_sync_wrote_it_is_left_when_its_page_goes(docs: Path) -> None:
    folder = SyncFolder(docs)
    folder.publish({"guide.md": page("one"), "other.md": page("x")})
    (docs / "guide.md").write_text("my edit")
    (docs / "other.md").unlink()  # deleted by hand: nothing to do
    changes = folder.publish({})
    assert changes.left == ["guide.md"] and changes.removed == []
    assert (docs / "guide.md").read_text() == "my edit"
    # From now on it is a hand-written file, in the way of a page that wants its name.
    with pytest.raises(FolderError, match="notion-sync did not write it"):
        folder.publish({"guide.md": page("one")})


def test_a_file_touched_but_unchanged_stays_ours(docs: Path) -> None:
    """A checkout (or a copy) rewrites the bytes the sync wrote: the same bytes are still
    the sync's file, so it is updated, not refused."""
    folder = SyncFolder(docs)
    folder.publish({"guide.md": page("one")})
    (docs / "guide.md").write_bytes(b"one")
    os.utime(docs / "guide.md", ns=(1, 1))
    assert folder.publish({"guide.md": page("two")}).written == ["guide.md"]
    assert (docs / "guide.md").read_text() == "two"


def test_a_folder_replaced_by_a_file_is_named(docs: Path) -> None:
    (docs / "guide").write_text("a file named like the folder")
    with pytest.raises(FolderError, match="docs/guide is a file where the folder"):
        SyncFolder(docs).publish({"guide/index.md": page("x")})
    assert (docs / "guide").read_text() == "a file named like the folder"


# -- a manifest that does not tell the truth -------------------------------------------


@pytest.mark.parametrize(
    "rel", ["../outside.md", "/tmp/outside.md", "a/../../outside.md", "./index.md", "a\\..\\x"]
)
def test_a_manifest_naming_paths_outside_the_folder_deletes_nothing(
    docs: Path, tmp_path: Path, rel: str
) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text("not yours")
    (docs / MANIFEST).parent.mkdir()
    record = {"sha256": [f"{0:064x}"], "size": None, "mtime_ns": None}
    manifest = {"format": 1, "files": {rel: record, "index.md": record}}
    (docs / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(FolderError, match=r"manifest\.json is damaged") as raised:
        SyncFolder(docs).publish({})
    assert "\n" not in str(raised.value)
    assert outside.read_text() == "not yours"
    assert (docs / "index.md").read_text() == "# Home\n"


@pytest.mark.parametrize(
    "text",
    [
        "{not json",
        "[]",
        '{"format": 2, "files": {}}',
        '{"format": 1, "files": []}',
        '{"format": 1, "files": {"a.md": {"sha256": "abc"}}}',
        '{"format": 1, "files": {"a.md": {"sha256": ["zz"], "size": 1}}}',
        '{"format": 1, "files": {"a.md": {"sha256": [], "size": 1}}}',
        '{"format": 1, "files": {"a.md": {"sha256": ["' + "0" * 64 + '"], "size": -1}}}',
        '{"format": 1, "files": {"a.md": 7}}',
        '{"format": 1, "files": {".notion-sync/manifest.json": {"sha256": ["' + "0" * 64 + '"]}}}',
    ],
)
def test_a_damaged_manifest_is_one_line_that_says_what_to_do(docs: Path, text: str) -> None:
    (docs / MANIFEST).parent.mkdir()
    (docs / MANIFEST).write_text(text)
    with pytest.raises(FolderError, match=r"is damaged \(.*\): restore it") as raised:
        SyncFolder(docs).publish({"a.md": page("x")})
    assert "\n" not in str(raised.value)
    assert not (docs / "a.md").exists()


@pytest.mark.parametrize("link", ["guide", "guide/deeper"])
def test_a_folder_linking_outside_is_refused(docs: Path, tmp_path: Path, link: str) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (docs / link).parent.mkdir(parents=True, exist_ok=True)
    (docs / link).symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(FolderError, match="would be written outside"):
        SyncFolder(docs).publish({f"{link}/index.md": page("x")})
    assert list(elsewhere.iterdir()) == []


def test_a_symbolic_link_where_a_page_was_is_not_followed(docs: Path, tmp_path: Path) -> None:
    folder = SyncFolder(docs)
    folder.publish({"guide.md": page("one")})
    target = tmp_path / "precious.txt"
    target.write_text("precious")
    (docs / "guide.md").unlink()
    (docs / "guide.md").symlink_to(target)
    with pytest.raises(FolderError, match="was changed since"):
        folder.publish({"guide.md": page("two")})
    folder.publish({})  # and its page going away deletes nothing either
    assert target.read_text() == "precious" and (docs / "guide.md").is_symlink()


@pytest.mark.parametrize("rel", ["../x.md", ".notion-sync/manifest.json", "/x.md"])
def test_a_wanted_path_outside_is_refused(docs: Path, rel: str) -> None:
    with pytest.raises(FolderError, match="refusing to write"):
        SyncFolder(docs).publish({rel: page("x")})


# -- an unreliable disk --------------------------------------------------------------


def test_a_sync_killed_half_way_leaves_files_the_next_one_owns(
    docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = SyncFolder(docs)
    folder.publish({"a.md": page("a1"), "b.md": page("b1")})
    real_write = SyncFolder._write
    calls = []

    def dying(self: SyncFolder, rel: str, want: Wanted) -> object:
        calls.append(rel)
        if len(calls) == 2:
            raise KeyboardInterrupt  # killed between two files
        return real_write(self, rel, want)

    monkeypatch.setattr(SyncFolder, "_write", dying)
    with pytest.raises(KeyboardInterrupt):
        folder.publish({"a.md": page("a2"), "b.md": page("b2"), "c.md": page("c2")})
    monkeypatch.setattr(SyncFolder, "_write", real_write)
    assert (docs / "a.md").read_text() == "a2" and (docs / "b.md").read_text() == "b1"
    changes = folder.publish({"a.md": page("a2"), "b.md": page("b2"), "c.md": page("c2")})
    assert sorted(changes.written) == ["b.md", "c.md"] and changes.unchanged == 1
    leftovers = [p.name for p in docs.rglob(".*") if p.is_file() and p.parent == docs]
    assert leftovers == []  # no temporary file left beside the pages


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS])
def test_a_full_or_read_only_disk_is_one_line(
    docs: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    def failing(*args: object) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(FolderError, match="cannot write") as raised:
        SyncFolder(docs).publish({"a.md": page("x")})
    assert os.strerror(code) in str(raised.value) and "\n" not in str(raised.value)
    assert sorted(p.name for p in docs.rglob("*") if p.is_file()) == ["index.md"]


def test_an_unreadable_manifest_is_one_line(docs: Path) -> None:
    (docs / MANIFEST).mkdir(parents=True)  # a folder where the file should be
    with pytest.raises(FolderError, match="cannot read"):
        SyncFolder(docs).owned()


def test_meta_files_are_written_only_when_they_change(docs: Path) -> None:
    folder = SyncFolder(docs)
    assert folder.write_meta("embeds.json", b"{}")
    before = (docs / ".notion-sync/embeds.json").stat().st_mtime_ns
    assert not folder.write_meta("embeds.json", b"{}")
    assert (docs / ".notion-sync/embeds.json").stat().st_mtime_ns == before
    assert folder.write_meta("embeds.json", b"[]")


def test_hand_written_pages_skip_dot_folders_and_the_syncs_files(docs: Path) -> None:
    folder = SyncFolder(docs)
    folder.publish({"guide/index.md": page("x")})
    (docs / ".hidden").mkdir()
    (docs / ".hidden" / "a.md").write_text("x")
    (docs / ".draft.md").write_text("x")
    (docs / "guide" / "mine.md").write_text("x")
    assert sorted(folder.hand_written_pages(folder.owned())) == ["guide/mine.md", "index.md"]
    assert folder.as_left() == {"guide/index.md"}
    (docs / "guide/index.md").write_text("edited")
    assert folder.as_left() == set()


@pytest.mark.parametrize("umask", [0o022, 0o002])
def test_files_get_the_mode_of_any_new_file(docs: Path, umask: int) -> None:
    """Not mkstemp's 0600: a page or image only its owner can read breaks the web
    server (or the CI step) that publishes the folder."""
    previous = os.umask(umask)
    try:
        SyncFolder(docs).publish({"guide/index.md": page("x")})
        SyncFolder(docs).write_meta("embeds.json", b"{}")
    finally:
        os.umask(previous)
    for path in ("guide/index.md", MANIFEST, ".notion-sync/embeds.json"):
        assert (docs / path).stat().st_mode & 0o777 == 0o666 & ~umask, path
