"""Safe file names from titles, and writes that stay in the chosen folder and never tear."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbtui.exchange.filenames import (
    MAX_NAME_BYTES,
    plan_file,
    plan_files,
    safe_filename,
    unique_filenames,
    write_file,
    write_plan,
)

RESERVED = set('/\\:|?*<>"')

HOSTILE_TITLES = [
    "../../x/a:b|c",
    "..",
    ".",
    "",
    "   ",
    "/etc/passwd",
    "C:\\Windows\\system32",
    "a\x00b\x1b[2Jc\x7f",
    "\u202etxt.exe",
    "CON",
    "con.md",
    "LPT1",
    "...hidden",
    "trailing. . .",
    'title?*<>"|',
    "龍" * 300,
]


def assert_safe(name: str, max_bytes: int = MAX_NAME_BYTES) -> None:
    assert name and name not in (".", "..")
    assert ".." not in name
    assert not RESERVED & set(name)
    assert all(ch.isprintable() for ch in name)
    assert not name.startswith((".", " "))
    assert not name.removesuffix(".md").endswith((" ", "."))
    assert len(name.encode("utf-8")) <= max_bytes
    assert Path(name).name == name


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_hostile_titles_make_safe_names(title: str) -> None:
    assert_safe(safe_filename(title))


def test_examples() -> None:
    assert safe_filename("../../x/a:b|c") == "x_a_b_c.md"
    assert safe_filename("") == "untitled.md"
    assert safe_filename("CON") == "_CON.md"
    assert safe_filename("Dario Amodei 访谈整理") == "Dario Amodei 访谈整理.md"
    assert safe_filename("a\nb\tc") == "a b c.md"


def test_cjk_titles_are_cut_by_bytes_at_a_character() -> None:
    name = safe_filename("龍" * 300, max_bytes=100)
    assert name == "龍" * 32 + ".md"  # 32 * 3 bytes + 3 bytes of suffix


@settings(max_examples=500)
@given(st.text())
def test_any_title_makes_a_safe_name(title: str) -> None:
    assert_safe(safe_filename(title))


@given(st.lists(st.sampled_from(["a", "A", "a:", "a|", "", "..", "龍" * 100]), max_size=12))
def test_names_are_unique_ignoring_case(titles: list[str]) -> None:
    names = unique_filenames(titles, max_bytes=60)
    assert len({n.casefold() for n in names}) == len(names)
    for name in names:
        assert_safe(name, 60)


def test_repeated_titles_are_numbered() -> None:
    assert unique_filenames(["Notes", "notes", "Notes"]) == [
        "Notes.md",
        "notes (2).md",
        "Notes (3).md",
    ]


def test_hostile_titles_write_only_inside_the_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    names = unique_filenames(HOSTILE_TITLES)
    write_plan(plan_files(out, [(name, f"text {i}\n") for i, name in enumerate(names)]))
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted(names)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.parametrize("name", ["../x.md", "a/b.md", "..", ".", "", "/abs.md"])
def test_plan_refuses_names_that_leave_the_folder(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match="not a plain file name"):
        plan_files(tmp_path, [(name, "x")])


def test_existing_files_are_reported_and_not_overwritten(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("mine", encoding="utf-8")
    plan = plan_files(tmp_path, [("a.md", "new"), ("b.md", "new")])
    assert plan.existing == [tmp_path.resolve() / "a.md"]
    with pytest.raises(FileExistsError, match=r"a\.md"):
        write_plan(plan)
    assert (tmp_path / "a.md").read_text(encoding="utf-8") == "mine"
    assert not (tmp_path / "b.md").exists()
    write_plan(plan, force=True)
    assert (tmp_path / "a.md").read_text(encoding="utf-8") == "new"


def test_a_file_created_after_planning_is_still_not_overwritten(tmp_path: Path) -> None:
    plan = plan_file(tmp_path / "notes.md", "new")
    assert plan.existing == []
    (tmp_path / "notes.md").write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError):
        write_plan(plan)


def test_atomic_write_leaves_no_temporary_file_and_keeps_mode(tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    write_file(path, "一\n")
    assert path.read_bytes() == "一\n".encode()
    os.chmod(path, 0o600)
    write_file(path, "二\n")
    assert path.read_text(encoding="utf-8") == "二\n"
    assert path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["n.md"]


def test_overwriting_a_link_replaces_the_link_not_its_target(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("keep", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.md").symlink_to(outside)
    plan = plan_files(out, [("a.md", "export")])
    assert plan.existing
    write_plan(plan, force=True)
    assert outside.read_text(encoding="utf-8") == "keep"
    assert not (out / "a.md").is_symlink()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_or_device_is_never_replaced_even_when_forced(tmp_path: Path) -> None:
    """``--out /dev/null --force`` run as root must not swap the device for a file."""
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    (tmp_path / "link.md").symlink_to(fifo)
    for target in (fifo, tmp_path / "link.md"):
        plan = plan_files(tmp_path, [("a.md", "first"), (target.name, "export")])
        with pytest.raises(OSError, match="not a regular file"):
            write_plan(plan, force=True)
        assert fifo.is_fifo() and not (tmp_path / "a.md").exists()


def test_a_failed_write_removes_its_temporary_file(tmp_path: Path) -> None:
    (tmp_path / "dir.md").mkdir()
    with pytest.raises(OSError):
        write_file(tmp_path / "dir.md", "x")
    assert [p.name for p in tmp_path.iterdir()] == ["dir.md"]
