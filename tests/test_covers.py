"""Document kinds and their covers: the liaison statement (``kind: ls``), the text without
cover table (``kind: plain``), and the optional cover fields (no number, no meeting, no
abstract, no telephone, no e-mail): in the DOCX parts, in our PDF (text and positions)
and, for the examples, in LibreOffice's rendering of the DOCX."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from reportgen.content import model as m
from reportgen.content.load import load
from reportgen.prepare.cover import itu_file_stem, masthead_number
from reportgen.prepare.tree import prepare

from .conftest import (
    CONTENT,
    LS_EXAMPLE,
    PLAIN_EXAMPLE,
    Built,
    W,
    assert_in_order,
    build_into,
    docx_paragraph_texts,
    libreoffice_pdf,
    normalise,
    run_cli,
)
from .test_itu_checklist import (
    A4_PT,
    MARGIN_PT,
    Word,
    flat,
    lines_of,
    pdf_pages,
    pdf_words,
    without_header,
)

LS = LS_EXAMPLE
TOR = PLAIN_EXAMPLE
END_MARK = "_" * 20
PLACEHOLDERS = ("None", "null", "{", "}", "xxx", "XXX", "TBD")


def w(name: str) -> str:
    return f"{W}{name}"


def part(docx: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(docx) as z:
        return etree.fromstring(z.read(name))


def text_of(p: etree._Element) -> str:
    out = []
    for el in p.iter(w("t"), w("tab"), w("br")):
        out.append(el.text or "" if el.tag == w("t") else "\n" if el.tag == w("br") else "\t")
    return "".join(out)


def style_of(p: etree._Element) -> str:
    node = p.find(f"{w('pPr')}/{w('pStyle')}")
    return "Normal" if node is None else node.get(w("val"))


def cover_rows(docx: Path) -> list[list[str]]:
    """The cells' texts of every row of the tables before the first heading."""
    body = part(docx, "word/document.xml").find(w("body"))
    rows = []
    for child in body:
        if child.tag == w("p") and style_of(child).startswith("Heading"):
            break
        if child.tag == w("tbl"):
            for tr in child.findall(w("tr")):
                rows.append(["\n".join(text_of(p) for p in tc.findall(w("p")))
                             for tc in tr.findall(w("tc"))])
    return rows


def header_lines(docx: Path) -> list[str]:
    """The running header's paragraphs (the default header)."""
    with zipfile.ZipFile(docx) as z:
        names = [n for n in z.namelist() if re.fullmatch(r"word/header\d*\.xml", n)]
        texts = []
        for name in names:
            root = etree.fromstring(z.read(name))
            lines = [text_of(p) for p in root.findall(w("p"))]
            if len(lines) == 2:
                texts = lines
    return texts


def report_with(folder: Path, yaml: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.yaml").write_text(yaml, encoding="utf-8")
    return folder


def centre(line: list[Word]) -> float:
    return (line[0].x0 + line[-1].x1) / 2


def line_with(words: list[Word], first: str) -> list[Word]:
    for line in lines_of(words):
        if line[0].text == first:
            return line
    raise AssertionError(f"no line starts with {first!r}")


# ------------------------------------------------------------ the liaison statement


def test_ls_cover_has_the_liaison_rows_given_in_itu_order(ls_build: Built) -> None:
    rows = cover_rows(ls_build.docx)
    assert rows[0][2].split("\n") == ["TSAG-TD250", "TSAG", "Original: English"]
    labels = [r[0] for r in rows[1:]]
    assert labels == ["Question(s):", "Source:", "Title:", "LIAISON STATEMENT",
                      "For action to:", "For information to:", "Approval:", "Deadline:",
                      "Contact:"]  # For comment to: is not given, so not printed
    values = {r[0]: r[1] for r in rows[1:] if len(r) > 1}
    assert values["Title:"] == "LS on the work of the ITU-T Focus Group on metaverse (FG-MV)"
    assert values["For action to:"] == "ITU-T SG13, ITU-T SG16"
    assert values["For information to:"] == "ITU-T SG17, ITU-T SG20"
    assert values["Approval:"] == "TSAG meeting (Geneva, 2 June 2023)"
    assert values["Deadline:"] == "15 September 2023"
    contact = next(r for r in rows if r[0] == "Contact:")
    assert contact[2] == "E-mail:\tjane.liaison@example.org"  # no telephone: no Tel: line
    assert "Abstract:" not in labels
    assert not [r for r in rows if not "".join(r).strip()], "an empty cover row"


def test_ls_heading_is_centred_bold_on_its_own_row(ls_build: Built) -> None:
    body = part(ls_build.docx, "word/document.xml").find(w("body"))
    (cell,) = [tc for tc in body.iter(w("tc"))
               if "".join(text_of(p) for p in tc.findall(w("p"))) == "LIAISON STATEMENT"]
    span = cell.find(f"{w('tcPr')}/{w('gridSpan')}")
    # the whole width: the grid has a fourth column for the wider label column
    assert span is not None and span.get(w("val")) == "4"
    p = cell.find(w("p"))
    assert p.find(f"{w('pPr')}/{w('jc')}").get(w("val")) == "center"
    assert all(r.find(f"{w('rPr')}/{w('b')}") is not None for r in p.iter(w("r"))
               if text_of(r))
    # our PDF: the heading's centre is the text block's centre
    words = pdf_words(ls_build.pdf)[0]
    line = line_with(words, "LIAISON")
    assert abs(centre(line) - A4_PT[0] / 2) < 2, centre(line)


def test_ls_cover_reads_the_same_in_docx_and_pdf(ls_build: Built) -> None:
    rows = cover_rows(ls_build.docx)
    cells = [c for r in rows for c in r if c.strip()]
    wanted = [normalise(c.replace("\t", " ")) for c in cells]
    page = flat(pdf_pages(ls_build.pdf)[0])
    assert_in_order(normalise(page), wanted, "our PDF")  # no label wraps


def test_ls_renders_in_libreoffice_like_our_pdf(ls_build: Built) -> None:
    lo = libreoffice_pdf(ls_build.docx)
    ours, theirs = pdf_words(ls_build.pdf)[0], pdf_words(lo)[0]
    for key in ("LIAISON", "Approval:", "Deadline:", "Contact:", "Title:"):
        a = [x for x in ours if x.text == key]
        b = [x for x in theirs if x.text == key]
        assert len(a) == len(b) == 1, key
        assert abs(a[0].x0 - b[0].x0) < 2, (key, a[0].x0, b[0].x0)
        assert abs(a[0].y0 - b[0].y0) < 6, (key, a[0].y0, b[0].y0)
    assert "For comment" not in flat(pdf_pages(lo)[0])


LS_MORE = ("    deadline: 2023-09-15\n    cc: [ITU-T SG11, ITU-R WP 5A]\n    sent: 2023-06-05\n"
           "    attachments: ['TSAG-TD251: terms of reference', 'TSAG-TD252: work plan']\n")


def label_lines(pdf: Path, label: str) -> set[float]:
    """The baselines the words of ``label`` sit on, on page 1 (one: not wrapped)."""
    words = pdf_words(pdf)[0]
    first = label.split()
    for i in range(len(words) - len(first) + 1):
        if [x.text for x in words[i:i + len(first)]] == first:
            return {round(x.y1) for x in words[i:i + len(first)]}
    raise AssertionError(f"{label!r} not on page 1")


def test_ls_cc_date_sent_and_attachments_rows_with_labels_on_one_line(
        tmp_path: Path) -> None:
    text = (LS / "report.yaml").read_text(encoding="utf-8").replace(
        "    deadline: 2023-09-15\n", LS_MORE)
    built = build_into(report_with(tmp_path / "ls", text), tmp_path / "out")
    rows = cover_rows(built.docx)
    labels = [r[0] for r in rows[1:]]
    assert labels == ["Question(s):", "Source:", "Title:", "LIAISON STATEMENT",
                      "For action to:", "For information to:", "Cc:", "Approval:",
                      "Date sent:", "Deadline:", "Attachments:", "Contact:"]
    values = {r[0]: r[1] for r in rows[1:] if len(r) > 1}
    assert values["Cc:"] == "ITU-T SG11, ITU-R WP 5A"
    assert values["Date sent:"] == "5 June 2023"
    assert values["Attachments:"] == "TSAG-TD251: terms of reference\nTSAG-TD252: work plan"
    # the label column is as wide as "For information to:" needs, in the DOCX grid …
    doc = prepare(load(report_with(tmp_path / "ls", text)))
    assert 2200 <= doc.cover.label_width <= 2300
    body = part(built.docx, "word/document.xml").find(w("body"))
    grid = [int(c.get(w("w"))) for c in body.find(w("tbl")).iter(w("gridCol"))]
    assert grid[0] + grid[1] == doc.cover.label_width and sum(grid) == 9639
    # … and no label wraps, in our PDF or in LibreOffice's rendering of the DOCX
    page = normalise(flat(pdf_pages(built.pdf)[0]))
    assert_in_order(page, [normalise(c.replace("\t", " ")) for r in rows for c in r
                           if c.strip()], "our PDF")
    theirs = libreoffice_pdf(built.docx)
    for pdf in (built.pdf, theirs):
        for label in ("For information to:", "For action to:", "Attachments:", "Date sent:"):
            assert len(label_lines(pdf, label)) == 1, (pdf, label)
    ours_words, lo_words = pdf_words(built.pdf)[0], pdf_words(theirs)[0]
    for key in ("Cc:", "Attachments:", "SG11,", "Contact:"):
        a = next(x for x in ours_words if x.text == key)
        b = next(x for x in lo_words if x.text == key)
        assert abs(a.x0 - b.x0) < 2 and abs(a.y0 - b.y0) < 6, (key, a, b)


def test_a_td_keeps_the_templates_label_column() -> None:
    doc = prepare(load(CONTENT / "tsag-2018-12-quantum-adhoc"))
    assert doc.cover.label_width == 0


def test_ls_rows_follow_what_is_given(tmp_path: Path) -> None:
    text = (LS / "report.yaml").read_text(encoding="utf-8")
    start, end = text.index("  liaison:\n"), text.index("  contacts:\n")
    only_comment = text[:start] + "  liaison:\n    for_comment: [ISO/IEC JTC 1/SC 27]\n" \
        + text[end:]
    built = build_into(report_with(tmp_path / "c", only_comment), tmp_path / "out")
    labels = [r[0] for r in cover_rows(built.docx)[1:]]
    assert labels == ["Question(s):", "Source:", "Title:", "LIAISON STATEMENT",
                      "For comment to:", "Contact:"]
    page = flat(pdf_pages(built.pdf)[0])
    for absent in ("For action", "For information", "Approval:", "Deadline:"):
        assert absent not in page


def test_an_ls_without_addressee_or_a_liaison_elsewhere_is_refused_with_its_place(
        tmp_path: Path) -> None:
    text = (LS / "report.yaml").read_text(encoding="utf-8")
    start, end = text.index("  liaison:\n"), text.index("  contacts:\n")
    line = text[:start].count("\n") + 1
    no_one = text[:start] + "  liaison:\n    approval: TSAG meeting\n" + text[end:]
    result = run_cli("check", str(report_with(tmp_path / "a", no_one)))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"report.yaml:{line}:" in result.stderr and "document.liaison" in result.stderr
    assert "at least one addressee" in result.stderr
    missing = text[:start] + text[end:]
    result = run_cli("check", str(report_with(tmp_path / "b", missing)))
    assert result.returncode == 1 and "document.kind" in result.stderr
    as_td = text.replace("kind: ls", "kind: td")
    result = run_cli("check", str(report_with(tmp_path / "c", as_td)))
    assert result.returncode == 1 and f"report.yaml:{line}:" in result.stderr
    assert "belong to a liaison statement (kind: ls)" in result.stderr


def test_an_ls_title_is_printed_as_written(tmp_path: Path) -> None:
    text = (LS / "report.yaml").read_text(encoding="utf-8").replace(
        "title: LS on the work", "title: Reply to the work")
    built = build_into(report_with(tmp_path / "r", text), tmp_path / "out")
    values = {r[0]: r[1] for r in cover_rows(built.docx)[1:] if len(r) > 1}
    assert values["Title:"].startswith("Reply to the work of the ITU-T Focus Group")


# ------------------------------------------------------------ plain: no cover table


def test_plain_starts_with_its_centred_title_and_subtitle(tor_build: Built) -> None:
    body = part(tor_build.docx, "word/document.xml").find(w("body"))
    children = list(body)
    assert not [c for c in children if c.tag == w("tbl")], "a plain text has no cover table"
    title, subtitle = children[0], children[1]
    assert style_of(title) == "RecTitle"
    assert text_of(title) == "Terms of reference of the ITU-T Focus Group on metaverse (FG-MV)"
    assert text_of(subtitle) == "(as agreed by TSAG, Geneva, 12-16 December 2022)"
    assert subtitle.find(f"{w('pPr')}/{w('jc')}").get(w("val")) == "center"
    styles = part(tor_build.docx, "word/styles.xml")
    (rec,) = [s for s in styles.findall(w("style")) if s.get(w("styleId")) == "RecTitle"]
    assert rec.find(f"{w('name')}").get(w("val")) == "Rec_Title"
    assert rec.find(f"{w('pPr')}/{w('jc')}").get(w("val")) == "center"
    assert rec.find(f"{w('rPr')}/{w('b')}") is not None
    assert rec.find(f"{w('rPr')}/{w('sz')}").get(w("val")) == "28"
    assert style_of(children[2]) == "Heading1" and text_of(children[2]) == "Scope"
    last = [c for c in children if c.tag == w("p")][-1]
    assert text_of(last) == END_MARK and style_of(last) == "Endmark"
    docx_text = "\n".join(text_of(p) for p in body.iter(w("p")))
    for absent in ("INTERNATIONAL TELECOMMUNICATION UNION", "Source:", "Title:", "Contact:",
                   "Question(s):", "Original:"):
        assert absent not in docx_text
    assert header_lines(tor_build.docx) == ["- 2 -", "TSAG-TD251"]


def test_plain_title_is_centred_in_our_pdf_and_libreoffice(tor_build: Built) -> None:
    lo = libreoffice_pdf(tor_build.docx)
    for who, pdf in (("our PDF", tor_build.pdf), ("LibreOffice", lo)):
        words = pdf_words(pdf)[0]
        lines = lines_of(words)
        assert " ".join(x.text for x in lines[0]).startswith("Terms of reference"), who
        for line in lines[:2]:  # title, then subtitle
            assert abs(centre(line) - A4_PT[0] / 2) < 2, (who, centre(line))
        assert lines[0][0].y0 > MARGIN_PT - 1, who  # no masthead above it
        pages = pdf_pages(pdf)
        last = without_header(pages[-1], len(pages), "TSAG-TD251")
        assert last.rstrip().endswith(END_MARK), who
        assert "INTERNATIONAL" not in flat(pdf_pages(pdf)[0]), who


def test_a_long_plain_text_has_the_running_header_group_when_unnumbered(
        tmp_path: Path) -> None:
    text = (TOR / "report.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^  number: .*\n", "", text)
    text = text.replace("body:\n", "body:\n  - title: Long\n    text: |\n"
                        + "      A line of text.\n\n" * 80, 1)
    built = build_into(report_with(tmp_path / "p", text), tmp_path / "out")
    assert header_lines(built.docx) == ["- 2 -", "TSAG"]
    assert "-TD-GEN-draft!!MSW-E.docx" in built.docx.name
    pages = pdf_pages(built.pdf)
    assert len(pages) >= 2
    assert re.search(r"(?m)^- 2 -\s*\nTSAG\s*$", pages[1]), pages[1][:80]
    words = pdf_words(built.pdf)[1]
    for line in lines_of([x for x in words if x.y1 < MARGIN_PT]):
        assert abs(centre(line) - A4_PT[0] / 2) < 2


def test_cover_fields_given_to_a_plain_text_are_reported(tmp_path: Path) -> None:
    text = (TOR / "report.yaml").read_text(encoding="utf-8").replace(
        "  title:", "  contacts:\n    - name: Jane\n      email: jane@example.org\n"
        "  abstract: Not printed.\n  title:", 1)
    folder = report_with(tmp_path / "p", text)
    result = run_cli("check", str(folder))
    assert result.returncode == 0, result.stderr
    line = text[:text.index("  contacts:")].count("\n") + 1
    assert f"report.yaml:{line}:3: warning: document.contacts: a plain document has no " \
           "cover table" in result.stderr
    assert "document.abstract: a plain document" in result.stderr


# ------------------------------------------------------------ optional cover fields


BARE_TD = """\
document:
  group: TSAG
  study_period: "2025-2028"
  date: 2026-01-30
  source: Convener, TSAG ad hoc group on examples
  title: Draft report of the ad hoc group on examples
  contacts:
    - name: Jane Rapporteur
      email: jane@example.org
    - name: John Associate
      organization: Example Ltd
      tel: "+41 22 000 0000"
body:
  - title: Introduction
    text: The group met once.
"""


def test_a_td_without_number_meeting_abstract_phone_or_questions_has_no_placeholder(
        tmp_path: Path) -> None:
    built = build_into(report_with(tmp_path / "bare", BARE_TD), tmp_path / "out")
    assert built.docx.name == "T25-TSAG-260130-TD-GEN-draft!!MSW-E.docx"
    rows = cover_rows(built.docx)
    assert rows[0][2].split("\n") == ["TSAG", "Original: English"]  # no number line
    assert [r[0] for r in rows[1:]] == ["Question(s):", "Source:", "Title:", "Contact:",
                                       "Contact:"]
    assert rows[1][1:] == ["N/A", ""]  # ITU prints N/A; no meeting, no place and date
    assert rows[4][2] == "E-mail:\tjane@example.org"
    assert rows[5][2] == "Tel:\t+41 22 000 0000"  # no e-mail: no E-mail: line
    docx_text = "\n".join(c for r in rows for c in r)
    for bad in (*PLACEHOLDERS, "Abstract:", "Action:", "E-mail:\t\n"):
        assert bad not in docx_text, bad
    body = part(built.docx, "word/document.xml").find(w("body"))
    tables = [c for c in body if c.tag == w("tbl")]
    assert len(tables) == 1, "no abstract table without an abstract"
    assert header_lines(built.docx) == ["- 2 -", "TSAG"]
    # the PDF prints the same cover, in the same order, and nothing else
    page = normalise(flat(pdf_pages(built.pdf)[0]))
    cells = [normalise(c.replace("\t", " ")) for r in rows for c in r if c.strip()]
    assert_in_order(page, cells, "our PDF")
    for bad in (*PLACEHOLDERS, "Abstract:", "Action:", "TSAG-TD"):
        assert bad not in page, bad
    assert page.count("E-mail:") == 1 and page.count("Tel:") == 1


@pytest.mark.parametrize(("where", "value"), [
    ("start", "10/12/2018"), ("start", "2018-13-40"), ("date", "30/01/2026"),
    ("deadline", "2023-02-30"), ("session", "11.12.2018")])
def test_a_date_that_does_not_parse_names_the_form_and_its_place(
        tmp_path: Path, where: str, value: str) -> None:
    if where == "start":
        text = (CONTENT / "tsag-2018-12-quantum-adhoc" / "report.yaml").read_text("utf-8")
        text = text.replace("start: 2018-12-10", f"start: {value}")
        field, needle = "document.meeting.start", f"start: {value}"
    elif where == "date":
        text = BARE_TD.replace("date: 2026-01-30", f"date: {value}")
        field, needle = "document.date", f"date: {value}"
    elif where == "deadline":
        text = (LS / "report.yaml").read_text("utf-8").replace("deadline: 2023-09-15",
                                                               f"deadline: {value}")
        field, needle = "document.liaison.deadline", f"deadline: {value}"
    else:
        text = (CONTENT / "tsag-2018-12-quantum-adhoc" / "report.yaml").read_text("utf-8")
        text = text.replace("date: 2018-12-11", f"date: {value}", 1)
        field, needle = "sessions[0].date", f"date: {value}"
    folder = report_with(tmp_path / "r", text)
    if where in ("start", "session"):
        for md in (CONTENT / "tsag-2018-12-quantum-adhoc").glob("*.md"):
            (folder / md.name).write_bytes(md.read_bytes())
    result = run_cli("check", str(folder))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    line = text[:text.index(needle)].count("\n") + 1
    assert f"report.yaml:{line}:" in result.stderr, result.stderr
    assert f"{field}: {value!r} is not a date" in result.stderr, result.stderr
    assert "write YYYY-MM-DD" in result.stderr


def test_a_document_without_meeting_or_date_is_refused(tmp_path: Path) -> None:
    text = BARE_TD.replace("  date: 2026-01-30\n", "")
    result = run_cli("check", str(report_with(tmp_path / "r", text)))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "report.yaml:1:1: document: give document.meeting or document.date" \
        in result.stderr, result.stderr


def test_questions_left_empty_print_nothing_after_the_label(tmp_path: Path) -> None:
    text = BARE_TD.replace("document:\n", 'document:\n  questions: ""\n', 1)
    built = build_into(report_with(tmp_path / "q", text), tmp_path / "out")
    rows = cover_rows(built.docx)
    assert rows[1][:2] == ["Question(s):", ""]
    page = normalise(flat(pdf_pages(built.pdf)[0]))
    assert "Question(s):" in page and "N/A" not in page


def test_a_plain_text_needs_neither_study_period_nor_date(tmp_path: Path) -> None:
    folder = report_with(tmp_path / "bare-tor", "document:\n  kind: plain\n  group: TSAG\n"
                         "  title: Terms of reference\nbody:\n  - title: Scope\n"
                         "    text: The group studies.\n")
    result = run_cli("check", str(folder))
    assert result.returncode == 0 and "warning" not in result.stderr, result.stderr
    built = build_into(folder, tmp_path / "out")
    assert built.docx.name == "bare-tor!!MSW-E.docx"  # no ITU name without period and date
    assert built.pdf is not None and built.pdf.name == "bare-tor!!PDF-E.pdf"
    texts = docx_paragraph_texts(built.docx)
    assert "Terms of reference" in texts and "Scope" in texts
    assert "STUDY PERIOD" not in pdf_pages(built.pdf)[0]
    # a TD still needs both
    td = BARE_TD.replace('  study_period: "2025-2028"\n', "")
    result = run_cli("check", str(report_with(tmp_path / "td", td)))
    assert result.returncode == 1
    assert "document: a td document needs document.study_period" in result.stderr


@pytest.mark.parametrize(("letter", "shown"), [
    ("E", "December 2018"), ("F", "décembre 2018"), ("S", "diciembre de 2018"),
    ("R", "декабрь 2018\u00a0г."), ("A", "ديسمبر 2018"), ("C", "2018年12月")])
def test_a_month_date_is_read_and_shown_as_month_and_year(letter: str, shown: str) -> None:
    from reportgen.prepare import languages

    meta = m.Metadata.model_validate({"kind": "plain", "group": "TSAG", "title": "T",
                                      "date": "2018-12"})
    assert isinstance(meta.date, m.MonthDate) and meta.date.isoformat() == "2018-12-01"
    assert languages.locale(letter).month_year(meta.date) == shown
    day = m.Metadata.model_validate({"kind": "plain", "group": "TSAG", "title": "T",
                                     "date": "2018-12-14"})
    assert not isinstance(day.date, m.MonthDate)
    with pytest.raises(ValueError, match="'2018-13' is not a date"):
        m.Metadata.model_validate({"kind": "plain", "group": "TSAG", "title": "T",
                                   "date": "2018-13"})


# ------------------------------------------------------------ names and languages


def test_an_unnumbered_contribution_and_ls_are_named_and_headed_without_a_number() -> None:
    base = {"group": "SG17", "study_period": "2025-2028", "title": "T", "source": "S",
            "date": "2026-03-02"}
    contribution = m.Metadata.model_validate({**base, "kind": "contribution"})
    assert masthead_number(contribution) == ""
    assert itu_file_stem(contribution) == "T25-SG17-C-draft!"
    ls = m.Metadata.model_validate({**base, "kind": "ls", "number": 12, "revision": 1,
                                    "liaison": {"for_action": ["ITU-T SG13"]}})
    assert masthead_number(ls) == "SG17-TD12-R1"  # an LS is posted as a TD
    assert itu_file_stem(ls) == "T25-SG17-260302-TD-GEN-0012!R1"


@pytest.mark.parametrize("letter", ["E", "F", "S", "R", "A", "C"])
def test_the_liaison_rows_have_labels_in_each_language(letter: str, tmp_path: Path) -> None:
    text = (LS / "report.yaml").read_text("utf-8").replace(
        "  group: TSAG\n", f"  group: TSAG\n  language: {letter}\n", 1)
    doc = prepare(load(report_with(tmp_path / letter, text)))
    labels = doc.cover.labels
    texts = [labels.liaison_statement, labels.for_action, labels.for_comment,
             labels.for_information, labels.approval, labels.deadline]
    assert all(t.strip() for t in texts) and len(set(texts)) == 6
    assert doc.cover.liaison is not None
    assert doc.cover.liaison.deadline and "2023" in doc.cover.liaison.deadline
    if letter == "E":
        assert texts[0] == "LIAISON STATEMENT" and doc.cover.liaison.deadline == \
            "15 September 2023"


def test_a_cover_without_source_or_with_a_subtitle_is_refused_with_its_place(
        tmp_path: Path) -> None:
    no_source = BARE_TD.replace("  source: Convener, TSAG ad hoc group on examples\n", "")
    result = run_cli("check", str(report_with(tmp_path / "a", no_source)))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "report.yaml:1:1: document: a td document needs document.source" in result.stderr
    subtitled = BARE_TD.replace("  title:", "  subtitle: Second line\n  title:")
    result = run_cli("check", str(report_with(tmp_path / "b", subtitled)))
    assert result.returncode == 1
    assert "report.yaml:6:3: document.subtitle: a subtitle is printed on a plain document " \
           "only" in result.stderr, result.stderr


def test_an_ls_that_expects_no_reply_prints_deadline_n_a(tmp_path: Path) -> None:
    text = (LS / "report.yaml").read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.strip().startswith("deadline:"))
    built = build_into(report_with(tmp_path / "na", text.replace(line, "    deadline: N/A")),
                       tmp_path / "out")
    rows = {r[0]: r[1:] for r in cover_rows(built.docx)}
    assert rows["Deadline:"][0] == "N/A"
    assert "Deadline: N/A" in flat(pdf_pages(built.pdf)[0])

    folder = report_with(tmp_path / "bad", text.replace(line, "    deadline: 15/09/2023"))
    result = run_cli("check", str(folder))
    assert result.returncode == 1
    number = text.splitlines().index(line) + 1
    assert (f"report.yaml:{number}:5: document.liaison.deadline: '15/09/2023' is not a "
            "date; write YYYY-MM-DD, e.g. 2018-12-10, or 'N/A'") in result.stderr
    assert result.stderr.count("deadline") == 1  # one problem, not one per alternative


def test_a_purpose_of_its_own_is_printed_and_a_slip_of_a_known_one_is_pointed_out(
        tmp_path: Path) -> None:
    text = (LS / "report.yaml").read_text(encoding="utf-8")
    own = text.replace("  kind: ls\n", "  kind: ls\n  layout: \"2017-2020\"\n"
                       "  purpose: Information and action\n")
    built = build_into(report_with(tmp_path / "own", own), tmp_path / "out")
    rows = {r[0]: r[1:] for r in cover_rows(built.docx)}
    assert rows["Purpose:"][0] == "Information and action"
    slip = report_with(tmp_path / "slip", own.replace("Information and action", "Infomation"))
    result = run_cli("check", str(slip))
    assert result.returncode == 0
    assert "warning: document.purpose: 'Infomation' is printed as written (and not " \
           "translated); did you mean 'Information'?" in result.stderr


@pytest.mark.parametrize(("form", "shown"), [("-R1", "TSAG-TD250-R2"), ("R1", "TSAG-TD250R2"),
                                             ("Rev.1", "TD 250 Rev.2")])
def test_a_revision_is_written_in_the_form_asked_for(form: str, shown: str,
                                                     tmp_path: Path) -> None:
    text = (LS / "report.yaml").read_text(encoding="utf-8")
    text = text.replace("  number: 250", f"  number: 250\n  revision: 2\n"
                        f"  revision_form: \"{form}\"")
    built = build_into(report_with(tmp_path / "r", text), tmp_path / "out", "--format",
                       "docx")
    assert shown in [c for row in cover_rows(built.docx) for c in row] or \
        shown in " ".join(docx_paragraph_texts(built.docx))
    assert header_lines(built.docx)[1] == shown
    assert built.docx.name.startswith("T22-TSAG-") and "!R2!MSW-E" in built.docx.name


# ------------------------------------------------------- other groups and sectors


@pytest.mark.parametrize(("fields", "number", "stem"), [
    ({"group": "JCA-AHF", "number": 183}, "JCA-AHF Doc. 183",
     "T17-JCA-AHF-181210-TD-GEN-0183!"),
    ({"group": "FG-MV", "number": 12}, "FG-MV-TD12", "T17-FG-MV-181210-TD-GEN-0012!"),
    ({"group": "SG1", "sector": "D", "number": 123}, "Document 1/123-E", "D17-SG01-C-0123!"),
    ({"group": "WP5A", "sector": "R", "number": 650, "revision": 1},
     "Revision 1 to Document 5A/650-E", "R17-WP5A-C-0650!R1"),
])
def test_the_number_and_file_name_of_other_groups_and_sectors(
        fields: dict[str, object], number: str, stem: str) -> None:
    meta = m.Metadata.model_validate({
        "study_period": "2017-2020", "source": "S", "title": "T",
        "meeting": {"place": "Geneva", "start": "2018-12-10", "end": "2018-12-14"},
        **fields})
    assert masthead_number(meta) == number
    assert itu_file_stem(meta) == stem


def test_an_itu_r_document_prints_its_sector_and_number(tmp_path: Path) -> None:
    text = BARE_TD.replace("  group: TSAG\n", "  group: WP5A\n  sector: R\n  number: 650\n")
    built = build_into(report_with(tmp_path / "r", text), tmp_path / "out")
    assert built.docx.name == "R25-WP5A-C-0650!!MSW-E.docx"
    rows = cover_rows(built.docx)
    assert rows[0][1].split("\n")[:2] == ["INTERNATIONAL TELECOMMUNICATION UNION",
                                          "RADIOCOMMUNICATION STUDY GROUPS"]
    assert rows[0][2].split("\n")[0] == "Document 5A/650-E"
    page = normalise(flat(pdf_pages(built.pdf)[0]))
    assert "RADIOCOMMUNICATION STUDY GROUPS" in page and "Document 5A/650-E" in page
    assert header_lines(built.docx) == ["- 2 -", "Document 5A/650-E"]
