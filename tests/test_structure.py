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

from reportgen import document as d
from reportgen.errors import ContentError
from reportgen.load import load
from reportgen.paths import templates_dir
from reportgen.prepare import prepare
from reportgen.writers.docx import render_docx
from reportgen.writers.html import render_html
from reportgen.writers.pdf import write_pdf

from .conftest import NS, W, need_tool

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
