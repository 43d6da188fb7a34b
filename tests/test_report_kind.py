"""``kind: report``, the R-series report of a meeting: the masthead (TSAG – R 2 – E, the
month and year), the REPORT lines, the ITU file name, and its table of contents: a Word
TOC field already filled in (TOC 1-3 entries with their pages) in the DOCX, a contents
list with leaders and target-counter pages in the PDF; and the PDF outline of every
kind."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from reportgen.content import model as m
from reportgen.prepare.cover import itu_file_stem, masthead_number

from .conftest import (
    LS_EXAMPLE,
    NS,
    PLAIN_EXAMPLE,
    REPORT_EXAMPLE,
    SEED,
    Built,
    W,
    build_into,
    docx_paragraph_texts,
    docx_part,
    libreoffice_pdf,
    run_cli,
)
from .test_itu_checklist import A4_PT, MARGIN_PT, lines_of, pdf_words


def page_texts(pdf: Path) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(pdf).pages]


def outline_titles(pdf: Path) -> list[str]:
    """The PDF outline's entries in order: every clause heading as "10.1 Title"."""
    def titles(items: list[Any]) -> list[str]:
        out = []
        for item in items:
            out.extend(titles(item) if isinstance(item, list) else [item.title])
        return out
    return titles(PdfReader(pdf).outline)


def heading_pages(pages: list[str], contents_page: int, headings: list[str]) -> dict[str, int]:
    """The page (from 1) of each clause heading, after the table of contents."""
    found = {}
    for heading in headings:
        number, title = heading.split(" ", 1)
        for n, text in enumerate(pages[contents_page - 1:], contents_page):
            spots = [x.start() for x in re.finditer(re.escape(f"{number} {title}"), text)]
            if any(". ." not in text[at:at + len(heading) + 40].replace("..", ". .")
                   for at in spots):  # the heading itself, not its line in the contents
                found[heading] = n
                break
    return found


def test_the_masthead_number_and_file_name_of_a_report() -> None:
    meta = m.Metadata.model_validate({"kind": "report", "group": "TSAG", "number": 2,
                                      "study_period": "2017-2020", "date": "2018-04",
                                      "title": "Report", "source": "TSAG"})
    assert masthead_number(meta) == "TSAG \u2013 R 2 \u2013 E"
    assert itu_file_stem(meta) == "T17-TSAG-R-0002!"
    french = meta.model_copy(update={"language": "F"})
    assert masthead_number(french) == "TSAG \u2013 R 2 \u2013 F"


def test_the_report_cover_in_the_docx_and_the_pdf(report_build: Built) -> None:
    assert report_build.docx.name == "T17-TSAG-R-0002!!MSW-E.docx"
    body = docx_part(report_build.docx, "word/document.xml").find(f"{W}body")
    cover = body.find(f"{W}tbl")
    rows = [["\n".join("".join(t.text or "" for t in p.iter(f"{W}t"))
                       for p in tc.findall(f"{W}p")) for tc in tr.findall(f"{W}tc")]
            for tr in cover.findall(f"{W}tr")]
    assert rows[0][2].split("\n") == ["TSAG \u2013 R 2 \u2013 E", "APRIL 2018",
                                      "Original: English"]
    assert rows[1][:2] == ["Question(s):", ""]  # left empty, as the report leaves it
    assert rows[2] == ["TELECOMMUNICATION STANDARDIZATION ADVISORY GROUP\nREPORT 2"]
    first = page_texts(report_build.pdf)[0]
    for text in ("TSAG \u2013 R 2 \u2013 E", "APRIL 2018", "Question(s):",
                 "TELECOMMUNICATION STANDARDIZATION ADVISORY GROUP", "REPORT 2",
                 "Purpose: Information", "Keywords: TSAG; report"):
        assert text in first, text
    assert "N/A" not in first
    header = page_texts(report_build.pdf)[1]
    assert header.endswith("- 2 - TSAG \u2013 R 2 \u2013 E")  # pypdf reads it last


def toc_field(body: Any) -> tuple[list[Any], str]:
    """The paragraphs of the TOC field (begin to end) and its instruction."""
    paragraphs = list(body.iter(f"{W}p"))
    start = next(i for i, p in enumerate(paragraphs)
                 if p.find(f"{W}r/{W}fldChar[@{W}fldCharType='begin']") is not None
                 and "TOC" in "".join(t.text or "" for t in p.iter(f"{W}instrText")))
    end = next(i for i, p in enumerate(paragraphs) if i >= start and
               p.find(f"{W}r/{W}fldChar[@{W}fldCharType='end']") is not None)
    instr = next(paragraphs[start].iter(f"{W}instrText")).text or ""
    return paragraphs[start:end + 1], instr


def test_the_docx_has_a_toc_field_already_filled_in(report_build: Built) -> None:
    body = docx_part(report_build.docx, "word/document.xml").find(f"{W}body")
    entries, instr = toc_field(body)
    assert instr == ' TOC \\o "1-3" \\h \\z \\u '
    first = entries[0]
    kinds = [c.get(f"{W}fldCharType") for c in first.findall(f"{W}r/{W}fldChar")]
    assert kinds == ["begin", "separate"]  # then the result: the entries
    styles = [p.find("w:pPr/w:pStyle", NS).get(f"{W}val") for p in entries]
    assert set(styles) == {"TOC1", "TOC2"} and styles.count("TOC2") == 3
    texts = []
    for p in entries:
        link = p.find(f"{W}hyperlink")
        assert link is not None and link.get(f"{W}anchor").startswith("_rg_")
        texts.append("".join(t.text or "" if t.tag == f"{W}t" else "\t"
                             for t in link.iter(f"{W}t", f"{W}tab")))
        assert "PAGEREF " + link.get(f"{W}anchor") in "".join(
            t.text or "" for t in link.iter(f"{W}instrText"))
    assert texts[0] == "1\tOpening of the meeting, TSAG Chairman\t1"
    assert texts[-1] == "10.3\tTSAG Rapporteur Group on Working Methods (RG-WM)\t2"
    # the bookmarks the entries link to exist, on the headings
    names = {b.get(f"{W}name") for b in body.iter(f"{W}bookmarkStart")}
    assert {p.find(f"{W}hyperlink").get(f"{W}anchor") for p in entries} <= names
    # the TOC styles: the number, a tab to the title, a dot leader to the right margin
    styles_xml = docx_part(report_build.docx, "word/styles.xml")
    toc2 = styles_xml.find(f"{W}style[@{W}styleId='TOC2']")
    tabs = [(t.get(f"{W}val"), t.get(f"{W}pos"), t.get(f"{W}leader"))
            for t in toc2.iter(f"{W}tab")]
    assert ("left", "1588", None) in tabs and ("right", "9639", "dot") in tabs


def test_the_toc_pages_are_the_pages_of_the_headings_in_both_renderings(
        report_build: Built) -> None:
    """Our PDF's contents list (target-counter) and the DOCX's TOC entries (from our
    PDF's layout) give every heading the page it is on, in our PDF and in LibreOffice's
    rendering of the DOCX; the two have the same number of pages. Clause 2 ends page 1
    by a few points: the cover must take the height it takes in Word, to the point."""
    assert report_build.pdf is not None
    headings = outline_titles(report_build.pdf)
    assert len(headings) == 13
    assert "2 Opening remarks by the Deputy Secretary-General" in headings
    ours = page_texts(report_build.pdf)
    theirs = page_texts(libreoffice_pdf(report_build.docx))
    assert len(ours) == len(theirs)
    for pages in (ours, theirs):
        contents = next(n for n, t in enumerate(pages, 1) if "Table of Contents" in t)
        where = heading_pages(pages, contents, headings)
        assert set(where) == set(headings)
        listed = pages[contents - 1].replace(" .", ".")
        for heading, page in where.items():
            number, title = heading.split(" ", 1)
            found = re.search(re.escape(f"{number} {title}") + r"[^.]*\.{3,}\s*(\d+)", listed)
            assert found, heading
            assert int(found.group(1)) == page, (heading, found.group(1), page)


@pytest.mark.parametrize("folder", [SEED, LS_EXAMPLE, PLAIN_EXAMPLE, REPORT_EXAMPLE],
                         ids=lambda p: p.name)
def test_every_kind_has_an_outline_of_its_clauses_and_annexes(folder: Path,
                                                               tmp_path: Path) -> None:
    built = build_into(folder, tmp_path)
    assert built.pdf is not None
    outline = PdfReader(built.pdf).outline

    def titles(items: list[Any]) -> list[str]:
        out = []
        for item in items:
            out.extend(titles(item) if isinstance(item, list) else [item.title])
        return out

    flat = titles(outline)
    assert flat, "no outline"
    assert "Table of Contents" not in flat
    if folder == REPORT_EXAMPLE:
        assert flat[0] == "1 Opening of the meeting, TSAG Chairman"
        assert "10.1 TSAG Rapporteur Group on Standardization Strategy (RG-StdsStrat)" in flat


# titles from one word to two lines, so that some end just before, at and past the room
# the page number leaves on the line
SWEEP = ("Work programme of the group on network aspects of identity management and "
         "quantum key distribution for the study period and beyond its next meeting")


def test_contents_page_numbers_end_at_the_margin_and_never_overlap_a_title(
        tmp_path: Path) -> None:
    """Each contents entry's page number ends at the right margin, as the DOCX's right
    tab puts it, after its leader and clear of the title's words, whether the title is
    short, fills the line or wraps (the hanging indent of TOC 1 included)."""
    folder = tmp_path / "sweep"
    folder.mkdir()
    yaml = (REPORT_EXAMPLE / "report.yaml").read_text(encoding="utf-8")
    words = SWEEP.split()
    clauses = "".join(f"  - title: {' '.join(words[:n])}\n    text: Text.\n"
                      for n in range(14, len(words) + 1))
    annexes = "".join(f"  - title: {' '.join(words[:n])}\n    text: Text.\n"
                      for n in range(16, len(words) + 1, 2))
    (folder / "report.yaml").write_text(
        yaml.replace("\nbody:\n", "\nbody:\n" + clauses, 1) + "\nannexes:\n" + annexes,
        encoding="utf-8")
    built = build_into(folder, tmp_path / "out")
    assert built.pdf is not None
    right = A4_PT[0] - MARGIN_PT
    pages = pdf_words(built.pdf)
    contents = next(n for n, page in enumerate(pages)
                    if any(a.text == "of" and b.text == "Contents"
                           for a, b in itertools.pairwise(page)))
    numbers = 0
    for line in [line for page in pages[contents:contents + 2] for line in lines_of(page)]:
        last = line[-1]
        leader = any(set(w.text) == {"."} for w in line)
        if not last.text.isdigit() or not leader:
            continue
        numbers += 1
        assert abs(last.x1 - right) < 1.0, (" ".join(w.text for w in line), last.x1, right)
        before = [w for w in line[:-1] if set(w.text) != {"."}]
        assert all(w.x1 <= last.x0 for w in before), " ".join(w.text for w in line)
    assert numbers == 13 + len(range(14, len(words) + 1)) + len(range(16, len(words) + 1, 2))


def test_a_contents_title_as_written_in_both_outputs_and_back_from_word(
        tmp_path: Path) -> None:
    """contents: "Table of contents" titles the contents as the report writes it, in the
    DOCX and the PDF; an import of that DOCX keeps the title."""
    folder = tmp_path / "own"
    folder.mkdir()
    yaml = (REPORT_EXAMPLE / "report.yaml").read_text(encoding="utf-8")
    assert "    - contents: true\n" in yaml
    (folder / "report.yaml").write_text(
        yaml.replace("    - contents: true\n", '    - contents: "Table of contents"\n'),
        encoding="utf-8")
    built = build_into(folder, tmp_path / "out")
    assert built.pdf is not None
    assert "Table of contents 1 Opening of the meeting" in page_texts(built.pdf)[0]
    texts = docx_paragraph_texts(built.docx)
    assert "Table of contents" in texts and "Table of Contents" not in texts
    imported = tmp_path / "imported"
    result = run_cli("import", str(built.docx), str(imported))
    assert result.returncode == 0, result.stderr
    assert 'contents: Table of contents' in (imported / "report.yaml").read_text("utf-8")
