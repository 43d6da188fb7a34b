"""The worked example end to end: nothing of the seed text is missing from either output."""

from __future__ import annotations

import re

import pytest
from docx import Document

from .conftest import (
    SEED_TEXT,
    Built,
    assert_in_order,
    docx_paragraph_texts,
    libreoffice_pdf,
    normalise,
    pdf_text,
)

MARKER = re.compile(r"^(?:·\s*|\d+\)\s+|[a-e][.)]\s+|\d+\.\s+|\t)")


def seed_lines() -> list[str]:
    """The seed's lines as they must appear in the output, list markers removed."""
    lines = []
    for raw in SEED_TEXT.read_text("utf-8").splitlines():
        line = raw.strip()
        if not line or set(line) <= {"_"}:
            continue
        line = MARKER.sub("", raw.lstrip(" ")).strip()
        line = line.replace("Table 1 - ", "Table 1 \u2013 ")
        line = line.replace("Annex 1 \u2013 ", "Annex 1 ")
        lines.append(normalise(line))
    return lines


def strip_running_headers(text: str, number: str) -> str:
    """Remove the ``- N -`` / document-number lines the PDF prints atop pages 2+."""
    return re.sub(rf"(?m)^- \d+ -\s*\n{re.escape(number)}\s*$", "", text)


def test_docx_holds_every_seed_line_in_order(seed_build: Built) -> None:
    text = normalise(" ".join(docx_paragraph_texts(seed_build.docx)))
    assert_in_order(text, seed_lines())


def test_pdf_holds_every_seed_line_in_order(seed_build: Built) -> None:
    text = strip_running_headers(pdf_text(seed_build.pdf), "TSAG-TD446")
    text = normalise(re.sub(r"([-/])\n", r"\1", text))  # lines may break after - and /
    assert_in_order(text, seed_lines())


def _styled(doc_path: Built) -> list[tuple[str, str]]:
    doc = Document(str(doc_path.docx))
    return [(p.style.style_id if p.style is not None else "", p.text) for p in doc.paragraphs]


def test_headings_are_numbered_word_headings(seed_build: Built) -> None:
    paragraphs = _styled(seed_build)
    level1 = [t for s, t in paragraphs if s == "Heading1"]
    assert level1[:8] == [
        "Introduction", "Method Followed",
        "Identification of documents relevant to these adhoc sessions", "Execution",
        "General Atmosphere", "Chairman\u2019s Analysis", "Quote from China",
        "Highlights for the TSAG Report",
    ]
    # the annex's 19 terms-of-reference clauses are numbered headings too
    assert len(level1) == 8 + 19
    assert level1[8] == "Rationale and Scope" and level1[-1] == "Patent policy"
    level2 = [t for s, t in paragraphs if s == "Heading2"]
    assert level2 == [
        "First adhoc session", "Consultations after the first adhoc session",
        "Second adhoc session", "Consultations after the second adhoc session",
        "Third adhoc session", "Consultations after the third adhoc session",
        "Fourth adhoc session",
    ]


def test_documents_table_has_all_twelve_rows(seed_build: Built) -> None:
    doc = Document(str(seed_build.docx))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Reference")
    ids = [row.cells[0].text for row in table.rows[1:]]
    assert ids == ["C54", "TD433R1", "TD406R1", "TD416R1", "TD424R1", "TD425", "TD426",
                   "TD434", "TD435", "TD439", "TD444", "TD445"]
    assert table.rows[3].cells[1].text.endswith("[from ETSI ISG QKD]")


def test_sessions_table_lists_the_four_sessions(seed_build: Built) -> None:
    doc = Document(str(seed_build.docx))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Session")
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert rows == [
        ["First adhoc session", "Tuesday 11 December 2018", "08:00", "C", "\u2013", "TD424R1"],
        ["Second adhoc session", "Wednesday 12 December 2018", "13:15", "C", "TD425", "TD434"],
        ["Third adhoc session", "Thursday 13 December 2018", "08:00", "C", "TD435", "TD444"],
        ["Fourth adhoc session", "Thursday 13 December 2018", "18:00", "C", "TD439", "TD445"],
    ]


def test_china_statement_is_a_verbatim_quotation(seed_build: Built) -> None:
    paragraphs = _styled(seed_build)
    quoted = [t for s, t in paragraphs if s == "Quotation"]
    assert quoted[0] == "\u201cDear Mr. Chairman:"
    assert quoted[-1].startswith("After careful consideration and full discussion")
    start = next(i for i, (_, t) in enumerate(paragraphs) if t == quoted[0])
    statement = [s for s, _ in paragraphs[start:start + 7]]
    assert statement == ["Quotation", "Quotation", "enumlev1", "enumlev1", "Quotation",
                         "enumlev1", "enumlev1"]
    assert paragraphs[start + 6][1].endswith("contribution to ITU-T in this\u00a0field.\u201d")


LABELLED = [
    "1) No consensus was reached to establish a new Focus Group",
    "a. organize a workshop to allow all participants",
    "d. potentially and based on this new experience propose",
    "c. report to the next TSAG on their coordination method decision and status",
    "1. Since no consensus has been reached among all member states",
    "2. According to your proposal, China is willing to cooperate",
    "a) To study security threats on a QKD network",
    "e) To study and document the technology and market requirements",
    "\u2013 Quantum experts who are however not familiar with ITU-T",
    "4.1 First adhoc session",
    "Table 1 \u2013 Documents relevant to the Quantum adhoc sessions",
]


def test_pdf_shows_the_list_labels_and_numbers(seed_build: Built) -> None:
    text = normalise(pdf_text(seed_build.pdf))
    for item in LABELLED:
        assert normalise(item) in text


def test_libreoffice_renders_the_same_labels_from_word_numbering(seed_build: Built) -> None:
    """Word numbering (numbering.xml) must give the labels our PDF prints."""
    text = normalise(pdf_text(libreoffice_pdf(seed_build.docx)))
    for item in LABELLED:
        assert normalise(item) in text
    assert "INTERNATIONAL TELECOMMUNICATION UNION" in text
    assert "Report of the TSAG ad hoc group on Quantum" in text


@pytest.mark.parametrize("label", ["Annex 1", "Latest draft ToR status"])
def test_annex_title(seed_build: Built, label: str) -> None:
    paragraphs = _styled(seed_build)
    annex = [t for s, t in paragraphs if s == "AnnexNoTitle"]
    assert annex == ["Annex 1\n\nLatest draft ToR status"]
    assert label in annex[0]


def test_documents_table_can_list_a_chosen_subset(second_build: Built) -> None:
    doc = Document(str(second_build.docx))
    table = doc.tables[[t.rows[0].cells[0].text for t in doc.tables].index("Document")]
    ids = [row.cells[0].text for row in table.rows[1:]]
    assert ids == ["TD12", "TD14", "TD15R1", "TD16", "C7", "C8", "C9"]  # C10 left out
