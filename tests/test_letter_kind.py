"""``kind: letter``, a TSB collective letter or circular: the letterhead with the place
and date, Ref: with the addressees beside it, the contact lines, Subject:, the
salutation, the text, the closing and signature, the count of annexes and the annexes;
in the DOCX (python-docx), in our PDF and in LibreOffice's rendering of the DOCX."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import docx
import pytest
from pypdf import PdfReader

from reportgen.content import model as m
from reportgen.prepare.cover import itu_file_stem, masthead_number

from .conftest import (
    NS,
    Built,
    W,
    assert_in_order,
    docx_part,
    libreoffice_pdf,
    normalise,
    run_cli,
)

ADDRESSEES = ["- To Administrations of Member States of the Union;",
              "- To ITU-T Sector Members;", "- To ITU Academia;"]
SUBJECT = ("Second meeting of the Telecommunication Standardization Advisory Group (TSAG), "
           "Geneva, 26 February-2 March 2018")


def page_texts(pdf: Path) -> list[str]:
    return [normalise(p.extract_text() or "") for p in PdfReader(pdf).pages]


def cover_rows(path: Path) -> list[list[str]]:
    body = docx_part(path, "word/document.xml").find(f"{W}body")
    table = body.find(f"{W}tbl")
    return [["\n".join("".join(t.text or "" for t in p.iter(f"{W}t"))
                       for p in tc.findall(f"{W}p")) for tc in tr.findall(f"{W}tc")]
            for tr in table.findall(f"{W}tr")]


def test_a_letters_number_and_file_name() -> None:
    base = {"kind": "letter", "group": "TSAG", "number": 2, "study_period": "2017-2020",
            "date": "2017-09-11", "title": "Subject",
            "letter": {"addressees": ["To ITU-T Sector Members"]}}
    meta = m.Metadata.model_validate(base)
    assert masthead_number(meta) == "TSB Collective letter 2/TSAG"
    assert itu_file_stem(meta) == "T17-TSB-COL-TSAG-0002!"
    circular = m.Metadata.model_validate({**base, "number": 68, "letter": {
        "series": "circular", "addressees": ["To Administrations of Member States"]}})
    assert masthead_number(circular) == "TSB Circular 68"
    assert itu_file_stem(circular) == "T17-TSB-CIR-0068!"


def test_the_letterhead_and_reference_block_in_the_docx(letter_build: Built) -> None:
    assert letter_build.docx.name == "T17-TSB-COL-TSAG-0002!!MSW-E.docx"
    rows = cover_rows(letter_build.docx)
    assert rows[0][1].split("\n") == ["INTERNATIONAL TELECOMMUNICATION UNION",
                                      "TELECOMMUNICATION STANDARDIZATION BUREAU"]
    assert rows[0][2] == "Geneva, 11 September 2017"
    assert rows[1][:2] == ["Ref:", "TSB Collective letter 2\nTSAG/RS"]
    assert rows[1][2].split("\n")[:3] == ADDRESSEES
    assert [r[:2] for r in rows[2:6]] == [["Tel:", "+41 22 730 5860"],
                                         ["Fax:", "+41 22 730 5853"],
                                         ["E-mail:", "tsbtsag@itu.int"],
                                         ["Web:", "http://itu.int/go/tsag"]]
    # the addressees' cell is merged down the contact rows
    body = docx_part(letter_build.docx, "word/document.xml").find(f"{W}body")
    trs = body.find(f"{W}tbl").findall(f"{W}tr")
    merges = [tr.findall(f"{W}tc")[-1].find("w:tcPr/w:vMerge", NS) for tr in trs[1:6]]
    assert merges[0].get(f"{W}val") == "restart"
    assert all(x is not None and x.get(f"{W}val") is None for x in merges[1:])
    assert rows[6] == ["Subject:", SUBJECT]
    header = docx_part(letter_build.docx, "word/header1.xml")
    assert "TSB Collective letter 2/TSAG" in "".join(header.itertext())


def test_the_letter_reads_in_order_in_docx_pdf_and_libreoffice(letter_build: Built) -> None:
    texts = [p.text for p in docx.Document(str(letter_build.docx)).paragraphs]
    start = texts.index("Dear Sir/Madam,")
    order = ["Dear Sir/Madam,", "I am pleased to invite you", "Yours faithfully,",
             "Chaesub Lee\nDirector of the Telecommunication Standardization Bureau",
             "Annexes: 3", "Annex A\n\nPractical meeting information",
             "Annex B\n\nDraft agenda", "Annex C\n\nDraft time plan"]
    assert_in_order("\n".join(texts[start:]), order, "DOCX")
    ours, theirs = page_texts(letter_build.pdf), page_texts(libreoffice_pdf(letter_build.docx))
    assert len(ours) == len(theirs) == 4
    for who, pages in (("our PDF", ours), ("LibreOffice", theirs)):
        first = pages[0]
        assert_in_order(first, ["TELECOMMUNICATION STANDARDIZATION BUREAU",
                                "Ref:", "TSB Collective letter 2", "Tel:", "Subject:",
                                "Dear Sir/Madam,", "Yours faithfully,", "Chaesub Lee",
                                "Annexes: 3"], who)
        assert "Geneva, 11 September 2017" in first and ADDRESSEES[0] in first, who
        assert "- 2 - TSB Collective letter 2/TSAG" in pages[1], who
        assert "Annex A" in pages[1] and "Annex B" in pages[2] and "Annex C" in pages[3]


def letter_folder(tmp: Path, **document: Any) -> Path:
    data = json.loads(json.dumps({"document": {
        "kind": "letter", "group": "TSAG", "study_period": "2022-2024", "number": 3,
        "date": "2023-05", "title": "Subject", **document},
        "preamble": {"text": "Text."}}))
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "report.yaml").write_text(json.dumps(data, indent=1), "utf-8")
    return tmp


def test_a_letter_without_addressees_or_letter_rows_elsewhere_is_refused(
        tmp_path: Path) -> None:
    result = run_cli("check", str(letter_folder(tmp_path / "a")))
    assert result.returncode == 1
    assert "report.yaml:3:" in result.stderr and "a letter needs document.letter" \
        in result.stderr
    result = run_cli("check", str(letter_folder(
        tmp_path / "b", kind="td", source="S", letter={"addressees": ["To all"]})))
    assert result.returncode == 1 and "letter rows belong to a letter" in result.stderr
    result = run_cli("check", str(letter_folder(
        tmp_path / "c", letter={"addressees": []})))
    assert result.returncode == 1 and "document.letter.addressees" in result.stderr


def test_a_circular_dated_by_its_month_with_cover_fields_it_ignores(tmp_path: Path) -> None:
    folder = letter_folder(tmp_path / "circ", source="TSB", letter={
        "series": "circular", "addressees": ["To Administrations of Member States"],
        "copy_to": ["To ITU-T Sector Members"]})
    checked = run_cli("check", str(folder))
    assert checked.returncode == 0
    assert "document.source: a letter has no TD cover, so 'source' is not printed" \
        in checked.stderr
    assert "document.group: a TSB circular is addressed to all and prints no group" \
        in checked.stderr
    built = run_cli("build", str(folder), "--out", str(tmp_path / "out"))
    assert built.returncode == 0, built.stderr
    (pdf,) = (tmp_path / "out" / "circ").glob("*.pdf")
    assert pdf.name == "T22-TSB-CIR-0003!!PDF-E.pdf"
    first = page_texts(pdf)[0]
    assert "Geneva, May 2023" in first and "Copy: - To ITU-T Sector Members" in first
    assert "TSB Circular 3" in first and "Tel:" not in first


def test_a_circular_needs_no_group_and_any_other_document_does(tmp_path: Path) -> None:
    """A circular is addressed to all: without a group it checks and builds, named
    T22-TSB-CIR-0003; a collective letter or a TD without one is refused at its line."""
    circular = letter_folder(tmp_path / "circ", letter={
        "series": "circular", "addressees": ["To Administrations of Member States"]})
    data = json.loads((circular / "report.yaml").read_text("utf-8"))
    del data["document"]["group"]
    (circular / "report.yaml").write_text(json.dumps(data, indent=1), "utf-8")
    checked = run_cli("check", str(circular))
    assert checked.returncode == 0 and "group" not in checked.stderr, checked.stderr
    built = run_cli("build", str(circular), "--out", str(tmp_path / "out"))
    assert built.returncode == 0, built.stderr
    assert [p.name for p in (tmp_path / "out" / "circ").glob("*.docx")] == \
        ["T22-TSB-CIR-0003!!MSW-E.docx"]
    for name, extra in (("col", {"letter": {"addressees": ["To all"]}}),
                        ("td", {"kind": "td", "source": "TSB"})):
        folder = letter_folder(tmp_path / name, **extra)
        data = json.loads((folder / "report.yaml").read_text("utf-8"))
        del data["document"]["group"]
        (folder / "report.yaml").write_text(json.dumps(data, indent=1), "utf-8")
        result = run_cli("check", str(folder))
        assert result.returncode == 1, name
        assert "report.yaml:2:" in result.stderr and \
            "required field is missing: document.group" in result.stderr, result.stderr


@pytest.mark.parametrize(("letter", "salutation"), [("F", "Madame, Monsieur,"),
                                                    ("S", "Muy Señora mía/Muy Señor mío:")])
def test_a_letter_in_another_language(letter: str, salutation: str, tmp_path: Path) -> None:
    from reportgen.content.load import load
    from reportgen.prepare.tree import prepare

    doc = prepare(load(letter_folder(tmp_path / "l", language=letter,
                                     letter={"addressees": ["X"]})))
    assert doc.body[0].id == "letter.salutation"
    assert "".join(getattr(i, "text", "") for i in doc.body[0].content) == salutation

