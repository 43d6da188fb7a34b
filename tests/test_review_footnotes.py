"""The chair's edits inside footnotes: read back from word/footnotes.xml, located at the
note's line in the content, and applied there."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.review.read import read_review

from .conftest import build_into, docx_part, run_cli
from .test_numbering import write_report
from .word_review import Reviewer, W

NOTES = """\
The text calls a first note.[^a] And a second one.[^b]

[^a]: The first note names the study group.
[^b]: The second note gives the date of the meeting.
"""


@pytest.fixture()
def built(tmp_path: Path) -> tuple[Path, Path]:
    folder = write_report(tmp_path / "content" / "notes",
                          [{"title": "Notes", "file": "notes.md"}])
    (folder / "notes.md").write_text(NOTES, "utf-8")
    return folder, build_into(folder, tmp_path / "out", "--format", "docx").docx


def test_a_tracked_change_and_a_comment_in_a_footnote_point_at_its_line(
        built: tuple[Path, Path], tmp_path: Path) -> None:
    folder, docx = built
    r = Reviewer(docx)
    r.replace("study group", "working party")
    r.comment("date of the meeting", "Which meeting?")
    reviewed = r.save(tmp_path / "reviewed.docx")

    notes = [p for p in read_review(reviewed).paragraphs if "note" in p.new]
    assert [p.new for p in notes][-2:] == ["\tThe first note names the working party.",
                                           "\tThe second note gives the date of the meeting."]
    result = run_cli("review", str(reviewed), "--content", str(folder))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    md = str(folder / "notes.md")
    assert any(line.startswith(f"{md}:3:") and "deletion" in line and "study group" in line
               for line in lines), lines
    assert any(line.startswith(f"{md}:3:") and "insertion" in line and "working party" in line
               for line in lines), lines
    assert any(line.startswith(f"{md}:4:") and "comment" in line and "Which meeting?" in line
               for line in lines), lines


def test_a_change_in_a_footnote_is_applied_to_its_definition(
        built: tuple[Path, Path], tmp_path: Path) -> None:
    folder, docx = built
    r = Reviewer(docx)
    r.replace("study group", "working party")
    reviewed = r.save(tmp_path / "reviewed.docx")
    result = run_cli("review", str(reviewed), "--content", str(folder), "--apply")
    assert result.returncode == 0, result.stderr
    assert "not applied" not in result.stderr + result.stdout, result.stdout
    assert (folder / "notes.md").read_text("utf-8") == NOTES.replace("study group",
                                                                      "working party")
    rebuilt = build_into(folder, tmp_path / "again", "--format", "docx")
    texts = ["".join(t.text or "" for t in p.iter(f"{W}t"))
             for p in docx_part(rebuilt.docx, "word/footnotes.xml").iter(f"{W}p")]
    assert "The first note names the working party." in texts
