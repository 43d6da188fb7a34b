"""Archive-grade output: byte-identical rebuilds, PDF/A-3a with the source attached,
full metadata in both files, bookmarks."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path

import pikepdf
import pytest
from docx import Document

from reportgen.build.outputs import file_sha256

from .conftest import SECOND, SEED, Built, build_into, docx_part

PDFA_NS = "{http://www.aiim.org/pdfa/ns/id/}"


def copy_report(tmp_path: Path) -> Path:
    target = tmp_path / "content" / SEED.name
    shutil.copytree(SEED, target)
    return target


def hashes(built: Built) -> tuple[str, str]:
    return file_sha256(built.docx), file_sha256(built.pdf)


def test_two_builds_in_separate_processes_are_byte_identical(tmp_path: Path) -> None:
    first = build_into(SEED, tmp_path / "a")
    second = build_into(SEED, tmp_path / "b")
    assert hashes(first) == hashes(second)


def test_the_same_report_in_another_folder_gives_the_same_bytes(tmp_path: Path) -> None:
    """Where the report lies does not show in its outputs: a report with a figure (whose
    picture the PDF embeds) built from two folders, one deeper than the other."""
    one = tmp_path / "a" / SECOND.name
    two = tmp_path / "b" / "deeper" / SECOND.name
    for folder in (one, two):
        shutil.copytree(SECOND, folder)
    first, second = build_into(one, tmp_path / "out-a"), build_into(two, tmp_path / "out-b")
    assert first.pdf is not None and second.pdf is not None
    assert hashes(first) == hashes(second)


def test_one_changed_word_changes_both_outputs(tmp_path: Path) -> None:
    report = copy_report(tmp_path)
    before = hashes(build_into(report, tmp_path / "a"))
    method = report / "method.md"
    method.write_text(method.read_text("utf-8").replace("incremental", "gradual", 1), "utf-8")
    after = hashes(build_into(report, tmp_path / "b"))
    assert before[0] != after[0] and before[1] != after[1]


def test_source_date_epoch_sets_every_date(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14
    built = build_into(SEED, tmp_path)
    props = Document(str(built.docx)).core_properties
    assert props.created == props.modified == dt.datetime(2023, 11, 14, tzinfo=dt.UTC)
    with pikepdf.open(built.pdf) as pdf:
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:20231114")
        for attachment in pdf.attachments.values():
            assert str(attachment.obj.EF.F.Params.ModDate).startswith("D:20231114")


def test_docx_core_properties_carry_the_metadata(seed_build: Built) -> None:
    props = Document(str(seed_build.docx)).core_properties
    assert props.title == "Report of the TSAG ad hoc group on Quantum"
    assert props.author == "Chairman, TSAG ad hoc group on Quantum"
    assert props.subject.startswith("This TD contains the report of the TSAG ad hoc group")
    assert props.keywords == "TSAG; quantum; QIT; QKD; FG-QIT4N"
    assert props.language == "en"
    assert props.identifier == "TSAG-TD446"
    # the document's date (the meeting's first day), never the clock
    assert props.created == props.modified == dt.datetime(2018, 12, 10, tzinfo=dt.UTC)
    with zipfile.ZipFile(seed_build.docx) as z:
        for name in ("docProps/core.xml", "docProps/app.xml"):
            assert b"python-docx" not in z.read(name)
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    core = docx_part(seed_build.docx, "docProps/core.xml")
    assert "2013" not in "".join(core.itertext())


def test_pdf_is_pdfa_3a_with_srgb_output_intent(seed_build: Built) -> None:
    with pikepdf.open(seed_build.pdf) as pdf:
        meta = pdf.open_metadata()
        assert meta.get("pdfaid:part") == "3"
        assert meta.get("pdfaid:conformance") == "A"
        intents = pdf.Root.OutputIntents
        assert len(intents) == 1
        assert intents[0].S == "/GTS_PDFA1"
        profile = intents[0].DestOutputProfile.read_bytes()
        assert b"sRGB" in profile or "sRGB" in str(intents[0].get("/OutputConditionIdentifier"))
        assert len(pdf.trailer.ID) == 2


def test_pdf_xmp_metadata(seed_build: Built) -> None:
    with pikepdf.open(seed_build.pdf) as pdf:
        meta = pdf.open_metadata()
        assert meta.get("dc:title") == "Report of the TSAG ad hoc group on Quantum"
        assert "Chairman, TSAG ad hoc group on Quantum" in str(meta.get("dc:creator"))
        assert str(meta.get("dc:description")).startswith("This TD contains the report")
        assert meta.get("pdf:Keywords") == "TSAG; quantum; QIT; QKD; FG-QIT4N"  # as in the DOCX
        assert meta.get("dc:identifier") == "TSAG-TD446"
        assert "en" in meta.get("dc:language")
        assert str(pdf.Root.Lang) == "en"


def test_every_font_is_embedded(seed_build: Built) -> None:
    with pikepdf.open(seed_build.pdf) as pdf:
        fonts = {}
        for page in pdf.pages:
            for font in page.Resources.get("/Font", {}).values():
                fonts[str(font.get("/BaseFont"))] = font
        assert fonts
        for base, font in fonts.items():
            descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            descriptor = descendant.FontDescriptor
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), base


def test_source_is_attached_byte_for_byte(seed_build: Built) -> None:
    with pikepdf.open(seed_build.pdf) as pdf:
        attached = {name: spec.get_file().read_bytes() for name, spec in pdf.attachments.items()}
        assert {str(r) for r in pdf.Root.AF} and len(pdf.Root.AF) == len(attached)
        for spec in pdf.Root.AF:
            assert spec.AFRelationship == "/Source"
    on_disk = {p.name: p.read_bytes() for p in SEED.iterdir() if p.is_file()}
    assert attached == on_disk


def test_bookmarks_follow_headings_and_annexes(seed_build: Built) -> None:
    doc = Document(str(seed_build.docx))
    body_h1 = [p.text for p in doc.paragraphs if p.style is not None
               and p.style.style_id == "Heading1"]
    with pikepdf.open(seed_build.pdf) as pdf, pdf.open_outline() as outline:
        top = [item.title for item in outline.root]
        annex = outline.root[-1]
        clauses = [item.title for item in annex.children]
        execution = next(item for item in outline.root if item.title == "4 Execution")
        subs = [item.title for item in execution.children]
    assert top == [f"{n} {t}" for n, t in enumerate(body_h1[:8], 1)] + [
        "Annex 1 \u2013 Latest draft ToR status"]
    assert clauses == [f"{n} {t}" for n, t in enumerate(body_h1[8:], 1)]
    assert subs[0] == "4.1 First adhoc session" and len(subs) == 7
