"""A ``page_break: true`` block: the block after it begins a new page, in our PDF and in
Word's rendering of the DOCX (LibreOffice), through w:pageBreakBefore and CSS
break-before; one at the end of the body or of an annex does nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from reportgen import tree as d
from reportgen.content.load import load
from reportgen.errors import ContentError
from reportgen.prepare.layout import MARGIN, cm
from reportgen.prepare.tree import prepare
from reportgen.writers.docx.writer import render_docx
from reportgen.writers.html.render import render_html
from reportgen.writers.pdf.write import write_pdf

from .conftest import W, docx_part, libreoffice_pdf
from .test_footnotes import Word, pdf_words
from .test_numbering import TEMPLATE, write_report

BODY: list[dict[str, Any]] = [
    {"title": "Breaks", "text": "Before the break K2 on the first page.",
     "blocks": [
         {"page_break": True},
         {"text": "After the break K3 at the top of a page."},
         {"page_break": True},
         {"table": {"title": "K4 table", "columns": [{"title": "A"}], "rows": [["K5"]]}},
         {"text": "K6 under the table."},
         {"page_break": True},  # the end of the body: the annex begins a page anyway
     ]},
]
ANNEXES: list[dict[str, Any]] = [{"title": "K7 annex", "text": "K8 annex text."}]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, d.Document]:
    folder = write_report(tmp_path_factory.mktemp("pb") / "r", BODY, ANNEXES)
    return folder, prepare(load(folder))


def test_a_page_break_is_a_block_of_the_tree_with_its_id_and_origin(
        report: tuple[Path, d.Document]) -> None:
    breaks = [b for b in report[1].body if isinstance(b, d.PageBreak)]
    assert [b.id for b in breaks] == ["body.1.b1", "body.1.b3", "body.1.b6"]
    assert all(b.origin is not None and b.origin.line > 1 for b in breaks)


def test_docx_breaks_before_the_first_paragraph_of_the_next_block(
        report: tuple[Path, d.Document], tmp_path: Path) -> None:
    docx = tmp_path / "r.docx"
    docx.write_bytes(render_docx(report[1], TEMPLATE))
    body = docx_part(docx, "word/document.xml").find(f"{W}body")
    breaking = ["".join(t.text or "" for t in p.iter(f"{W}t"))
                for p in body.iter(f"{W}p") if p.find(f"{W}pPr/{W}pageBreakBefore") is not None]
    assert breaking == ["After the break K3 at the top of a page.", "Table 1 \u2013 K4 table"]
    # no typed break, so no empty paragraph left at the top of a page
    assert not [br for br in body.iter(f"{W}br") if br.get(f"{W}type") == "page"]


def first_words_of_pages(words: list[Word], height: float) -> dict[int, str]:
    """The first word of each page's text, below the running header."""
    top = cm(MARGIN) * 72 / 2.54
    out: dict[int, str] = {}
    for w in sorted(words, key=lambda w: (w.page, w.y0, w.x0)):
        if w.y0 >= top - 2 and w.page not in out:
            out[w.page] = w.text
    return out


def check_pages(pdf: Path) -> None:
    words, height = pdf_words(pdf)
    page = {k: next(w.page for w in words if w.text.startswith(k))
            for k in ("K2", "K3", "K4", "K6", "K7", "K8")}
    assert page["K3"] == page["K2"] + 1
    assert page["K4"] == page["K3"] + 1
    assert page["K6"] == page["K4"]
    assert page["K7"] == page["K4"] + 1  # no blank page for the break at the body's end
    assert max(w.page for w in words) == page["K8"]
    first = first_words_of_pages(words, height)
    assert first[page["K3"]] == "After"
    assert first[page["K4"]] == "Table"


def test_our_pdf_starts_a_new_page_after_each_break(report: tuple[Path, d.Document],
                                                    tmp_path: Path) -> None:
    folder, doc = report
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(write_pdf(render_html(doc), report_dir=folder, attachments=(),
                              identifier="0" * 32, created=datetime(2023, 5, 29, tzinfo=UTC)))
    check_pages(pdf)


def test_libreoffice_starts_the_same_pages(report: tuple[Path, d.Document],
                                           tmp_path: Path) -> None:
    docx = tmp_path / "r.docx"
    docx.write_bytes(render_docx(report[1], TEMPLATE))
    check_pages(libreoffice_pdf(docx))


@pytest.mark.parametrize("value", [False, "yes", None])
def test_page_break_takes_only_true(tmp_path: Path, value: object) -> None:
    folder = write_report(tmp_path / "r", [{"title": "T", "blocks": [{"page_break": value}]}])
    with pytest.raises(ContentError) as raised:
        load(folder)
    assert "page_break" in str(raised.value)


# ------------------------------------------- an agenda: clauses that are only headings

AGENDA: list[dict[str, Any]] = [
    {"title": f"Agenda item {n} on the work of the group"} for n in range(1, 40)
] + [{"title": "Any other business", "sections": [{"title": "Closing", "text": "Close."}]}]


def agenda_outputs(tmp_path: Path) -> tuple[d.Document, Path, Path]:
    folder = write_report(tmp_path / "agenda", AGENDA)
    doc = prepare(load(folder))
    docx = tmp_path / "agenda.docx"
    docx.write_bytes(render_docx(doc, TEMPLATE))
    pdf = tmp_path / "agenda.pdf"
    pdf.write_bytes(write_pdf(render_html(doc), report_dir=folder, attachments=(),
                              identifier="0" * 32, created=datetime(2023, 5, 29, tzinfo=UTC)))
    return doc, docx, pdf


def test_an_empty_clauses_heading_is_not_kept_with_the_next_heading(tmp_path: Path) -> None:
    doc, docx, _ = agenda_outputs(tmp_path)
    heads = [b for b in doc.body if isinstance(b, d.Heading)]
    assert [h.keep_with_next for h in heads[:2]] == [False, False]
    assert heads[-2].number == "40" and heads[-2].keep_with_next  # kept with 40.1
    assert heads[-1].number == "40.1" and heads[-1].keep_with_next  # kept with its text
    body = docx_part(docx, "word/document.xml").find(f"{W}body")
    keeps = {"".join(t.text or "" for t in p.iter(f"{W}t")):
             p.find(f"{W}pPr/{W}keepNext") for p in body.iter(f"{W}p")}
    off = keeps["Agenda item 1 on the work of the group"]
    assert off is not None and off.get(f"{W}val") == "0"
    assert keeps["Any other business"] is None  # the style's keep with next
    html = render_html(doc)
    assert html.count('class="heading free"') == 39


def test_an_agenda_of_headings_starts_on_page_1_as_libreoffice_shows_the_docx(
        tmp_path: Path) -> None:
    from pypdf import PdfReader

    _, docx, pdf = agenda_outputs(tmp_path)
    ours = [p.extract_text() for p in PdfReader(pdf).pages]
    theirs = [p.extract_text() for p in PdfReader(libreoffice_pdf(docx)).pages]
    assert len(ours) == len(theirs) == 3
    last_on_page_1 = []
    for pages in (ours, theirs):
        assert "Agenda item 1 on" in pages[0] and "Agenda item 10 on" in pages[0]
        last_on_page_1.append(max(n for n in range(1, 40) if f"Agenda item {n} on" in pages[0]))
        assert "40 Any other business" in pages[2] and "Close." in pages[2]
    assert last_on_page_1[0] == last_on_page_1[1] == 17
