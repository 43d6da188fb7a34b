"""The chair's review read back: each comment and tracked change as a file:line of the
content, and the changes applied to the sources so a rebuild shows them accepted."""

from __future__ import annotations

import difflib
import json
import shutil
from pathlib import Path

import pytest
from docx import Document

from reportgen.review.read import read_review

from .conftest import SECOND, SEED, build_into, run_cli
from .word_review import Reviewer

NAME = SEED.name


def line_of(path: Path, text: str) -> int:
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if text in line:
            return n
    raise AssertionError(f"{text!r} not in {path}")


def at(path: Path, line_text: str, needle: str) -> str:
    """``line:col`` of ``needle`` on the line holding ``line_text``: where a change is."""
    line = line_of(path, line_text)
    return f"{line}:{path.read_text('utf-8').splitlines()[line - 1].index(needle) + 1}"


@pytest.fixture()
def workspace(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the seed's content and its freshly built DOCX."""
    content = tmp_path / "content"
    shutil.copytree(SEED, content / NAME)
    built = tmp_path / "out"
    result = run_cli("build", str(content / NAME), "--out", str(built), "--format", "docx")
    assert result.returncode == 0, result.stderr
    return content / NAME, next((built / NAME).glob("*.docx"))


def chair_review(docx: Path, target: Path) -> Path:
    """The review every test below reads: one of each kind of change, and comments."""
    r = Reviewer(docx)
    r.insert("there are", " significant")  # a Markdown paragraph
    r.replace("Minutes of the first adhoc session on Quantum",
              "Minutes of the first ad hoc session on Quantum")  # a register cell
    r.delete("specific ")  # a list item
    r.insert("Report of the TSAG ad hoc group on Quantum", " (final)")  # cover title
    r.delete(", which met four times during the TSAG meeting")  # cover abstract
    r.insert("You kindly provided some", " very")  # a delegation statement
    r.delete_across(" and so approved.ion", "In this adhoc session ")  # two paragraphs
    r.delete_paragraph("It was followed by a first set of questions")  # a whole paragraph
    first = r.comment("Quantum experts who are however not familiar", "Please rephrase.")
    r.comment("", "Agreed, done.", resolved=True, reply_to=first)
    return r.save(target)


def accepted_texts(docx: Path) -> list[str]:
    """The paragraphs as Word shows them after Accept All."""
    out, pending = [], ""
    for p in read_review(docx).paragraphs:
        if p.mark_deleted:
            pending += p.new
            continue
        text = pending + p.new
        pending = ""
        if text.strip():
            out.append(" ".join(text.split()))
    return out


def test_every_comment_and_change_points_at_its_content_line(
        workspace: tuple[Path, Path], tmp_path: Path) -> None:
    folder, docx = workspace
    reviewed = chair_review(docx, tmp_path / "from-the-chair.docx")
    result = run_cli("review", str(reviewed), "--content", str(folder.parent))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    yaml = folder / "report.yaml"
    md, first = folder / "method.md", folder / "session-first.md"
    expected = [  # (file, line, words), in document order
        ("report.yaml", line_of(yaml, "title: Report of the TSAG"), 'insertion by Chair '
         'Person (2026-11-20): "(final)"'),
        ("report.yaml", line_of(yaml, "This TD contains the report"),
         'deletion by Chair Person (2026-11-20): ", which met four times during the TSAG'),
        ("method.md", line_of(md, "Considering that"), 'insertion by Chair Person '
         '(2026-11-20): "significant"'),
        ("method.md", line_of(md, "Quantum experts who"), 'comment by Chair Person '
         '(2026-11-20): on "Quantum experts who are however not familiar": Please rephrase.'),
        ("method.md", line_of(md, "Quantum experts who"),
         "reply by Chair Person (2026-11-20) [resolved]"),
        ("method.md", line_of(md, "A specific questionnaire"), 'deletion by Chair Person '
         '(2026-11-20): "specific"'),
        ("report.yaml", line_of(yaml, "Minutes of the first adhoc"), "deletion"),
        ("report.yaml", line_of(yaml, "Minutes of the first adhoc"),
         'insertion by Chair Person (2026-11-20): "Minutes of the first ad hoc session'),
        ("session-first.md", line_of(first, "so approved.ion"), '"and so approved.ion"'),
        ("session-first.md", line_of(first, "so approved.ion"),
         "join by Chair Person (2026-11-20): "),  # its paragraph mark deleted
        ("session-first.md", line_of(first, "In this adhoc"), '"In this adhoc session"'),
        ("session-first.md", line_of(first, "It was followed"), 'deletion by Chair Person'),
        ("report.yaml", line_of(yaml, "You kindly provided"), '"very"'),
    ]
    lines = out.splitlines()
    assert len(lines) == len(expected), out
    for (name, line, words), got in zip(expected, lines, strict=True):
        assert f"{NAME}/{name}:{line}:" in got and words in got, (name, line, words, got)
    assert "Traceback" not in result.stderr


def test_apply_then_rebuild_gives_the_reviewed_text_accepted(
        workspace: tuple[Path, Path], tmp_path: Path) -> None:
    folder, docx = workspace
    reviewed = chair_review(docx, tmp_path / "from-the-chair.docx")
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    result = run_cli("review", str(reviewed), "--content", str(folder), "--apply")
    assert result.returncode == 0, result.stderr
    assert "not applied" not in result.stderr, result.stderr
    assert result.stdout.count(": applied: ") == 8, result.stdout
    assert "2 comment(s) above remain" in result.stdout
    # only the changed lines differ; every other byte of every file stays
    changed = {n for n, data in before.items() if (folder / n).read_bytes() != data}
    assert changed == {"report.yaml", "method.md", "session-first.md"}
    for name in changed:
        old = before[name].decode().splitlines()
        new = (folder / name).read_text("utf-8").splitlines()
        diff = [ln for ln in difflib.unified_diff(old, new, lineterm="", n=0)
                if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]
        assert len(diff) <= 10, diff
    backups = list((folder / ".reportgen-backup").glob("*/*"))
    assert {b.name for b in backups} == changed
    assert all(b.read_bytes() == before[b.name] for b in backups)
    rebuilt = build_into(folder, tmp_path / "again")
    got = accepted_texts(rebuilt.docx)
    assert got == accepted_texts(reviewed)
    assert "there are significant gaps between:" in " ".join(got)
    assert "Report of the TSAG ad hoc group on Quantum (final)" in got


def test_a_block_whose_bookmark_was_deleted_is_found_by_its_text(
        workspace: tuple[Path, Path], tmp_path: Path) -> None:
    folder, docx = workspace
    r = Reviewer(docx)
    r.remove_bookmarks("Considering that there are")
    r.insert("there are", " significant")
    reviewed = r.save(tmp_path / "no-bookmark.docx")
    result = run_cli("review", str(reviewed), "--content", str(folder), "--json")
    assert result.returncode == 0, result.stderr
    (finding,) = json.loads(result.stdout)
    assert finding["matched_by"] == "text"
    assert finding["file"].endswith("method.md") and finding["line"] == 1
    assert run_cli("review", str(reviewed), "--content", str(folder), "--apply").returncode == 0
    assert (folder / "method.md").read_text("utf-8").startswith(
        "Considering that there are significant gaps between:")


def test_apply_is_refused_when_the_sources_changed_since_the_build(
        workspace: tuple[Path, Path], tmp_path: Path) -> None:
    folder, docx = workspace
    reviewed = chair_review(docx, tmp_path / "r.docx")
    (folder / "method.md").write_text((folder / "method.md").read_text("utf-8")
                                      + "\nA later paragraph.\n", "utf-8")
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    result = run_cli("review", str(reviewed), "--content", str(folder), "--apply")
    assert result.returncode == 1
    assert "sources changed since this DOCX was built: nothing was applied" in result.stderr
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before
    assert not (folder / ".reportgen-backup").exists()


def test_dry_run_prints_the_diff_and_writes_nothing(
        workspace: tuple[Path, Path], tmp_path: Path) -> None:
    folder, docx = workspace
    reviewed = chair_review(docx, tmp_path / "r.docx")
    as_reviewed = reviewed.read_bytes()
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    result = run_cli("review", str(reviewed), "--content", str(folder), "--apply",
                     "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "-Considering that there are gaps between:" in result.stdout
    assert "+Considering that there are significant gaps between:" in result.stdout
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before
    assert reviewed.read_bytes() == as_reviewed  # the reviewed file is only read


def test_a_docx_reportgen_did_not_make_or_of_another_report_is_refused(
        workspace: tuple[Path, Path], tmp_path: Path) -> None:
    folder, _ = workspace
    foreign = tmp_path / "foreign.docx"
    Document().save(str(foreign))
    result = run_cli("review", str(foreign), "--content", str(folder))
    assert result.returncode == 1
    assert "not made by reportgen" in result.stderr and "Traceback" not in result.stderr
    other = build_into(SECOND, tmp_path / "second")
    result = run_cli("review", str(other.docx), "--content", str(folder))
    assert result.returncode == 1
    assert "was made from the report 'tsag-2022-12-rg-wpr-meeting'" in result.stderr
    (tmp_path / "junk.docx").write_bytes(b"not a zip")
    result = run_cli("review", str(tmp_path / "junk.docx"), "--content", str(folder))
    assert result.returncode == 1 and "cannot read" in result.stderr


def test_moves_and_formatting_changes_are_listed_where_they_stand(
        workspace: tuple[Path, Path], tmp_path: Path) -> None:
    folder, docx = workspace
    r = Reviewer(docx, author="Vice Chair")
    r.reformat("incremental approach")
    r.move("A proposition of the proposed FG ToR", "Finally a decision-making process")
    reviewed = r.save(tmp_path / "moved.docx")
    result = run_cli("review", str(reviewed), "--content", str(folder))
    assert result.returncode == 0, result.stderr
    md = folder / "method.md"
    got = result.stdout.splitlines()
    assert len(got) == 3, result.stdout
    assert f"method.md:{line_of(md, 'incremental approach')}:1: format by Vice Chair" \
        in got[0] and '"incremental approach"' in got[0]
    assert f"method.md:{at(md, 'A proposition of', 'A')}: move from by Vice Chair" in got[1]
    # moved to the end of that item: its line, at the item's last character
    end = line_of(md, "Finally a decision")
    assert f"method.md:{end}:{len(md.read_text('utf-8').splitlines()[end - 1])}:" in got[2]
    assert "move to by Vice Chair" in got[2]


def test_a_review_made_in_libreoffice_is_mapped_and_applied(
        workspace: tuple[Path, Path], tmp_path: Path) -> None:
    """LibreOffice, driven through UNO, records a tracked insertion and deletion and saves
    the DOCX itself; a comment is added through its flat-ODT route. review maps all three
    and --apply makes both changes."""
    from .libreoffice_review import LibreOfficeReviewer, need_uno

    need_uno()
    folder, docx = workspace
    with LibreOfficeReviewer() as lo:
        step1 = lo.record_insertion(docx, tmp_path / "1.docx", after="Considering that there",
                                    insert=" still", author="Chair Person")
        step2 = lo.record_deletion(step1, tmp_path / "2.docx", text="specific ",
                                   author="Chair Person")
        reviewed = lo.add_comment(step2, tmp_path / "3.docx", anchor="incremental approach",
                                  comment="Say which steps.", author="Vice Chair")
    result = run_cli("review", str(reviewed), "--content", str(folder))
    assert result.returncode == 0, result.stderr
    md = folder / "method.md"
    got = result.stdout.splitlines()
    assert len(got) == 3, result.stdout
    # each at the line and column of its first character in the source
    assert f"method.md:{at(md, 'Considering that', 'are gaps')}: insertion by Chair Person" \
        in got[0]
    assert '"still"' in got[0]
    assert f"method.md:{at(md, 'incremental approach', 'incremental')}: comment by Vice " \
        "Chair" in got[1] and "Say which steps." in got[1]
    assert f"method.md:{at(md, 'A specific', 'specific')}: deletion by Chair Person" in got[2]
    applied = run_cli("review", str(reviewed), "--content", str(folder), "--apply")
    assert applied.returncode == 0, applied.stderr
    assert applied.stdout.count(": applied: ") == 2, applied.stdout
    text = md.read_text("utf-8")
    assert "Considering that there still are gaps between:" in text
    assert "- A questionnaire methodology" in text
