"""Lists laid out the same in our PDF and in LibreOffice's rendering of our DOCX: the
vertical distance between an item's paragraphs, its nested lists and the next item."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from reportgen.content.load import load
from reportgen.prepare.tree import prepare
from reportgen.writers.docx.writer import render_docx
from reportgen.writers.html.render import render_html
from reportgen.writers.pdf.write import write_pdf

from .conftest import libreoffice_pdf
from .test_footnotes import pdf_words
from .test_numbering import TEMPLATE, write_report

TEXT = """\
Lead-in K0 paragraph.

1) K1 the first paragraph of the first item.

   K2 a further paragraph of the first item.

   - K3 a nested dash item
   - K4 another

   K5 a paragraph after the nested list.

2) K6 the second item.

After the list, K7 a Normal paragraph.
"""
KEYS = [f"K{n}" for n in range(8)]


def _tops(pdf: Path) -> list[float]:
    """The top of each key word, from the lead-in's."""
    words, _ = pdf_words(pdf)
    tops = [next(w.y0 for w in words if w.text == key) for key in KEYS]
    return [top - tops[0] for top in tops]


def test_list_paragraphs_are_spaced_as_in_the_docx(tmp_path: Path) -> None:
    folder = write_report(tmp_path / "r", [{"title": "Lists", "text": TEXT}])
    doc = prepare(load(folder))
    ours = tmp_path / "ours.pdf"
    ours.write_bytes(write_pdf(render_html(doc), report_dir=folder, attachments=(),
                               identifier="0" * 32, created=datetime(2023, 5, 29, tzinfo=UTC)))
    docx = tmp_path / "r.docx"
    docx.write_bytes(render_docx(doc, TEMPLATE))
    theirs = libreoffice_pdf(docx)
    for key, mine, lo in zip(KEYS, _tops(ours), _tops(theirs), strict=True):
        assert abs(mine - lo) <= 1.0, (key, mine, lo)
