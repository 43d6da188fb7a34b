"""Table cells with several paragraphs and lists (Markdown in a YAML cell): the tree's
blocks, the DOCX's Table_text paragraphs with Word numbering, our PDF, and LibreOffice's
rendering of the DOCX putting the same lines in the same places."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reportgen import tree as d
from reportgen.content.load import load
from reportgen.errors import ContentError
from reportgen.prepare.anchors import anchors, bookmark_name
from reportgen.prepare.tree import prepare
from reportgen.writers.docx.writer import render_docx
from reportgen.writers.html.render import render_html
from reportgen.writers.pdf.write import write_pdf

from .conftest import NS, W, docx_part, libreoffice_pdf
from .test_footnotes import pdf_words
from .test_numbering import TEMPLATE

CELL = ("CA1 first paragraph of the cell.\n\nCA2 second paragraph:\n\n"
        "- CB1 a bullet;\n- CB2 another,\n  - CB3 nested.\n\n"
        "1) CC1 first step;\n2) CC2 second step.\n")
TABLE = {"title": "Work items", "columns": [{"title": "Item", "width": 1},
                                            {"title": "Details", "width": 3}],
         "rows": [["CD1 Q1", CELL], ["CD2 Q2", "CE1 one paragraph only"]]}


def report(folder: Path, table: dict[str, object]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    data = {"document": {"group": "TSAG", "study_period": "2022-2024", "number": 5,
                         "meeting": {"place": "Geneva", "start": "2023-05-29",
                                     "end": "2023-06-02"},
                         "source": "Cell probe", "title": "Cell probe", "abstract": "Probe."},
            "options": {"end_mark": False},
            "body": [{"title": "Work", "blocks": [{"table": table}]}]}
    (folder / "report.yaml").write_text(json.dumps(data), "utf-8")
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[d.Document, Path, Path]:
    tmp = tmp_path_factory.mktemp("cells")
    folder = report(tmp / "r", TABLE)
    doc = prepare(load(folder))
    docx = tmp / "r.docx"
    docx.write_bytes(render_docx(doc, TEMPLATE))
    pdf = tmp / "r.pdf"
    pdf.write_bytes(write_pdf(render_html(doc), report_dir=folder, attachments=(),
                              identifier="0" * 32, created=datetime(2023, 5, 29, tzinfo=UTC)))
    return doc, docx, pdf


def test_a_cell_of_paragraphs_and_lists_is_blocks_in_the_tree(
        built: tuple[d.Document, Path, Path]) -> None:
    doc = built[0]
    (table,) = [b for b in doc.body if isinstance(b, d.Table)]
    cell = table.rows[0][1]
    assert cell.content == ()
    kinds = [type(b).__name__ for b in cell.blocks]
    assert kinds == ["Paragraph", "Paragraph", "ListBlock", "ListBlock"]
    bullets, steps = cell.blocks[2], cell.blocks[3]
    assert isinstance(bullets, d.ListBlock) and isinstance(steps, d.ListBlock)
    assert [i.label for i in bullets.items] == ["\u2013", "\u2013"]
    assert [i.label for i in steps.items] == ["1)", "2)"]
    assert bullets.instance != steps.instance > 0
    assert cell.blocks[0].id == f"{table.id}.r1c1.1"
    assert table.rows[1][1].blocks == () and d.plain_text(table.rows[1][1].content) \
        == "CE1 one paragraph only"
    # the review's anchors: each paragraph and item of the cell, with its id
    texts = {a.text for a in anchors(doc)}
    assert {"CA1 first paragraph of the cell.", "CB1 a bullet;", "CB3 nested.",
            "CC2 second step."} <= texts


def test_the_docx_cell_has_table_text_paragraphs_and_numbered_items(
        built: tuple[d.Document, Path, Path]) -> None:
    body = docx_part(built[1], "word/document.xml").find(f"{W}body")
    tc = next(tc for tc in body.iter(f"{W}tc") if "CA1" in "".join(tc.itertext()))
    paragraphs = tc.findall(f"{W}p")
    texts = ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in paragraphs]
    assert texts == ["CA1 first paragraph of the cell.", "CA2 second paragraph:",
                     "CB1 a bullet;", "CB2 another,", "CB3 nested.", "CC1 first step;",
                     "CC2 second step."]
    styles = {p.find("w:pPr/w:pStyle", NS).get(f"{W}val") for p in paragraphs}
    assert styles == {"Tabletext"}
    levels = [p.find("w:pPr/w:numPr/w:ilvl", NS) for p in paragraphs]
    assert [None if lv is None else lv.get(f"{W}val") for lv in levels] == [
        None, None, "0", "0", "1", "0", "0"]
    nums = [p.find("w:pPr/w:numPr/w:numId", NS) for p in paragraphs[2:]]
    assert nums[0].get(f"{W}val") != nums[3].get(f"{W}val")  # two lists
    marks = {m.get(f"{W}name") for m in tc.iter(f"{W}bookmarkStart")}
    doc = built[0]
    (table,) = [b for b in doc.body if isinstance(b, d.Table)]
    assert bookmark_name(f"{table.id}.r1c1.1") in marks


def words_from(pdf: Path) -> dict[str, tuple[float, float]]:
    words, _ = pdf_words(pdf)
    return {w.text: (w.x0, w.y0) for w in words if w.text[:2] in ("CA", "CB", "CC", "CD")}


def test_our_pdf_and_libreoffice_put_the_cells_lines_in_the_same_places(
        built: tuple[d.Document, Path, Path]) -> None:
    ours, theirs = words_from(built[2]), words_from(libreoffice_pdf(built[1]))
    keys = ["CA1", "CA2", "CB1", "CB2", "CB3", "CC1", "CC2", "CD1"]
    assert set(keys) <= set(ours) and set(keys) <= set(theirs)
    top_ours, top_theirs = ours["CA1"][1], theirs["CA1"][1]
    for key in keys:
        a, b = ours[key], theirs[key]
        assert abs(a[0] - b[0]) <= 3.0, (key, a, b)  # the same indent
        assert abs((a[1] - top_ours) - (b[1] - top_theirs)) <= 3.0, (key, a, b)
    assert ours["CB3"][0] > ours["CB1"][0] > ours["CA1"][0]  # nested deeper


def test_a_cell_with_a_quote_or_a_table_is_refused_where_it_is(tmp_path: Path) -> None:
    table = {**TABLE, "rows": [["x", "> quoted"], ["y", "z"]]}
    with pytest.raises(ContentError) as raised:
        prepare(load(report(tmp_path / "r", table)))
    assert "rows[0][1]: a table cell holds paragraphs and lists only" in str(raised.value)
    assert "report.yaml:1:" in str(raised.value)
