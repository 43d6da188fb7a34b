"""Document ids link to their pages at ITU: hyperlinks in the Hyperlink style in the
DOCX, link annotations in the PDF, none when ``options.document_links`` is false."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from reportgen import tree as d
from reportgen.content.load import load
from reportgen.content.model import Metadata
from reportgen.prepare.doclinks import document_url
from reportgen.prepare.tree import prepare
from reportgen.writers.html.render import render_html

from .conftest import NS, SEED, Built, W, build_into, docx_part

R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
MD = "https://www.itu.int/md/"


def _meta(**changes: object) -> Metadata:
    base = {"group": "TSAG", "study_period": "2017-2020", "number": 446,
            "meeting": {"place": "Geneva", "start": "2018-12-10", "end": "2018-12-14"},
            "source": "Chairman", "title": "Report", "abstract": "Abstract."}
    return Metadata.model_validate({**base, **changes})


def test_the_address_follows_itu_document_names() -> None:
    meta = _meta()
    assert document_url("TD433", meta) == f"{MD}T17-TSAG-181210-TD-GEN-0433/en"
    assert document_url("TD433R1", meta) == f"{MD}T17-TSAG-181210-TD-GEN-0433/en"
    assert document_url("C54", meta) == f"{MD}T17-TSAG-C-0054/en"
    assert document_url("C54R2", meta) == f"{MD}T17-TSAG-C-0054/en"
    assert document_url("R5", meta) == f"{MD}T17-TSAG-R-0005/en"
    sg = _meta(group="SG17", study_period="2022-2024", category="PLEN", language="F",
               meeting={"place": "Geneva", "start": "2023-08-29", "end": "2023-09-08"})
    assert document_url("TD2484", sg) == f"{MD}T22-SG17-230829-TD-PLEN-2484/fr"
    assert document_url("Q12", meta) is None


def _expected(report: Path) -> dict[str, str]:
    """Every registered id of a report and its page."""
    model = load(report).model
    return {doc.id: str(document_url(doc.id, model.document)) for doc in model.documents}


def _docx_links(path: Path) -> list[tuple[str, str, str, bool]]:
    """(text, target, run style, inside a table) of every hyperlink of the body."""
    with zipfile.ZipFile(path) as z:
        rels = etree.fromstring(z.read("word/_rels/document.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels}
    body = docx_part(path, "word/document.xml")
    out = []
    for link in body.iter(f"{W}hyperlink"):
        text = "".join(t.text or "" for t in link.iter(f"{W}t"))
        style = link.find("w:r/w:rPr/w:rStyle", NS)
        in_table = bool(link.xpath("ancestor::w:tbl", namespaces=NS))
        out.append((text, targets[link.get(R_ID)], style.get(f"{W}val") if style is not None
                    else "", in_table))
    return out


def _hyperlink_style_id(path: Path) -> str:
    styles = docx_part(path, "word/styles.xml")
    (style_id,) = styles.xpath("w:style[w:name/@w:val='Hyperlink']/@w:styleId",
                               namespaces=NS)
    return str(style_id)


def _pdf_uris(path: Path) -> list[str]:
    uris = []
    for page in PdfReader(path).pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None and "/URI" in action:
                uris.append(str(action["/URI"]))
    return uris


def test_every_cited_id_links_to_its_page_in_the_docx(seed_build: Built) -> None:
    expected = _expected(SEED)
    links = _docx_links(seed_build.docx)
    style = _hyperlink_style_id(seed_build.docx)
    for text, target, run_style, _ in links:
        assert target == expected[text], text
        assert run_style == style
    # the documents table lists every registered id; prose cites C54, TD433R1, TD406R1…
    assert {t for t, _, _, in_table in links if in_table} == set(expected)
    prose = [t for t, _, _, in_table in links if not in_table]
    assert prose == _cited_in_prose(SEED) and {"C54", "TD433R1", "TD406R1"} <= set(prose)


def _cited_in_prose(report: Path) -> list[str]:
    """The ids of the DocRef nodes of the prepared tree, in order."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "DocRef" and node.get("url"):
                found.append(str(node["id"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(d.to_json(prepare(load(report))))
    return found


def test_the_pdf_carries_the_same_links(seed_build: Built) -> None:
    docx_targets = {target for _, target, _, _ in _docx_links(seed_build.docx)}
    uris = _pdf_uris(seed_build.pdf)
    assert set(uris) == docx_targets == set(_expected(SEED).values())
    assert len(uris) >= 2 * len(docx_targets)  # the table and the prose


def test_with_the_option_off_there_are_no_links(tmp_path: Path) -> None:
    report = tmp_path / SEED.name
    shutil.copytree(SEED, report)
    yaml_path = report / "report.yaml"
    yaml_path.write_text(yaml_path.read_text(encoding="utf-8")
                         + "\noptions:\n  document_links: false\n", encoding="utf-8")
    built = build_into(report, tmp_path / "out")
    assert _docx_links(built.docx) == []
    assert _pdf_uris(built.pdf) == []
    with zipfile.ZipFile(built.docx) as z:
        assert MD not in z.read("word/_rels/document.xml.rels").decode()


def test_an_id_inside_a_link_is_not_a_link_of_its_own(tmp_path: Path) -> None:
    shutil.copytree(SEED, tmp_path / "r")
    intro = tmp_path / "r" / "method.md"
    intro.write_text("See [the text of C54](https://example.org/c54) and C54.\n",
                     encoding="utf-8")
    doc = prepare(load(tmp_path / "r"))
    paragraph = next(b for b in doc.body if isinstance(b, d.Paragraph)
                     and d.plain_text(b.content).startswith("See the text of C54"))
    link, _, ref = paragraph.content[1:4]
    assert isinstance(link, d.Link) and isinstance(ref, d.DocRef)
    assert [c.url for c in link.children if isinstance(c, d.DocRef)] == [None]
    assert ref.url == f"{MD}T17-TSAG-C-0054/en"
    html = render_html(doc)
    start = html.index("See <a")
    sentence = html[start:html.index("</p>", start)]
    assert sentence.count("<a ") == 2 and "<a" not in sentence[sentence.index("<a ") + 2:
                                                              sentence.index("</a>")]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "https://x y"])
def test_a_docref_with_an_unsafe_address_is_plain_text(url: str) -> None:
    from reportgen.writers.html.render import render_inlines

    assert "<a" not in render_inlines((d.DocRef("C54", "Title", url),))


def test_a_revision_written_as_the_masthead_writes_it_is_the_registered_revision(
        tmp_path: Path) -> None:
    """TD433-R1 in the text is the register's TD433R1: printed as written, linked, and
    counted as cited (no warning)."""
    shutil.copytree(SEED, tmp_path / "r")
    (tmp_path / "r" / "method.md").write_text("See TD433-R1, TD433R1 and TD-433.\n",
                                              encoding="utf-8")
    loaded = load(tmp_path / "r")
    doc = prepare(loaded)
    paragraph = next(b for b in doc.body if isinstance(b, d.Paragraph)
                     and d.plain_text(b.content).startswith("See TD433"))
    refs = [n for n in paragraph.content if isinstance(n, d.DocRef)]
    assert [(r.id, r.url) for r in refs] == [
        ("TD433-R1", f"{MD}T17-TSAG-181210-TD-GEN-0433/en"),
        ("TD433R1", f"{MD}T17-TSAG-181210-TD-GEN-0433/en")]
    assert refs[0].title == refs[1].title is not None
    assert d.plain_text(paragraph.content) == "See TD433-R1, TD433R1 and TD-433."
    assert not any("TD433" in w for w in doc.warnings)


@pytest.mark.parametrize(("written", "normal"), [
    ("C 012", "C12"), ("C012", "C12"), ("TD 045 Rev.1", "TD45R1"), ("TD45 Rev. 1", "TD45R1"),
    ("TD210 R1", "TD210R1"), ("TD433-R1", "TD433R1"), ("TD433R1", "TD433R1"),
    ("R 5", "R5"), ("TD\u00a0433", "TD433")])
def test_an_id_as_itu_writes_it_has_one_normal_form(written: str, normal: str) -> None:
    from reportgen.content.docids import normal_id

    assert normal_id(written) == normal


def test_ids_cited_as_itu_writes_them_are_the_registered_documents(tmp_path: Path) -> None:
    """"C 012", "TD 045 Rev.1", "TD210 R1", "TD433-R1": each the register's document
    (registered in another form), printed as written, linked, and no warning."""
    folder = tmp_path / "r"
    shutil.copytree(SEED, folder)
    text = (folder / "report.yaml").read_text("utf-8")
    extra = ("documents:\n"
             "  - {id: C12, title: Twelve}\n"
             "  - {id: TD45R1, title: Forty-five revised}\n"
             "  - {id: TD210R1, title: Two hundred and ten revised}\n"
             "  - {id: TD 88, title: Eighty-eight}\n")
    (folder / "report.yaml").write_text(text.replace("documents:\n", extra, 1), "utf-8")
    (folder / "method.md").write_text(
        "See C 012, TD 045 Rev.1, TD210 R1, TD88 and TD433-R1. Annex C 2 is no id.\n",
        encoding="utf-8")
    doc = prepare(load(folder))
    paragraph = next(b for b in doc.body if isinstance(b, d.Paragraph)
                     and d.plain_text(b.content).startswith("See C 012"))
    refs = [n for n in paragraph.content if isinstance(n, d.DocRef)]
    assert [(r.id, r.title) for r in refs] == [
        ("C 012", "Twelve"), ("TD 045 Rev.1", "Forty-five revised"),
        ("TD210 R1", "Two hundred and ten revised"), ("TD88", "Eighty-eight"),
        ("TD433-R1", refs[4].title)]
    assert refs[4].title is not None
    assert refs[0].url == f"{MD}T17-TSAG-C-0012/en"
    assert refs[1].url == f"{MD}T17-TSAG-181210-TD-GEN-0045/en"
    assert d.plain_text(paragraph.content) == (
        "See C 012, TD 045 Rev.1, TD210 R1, TD88 and TD433-R1. Annex C 2 is no id.")
    for needle in ("C12", "TD45", "TD210", "TD88", "TD433", "C2"):
        assert not any(needle in w for w in doc.warnings), doc.warnings
    # the DOCX prints them as written, each a hyperlink
    html = render_html(doc)
    assert ">C 012</a>" in html and ">TD 045 Rev.1</a>" in html and ">TD210 R1</a>" in html


def test_an_unregistered_spaced_id_falls_back_to_its_compact_part(tmp_path: Path) -> None:
    folder = tmp_path / "r"
    shutil.copytree(SEED, folder)
    (folder / "method.md").write_text("See TD433 R7 and C 999.\n", encoding="utf-8")
    doc = prepare(load(folder))
    paragraph = next(b for b in doc.body if isinstance(b, d.Paragraph)
                     and d.plain_text(b.content).startswith("See TD433"))
    refs = [n for n in paragraph.content if isinstance(n, d.DocRef)]
    assert [r.id for r in refs] == ["TD433"]  # " R7" stays text; "C 999" is not taken
    assert not any("C999" in w for w in doc.warnings)
