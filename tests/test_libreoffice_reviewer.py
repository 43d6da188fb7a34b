"""The reviewer harness: LibreOffice records changes, comments, accepts and rejects in a DOCX
built from the seed report, and keeps the hidden bookmarks reportgen places in it."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from lxml import etree

from tests.conftest import SEED, W, build_into, docx_paragraph_texts, docx_part
from tests.libreoffice_review import LibreOfficeReviewer, ReviewerError

PARAGRAPH = "At the TSAG opening plenary, based on contribution C54 from China"
AFTER = "TSAG created an adhoc discussion"
INSERT = " open to all members"
DELETED_FROM = "The execution of the above methodology took four adhoc sessions"
DELETE = " interspaced with many bilateral consultations"
BOOKMARK = "_rg_test"


def add_bookmark(docx: Path, out: Path, paragraph_start: str, name: str) -> None:
    """A hidden bookmark around the whole paragraph beginning with ``paragraph_start``."""
    root = docx_part(docx, "word/document.xml")
    paragraph = next(p for p in root.iter(f"{W}p")
                     if "".join(p.itertext()).startswith(paragraph_start))
    start = etree.Element(f"{W}bookmarkStart", {f"{W}id": "900", f"{W}name": name})
    end = etree.Element(f"{W}bookmarkEnd", {f"{W}id": "900"})
    properties = paragraph.find(f"{W}pPr")
    paragraph.insert(0 if properties is None else 1, start)
    paragraph.append(end)
    with zipfile.ZipFile(docx) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                      standalone=True)
            z.writestr(item, data)


def paragraph_with(root: etree._Element, text: str) -> etree._Element:
    """The first w:p whose text, deleted text included, contains ``text``."""
    for p in root.iter(f"{W}p"):
        if text in "".join(t.text or "" for t in p.iter(f"{W}t", f"{W}delText")):
            return p
    raise AssertionError(f"no paragraph contains {text!r}")


def assert_bookmark_kept(docx: Path) -> None:
    """``_rg_test`` still starts and ends in the paragraph it was put around (its w:id may
    change: LibreOffice numbers bookmarks afresh)."""
    root = docx_part(docx, "word/document.xml")
    starts = [b for b in root.iter(f"{W}bookmarkStart") if b.get(f"{W}name") == BOOKMARK]
    assert len(starts) == 1, f"{docx.name}: bookmark {BOOKMARK} lost or doubled"
    ends = [e for e in root.iter(f"{W}bookmarkEnd") if e.get(f"{W}id") == starts[0].get(f"{W}id")]
    assert len(ends) == 1, f"{docx.name}: the end of bookmark {BOOKMARK} is lost"
    paragraph = paragraph_with(root, PARAGRAPH)
    assert starts[0] in paragraph.iter(), f"{docx.name}: the bookmark starts elsewhere"
    assert ends[0] in paragraph.iter(), f"{docx.name}: the bookmark ends elsewhere"


def inserted(root: etree._Element) -> list[etree._Element]:
    return list(root.iter(f"{W}ins"))


@pytest.fixture(scope="module")
def reviewer() -> Iterator[LibreOfficeReviewer]:
    with LibreOfficeReviewer() as session:
        yield session


@pytest.fixture(scope="module")
def seed_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed report's DOCX with one hidden bookmark, as reportgen's review marks would be."""
    work = tmp_path_factory.mktemp("review")
    built = build_into(SEED, work / "out", "--format", "docx")
    marked = work / "seed.docx"
    add_bookmark(built.docx, marked, PARAGRAPH, BOOKMARK)
    assert_bookmark_kept(marked)
    return marked


@pytest.fixture(scope="module")
def with_insertion(reviewer: LibreOfficeReviewer, seed_docx: Path) -> Path:
    return reviewer.record_insertion(seed_docx, seed_docx.with_name("inserted.docx"),
                                     AFTER, INSERT, author="Chair Person")


@pytest.fixture(scope="module")
def with_both(reviewer: LibreOfficeReviewer, with_insertion: Path) -> Path:
    return reviewer.record_deletion(with_insertion, with_insertion.with_name("both.docx"),
                                    DELETE, author="Second Reviewer")


def test_tracked_insertion(with_insertion: Path) -> None:
    root = docx_part(with_insertion, "word/document.xml")
    (ins,) = inserted(root)
    assert ins.get(f"{W}author") == "Chair Person"
    assert ins.get(f"{W}date")
    assert "".join(t.text or "" for t in ins.iter(f"{W}t")) == INSERT
    # Right after the anchor: the text before the insertion ends with it.
    paragraph = paragraph_with(root, AFTER)
    before = []
    for el in paragraph.iter(f"{W}t", f"{W}ins"):
        if el is ins:
            break
        before.append(el.text or "")
    assert "".join(before).endswith(AFTER)
    assert_bookmark_kept(with_insertion)


def test_tracked_deletion(with_both: Path) -> None:
    root = docx_part(with_both, "word/document.xml")
    (deletion,) = root.iter(f"{W}del")
    assert deletion.get(f"{W}author") == "Second Reviewer"
    assert "".join(t.text or "" for t in deletion.iter(f"{W}delText")) == DELETE
    assert deletion.find(f".//{W}t") is None
    assert deletion in paragraph_with(root, DELETED_FROM).iter(f"{W}del")
    # The earlier insertion keeps its own author.
    assert {i.get(f"{W}author") for i in inserted(root)} == {"Chair Person"}
    assert_bookmark_kept(with_both)


def test_comment(reviewer: LibreOfficeReviewer, seed_docx: Path) -> None:
    anchor = "TSAG created an adhoc discussion on Quantum"
    out = reviewer.add_comment(seed_docx, seed_docx.with_name("commented.docx"), anchor,
                               "Please give the TD number", author="Chair Person",
                               date=datetime(2018, 12, 13, 10, 0))
    comments = docx_part(out, "word/comments.xml")
    (comment,) = comments.iter(f"{W}comment")
    assert comment.get(f"{W}author") == "Chair Person"
    assert comment.get(f"{W}date", "").startswith("2018-12-13T10:00:00")
    assert "".join(comment.itertext()) == "Please give the TD number"
    root = docx_part(out, "word/document.xml")
    assert anchored_text(root, comment.get(f"{W}id")) == anchor
    assert_bookmark_kept(out)


def anchored_text(root: etree._Element, comment_id: str | None) -> str:
    """The text between a comment's w:commentRangeStart and w:commentRangeEnd."""
    inside, parts = False, []
    for el in root.iter(f"{W}commentRangeStart", f"{W}commentRangeEnd", f"{W}t"):
        if el.tag == f"{W}commentRangeStart" and el.get(f"{W}id") == comment_id:
            inside = True
        elif el.tag == f"{W}commentRangeEnd" and el.get(f"{W}id") == comment_id:
            return "".join(parts)
        elif inside and el.tag == f"{W}t":
            parts.append(el.text or "")
    raise AssertionError(f"comment {comment_id} has no range")


def test_comment_on_a_tracked_insertion(reviewer: LibreOfficeReviewer,
                                        with_insertion: Path) -> None:
    """Changes first, comment last: the flat-ODT road keeps the tracked changes."""
    out = reviewer.add_comment(with_insertion, with_insertion.with_name("ins-commented.docx"),
                               INSERT.strip(), "Why?", author="Other Member")
    root = docx_part(out, "word/document.xml")
    assert {i.get(f"{W}author") for i in inserted(root)} == {"Chair Person"}
    assert "".join(t.text or "" for i in inserted(root) for t in i.iter(f"{W}t")) == INSERT
    (comment,) = docx_part(out, "word/comments.xml").iter(f"{W}comment")
    assert comment.get(f"{W}author") == "Other Member"
    assert anchored_text(root, comment.get(f"{W}id")) == INSERT.strip()
    assert_bookmark_kept(out)


def test_accept_and_reject_all(reviewer: LibreOfficeReviewer, seed_docx: Path,
                               with_both: Path) -> None:
    accepted = reviewer.accept_all(with_both, with_both.with_name("accepted.docx"))
    rejected = reviewer.reject_all(with_both, with_both.with_name("rejected.docx"))
    for out in (accepted, rejected):
        root = docx_part(out, "word/document.xml")
        assert not inserted(root) and next(root.iter(f"{W}del"), None) is None
        assert_bookmark_kept(out)
    original = docx_paragraph_texts(seed_docx)
    at = next(i for i, t in enumerate(original) if t.startswith(PARAGRAPH))
    cut = next(i for i, t in enumerate(original) if t.startswith(DELETED_FROM))
    expected = list(original)
    expected[at] = expected[at].replace(AFTER, AFTER + INSERT, 1)
    expected[cut] = expected[cut].replace(DELETE, "", 1)
    assert docx_paragraph_texts(accepted) == expected
    assert docx_paragraph_texts(rejected) == original


def test_a_missing_anchor_is_an_error(reviewer: LibreOfficeReviewer, seed_docx: Path,
                                      tmp_path: Path) -> None:
    with pytest.raises(ReviewerError, match="not found"):
        reviewer.record_insertion(seed_docx, tmp_path / "x.docx", "no such words", " x")
    # The session goes on after an error.
    out = reviewer.record_deletion(seed_docx, tmp_path / "y.docx", "Method Followed")
    assert next(docx_part(out, "word/document.xml").iter(f"{W}del"), None) is not None


def test_a_crash_ends_only_its_own_edit(reviewer: LibreOfficeReviewer, seed_docx: Path,
                                        tmp_path: Path) -> None:
    """UNO edits abort LibreOffice 7.4 (nogui) on a document with a comment; the error says
    so, and the next edit gets a new soffice."""
    commented = reviewer.add_comment(seed_docx, tmp_path / "c.docx", "Method", "Which?")
    try:
        reviewer.accept_all(commented, tmp_path / "a.docx")
    except ReviewerError as error:
        assert "comment last" in str(error)
    out = reviewer.record_insertion(seed_docx, tmp_path / "i.docx", AFTER, INSERT)
    (ins,) = inserted(docx_part(out, "word/document.xml"))
    assert ins.get(f"{W}author") == "Reviewer"
