"""Layout tables (a ``table`` without a title): no borders by default, ``grid: true`` to
draw them, and the gap that keeps one apart from the cover, in the DOCX (python-docx,
LibreOffice) and in our PDF."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from reportgen import tree as d
from reportgen.content.load import load
from reportgen.prepare.tree import prepare
from reportgen.writers.docx.writer import render_docx
from reportgen.writers.html.render import render_html
from reportgen.writers.pdf.write import write_pdf

from .conftest import NS, W, docx_part, libreoffice_pdf
from .test_footnotes import pdf_words
from .test_numbering import TEMPLATE

SIGNATURES = {"columns": [{}, {}], "rows": [["LEFT1 Signed", "RIGHT1 Signed"]]}
DATA = {"title": "Results", "columns": [{"title": "Item"}, {"title": "Value"}],
        "rows": [["A", "1"]]}


def report(folder: Path, blocks: list[dict[str, Any]], **document: Any) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    data = {"document": {"group": "TSAG", "study_period": "2022-2024", "number": 3,
                         "meeting": {"place": "Geneva", "start": "2023-05-29",
                                     "end": "2023-06-02"},
                         "source": "Layout probe", "title": "Layout probe",
                         "abstract": "ABSTRACTLINE of the probe.", **document},
            "options": {"end_mark": False},
            "preamble": {"blocks": blocks},
            "body": [{"title": "Introduction", "text": "Body text."}]}
    (folder / "report.yaml").write_text(json.dumps(data), "utf-8")
    return folder


def outputs(folder: Path, tmp: Path) -> tuple[d.Document, Path, Path]:
    doc = prepare(load(folder))
    docx = tmp / f"{folder.name}.docx"
    docx.write_bytes(render_docx(doc, TEMPLATE))
    pdf = tmp / f"{folder.name}.pdf"
    pdf.write_bytes(write_pdf(render_html(doc), report_dir=folder, attachments=(),
                              identifier="0" * 32, created=datetime(2023, 5, 29, tzinfo=UTC)))
    return doc, docx, pdf


def borders(tbl: Any) -> dict[str, str]:
    found = tbl.find("w:tblPr/w:tblBorders", NS)
    return {} if found is None else {b.tag[len(W):]: b.get(f"{W}val") for b in found}


def test_a_layout_table_has_no_borders_and_a_data_table_keeps_its_grid(
        tmp_path: Path) -> None:
    folder = report(tmp_path / "r", [
        {"table": SIGNATURES}, {"table": DATA},
        {"table": {**SIGNATURES, "grid": True}}, {"table": {**DATA, "grid": False}}])
    doc, docx, _ = outputs(folder, tmp_path)
    tables = [b for b in doc.body if isinstance(b, d.Table)]
    assert [t.borderless for t in tables] == [True, False, False, True]
    body = docx_part(docx, "word/document.xml").find(f"{W}body")
    tbls = body.findall(f"{W}tbl")[-4:]  # after the cover's tables
    nil = {side: "nil" for side in ("top", "left", "bottom", "right", "insideH", "insideV")}
    assert [borders(t) for t in tbls] == [nil, {}, {}, nil]  # {}: the ITU Table style's grid
    html = render_html(doc)
    assert html.count('class="data layout borderless"') == 1
    assert html.count('class="data borderless"') == 1


def _ruling_ops(pdf: Path) -> int:
    from pypdf import PdfReader

    data = PdfReader(pdf).pages[0].get_contents().get_data()  # type: ignore[union-attr]
    return data.count(b" re\n") + data.count(b" re ") + data.count(b" l\n")


def test_our_pdf_draws_no_lines_around_a_layout_table(tmp_path: Path) -> None:
    _, _, bare = outputs(report(tmp_path / "bare", [{"table": SIGNATURES}]), tmp_path)
    _, _, ruled = outputs(report(tmp_path / "ruled", [{"table": {**SIGNATURES, "grid": True}}]),
                          tmp_path)
    assert _ruling_ops(ruled) > _ruling_ops(bare)


def gap_below_abstract(pdf: Path) -> float:
    words, _ = pdf_words(pdf)
    abstract = next(w for w in words if w.text.startswith("ABSTRACTLINE"))
    cell = next(w for w in words if w.text.startswith("LEFT1"))
    return cell.y0 - abstract.y1


def test_a_layout_table_after_the_cover_keeps_the_docx_gap_in_both_outputs(
        tmp_path: Path) -> None:
    _, docx, pdf = outputs(report(tmp_path / "r", [{"table": SIGNATURES}]), tmp_path)
    body = docx_part(docx, "word/document.xml").find(f"{W}body")
    tbl = next(t for t in body.findall(f"{W}tbl") if "LEFT1" in "".join(t.itertext()))
    spacer = tbl.getprevious()
    assert spacer.tag == f"{W}p" and "".join(spacer.itertext()) == ""
    ours, theirs = gap_below_abstract(pdf), gap_below_abstract(libreoffice_pdf(docx))
    assert theirs > 15  # an empty line's worth between the cover and the table
    assert abs(ours - theirs) <= 3.0, (ours, theirs)


@pytest.mark.parametrize("value", ["yes", 2])
def test_grid_takes_true_or_false(tmp_path: Path, value: object) -> None:
    from reportgen.errors import ContentError

    with pytest.raises(ContentError) as raised:
        load(report(tmp_path / "r", [{"table": {**SIGNATURES, "grid": value}}]))
    assert "grid" in str(raised.value)
