"""Document structure beyond clauses: a single unnumbered annex, appendices, text before
the first clause. Each is checked in the tree, in the DOCX (texts, styles) and in the
PDF (texts, pages)."""

from __future__ import annotations

import json
import subprocess
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from reportgen import tree as d
from reportgen.content.load import load
from reportgen.errors import ContentError
from reportgen.paths import templates_dir
from reportgen.prepare.tree import prepare
from reportgen.writers.docx.writer import render_docx
from reportgen.writers.html.render import render_html
from reportgen.writers.pdf.write import write_pdf

from .conftest import NS, W, build_into, docx_paragraph_texts, libreoffice_pdf, need_tool

TEMPLATE = templates_dir() / "itu-td.docx"


def write(folder: Path, **parts: Any) -> Path:
    """A minimal TD with the given top-level parts (JSON is YAML)."""
    folder.mkdir(parents=True, exist_ok=True)
    options = {"end_mark": False, **parts.pop("options", {})}
    data = {
        "document": {"group": "TSAG", "study_period": "2022-2024", "number": 7,
                     "meeting": {"place": "Geneva", "start": "2023-05-29",
                                 "end": "2023-06-02"},
                     "source": "Structure probe", "title": "Structure probe",
                     "abstract": "Probe.", **parts.pop("document", {})},
        "options": options,
        "body": parts.pop("body", [{"title": "Introduction", "text": "Body text."}]),
        **parts,
    }
    (folder / "report.yaml").write_text(json.dumps(data, indent=1), "utf-8")
    return folder


def outputs(folder: Path, tmp: Path) -> tuple[d.Document, Path, Path]:
    """The prepared tree, the DOCX and our PDF of the report in ``folder``."""
    doc = prepare(load(folder))
    docx = tmp / f"{folder.name}.docx"
    docx.write_bytes(render_docx(doc, TEMPLATE))
    pdf = tmp / f"{folder.name}.pdf"
    pdf.write_bytes(write_pdf(render_html(doc), report_dir=folder, attachments=(),
                              identifier="0" * 32, created=datetime(2023, 5, 29, tzinfo=UTC)))
    return doc, docx, pdf


def paragraphs(docx: Path) -> list[tuple[str, str]]:
    """(style name, text) of every body paragraph outside tables, in order."""
    with zipfile.ZipFile(docx) as z:
        body = etree.fromstring(z.read("word/document.xml")).find(f"{W}body")
        styles = etree.fromstring(z.read("word/styles.xml"))
    names = {s.get(f"{W}styleId"): s.find(f"{W}name").get(f"{W}val")  # type: ignore[union-attr]
             for s in styles.iter(f"{W}style")}
    assert body is not None
    out = []
    for p in body.iterchildren(f"{W}p"):
        style = p.find("w:pPr/w:pStyle", NS)
        text = "".join(el.text or "" if el.tag == f"{W}t" else
                       ("\t" if el.tag == f"{W}tab" else "\n")
                       for el in p.iter(f"{W}t", f"{W}tab", f"{W}br"))
        out.append((names.get(style.get(f"{W}val")) if style is not None else "Normal", text))
    return out  # type: ignore[return-value]


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page (pdftotext, reading order)."""
    text = subprocess.run([need_tool("pdftotext"), "-layout", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    return [" ".join(page.split()) for page in text.split("\f")[:-1]]


def page_of(pages: list[str], needle: str) -> int:
    found = [n for n, text in enumerate(pages) if needle in text]
    assert found, f"{needle!r} on no page"
    return found[0]


# ------------------------------------------------------------- a single annex


def test_a_single_annex_is_labelled_annex_alone_in_the_tree_docx_and_pdf(
        tmp_path: Path) -> None:
    folder = write(tmp_path / "one", options={"annex_label": "none"},
                   body=[{"title": "Introduction", "text": "Table: Body table\n\n| A |\n|---|\n"
                          "| 1 |\n"}],
                   annexes=[{"title": "Terms of reference", "sections": [
                       {"title": "Scope", "text": "Table: Annex table\n\n| B |\n|---|\n| 2 |\n",
                        "sections": [{"title": "Detail"}]}]}])
    doc, docx, pdf = outputs(folder, tmp_path)
    (annex,) = doc.annexes
    assert annex.label == "Annex"
    heads = [(b.number, d.plain_text(b.title)) for b in annex.blocks if isinstance(b, d.Heading)]
    assert heads == [("1", "Scope"), ("1.1", "Detail")]
    captions = [b.caption for b in annex.blocks if isinstance(b, d.Table)]
    assert captions == ["Table 2 \u2013 Annex table"]  # annex tables continue the count

    paras = paragraphs(docx)
    assert ("Annex_NoTitle", "Annex\n\nTerms of reference") in paras
    pages = pdf_pages(pdf)
    n = page_of(pages, "Terms of reference")
    assert "Annex Terms of reference" in pages[n]
    assert "Annex 1" not in " ".join(pages)
    assert n > page_of(pages, "Body table")  # on a page of its own


def test_annex_label_none_with_two_annexes_is_refused_where_it_is_written(
        tmp_path: Path) -> None:
    folder = write(tmp_path / "two", options={"annex_label": "none"},
                   annexes=[{"title": "First"}, {"title": "Second"}])
    with pytest.raises(ContentError) as raised:
        load(folder)
    message = str(raised.value)
    assert "report.yaml:" in message and "options.annex_label" in message
    assert "2 annexes" in message


# ---------------------------------------------------------------- appendices


def test_appendices_follow_the_annexes_with_roman_numbers_clauses_and_tables(
        tmp_path: Path) -> None:
    folder = write(tmp_path / "app",
                   body=[{"title": "Introduction", "text": "Table: Body table\n\n| A |\n|---|\n"
                          "| 1 |\n"}],
                   annexes=[{"title": "Terms of reference", "text": "Annex text."}],
                   appendices=[
                       {"title": "Bibliography", "sections": [
                           {"title": "Studies", "text": "Table: Studies\n\n| S |\n|---|\n| 1 |\n",
                            "sections": [{"title": "Older studies"}]}]},
                       {"title": "Examples", "obligation": "",
                        "text": "Table: Example\n\n| E |\n|---|\n| 2 |\n"}])
    doc, docx, pdf = outputs(folder, tmp_path)
    labels = [(a.kind, a.label, a.obligation) for a in doc.annexes]
    line = "(This appendix does not form an integral part of this document.)"
    assert labels == [("annex", "Annex 1", ""), ("appendix", "Appendix I", line),
                      ("appendix", "Appendix II", "")]
    first, second = doc.annexes[1], doc.annexes[2]
    heads = [(b.number, d.plain_text(b.title)) for b in first.blocks if isinstance(b, d.Heading)]
    assert heads == [("I.1", "Studies"), ("I.1.1", "Older studies")]
    assert [b.caption for b in first.blocks if isinstance(b, d.Table)] == [
        "Table I.1 \u2013 Studies"]
    assert [b.caption for b in second.blocks if isinstance(b, d.Table)] == [
        "Table II.1 \u2013 Example"]
    assert first.id == "appendix.1" and first.origin is not None and first.origin.line > 1

    paras = paragraphs(docx)
    at = paras.index(("Appendix_NoTitle", "Appendix I\n\nBibliography"))
    assert paras[at + 1] == ("Normal", line)
    assert paras.index(("Annex_NoTitle", "Annex 1\n\nTerms of reference")) < at
    later = paras.index(("Appendix_NoTitle", "Appendix II\n\nExamples"))
    assert paras[later + 1] == ("Table_NoTitle", "Table II.1 \u2013 Example")  # no line
    with zipfile.ZipFile(docx) as z:
        styles = etree.fromstring(z.read("word/styles.xml"))
    (style,) = styles.xpath("//w:style[w:name/@w:val='Appendix_NoTitle']", namespaces=NS)
    assert style.find("w:pPr/w:pageBreakBefore", NS) is not None
    assert style.find("w:pPr/w:jc", NS).get(f"{W}val") == "center"
    assert style.find("w:rPr/w:sz", NS).get(f"{W}val") == "28"

    pages = pdf_pages(pdf)
    n1, n2 = page_of(pages, "Appendix I Bibliography"), page_of(pages, "Appendix II Examples")
    assert page_of(pages, "Annex 1 Terms of reference") < n1 < n2
    assert line in pages[n1] and "I.1 Studies" in pages[n1]
    assert "Table I.1 \u2013 Studies" in pages[n1] and "Table II.1 \u2013 Example" in pages[n2]
    assert "does not form" not in pages[n2]


def test_the_appendix_line_is_in_the_document_language(tmp_path: Path) -> None:
    folder = write(tmp_path / "fr", document={"language": "F", "original": "French"},
                   appendices=[{"title": "Bibliographie"}])
    doc = prepare(load(folder))
    assert doc.annexes[0].label == "Appendice I"
    assert doc.annexes[0].obligation == ("(Cet appendice ne fait pas partie intégrante du "
                                         "présent document.)")


# ------------------------------------------------------- text before the first clause


def test_a_preamble_is_the_first_text_after_the_cover_under_no_heading(
        tmp_path: Path) -> None:
    folder = write(tmp_path / "pre",
                   preamble={"text": "Opening words of the report.\n\nA second paragraph.",
                             "blocks": [{"note": "All documents are in TD425."}]},
                   body=[{"title": "Introduction", "text": "Body text."}])
    doc, docx, pdf = outputs(folder, tmp_path)
    first = doc.body[:4]
    assert [type(b).__name__ for b in first] == ["Paragraph", "Paragraph", "Note", "Heading"]
    assert [b.id for b in first[:3]] == ["preamble.text.1", "preamble.text.2", "preamble.b1"]
    assert first[0].origin is not None and first[0].origin.line > 1
    assert isinstance(first[3], d.Heading) and first[3].number == "1"

    paras = paragraphs(docx)
    at = paras.index(("Normal", "Opening words of the report."))
    assert paras[at + 1] == ("Normal", "A second paragraph.")
    assert paras[at + 2] == ("Note", "NOTE \u2013 All documents are in TD425.")
    assert paras[at + 3] == ("heading 1", "Introduction")
    # nothing between the cover (its last table) and the preamble
    with zipfile.ZipFile(docx) as z:
        body = etree.fromstring(z.read("word/document.xml")).find(f"{W}body")
    assert body is not None
    children = list(body)
    texts = ["".join(c.itertext()) for c in children]
    start = texts.index("Opening words of the report.")
    assert children[start - 1].tag == f"{W}tbl"  # the cover's last table
    assert children[start].find("w:pPr/w:pStyle", NS) is None  # Normal

    main = render_html(doc).split('<main class="body">', 1)[1].lstrip()
    assert main.startswith('<p class="normal">Opening words')  # Normal, no heading
    (page,) = pdf_pages(pdf)
    assert page.index("Abstract: Probe.") < page.index("Opening words of the report.") \
        < page.index("A second paragraph.") < page.index("1 Introduction")


def test_an_empty_preamble_is_refused_where_it_is_written(tmp_path: Path) -> None:
    folder = write(tmp_path / "empty", preamble={})
    with pytest.raises(ContentError) as raised:
        load(folder)
    assert "preamble: a preamble takes text, file or blocks" in str(raised.value)


# ---------------------------------------------------------------- attachments


def attached_report(tmp_path: Path, **main: Any) -> Path:
    """A report with one attachment in its folder: a TD of its own with a table, a
    footnote and an annex."""
    folder = write(tmp_path / "main", options={"end_mark": True},
                   body=[{"title": "Introduction",
                          "text": "Report text.[^1]\n\n[^1]: A report note.\n\n"
                                  "Table: Report table\n\n| A |\n|---|\n| 1 |\n"},
                         {"title": "Results", "text": "Table: Second table\n\n| B |\n|---|\n"
                                                      "| 2 |\n"}],
                   annexes=[{"title": "Report annex", "text": "Annex text."}],
                   attachments=[{"report": "ls"}], **main)
    write(folder / "ls", options={"end_mark": True},
          document={"number": 99, "title": "Attached liaison", "source": "Attached source"},
          body=[{"title": "Attached clause", "text": "Attached text.[^a]\n\n"
                 "[^a]: An attached note.\n\nTable: Attached table\n\n| C |\n|---|\n| 3 |\n",
                 "sections": [{"title": "Attached sub-clause"}]}],
          annexes=[{"title": "Attached annex", "sections": [{"title": "Attached annex clause"}]}])
    return folder


def test_an_attachment_is_prepared_as_its_own_document_with_prefixed_ids(
        tmp_path: Path) -> None:
    doc = prepare(load(attached_report(tmp_path)))
    (att,) = doc.attachments
    assert att.cover.masthead_number == "TSAG-TD99" and doc.cover.masthead_number == "TSAG-TD7"
    heads = [(b.number, d.plain_text(b.title), b.id) for b in att.body
             if isinstance(b, d.Heading)]
    assert heads == [("1", "Attached clause", "attachment.1.body.1"),
                     ("1.1", "Attached sub-clause", "attachment.1.body.1.1")]
    (table,) = [b for b in att.body if isinstance(b, d.Table)]
    assert table.caption == "Table 1 \u2013 Attached table"
    assert table.id.startswith("attachment.1.body.1.text.")
    assert att.annexes[0].label == "Annex 1" and att.annexes[0].id == "attachment.1.annex.1"
    assert att.annexes[0].anchor == "attachment-1-annex-1"
    assert table.origin is not None and table.origin.file.endswith("ls/report.yaml")
    report_ids = {b.id for b in doc.body}
    assert not report_ids & {b.id for b in att.body}


def test_an_attachment_follows_the_report_in_the_pdf_with_its_cover_and_header(
        tmp_path: Path) -> None:
    _, _, pdf = outputs(attached_report(tmp_path), tmp_path)
    pages = pdf_pages(pdf)
    cover = page_of(pages, "TSAG-TD99")
    assert cover == page_of(pages, "Attached liaison") > page_of(pages, "Report annex")
    assert "INTERNATIONAL TELECOMMUNICATION UNION" in pages[cover]
    assert pages[cover].index("Attached liaison") < pages[cover].index("1 Attached clause")
    assert "Table 1 \u2013 Attached table" in pages[cover]
    assert "Attachedtext.1" in pages[cover].replace(" ", "")  # its notes count from 1
    assert pages[cover].startswith("INTERNATIONAL")  # no running header
    for page in pages[:cover]:  # the report's pages keep the report's number
        assert "TSAG-TD99" not in page
    annex = page_of(pages, "Attached annex")
    assert annex > cover and pages[annex].replace(" ", "").startswith("-2-TSAG-TD99")
    assert pages[1].replace(" ", "").startswith("-2-TSAG-TD7")
    # the PDF outline: the attachment under its number, its clauses and annexes below it
    from pypdf import PdfReader

    def titles(items: list[Any]) -> list[Any]:
        return [titles(i) if isinstance(i, list) else i.title for i in items]

    outline = titles(PdfReader(pdf).outline)
    at = outline.index("TSAG-TD99")
    assert outline[at + 1][:2] == ["1 Attached clause", ["1.1 Attached sub-clause"]]
    assert "Annex 1 \u2013 Attached annex" in outline[at + 1]
    assert outline[:at] and "1 Introduction" in outline[:at]
    # one end mark per document: after the report's annex, and after the attachment's
    assert pages[cover - 1].rstrip().endswith("_" * 20)
    assert pages[-1].rstrip().endswith("_" * 20)


def test_an_attachment_follows_the_report_in_the_docx_in_a_section_of_its_own(
        tmp_path: Path) -> None:
    _, docx, _ = outputs(attached_report(tmp_path), tmp_path)
    texts = [t for _, t in paragraphs(docx)]
    with zipfile.ZipFile(docx) as z:
        root = etree.fromstring(z.read("word/document.xml"))
        rels = etree.fromstring(z.read("word/_rels/document.xml.rels"))
        parts = {n: z.read(n) for n in z.namelist()}
    body = root.find(f"{W}body")
    assert body is not None
    # two cover blocks, in order: the report's, then the attachment's
    numbers = [p for p in body.iter(f"{W}p") if "".join(p.itertext()) in ("TSAG-TD7",
                                                                          "TSAG-TD99")]
    assert ["".join(p.itertext()) for p in numbers] == ["TSAG-TD7", "TSAG-TD99"]
    cells = ["".join(p.itertext()) for p in body.iter(f"{W}p")]
    assert not [c for c in cells if "BODY-" in c]  # no placeholder left from either cover
    assert cells.count("INTERNATIONAL TELECOMMUNICATION UNION") == 2
    assert cells.index("Annex 1Report annex") < cells.index("Attached liaison") \
        < cells.index("Attached clause")
    # the attachment's clauses and tables restart (Word numbering evaluated)
    from .wordnum import word_labels
    labels = [(n.label, n.text) for n in word_labels(docx)]
    assert labels == [("1", "Introduction"), ("2", "Results"), ("1", "Attached clause"),
                      ("1.1", "Attached sub-clause"), ("1", "Attached annex clause")]
    captions = [t for s, t in paragraphs(docx) if s == "Table_NoTitle"]
    assert captions == ["Table 1 \u2013 Report table", "Table 2 \u2013 Second table",
                        "Table 1 \u2013 Attached table"]
    # two sections: the report's keeps the template's header, the attachment's has its own
    sections = body.findall(".//w:sectPr", NS)
    assert len(sections) == 2
    first_header, second_header = (s.find("w:headerReference[@w:type='default']", NS)
                                   for s in sections)
    rid = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    targets = {r.get("Id"): r.get("Target") for r in rels}
    head1 = parts["word/" + targets[first_header.get(rid)]].decode()
    head2 = parts["word/" + targets[second_header.get(rid)]].decode()
    assert "TSAG-TD7" in head1 and "TSAG-TD99" not in head1
    assert "TSAG-TD99" in head2
    assert sections[1].find("w:pgNumType", NS).get(f"{W}start") == "1"
    assert sections[0].getparent().getparent() is not None  # ends the report's section
    # one end mark per document, the report's ending its section
    ends = [t for s, t in paragraphs(docx) if s == "Endmark"]
    assert ends == ["_" * 20, "_" * 20]
    # bookmarks: unique names and ids, the attachment's prefixed
    marks = body.findall(".//w:bookmarkStart", NS)
    names = [m.get(f"{W}name") for m in marks]
    ids = [m.get(f"{W}id") for m in marks]
    assert len(set(names)) == len(names) and len(set(ids)) == len(ids)
    from reportgen.prepare.anchors import bookmark_name
    assert {bookmark_name("cover.title"), bookmark_name("attachment.1.cover.title"),
            bookmark_name("body.1"), bookmark_name("attachment.1.body.1")} <= set(names)
    assert texts.index("Attached text.") > texts.index("Report text.")


def test_an_attachments_cited_documents_print_as_written(tmp_path: Path) -> None:
    """The attached report's own register: its cited ids are document numbers, never
    prefixed like its blocks' ids."""
    folder = attached_report(tmp_path)
    write(folder / "ls", document={"number": 99, "title": "Attached liaison",
                                   "source": "Attached source"},
          documents=[{"id": "TD100", "title": "Agenda"}, {"id": "C12", "title": "Proposal"}],
          body=[{"title": "Attached clause", "text": "See TD100 and C12."}])
    doc, docx, pdf = outputs(folder, tmp_path)
    (att,) = doc.attachments
    refs = [i for b in att.body if isinstance(b, d.Paragraph) for i in b.content
            if isinstance(i, d.DocRef)]
    assert [(r.id, r.title) for r in refs] == [("TD100", "Agenda"), ("C12", "Proposal")]
    assert "See TD100 and C12." in [t for _, t in paragraphs(docx)]
    text = " ".join(pdf_pages(pdf))
    assert "See TD100 and C12." in text and "attachment.1" not in text


def test_libreoffice_shows_the_attachment_from_a_new_page_with_its_cover_and_header(
        tmp_path: Path) -> None:
    _, docx, _ = outputs(attached_report(tmp_path), tmp_path)
    pages = pdf_pages(libreoffice_pdf(docx))
    cover = page_of(pages, "TSAG-TD99")
    assert cover == page_of(pages, "Attached liaison") > page_of(pages, "Report annex")
    assert pages[cover].startswith("INTERNATIONAL TELECOMMUNICATION UNION")  # no header
    assert pages[cover].index("Attached liaison") < pages[cover].index("1 Attached clause")
    assert "Table 1 \u2013 Attached table" in pages[cover]
    assert all("TSAG-TD99" not in page for page in pages[:cover])
    # footnotes: the attachment's count from 1, as the tree and our PDF say
    assert "Reporttext.1" in pages[0].replace(" ", "")
    assert "Attachedtext.1" in pages[cover].replace(" ", "")
    assert pages[1].replace(" ", "").startswith("-2-TSAG-TD7")
    annex = page_of(pages, "Attached annex")
    assert annex > cover and pages[annex].replace(" ", "").startswith("-2-TSAG-TD99")
    assert pages[cover - 1].rstrip().endswith("_" * 20)
    assert pages[-1].rstrip().endswith("_" * 20)


@pytest.mark.parametrize("where", ["../elsewhere", "/tmp", "."])
def test_an_attachment_outside_the_report_folder_is_refused_where_it_is_named(
        tmp_path: Path, where: str) -> None:
    write(tmp_path / "elsewhere")
    folder = write(tmp_path / "main", attachments=[{"report": where}])
    with pytest.raises(ContentError) as raised:
        load(folder)
    (problem,) = raised.value.problems
    assert problem.file.endswith("main/report.yaml") and problem.line > 1
    assert problem.field == "attachments[0].report"
    assert "is not a folder inside the report's folder" in problem.message


def test_a_missing_attached_report_is_refused_where_it_is_named(tmp_path: Path) -> None:
    folder = write(tmp_path / "main", attachments=[{"report": "ls"}])
    (folder / "ls").mkdir()
    with pytest.raises(ContentError) as raised:
        load(folder)
    (problem,) = raised.value.problems
    assert problem.file.endswith("main/report.yaml") and problem.line > 1
    assert problem.message == "no report.yaml in 'ls'"


def test_an_invalid_attached_report_is_reported_at_its_own_file_and_line(
        tmp_path: Path) -> None:
    folder = write(tmp_path / "main", attachments=[{"report": "ls"}])
    (folder / "ls").mkdir()
    (folder / "ls" / "report.yaml").write_text(
        (folder / "report.yaml").read_text("utf-8").replace('"source": "Structure probe"',
                                                            '"sourse": "Structure probe"'),
        "utf-8")
    (folder / "ls" / "report.yaml").write_text(
        (folder / "ls" / "report.yaml").read_text("utf-8").replace(
            '"attachments": [\n  {\n   "report": "ls"\n  }\n ]', '"annexes": []'), "utf-8")
    with pytest.raises(ContentError) as raised:
        load(folder)
    messages = [(p.file, p.line, p.field) for p in raised.value.problems]
    assert any(f.endswith("main/ls/report.yaml") and line > 1 and field == "document.sourse"
               for f, line, field in messages), messages


def test_a_review_of_an_attachment_points_at_the_attached_files_lines(
        tmp_path: Path) -> None:
    from .conftest import run_cli
    from .word_review import Reviewer

    folder = attached_report(tmp_path / "content")
    built = tmp_path / "out"
    result = run_cli("build", str(folder), "--out", str(built), "--format", "docx")
    assert result.returncode == 0, result.stderr
    r = Reviewer(next((built / "main").glob("*.docx")))
    r.insert("Attached text.", " More attached words.")
    r.comment("Attached annex clause", "Check this.")
    r.insert("Report text.", " More report words.")
    reviewed = r.save(tmp_path / "reviewed.docx")
    result = run_cli("review", str(reviewed), "--content", str(folder.parent))
    assert result.returncode == 0, result.stderr
    attached = (folder / "ls" / "report.yaml").read_text("utf-8").splitlines()
    text_line = next(n for n, line in enumerate(attached, 1) if "Attached text." in line)
    lines = result.stdout.splitlines()
    assert any("main/report.yaml:" in line and "More report words" in line for line in lines)
    assert any(f"main/ls/report.yaml:{text_line}:" in line and "More attached words" in line
               for line in lines), result.stdout
    assert any("main/ls/report.yaml:" in line and "Check this." in line for line in lines)


def test_an_attached_report_with_attachments_of_its_own_is_refused(tmp_path: Path) -> None:
    folder = attached_report(tmp_path)
    inner = (folder / "ls" / "report.yaml")
    data = json.loads(inner.read_text("utf-8"))
    data["attachments"] = [{"report": "deeper"}]
    inner.write_text(json.dumps(data, indent=1), "utf-8")
    write(folder / "ls" / "deeper")
    with pytest.raises(ContentError) as raised:
        load(folder)
    (problem,) = raised.value.problems
    assert problem.file.endswith("main/ls/report.yaml") and problem.line > 1
    assert problem.message == "an attached report cannot have attachments of its own"


def test_an_attachment_through_a_link_that_leaves_the_folder_is_refused(
        tmp_path: Path) -> None:
    write(tmp_path / "elsewhere")
    folder = write(tmp_path / "main", attachments=[{"report": "linked"}])
    (folder / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    with pytest.raises(ContentError) as raised:
        load(folder)
    (problem,) = raised.value.problems
    assert problem.field == "attachments[0].report" and problem.line > 1
    assert "is not a folder inside the report's folder" in problem.message


def test_a_report_with_an_attachment_gives_the_same_docx_bytes_twice(tmp_path: Path) -> None:
    doc = prepare(load(attached_report(tmp_path)))
    assert render_docx(doc, TEMPLATE) == render_docx(doc, TEMPLATE)


def test_figures_in_an_appendix_and_in_an_attachment_are_numbered_in_their_own_part(
        tmp_path: Path) -> None:
    """Figure I.1 in Appendix I (as its tables), and Figure 1 again in an attached
    document, in the tree, the DOCX and the PDF."""
    from PIL import Image

    def picture(path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (200, 100), (200, 30, 30)).save(path, "PNG")

    folder = write(tmp_path / "main", attachments=[{"report": "att"}],
                   body=[{"title": "Introduction",
                          "blocks": [{"figure": {"file": "a.png", "title": "Body"}}]}],
                   appendices=[{"title": "Pictures", "blocks": [
                       {"figure": {"file": "a.png", "title": "Appendix picture"}}]}])
    write(folder / "att", document={"number": 99, "title": "Attached"},
          body=[{"title": "Attached clause",
                 "blocks": [{"figure": {"file": "b.png", "title": "Attached picture"}}]}])
    picture(folder / "a.png")
    picture(folder / "att" / "b.png")

    built = build_into(folder, tmp_path / "out")
    expected = ["Figure 1 \u2013 Body", "Figure I.1 \u2013 Appendix picture",
                "Figure 1 \u2013 Attached picture"]
    texts = [t for _, t in paragraphs(built.docx) if t.startswith("Figure ")]
    assert texts == expected
    assert built.pdf is not None
    text = " ".join(pdf_pages(built.pdf))
    assert [text.index(e) for e in expected] == sorted(text.index(e) for e in expected)


def test_a_text_without_clauses_is_its_preamble_alone(tmp_path: Path) -> None:
    """An agenda or a short liaison statement has no clause: no heading is invented."""
    folder = write(tmp_path / "agenda", options={"end_mark": True},
                   document={"purpose": "Information and action", "layout": "2017-2020"},
                   preamble={"text": "The agenda below is proposed.\n\n1. Opening\n2. Close\n"})
    data = json.loads((folder / "report.yaml").read_text("utf-8"))
    del data["body"]
    (folder / "report.yaml").write_text(json.dumps(data), "utf-8")
    doc, docx, pdf = outputs(folder, tmp_path)
    assert not any(isinstance(b, d.Heading) for b in doc.body)
    paras = paragraphs(docx)
    assert not any(style.startswith("Heading") for style, _ in paras)
    texts = [t for _, t in paras]
    assert "The agenda below is proposed." in texts
    assert "Information and action" in docx_paragraph_texts(docx)  # the cover's Purpose
    assert texts.index("The agenda below is proposed.") < texts.index("Close")
    page = " ".join(pdf_pages(pdf))
    assert "Information and action" in page and page.index("proposed") < page.index("Close")

    del data["preamble"]
    (folder / "report.yaml").write_text(json.dumps(data, indent=1), "utf-8")
    with pytest.raises(ContentError) as caught:
        load(folder)
    assert "the document has no text" in str(caught.value)
