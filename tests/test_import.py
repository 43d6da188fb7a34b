"""``reportgen import``: a Word document -> a report folder that checks and rebuilds.

The round trip: every example's DOCX (and one re-saved by LibreOffice) imports, checks
without warnings and rebuilds to the same paragraphs, styles and labels. Documents
reportgen did not make (pandoc's, one written in LibreOffice with the ITU style names)
import with every heading, list, table and footnote.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from reportgen.content.load import load
from reportgen.importer import ImportRefused, import_docx
from reportgen.importer.compare import differences, outline
from reportgen.paths import templates_dir
from reportgen.prepare.tree import prepare
from reportgen.read import read_docx
from reportgen.writers.docx.writer import render_docx
from tests.conftest import CONTENT, ROOT, need_tool, run_cli

DATA = ROOT / "tests" / "data" / "import"
KITCHEN_SINK = DATA / "kitchen-sink"  # every construct of the format, in one report
# every example reads back, an R-series report (its REPORT lines and TOC field) and a
# TSB letter (its letterhead, Ref: block, closing and signature) included
NOT_IMPORTED: set[str] = set()
REPORTS = {p.name: p for p in sorted(CONTENT.iterdir())
           if (p / "report.yaml").is_file() and p.name not in NOT_IMPORTED}
R_REPORT = "tsag-2018-04-r2-report"
LETTER = "tsb-2017-09-collective-letter-2-tsag"
REPORTS[KITCHEN_SINK.name] = KITCHEN_SINK


def built_docx(report: Path, out: Path) -> Path:
    """The DOCX reportgen builds from ``report``."""
    out.write_bytes(render_docx(prepare(load(report)), templates_dir() / "itu-td.docx"))
    return out


def assert_reads_as(source: Path, imported: Path, tmp: Path) -> None:
    """The imported folder checks without warnings and rebuilds to the same paragraphs."""
    doc = prepare(load(imported))
    assert list(doc.warnings) == []
    rebuilt = built_docx(imported, tmp / "rebuilt.docx")
    before, after = outline(read_docx(source)), outline(read_docx(rebuilt))
    assert differences(before, after, styles=True) == []
    assert len(before) > 10


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_every_example_imports_and_rebuilds_paragraph_for_paragraph(name: str,
                                                                     tmp_path: Path) -> None:
    source = built_docx(REPORTS[name], tmp_path / f"{name}.docx")
    result = import_docx(source, tmp_path / "imported")
    assert result.paragraphs == result.equal
    assert not [n for n in result.notes if "rebuilt" in n or "not in the rebuilt" in n]
    assert_reads_as(source, tmp_path / "imported", tmp_path)


def test_the_cover_fields_come_back(tmp_path: Path) -> None:
    source = built_docx(CONTENT / "tsag-2023-05-ls-example", tmp_path / "ls.docx")
    import_docx(source, tmp_path / "ls")
    imported = load(tmp_path / "ls").model.document
    original = load(CONTENT / "tsag-2023-05-ls-example").model.document
    for field in ("kind", "group", "study_period", "number", "meeting", "source", "title",
                  "liaison", "contacts", "questions"):
        assert getattr(imported, field) == getattr(original, field), field


def test_every_construct_comes_back_where_it_was(tmp_path: Path) -> None:
    """The kitchen sink: cover fields, list formats, footnotes, merged cells, a layout
    table, a figure, a NOTE, a page break, an unnumbered clause, annexes and appendices."""
    source = built_docx(KITCHEN_SINK, tmp_path / "ks.docx")
    folder = tmp_path / "ks"
    import_docx(source, folder)
    imported, original = load(folder).model, load(KITCHEN_SINK).model
    for name in ("kind", "layout", "group", "study_period", "number", "revision",
                 "revision_form", "english_only", "meeting", "questions", "source", "title",
                 "purpose", "keywords", "abstract", "action"):
        assert getattr(imported.document, name) == getattr(original.document, name), name
    assert imported.document.contacts[0] == original.document.contacts[0]
    assert imported.options.list_formats == ["1-", "(a)", "(i)"]
    assert imported.options.annex_label == "letter"
    assert imported.documents == original.documents
    assert _titles(_yaml(folder)["body"]) == _titles(_yaml(KITCHEN_SINK)["body"])
    unnumbered = imported.body[1].sections[1]
    assert (unnumbered.title, unnumbered.numbered) == ("A note without number", False)
    kinds = [next(k for k, v in b.model_dump().items() if v is not None and k != "id")
             for b in unnumbered.blocks]
    assert kinds == ["note", "page_break", "table", "table", "figure"]
    merged = unnumbered.blocks[2].table
    assert merged is not None and merged.header_rows == original.body[1].sections[1] \
        .blocks[2].table.header_rows  # type: ignore[union-attr]
    figure = unnumbered.blocks[4].figure
    assert figure is not None and figure.title == "Timeline of the work"
    assert (folder / figure.file).read_bytes() == (KITCHEN_SINK / "timeline.png").read_bytes()
    texts = "".join(p.read_text() for p in folder.glob("*.md"))
    assert "[^1]: Presented at the previous meeting." in texts
    assert "2 \\* 3 = 6, a\\_b, \\[x\\], \\<tag\\>" in texts
    assert [a.title for a in imported.appendices] == ["Bibliography", "Examples"]
    assert (imported.appendices[0].obligation, imported.appendices[1].obligation) == (None, "")


def libreoffice_resave(docx: Path, work: Path) -> Path:
    soffice = need_tool("soffice")
    out = work / "resaved"
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{work}/profile",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(docx)],
                   capture_output=True, timeout=180, check=False)
    resaved = out / docx.name
    assert resaved.is_file(), "LibreOffice did not write the DOCX"
    return resaved


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", sorted(REPORTS))
def test_a_libreoffice_resave_imports_and_rebuilds_the_same(name: str, tmp_path: Path) -> None:
    """LibreOffice renames style ids, merges the cover's two tables, adds an empty
    paragraph before a leading table and writes a list instance per restart: the import
    reads through all of it."""
    source = built_docx(REPORTS[name], tmp_path / f"{name}.docx")
    resaved = libreoffice_resave(source, tmp_path)
    result = import_docx(resaved, tmp_path / "imported")
    assert result.paragraphs == result.equal
    assert_reads_as(resaved, tmp_path / "imported", tmp_path)


def _yaml(folder: Path) -> dict:
    return YAML(typ="safe").load((folder / "report.yaml").read_text())


def _titles(sections: list[dict]) -> list[str]:
    out = []
    for s in sections:
        out.append(s["title"])
        out.extend(_titles(s.get("sections", [])))
    return out


def test_a_pandoc_docx_imports_with_its_headings_lists_tables_and_footnotes(
        tmp_path: Path) -> None:
    """tests/data/import/pandoc.docx is `pandoc pandoc-source.md -o pandoc.docx`."""
    folder = tmp_path / "from-pandoc"
    done = run_cli("import", str(DATA / "pandoc.docx"), str(folder))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert f"imported pandoc.docx into {folder}" in done.stdout
    assert "5 headings have no number in the source" in done.stderr
    report = _yaml(folder)
    assert report["document"]["title"] == "Draft terms of reference for a correspondence group"
    assert _titles(report["body"]) == ["Scope", "Tasks", "Working methods", "Deliverables",
                                       "Timing"]
    texts = "\n".join(p.read_text() for p in sorted(folder.glob("*.md")))
    assert "1. collect the use cases;\n2. review the existing Recommendations:\n" \
           "   1. in SG13;" in texts
    assert "- a technical report;" in texts
    assert "*interoperability*" in texts and "**quantum key distribution**" in texts
    assert "[^1]: As agreed at the TSAG meeting of May 2023." in texts
    assert "Table: Planned deliverables\n| Deliverable | Date |" in texts
    assert "> The group works by e-mail and online meetings." in texts
    assert "```\noptions: {annex_label: none}\nannexes: [{title: Terms of reference}]\n```" \
        in texts
    built = run_cli("build", str(folder), "--format", "docx", "--out", str(tmp_path / "o"))
    assert built.returncode == 0, built.stderr
    rebuilt = next((tmp_path / "o").rglob("*.docx"))
    labels = [(p.label_text, p.text) for p in read_docx(rebuilt).paragraphs() if p.label]
    assert ("a.", "in SG13;") in labels and ("2.1", "Timing") in labels


def test_a_libreoffice_docx_with_itu_styles_imports_every_heading(tmp_path: Path) -> None:
    """tests/data/import/libreoffice-itu.docx is libreoffice-itu.fodt saved as DOCX by
    LibreOffice: outline-numbered headings, enumlev lists, a NOTE, merged cells, an
    annex; it rebuilds with the same labels and text."""
    source = DATA / "libreoffice-itu.docx"
    result = import_docx(source, tmp_path / "lo")
    # two footnotes stand where the format has no footnotes (a NOTE, a table with merged
    # cells): their text is kept in parentheses there, and said so
    assert result.equal == result.paragraphs - 4
    assert [n for n in result.notes if "kept in parentheses" in n] == [
        "libreoffice-itu.docx: footnote 2 where a reference cannot stand (a table with "
        "merged cells, a NOTE): its text kept in parentheses",
        "libreoffice-itu.docx: footnote 3 where a reference cannot stand (a table with "
        "merged cells, a NOTE): its text kept in parentheses"]
    report = _yaml(tmp_path / "lo")
    assert _titles(report["body"]) == ["Scope", "Tasks", "Deliverables", "Working methods"]
    texts = "".join(p.read_text() for p in (tmp_path / "lo").glob("*.md"))
    assert "[^1]: As agreed by TSAG in May 2023." in texts
    assert report["annexes"][0]["title"] == "Time plan"
    blocks = report["body"][0]["sections"][1]["blocks"]
    table = blocks[0]["table"]
    assert table["title"] == "Allocation of the work"
    assert table["header_rows"] == [["Group", {"text": "Work", "colspan": 2}]]
    assert table["rows"][0] == [{"text": "WP1", "rowspan": 2}, "C54",
                                "Use cases (Collected by e-mail.)"]
    assert report["body"][0]["sections"][0]["blocks"] == [
        {"note": "The reports are posted as TDs. (On the TSAG page.)"}]
    rebuilt = built_docx(tmp_path / "lo", tmp_path / "rebuilt.docx")
    before = [(line.label, line.text) for line in outline(read_docx(source))]
    after = [(line.label, line.text) for line in outline(read_docx(rebuilt))]
    assert [x for x in before if x not in after] == [
        ("", "NOTE – The reports are posted as TDs."), ("", "Use cases"),
        ("", "On the TSAG page."), ("", "Collected by e-mail.")]
    assert ("1.1", "Tasks") in after and ("a)", "of SG13;") in after
    # labels typed by hand before a tab become lists with the same labels
    assert ("•", "a dash typed by hand;") in before and ("b)", "the second.") in before
    assert ("•", "a dash typed by hand;") in after and ("b)", "the second.") in after


def _with_changes(source: Path, out: Path, comment: bool = False) -> Path:
    """``source`` with one word replaced as a tracked change (and a comment)."""
    with zipfile.ZipFile(source) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts["word/document.xml"].decode()
    first = re.search(r"<w:r><w:rPr/><w:t>In December", xml)
    assert first is not None
    change = ('<w:del w:id="9001" w:author="Chair" w:date="2023-06-01T00:00:00Z"><w:r>'
              '<w:delText xml:space="preserve">In December </w:delText></w:r></w:del>'
              '<w:ins w:id="9002" w:author="Chair" w:date="2023-06-01T00:00:00Z"><w:r>'
              '<w:t xml:space="preserve">In late December </w:t></w:r></w:ins>')
    if comment:
        change = '<w:commentRangeStart w:id="0"/>' + change + '<w:commentRangeEnd w:id="0"/>'
    xml = xml[:first.start()] + change + xml[first.start():].replace("In December ", "", 1)
    parts["word/document.xml"] = xml.encode()
    if comment:
        parts["word/comments.xml"] = (
            b'<w:comments xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/'
            b'main"><w:comment w:id="0" w:author="Chair" w:date="2023-06-01T00:00:00Z"><w:p>'
            b'<w:r><w:t>Which day?</w:t></w:r></w:p></w:comment></w:comments>')
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out


def test_tracked_changes_and_comments_are_refused_unless_settled(tmp_path: Path) -> None:
    source = built_docx(CONTENT / "tsag-2023-05-ls-example", tmp_path / "ls.docx")
    changed = _with_changes(source, tmp_path / "reviewed.docx", comment=True)
    folder = tmp_path / "ls"
    done = run_cli("import", str(changed), str(folder))
    assert done.returncode == 1
    assert re.search(r"reviewed\.docx has 2 tracked changes \(paragraph \d+\) and 1 comment "
                     r"\(paragraph \d+\): settle them in Word, or import with "
                     r"--accept-changes or --reject-changes", done.stderr), done.stderr
    assert not folder.exists()
    accepted = run_cli("import", str(changed), str(folder), "--accept-changes")
    assert accepted.returncode == 0, accepted.stderr
    assert "comment by Chair: Which day?" in accepted.stderr
    assert "In late December 2022" in "".join(p.read_text() for p in folder.glob("*.md"))
    import_docx(changed, tmp_path / "old", changes="reject")
    texts = "".join(p.read_text() for p in (tmp_path / "old").glob("*.md"))
    assert "In December 2022" in texts and "late" not in texts


def test_an_existing_folder_is_never_overwritten_without_force(tmp_path: Path) -> None:
    source = built_docx(CONTENT / "fg-mv-tor", tmp_path / "tor.docx")
    folder = tmp_path / "tor"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    done = run_cli("import", str(source), str(folder))
    assert done.returncode == 1
    assert "already exists with content" in done.stderr and "--force" in done.stderr
    assert (folder / "notes.txt").read_text() == "mine"
    forced = run_cli("import", str(source), str(folder), "--force")
    assert forced.returncode == 0, forced.stderr
    assert not (folder / "notes.txt").exists() and (folder / "report.yaml").is_file()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_failed_import_leaves_nothing(tmp_path: Path) -> None:
    (tmp_path / "bad.docx").write_text("not a zip")
    with pytest.raises(ImportRefused, match="cannot be read: not a DOCX file"):
        import_docx(tmp_path / "bad.docx", tmp_path / "out")
    assert list(tmp_path.iterdir()) == [tmp_path / "bad.docx"]


def _package(path: Path, document: bytes, extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", document)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return path


@pytest.mark.parametrize("kind", ["bomb", "entities", "not-xml", "no-body"])
def test_a_hostile_docx_is_refused_with_a_sentence(kind: str, tmp_path: Path) -> None:
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    documents = {
        "bomb": b"<w:document " + w.encode() + b"><w:body>" + b" " * (80 * 1024 * 1024)
                + b"</w:body></w:document>",
        "entities": (f'<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
                     f'<w:document {w}><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p>'
                     f'</w:body></w:document>').encode(),
        "not-xml": b"<w:document",
        "no-body": f"<w:document {w}/>".encode(),
    }
    source = _package(tmp_path / f"{kind}.docx", documents[kind])
    done = run_cli("import", str(source), str(tmp_path / "out"))
    assert "Traceback" not in done.stderr
    if kind == "entities":  # read, without expanding the entity
        assert done.returncode == 0, done.stderr
        return
    assert done.returncode == 1
    expected = {"bomb": "larger than", "not-xml": "not well-formed XML",
                "no-body": "has no body"}[kind]
    assert expected in done.stderr
    assert not (tmp_path / "out").exists()


def test_the_guide_shows_what_an_import_prints(tmp_path: Path) -> None:
    """docs/import.md's session is what the import prints, line for line; the folder
    then checks without a warning."""
    page = (ROOT / "docs" / "import.md").read_text()
    session = page.split("```console\n", 1)[1].split("```", 1)[0].splitlines()
    assert session[0] == "$ reportgen import draft-tor.docx content/draft-tor"
    work = Path(tempfile.mkdtemp(dir=tmp_path))
    shutil.copy(DATA / "pandoc.docx", work / "draft-tor.docx")
    env = {"PYTHONPATH": str(ROOT)}  # this checkout's reportgen, run from elsewhere
    done = run_cli("import", "draft-tor.docx", "content/draft-tor", cwd=work, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() + done.stdout.splitlines() == session[1:]
    checked = run_cli("check", "content/draft-tor", cwd=work, env=env)
    assert checked.returncode == 0 and checked.stderr == "", checked.stderr


def test_what_has_no_place_in_the_format_is_kept_and_reported(tmp_path: Path) -> None:
    """A Word document with a style of its own, hidden text and a picture inside a
    sentence: the paragraph is kept as a plain one, the picture as a figure, and each
    is a report line naming the paragraph."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE

    word = docx.Document()
    word.add_heading("Background", level=1)
    word.styles.add_style("Foo", WD_STYLE_TYPE.PARAGRAPH)
    word.add_paragraph("A paragraph in a style of its own.", style="Foo")
    p = word.add_paragraph("Visible text. ")
    p.add_run("Hidden text.").font.hidden = True
    p = word.add_paragraph("A picture in a sentence: ")
    p.add_run().add_picture(str(KITCHEN_SINK / "timeline.png"))
    word.save(str(tmp_path / "own.docx"))
    done = run_cli("import", str(tmp_path / "own.docx"), str(tmp_path / "own"))
    assert done.returncode == 0, done.stderr
    assert 'own.docx: paragraph 2 (style "Foo"): kept as a plain paragraph' in done.stderr
    assert "own.docx: paragraph 3 (style \"Normal\"): hidden text left out: 'Hidden text.'" \
        in done.stderr
    assert "paragraph 4 (style \"Normal\"): a picture without a caption" in done.stderr
    texts = "".join(p.read_text() for p in (tmp_path / "own").glob("*.md"))
    assert "A paragraph in a style of its own." in texts
    report = _yaml(tmp_path / "own")
    figure = report["body"][0]["blocks"][0]["figure"]
    assert (tmp_path / "own" / figure["file"]).read_bytes() == \
        (KITCHEN_SINK / "timeline.png").read_bytes()


@pytest.mark.parametrize("name", ["tsag-2018-12-quantum-adhoc", "kitchen-sink"])
def test_the_reader_labels_paragraphs_as_word_numbering_does(name: str, tmp_path: Path) -> None:
    """The reader's labels agree with the tests' own evaluator of Word's rules."""
    from tests.wordnum import word_labels

    source = built_docx(REPORTS[name], tmp_path / f"{name}.docx")
    read = [p.label_text for p in read_docx(source).paragraphs() if p.label is not None]
    assert read == [n.label for n in word_labels(source)]
    assert len(read) > 10


def test_reading_tracked_changes_lists_them_and_settles_them(tmp_path: Path) -> None:
    source = built_docx(CONTENT / "tsag-2023-05-ls-example", tmp_path / "ls.docx")
    changed = _with_changes(source, tmp_path / "reviewed.docx", comment=True)
    accepted, rejected = read_docx(changed, "accept"), read_docx(changed, "reject")
    assert [(c.kind, c.author, c.text) for c in accepted.changes] == [
        ("deletion", "Chair", "In December "), ("insertion", "Chair", "In late December ")]
    assert [(c.author, c.text, c.anchored) for c in accepted.comments] == [
        ("Chair", "Which day?", "In late December")]  # as settled
    first = next(p for p in accepted.paragraphs() if "TSAG set up" in p.text)
    assert first.text.startswith("In late December 2022 TSAG set up")
    assert next(p for p in rejected.paragraphs() if "TSAG set up" in p.text).text \
        .startswith("In December 2022 TSAG set up")


def test_a_damaged_document_gets_a_sentence_never_a_traceback(tmp_path: Path) -> None:
    """Elements cut at random out of a real document: the import either succeeds or
    refuses with a sentence, and never leaves a folder behind when it refuses."""
    import random

    from lxml import etree

    source = built_docx(KITCHEN_SINK, tmp_path / "ks.docx")
    with zipfile.ZipFile(source) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    rng = random.Random(20261208)
    for attempt in range(8):
        root = etree.fromstring(parts["word/document.xml"])
        elements = list(root.iter())[2:]
        for el in rng.sample(elements, 25):
            if el.getparent() is not None:
                el.getparent().remove(el)
        damaged = tmp_path / f"damaged-{attempt}.docx"
        with zipfile.ZipFile(damaged, "w") as z:
            for name, data in parts.items():
                z.writestr(name, etree.tostring(root) if name == "word/document.xml"
                           else data)
        folder = tmp_path / f"out-{attempt}"
        try:
            import_docx(damaged, folder)
        except ImportRefused as exc:
            assert str(exc) and "Traceback" not in str(exc)
            assert not folder.exists()
        else:
            assert (folder / "report.yaml").is_file()


def test_the_kind_read_from_the_cover_can_be_overridden(tmp_path: Path) -> None:
    source = built_docx(CONTENT / "tsag-2023-05-ls-example", tmp_path / "ls.docx")
    done = run_cli("import", str(source), str(tmp_path / "td"), "--kind", "td")
    assert done.returncode == 0, done.stderr
    assert "ls.docx: cover: the liaison statement's rows (for_action, for_information, " \
           "approval, deadline) left out: a td has none" in done.stderr
    assert load(tmp_path / "td").model.document.kind == "td"
    wrong = run_cli("import", str(source), str(tmp_path / "x"), "--kind", "memo")
    assert wrong.returncode == 2 and "--kind must be td, contribution, ls, plain, report or " \
        "letter" in wrong.stderr


def _import_example(name: str, tmp_path: Path, report: Path | None = None) -> tuple[Path, str]:
    """The example built and imported with the command; its folder and report lines."""
    source = built_docx(report or CONTENT / name, tmp_path / f"{name}.docx")
    folder = tmp_path / "imported"
    done = run_cli("import", str(source), str(folder))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    checked = run_cli("check", str(folder))
    assert checked.returncode == 0 and checked.stderr == "", checked.stderr
    return folder, done.stderr


def test_an_r_series_report_comes_back_with_its_masthead_and_cover(tmp_path: Path) -> None:
    """TSAG – R 2 – E, APRIL 2018, the REPORT lines and the cover rows become the report's
    fields; the TOC field's entries are not text but a contents block, said so."""
    folder, stderr = _import_example(R_REPORT, tmp_path)
    document = _yaml(folder)["document"]
    assert document["kind"] == "report"
    assert (document["group"], document["number"], document["study_period"]) == \
        ("TSAG", 2, "2017-2020")
    assert str(document["date"]) == "2018-04"  # the masthead's APRIL 2018
    assert document["questions"] == ""  # an empty Question(s): row, not N/A
    assert document["layout"] == "2017-2020"
    assert document["purpose"] == "Information"
    assert document["keywords"] == ["TSAG", "report"]
    assert document["contacts"] == [{"name": "Bruce Gracie", "organization": "TSAG Chairman",
                                     "tel": "+1 613 592-3180", "email": "tsbtsag@itu.int"}]
    imported, original = load(folder).model.document, load(CONTENT / R_REPORT).model.document
    for name in ("kind", "layout", "group", "study_period", "number", "date", "questions",
                 "source", "title", "purpose", "contacts", "keywords", "abstract", "meeting"):
        assert getattr(imported, name) == getattr(original, name), name
    preamble = _yaml(folder)["preamble"]["blocks"]
    assert [next(iter(b)) for b in preamble] == ["note", "contents"]
    texts = "".join(p.read_text() for p in folder.glob("*.md"))
    assert "Opening remarks by the Deputy Secretary-General" not in texts  # a TOC entry
    assert re.search(r"table of contents \(13 entries, paragraphs \d+-\d+\): not imported as "
                     r"text; regenerated from the headings", stderr), stderr
    assert "kept as a plain paragraph" not in stderr and "left out" not in stderr


def test_a_tsb_letter_comes_back_with_its_letterhead_and_signature(tmp_path: Path) -> None:
    """The letterhead, Ref: block, addressees, contact rows and Subject: become the
    letter's fields; the salutation, closing, signature and 'Annexes: 3' are not text;
    the deadlines table keeps its lists."""
    folder, stderr = _import_example(LETTER, tmp_path)
    report = _yaml(folder)
    document = report["document"]
    assert document["kind"] == "letter"
    assert (document["group"], document["number"], str(document["date"])) == \
        ("TSAG", 2, "2017-09-11")
    assert document["title"].startswith("Second meeting of the Telecommunication")
    letter = document["letter"]
    assert letter["reference"] == ["TSAG/RS"]
    assert letter["addressees"][0] == "To Administrations of Member States of the Union;"
    assert len(letter["addressees"]) == 8
    assert (letter["tel"], letter["fax"], letter["email"], letter["web"]) == (
        "+41 22 730 5860", "+41 22 730 5853", "tsbtsag@itu.int", "http://itu.int/go/tsag")
    assert letter["signature"] == ["Chaesub Lee", "Director of the Telecommunication "
                                   "Standardization Bureau"]
    assert "salutation" not in letter and "closing" not in letter  # the language's own
    imported, original = load(folder).model, load(CONTENT / LETTER).model
    for name in ("kind", "group", "study_period", "number", "date", "title", "letter"):
        assert getattr(imported.document, name) == getattr(original.document, name), name
    assert imported.options.annex_label == "letter"
    assert [a.title for a in imported.annexes] == [a.title for a in original.annexes]
    texts = "".join(p.read_text() for p in folder.glob("*.md"))
    for generated in ("Dear Sir/Madam,", "Yours faithfully,", "Chaesub Lee", "Annexes: 3"):
        assert generated not in texts
    table = report["preamble"]["blocks"][0]["table"]
    assert table["rows"][1] == ["15 January 2018",
                                "- Fellowship requests\n- Interpretation requests"]
    # the study period is printed nowhere in a letter: taken from its date, and said so
    assert "cover: a letter prints no study period: set to 2017-2020 from its date" in stderr


def test_a_circular_with_its_own_salutation_closing_and_copy_lines(tmp_path: Path) -> None:
    """A circular (TSB Circular 68), a Copy: row, a place, a salutation and a closing of
    its own: each comes back into document.letter."""
    example = YAML(typ="safe").load((CONTENT / LETTER / "report.yaml").read_text())
    letter = example["document"]["letter"]
    letter.update(series="circular", place="Hammamet", salutation="Dear Colleagues,",
                  closing="Yours sincerely,", copy_to=["To the Chairman of SG17"])
    del letter["fax"]
    example["document"]["number"] = 68
    del example["document"]["group"]  # a circular is addressed to all
    source_folder = tmp_path / "circular"
    source_folder.mkdir()
    yaml = YAML()
    with (source_folder / "report.yaml").open("w") as f:
        yaml.dump(example, f)
    folder, stderr = _import_example("circular", tmp_path, source_folder)
    imported, original = load(folder).model, load(source_folder).model
    assert imported.document.letter == original.document.letter
    assert imported.document.letter is not None
    assert imported.document.letter.series == "circular"
    assert imported.document.letter.closing == "Yours sincerely,"
    assert imported.document.number == 68
    assert imported.document.group == ""
    assert "group" not in stderr


def test_a_letterhead_row_without_a_field_is_kept_as_text(tmp_path: Path) -> None:
    """A row the letterhead does not have (here 'Urgent:') is kept as paragraphs at the
    start of the text and reported; --kind letter on a TD is refused with a sentence."""
    source = built_docx(CONTENT / LETTER, tmp_path / "letter.docx")
    with zipfile.ZipFile(source) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts["word/document.xml"].decode()
    fax = re.search(r"<w:tr\b(?:(?!<w:tr\b).)*?<w:t[^>]*>Fax:</w:t>.*?</w:tr>", xml, re.S)
    assert fax is not None
    row = fax.group().replace("Fax:", "Urgent:").replace("+41 22 730 5853", "Reply by return")
    parts["word/document.xml"] = (xml[:fax.end()] + row + xml[fax.end():]).encode()
    changed = tmp_path / "changed.docx"
    with zipfile.ZipFile(changed, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    done = run_cli("import", str(changed), str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert "changed.docx: cover: letterhead row 5 ('Urgent: | Reply by return') is not a " \
           "letter field: kept as a plain paragraph" in done.stderr
    texts = "".join(p.read_text() for p in (tmp_path / "out").glob("*.md"))
    assert "**Urgent:**\n\nReply by return\n\nI am pleased" in texts  # after the salutation
    td = built_docx(CONTENT / "fg-mv-tor", tmp_path / "tor.docx")
    refused = run_cli("import", str(td), str(tmp_path / "x"), "--kind", "letter")
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "tor.docx has no TSB letterhead" in refused.stderr


def _session_fields(report: Path, ids: bool = True) -> list[dict]:
    """The sessions of a folder without where their summaries are written."""
    leave_out = {"file", "summary"} | (set() if ids else {"id"})
    return [s.model_dump(exclude=leave_out) for s in load(report).model.sessions]


def _summaries(report: Path) -> list[str]:
    loaded = load(report)
    return [(report / s.file).read_text().strip() if s.file else s.summary.strip()
            for s in loaded.model.sessions]


def _session_blocks(report: Path) -> list[int]:
    """The sessions the session blocks show, by their place in sessions:."""
    place = {s.id: i for i, s in enumerate(load(report).model.sessions)}
    return [place[b["session"]] for b in _blocks_of(_yaml(report)) if "session" in b]


def test_the_seed_s_sessions_come_back_equal(tmp_path: Path) -> None:
    """The seed's sessions table reads back into its sessions: (the ids from the names,
    the days, times, rooms, agendas and minutes) shown by its sessions_table block, and
    each clause titled as a session into that session's block and summary."""
    name = "tsag-2018-12-quantum-adhoc"
    source = built_docx(CONTENT / name, tmp_path / f"{name}.docx")
    folder = tmp_path / "imported"
    result = import_docx(source, folder)
    imported, original = load(folder).model, load(CONTENT / name).model
    assert [s.model_dump(exclude={"file"}) for s in imported.sessions] == \
        [s.model_dump(exclude={"file"}) for s in original.sessions]
    assert _summaries(folder) == _summaries(CONTENT / name)
    tables = [b["sessions_table"] for b in _blocks_of(_yaml(folder)) if "sessions_table" in b]
    assert tables == [{"title": "Sessions of the Quantum ad hoc group"}]
    assert _session_blocks(folder) == _session_blocks(CONTENT / name) == [0, 1, 2, 3]
    assert any("read as the sessions table: 4 sessions in sessions: (first, second, third, "
               "fourth)" in n for n in result.notes), result.notes


@pytest.mark.parametrize("name", ["tsag-2018-12-quantum-adhoc-fr",
                                  "tsag-2018-12-quantum-adhoc-zh"])
def test_the_sessions_table_is_read_in_the_document_s_language(name: str,
                                                               tmp_path: Path) -> None:
    """The labels and the days as French and Chinese print them (the ids, made from
    the names, are the names' own)."""
    source = built_docx(CONTENT / name, tmp_path / f"{name}.docx")
    folder = tmp_path / "imported"
    import_docx(source, folder)
    assert _session_fields(folder, ids=False) == _session_fields(CONTENT / name, ids=False)
    assert _summaries(folder) == _summaries(CONTENT / name)
    assert _session_blocks(folder) == _session_blocks(CONTENT / name)
    assert [b for b in _blocks_of(_yaml(folder)) if "sessions_table" in b] == \
        [b for b in _blocks_of(_yaml(CONTENT / name)) if "sessions_table" in b]


def _blocks_of(node: object) -> list[dict]:
    out: list[dict] = []
    if isinstance(node, dict):
        for key, value in node.items():
            out.extend(value if key == "blocks" else _blocks_of(value))
    elif isinstance(node, list):
        for item in node:
            out.extend(_blocks_of(item))
    return out


def test_a_table_headed_as_the_sessions_table_that_does_not_read_back_stays_a_table(
        tmp_path: Path) -> None:
    """A row whose day is not printed as reportgen prints it: the table is kept as a
    plain table, no sessions are made up, and a report line says why."""
    folder = tmp_path / "typed"
    shutil.copytree(CONTENT / "tsag-2018-12-quantum-adhoc", folder)
    yaml = YAML()
    data = yaml.load(folder / "report.yaml")
    del data["sessions"]
    execution = next(p for p in data["body"] if p["title"] == "Execution")
    del execution["sections"]
    execution["blocks"][1] = {"table": {
        "title": "Sessions typed by hand",
        "columns": [{"title": t} for t in ("Session", "Date", "Time", "Room", "Agenda",
                                           "Minutes")],
        "rows": [["First", "Tuesday 11 December 2018", "08:00", "C", "–", "TD424R1"],
                 ["Second", "Wed. 12 Dec.", "13:15", "C", "TD425", "TD434"]]}}
    data["body"] = [p for p in data["body"] if p["title"] != "Highlights for the TSAG Report"]
    del data["highlights"]
    with (folder / "report.yaml").open("w") as f:
        yaml.dump(data, f)
    source = built_docx(folder, tmp_path / "typed.docx")
    result = import_docx(source, tmp_path / "imported")
    assert load(tmp_path / "imported").model.sessions == []
    assert "sessions_table" not in str(_yaml(tmp_path / "imported"))
    assert any("headed as a sessions table, but row 2: 'Wed. 12 Dec.' is not a date" in n
               and "kept as a plain table" in n for n in result.notes), result.notes
    assert result.paragraphs == result.equal
