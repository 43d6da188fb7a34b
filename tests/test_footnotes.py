"""Footnotes: ``[^1]`` in Markdown is a real Word footnote (word/footnotes.xml, the ITU
footnote styles) and a note at the foot of the page of its call in the PDF, numbered
once, in document order, by prepare; Word (through LibreOffice) and our PDF print the
tree's numbers."""

from __future__ import annotations

import subprocess
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from reportgen import tree as d
from reportgen.content.load import load
from reportgen.errors import ContentError
from reportgen.prepare.layout import (
    FOOTNOTE_INDENT,
    FOOTNOTE_SEPARATOR,
    MARGIN,
    SIZE_FOOTNOTE_REFERENCE,
    cm,
)
from reportgen.prepare.tree import prepare
from reportgen.revisions.diff import diff_inlines
from reportgen.writers.docx.writer import render_docx
from reportgen.writers.html.render import render_html
from reportgen.writers.pdf.write import write_pdf

from .conftest import W, libreoffice_pdf, need_tool
from .test_numbering import TEMPLATE, write_report

FILLER = "\n\n".join(f"Filler paragraph {n} " + "that takes room on the page " * 6
                     for n in range(14))
BODY: list[dict[str, Any]] = [
    {"title": "Notes", "text": (
        "The first call K1[^a] stands in a paragraph.\n\n"
        "- a list item K2[^b]\n\n"
        "Table: A table with a note\n\n| Column |\n|---|\n| cell K3[^c] |\n\n"
        "[^a]: N1 the first note, with **bold** text & <angle> brackets.\n"
        "[^b]: N2 the note of a list item.\n"
        "[^c]: N3 the note of a table cell.\n"),
     "blocks": [{"note": "A NOTE with a call K4[^n]\n\n[^n]: N4 the note of a NOTE."},
                {"text": FILLER},
                {"text": "After the filler, *emphasised K5[^e]* on a later page.\n\n"
                         "[^e]: N5 the note on a later page, long enough to run across the "
                         "whole width of the text, under the short rule above it."}]},
]
ANNEXES: list[dict[str, Any]] = [
    {"title": "An annex", "text": "Annex text K6[^x].\n\n[^x]: N6 the note of the annex."},
]
CALLS = 6


def footnotes_of(doc: d.Document) -> list[d.Footnote]:
    """Every footnote of the tree, in document order."""
    found: list[d.Footnote] = []

    def walk(node: Any) -> None:
        if isinstance(node, d.Footnote):
            found.append(node)
        elif isinstance(node, tuple):
            for item in node:
                walk(item)
        elif hasattr(node, "__dataclass_fields__"):
            for name in node.__dataclass_fields__:
                walk(getattr(node, name))

    walk(doc.body)
    walk(doc.annexes)
    return found


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, d.Document]:
    folder = write_report(tmp_path_factory.mktemp("fn") / "r", BODY, ANNEXES)
    return folder, prepare(load(folder))


def test_prepare_numbers_the_notes_once_in_document_order(
        report: tuple[Path, d.Document]) -> None:
    notes = footnotes_of(report[1])
    assert [n.number for n in notes] == list(range(1, CALLS + 1))
    assert [d.plain_text(n.content).split()[0] for n in notes] == \
        [f"N{k}" for k in range(1, CALLS + 1)]
    assert notes[0].id == "body.1.text.1.fn1"
    assert notes[0].origin is not None and notes[0].origin.line > 1


def test_docx_has_real_footnotes_in_the_itu_styles(report: tuple[Path, d.Document],
                                                   tmp_path: Path) -> None:
    docx = tmp_path / "r.docx"
    docx.write_bytes(render_docx(report[1], TEMPLATE))
    with zipfile.ZipFile(docx) as z:
        document = etree.fromstring(z.read("word/document.xml"))
        notes = etree.fromstring(z.read("word/footnotes.xml"))
        styles = etree.fromstring(z.read("word/styles.xml"))
        rels = z.read("word/_rels/document.xml.rels").decode()
        types = z.read("[Content_Types].xml").decode()
    assert "relationships/footnotes" in rels and "footnotes+xml" in types
    style_names = {s.get(f"{W}styleId"): s.find(f"{W}name").get(f"{W}val")
                   for s in styles.iter(f"{W}style")}
    assert style_names["FootnoteText"] == "footnote text"
    assert style_names["FootnoteReference"] == "footnote reference"
    text_style = styles.find(f"{W}style[@{W}styleId='FootnoteText']")
    ind = text_style.find(f"{W}pPr/{W}ind")
    assert (ind.get(f"{W}left"), ind.get(f"{W}hanging")) == (str(FOOTNOTE_INDENT),) * 2
    ref_style = styles.find(f"{W}style[@{W}styleId='FootnoteReference']")
    assert ref_style.find(f"{W}rPr/{W}sz").get(f"{W}val") == str(SIZE_FOOTNOTE_REFERENCE * 2)
    assert ref_style.find(f"{W}rPr/{W}position").get(f"{W}val") == "6"

    # the separators Word expects, then one note per call
    kinds = [(n.get(f"{W}type"), n.get(f"{W}id")) for n in notes.iter(f"{W}footnote")]
    assert kinds[:2] == [("separator", "-1"), ("continuationSeparator", "0")]
    bodies = {n.get(f"{W}id"): n for n in notes.iter(f"{W}footnote") if n.get(f"{W}type")
              is None}
    refs = list(document.iter(f"{W}footnoteReference"))
    assert len(refs) == len(bodies) == CALLS
    order = []
    for ref in refs:
        run = ref.getparent()
        assert run.find(f"{W}rPr/{W}rStyle").get(f"{W}val") == "FootnoteReference"
        note = bodies[ref.get(f"{W}id")]
        (p,) = note.findall(f"{W}p")
        assert p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "FootnoteText"
        runs = p.findall(f"{W}r")
        assert runs[0].find(f"{W}footnoteRef") is not None
        assert runs[0].find(f"{W}rPr/{W}rStyle").get(f"{W}val") == "FootnoteReference"
        assert runs[1].find(f"{W}tab") is not None
        text = "".join(t.text or "" for t in p.iter(f"{W}t"))
        order.append(text.split()[0])
        assert p.find(f"{W}bookmarkStart") is not None  # the note's own bookmark
    # Word numbers notes by the order of their references: the tree's order
    assert order == [f"N{k}" for k in range(1, CALLS + 1)]
    first = "".join(t.text or "" for t in bodies[refs[0].get(f"{W}id")].iter(f"{W}t"))
    assert first == "N1 the first note, with bold text & <angle> brackets."
    # the call stands right after its word, in the paragraph of the call
    paragraph = refs[0].getparent().getparent()
    assert "".join(t.text or "" for t in paragraph.iter(f"{W}t")).startswith(
        "The first call K1 stands")


@dataclass(frozen=True)
class Word:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


def pdf_words(pdf: Path) -> tuple[list[Word], float]:
    xml = subprocess.run([need_tool("pdftotext"), "-bbox", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    root = etree.fromstring(xml.encode(), etree.XMLParser(recover=True))
    words, height = [], 0.0
    for n, page in enumerate(root.iter("{*}page")):
        height = float(page.get("height", "0"))
        words.extend(Word(n, *(float(w.get(k, "0")) for k in ("xMin", "yMin", "xMax", "yMax")),
                          w.text or "") for w in page.iter("{*}word"))
    return words, height


def check_notes_at_page_foot(pdf: Path) -> list[int]:
    """For each call Kk: the number printed after it, and its note Nk on the same page,
    below the call and every line of the text, near the bottom margin, after its mark.
    Returns the pages of the calls."""
    words, height = pdf_words(pdf)
    bottom = height - cm(MARGIN) * 72 / 2.54
    pages = []
    for k in range(1, CALLS + 1):
        i, call = next((i, w) for i, w in enumerate(words) if w.text.startswith(f"K{k}"))
        number = call.text[len(f"K{k}"):] or words[i + 1].text
        assert number == str(k), (k, call, words[i + 1])
        note = next(w for w in words if w.text == f"N{k}")
        assert note.page == call.page, (call, note)
        assert note.y0 > call.y1, (call, note)
        text_lines = [w for w in words if w.page == call.page and w.text.startswith("Filler")]
        assert all(note.y0 > w.y1 for w in text_lines)
        assert bottom - 0.4 * height < note.y1 <= bottom + 3, (note, bottom)  # + descent
        mark = max((w for w in words if w.page == note.page and w.x1 <= note.x0
                    and abs(w.y1 - note.y1) < 8), key=lambda w: w.x1)
        assert mark.text == str(k), (note, mark)
        pages.append(call.page)
    notes_on_last_page = [w for w in words if w.text.startswith("N") and w.page == pages[0]]
    assert max(w.y1 for w in notes_on_last_page) > bottom - 0.15 * height
    return pages


def test_pdf_prints_each_note_at_the_foot_of_the_page_of_its_call(
        report: tuple[Path, d.Document], tmp_path: Path) -> None:
    folder, doc = report
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(write_pdf(render_html(doc), report_dir=folder, attachments=(),
                              identifier="0" * 32, created=datetime(2023, 5, 29, tzinfo=UTC)))
    pages = check_notes_at_page_foot(pdf)
    assert pages[0] < pages[4] < pages[5]  # the filler pushed notes to later pages


def test_libreoffice_prints_the_same_numbers_at_the_same_feet(
        report: tuple[Path, d.Document], tmp_path: Path) -> None:
    docx = tmp_path / "r.docx"
    docx.write_bytes(render_docx(report[1], TEMPLATE))
    pages = check_notes_at_page_foot(libreoffice_pdf(docx))
    assert pages[0] < pages[4] < pages[5]


@pytest.mark.parametrize(("text", "message"), [
    ("One[^a] and two[^a].\n\n[^a]: Note.", "referred to a second time"),
    ("Call[^a].\n\n[^a]: First paragraph.\n\n    Second paragraph.", "one paragraph"),
    ("Call[^a].\n\n[^a]: Note[^b].\n\n[^b]: Inner.", "inside a footnote"),
    ("Table: Title[^a]\n\n| A |\n|---|\n| 1 |\n\n[^a]: Note.", "table title"),
    ("Nothing refers to it.\n\n[^z]: Lonely.", "footnote definition [^z]"),
])
def test_notes_that_cannot_be_shown_are_refused_at_their_line(
        tmp_path: Path, text: str, message: str) -> None:
    folder = write_report(tmp_path / "r", [{"title": "T", "text": text}])
    with pytest.raises(ContentError) as raised:
        prepare(load(folder))
    assert message in str(raised.value)
    assert "report.yaml:" in str(raised.value)


def test_a_reference_without_a_definition_stays_text(tmp_path: Path) -> None:
    folder = write_report(tmp_path / "r", [{"title": "T", "text": "Missing [^x] here."}])
    doc = prepare(load(folder))
    assert not footnotes_of(doc)
    assert isinstance(doc.body[1], d.Paragraph)
    assert d.plain_text(doc.body[1].content) == "Missing [^x] here."


def test_a_changed_note_is_a_change_and_a_renumbered_one_is_not() -> None:
    old = (d.Text("Text"), d.Footnote(1, (d.Text("old note"),)), d.Text(" end"))
    renumbered = (d.Text("Text"), d.Footnote(2, (d.Text("old note"),)), d.Text(" end"))
    assert diff_inlines(old, renumbered) == renumbered
    changed = (d.Text("Text"), d.Footnote(1, (d.Text("new note"),)), d.Text(" end"))
    marked = diff_inlines(old, changed)
    assert marked[1] == d.Deleted((old[1],)) and marked[2] == d.Inserted((changed[1],))


def _longest_dark_run(png: Path) -> int:
    """The longest horizontal run of dark pixels on a page image (a rule, not text)."""
    from PIL import Image

    image = Image.open(png).convert("L")
    width, height = image.size
    pixels = image.load()
    longest = 0
    for y in range(height):
        run = 0
        for x in range(width):
            run = run + 1 if pixels[x, y] < 200 else 0
            longest = max(longest, run)
    return longest


def test_pdf_rule_above_the_notes_is_as_long_as_words_separator(
        report: tuple[Path, d.Document], tmp_path: Path) -> None:
    """Two inches (144 pt), as Word draws it; the notes themselves keep the full width."""
    folder, doc = report
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(write_pdf(render_html(doc), report_dir=folder, attachments=(),
                              identifier="0" * 32, created=datetime(2023, 5, 29, tzinfo=UTC)))
    pages = check_notes_at_page_foot(pdf)
    page = pages[4] + 1  # the later page: no table on it
    subprocess.run([need_tool("pdftoppm"), "-r", "144", "-gray", "-png", "-f", str(page),
                    "-l", str(page), str(pdf), str(tmp_path / "p")], check=True)
    (png,) = tmp_path.glob("p*.png")
    assert abs(_longest_dark_run(png) / 2 - FOOTNOTE_SEPARATOR / 20) <= 3  # in points
    words, _ = pdf_words(pdf)
    note = next(w for w in words if w.text == "N5")
    line = [w for w in words if w.page == note.page and abs(w.y1 - note.y1) < 2]
    assert max(w.x1 for w in line) > cm(MARGIN) * 72 / 2.54 + 144 + 20  # wider than the rule
