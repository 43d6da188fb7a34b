"""Tests for the ITU-T TD Word template (templates/itu-td.docx).

The expected values come from itu-style.md (sections 1, 2-7, 11), not from the
generator script, so a change to the script that breaks an ITU rule fails here.
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import jinja2
import pytest
from docx.enum.text import WD_BREAK
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "templates" / "itu-td.docx"
SCRIPT = ROOT / "templates" / "make_template.py"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PR_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
NSMAP = {"w": W_NS, "r": R_NS}

TNR = "Times New Roman"
ITU_FONTS = {"ascii": TNR, "hAnsi": TNR, "cs": TNR, "eastAsia": "SimSun"}

PART_ORDER = [
    "[Content_Types].xml",
    "_rels/.rels",
    "docProps/core.xml",
    "docProps/app.xml",
    "word/document.xml",
    "word/styles.xml",
    "word/numbering.xml",
    "word/settings.xml",
    "word/fontTable.xml",
    "word/header1.xml",
    "word/header2.xml",
    "word/theme/theme1.xml",
    "word/_rels/document.xml.rels",
]

SAMPLE: dict[str, Any] = {
    "cover": {
        "masthead_number": "TSAG-TD446",
        "group": "TSAG",
        "study_period": "2017-2020",
        "original": "English",
        "english_only": False,
        "questions": "N/A",
        "place_and_dates": "Geneva, 10-14 December 2018",
        "is_contribution": False,
        "source": "Chairman, TSAG ad hoc group on Quantum",
        "title": "Report of the TSAG ad hoc group on Quantum",
        "purpose": "Information",
        "contacts": [
            {
                "name": "Arnaud Taddei",
                "organization": "Symantec",
                "country": "USA",
                "tel": "+41 22 000 0000",
                "email": "a@example.org",
            },
            {
                "name": "Second Person",
                "organization": "",
                "country": "",
                "tel": "",
                "email": "b@example.org",
            },
        ],
        "keywords": "TSAG; quantum",
        "abstract": "This TD contains the report.",
        "abstract_in_header": True,
        "action": "",
        "kind": "td",
        "running_header": "TSAG-TD446",
        "subtitle": "",
        "liaison": None,
        "report_date": "",
        "report_lines": [],
        "label_width": 0,
    },
    "labels": {
        "organisation": "INTERNATIONAL TELECOMMUNICATION UNION",
        "sector": "TELECOMMUNICATION STANDARDIZATION SECTOR",
        "study_period": "STUDY PERIOD 2017-2020",
        "original": "Original: English",
        "only": "English only",
        "questions": "Question(s):",
        "source": "Source:",
        "title": "Title:",
        "purpose": "Purpose:",
        "contact": "Contact:",
        "tel": "Tel:",
        "email": "E-mail:",
        "keywords": "Keywords:",
        "abstract": "Abstract:",
        "action": "Action:",
        "contribution": "CONTRIBUTION",
        "liaison_statement": "LIAISON STATEMENT",
        "for_action": "For action to:",
        "for_comment": "For comment to:",
        "for_information": "For information to:",
        "approval": "Approval:",
        "deadline": "Deadline:",
    },
    "body": "BODY-MARKER-1234",
}

ACTION = "TSAG is invited to approve this report."
LAYOUT_2022 = {"abstract_in_header": False, "action": ACTION, "purpose": "", "keywords": ""}
NO_OPTIONAL = {
    "purpose": "",
    "keywords": "",
    "contacts": [],
    "is_contribution": False,
    "english_only": False,
    "abstract_in_header": False,
    "action": "",
}

LIAISON_FIELDS = ("for_action", "for_comment", "for_information", "cc", "approval", "sent",
                  "deadline", "attachments")
# Every docxtpl tag of the template: the placeholder contract.
EXPECTED_TAGS = {
    "word/document.xml": {
        "{{ labels.organisation }}",
        "{{ labels.sector }}",
        "{{ labels.study_period }}",
        "{{ labels.only }}",
        "{{ labels.original }}",
        "{{ labels.questions }}",
        "{{ labels.contribution }}",
        "{{ labels.source }}",
        "{{ labels.title }}",
        "{{ labels.purpose }}",
        "{{ labels.contact }}",
        "{{ labels.tel }}",
        "{{ labels.email }}",
        "{{ labels.keywords }}",
        "{{ labels.abstract }}",
        "{{ labels.action }}",
        "{%p if cover.masthead_number %}",
        "{{ cover.masthead_number }}",
        "{{ cover.group }}",
        "{%p if cover.english_only %}",
        "{%p endif %}",
        "{{ cover.questions }}",
        "{{ cover.place_and_dates }}",
        "{%tr if cover.is_contribution %}",
        "{%tr endif %}",
        "{{ cover.source }}",
        "{{ cover.title }}",
        "{%tr if cover.purpose %}",
        "{{ cover.purpose }}",
        "{%tr for c in cover.contacts %}",
        "{{ c.name }}",
        "{%r if c.organization %}",
        "{{ c.organization }}",
        "{%r endif %}",
        "{%r if c.country %}",
        "{{ c.country }}",
        "{%r if c.tel %}",
        "{{ c.tel }}",
        "{{ c.email }}",
        "{%tr endfor %}",
        "{%tr if cover.keywords %}",
        "{{ cover.keywords }}",
        "{%tr if cover.abstract_in_header and cover.abstract %}",
        "{{ cover.abstract }}",
        "{%p if cover.abstract and not cover.abstract_in_header %}",
        "{%p if cover.action %}",
        " {{ cover.action }}",
        "{{ body }}",
        # an e-mail-less contact: the telephone alone, or nothing
        "{%p if c.email %}",
        "{%p elif c.tel %}",
        "{%p else %}",
        # a plain document: its title and subtitle instead of the cover
        "{%p if cover.kind == 'plain' %}",
        "{{ cover.subtitle }}",
        "{%p if cover.subtitle %}",
        # a liaison statement's rows
        "{%tr if cover.liaison %}",
        "{{ labels.liaison_statement }}",
        *(f"{{%tr if cover.liaison.{name} %}}" for name in LIAISON_FIELDS),
        *(f"{{{{ labels.{name} }}}}" for name in LIAISON_FIELDS),
        *(f"{{{{ cover.liaison.{name} }}}}" for name in LIAISON_FIELDS),
        # a report: the month and year in the masthead, its REPORT lines
        "{%p if cover.report_date %}",
        "{{ cover.report_date }}",
        "{%tr if cover.report_lines %}",
        "{%p for line in cover.report_lines %}",
        "{{ line }}",
        "{%p endfor %}",
        # a letter: its letterhead, reference block and subject
        "{%p elif cover.kind == 'letter' %}",
        "{{ cover.letter.bureau }}",
        "{{ cover.letter.place_and_date }}",
        "{{ cover.letter.labels[0] }}",
        "{%p for line in cover.letter.reference %}",
        "{%p for a in cover.letter.addressees %}",
        "{{ a }}",
        "{%tr for r in cover.letter.rows %}",
        "{{ r[0] }}",
        "{{ r[1] }}",
        "{%tr if cover.letter.copy_to %}",
        "{{ cover.letter.labels[1] }}",
        "{%p for c in cover.letter.copy_to %}",
        "{{ c }}",
        "{{ cover.letter.labels[2] }}",
        "{{ cover.letter.subject }}",
    },
    "word/header1.xml": {"{{ cover.running_header }}"},
}


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------


def q(path: str) -> str:
    """``w:a/w:b`` -> Clark notation (usable as a tag or a find() path)."""
    steps = (step.split(":") for step in path.split("/"))
    return "/".join(f"{{{NSMAP[prefix]}}}{local}" for prefix, local in steps)


def wval(node: etree._Element | None, attr: str = "val") -> str | None:
    """A w: attribute of node, or None when node is missing."""
    return None if node is None else node.get(q(f"w:{attr}"))


def ival(node: etree._Element | None, attr: str = "val") -> int:
    """A w: attribute of node as an int (it must be there)."""
    value = wval(node, attr)
    assert value is not None, (node, attr)
    return int(value)


def read_parts(path: Path) -> dict[str, bytes]:
    """All zip members of a .docx."""
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def parse(data: bytes) -> etree._Element:
    """Parse one XML part strictly (no recovery)."""
    return etree.fromstring(data, parser=etree.XMLParser(recover=False))


def text_of(node: etree._Element) -> str:
    """Visible text: w:t, TAB as \\t, line break as \\n, paragraphs joined by \\n."""
    if node.tag == q("w:p"):
        out = []
        for item in node.iter(q("w:t"), q("w:tab"), q("w:br")):
            if item.tag == q("w:t"):
                out.append(item.text or "")
            elif item.tag == q("w:tab") and item.getparent().tag == q("w:r"):
                out.append("\t")
            elif item.tag == q("w:br"):
                out.append("\n")
        return "".join(out)
    return "\n".join(text_of(p) for p in node.iter(q("w:p")))


def body(doc: etree._Element) -> etree._Element:
    """The w:body of a document.xml root."""
    return doc.find(q("w:body"))


def tables(doc: etree._Element) -> list[etree._Element]:
    """Top-level tables of the body."""
    return body(doc).findall(q("w:tbl"))


def rows_text(table: etree._Element) -> list[list[str]]:
    """Cell texts of every row."""
    return [[text_of(tc) for tc in tr.findall(q("w:tc"))] for tr in table.findall(q("w:tr"))]


def all_rows(doc: etree._Element) -> list[list[str]]:
    """Cell texts of every row of every top-level table, in order."""
    return [row for table in tables(doc) for row in rows_text(table)]


def grid(table: etree._Element) -> list[int]:
    """Grid column widths of a table."""
    return [ival(c, "w") for c in table.find(q("w:tblGrid")).findall(q("w:gridCol"))]


def cover(**overrides: Any) -> dict[str, Any]:
    """The sample context with some cover fields replaced."""
    ctx = copy.deepcopy(SAMPLE)
    ctx["cover"].update(overrides)
    return ctx


def jinja_env() -> SandboxedEnvironment:
    """The environment the generator must use."""
    return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


def render(ctx: dict[str, Any], out: Path) -> Path:
    """Render the template with docxtpl and save it to out."""
    tpl = DocxTemplate(TEMPLATE)
    tpl.render(ctx, jinja_env=jinja_env(), autoescape=True)
    tpl.save(out)
    return out


def styles_by_id(styles: etree._Element) -> dict[str, etree._Element]:
    """w:style elements keyed by styleId."""
    return {s.get(q("w:styleId")): s for s in styles.findall(q("w:style"))}


def own_props(style: etree._Element) -> dict[str, Any]:
    """The paragraph/run properties a style declares itself, flattened."""
    props: dict[str, Any] = {}
    ppr = style.find(q("w:pPr"))
    for child in [] if ppr is None else ppr:
        local = etree.QName(child).localname
        if local in ("spacing", "ind"):
            props.update({etree.QName(k).localname: int(v) for k, v in child.attrib.items()})
        elif local == "tabs":
            tabs = child.findall(q("w:tab"))
            assert {wval(t) for t in tabs} <= {"left", "clear", "right"}
            props["tabs"] = [ival(t, "pos") for t in tabs if wval(t) == "left"]
            if any(wval(t) != "left" for t in tabs):  # a TOC style's
                props["clear"] = [ival(t, "pos") for t in tabs if wval(t) == "clear"]
                props["leader"] = [(ival(t, "pos"), t.get(q("w:leader"))) for t in tabs
                                   if wval(t) == "right"]
        elif local == "jc":
            props["jc"] = wval(child)
        elif local == "outlineLvl":
            props["outlineLvl"] = ival(child)
        else:
            props[local] = True
    rpr = style.find(q("w:rPr"))
    for child in [] if rpr is None else rpr:
        local = etree.QName(child).localname
        if local in ("bCs", "iCs", "szCs"):
            continue  # complex-script twins of b, i, sz
        if local == "sz":
            props["sz"] = ival(child)
        elif local == "rFonts":
            props["fonts"] = {etree.QName(k).localname: v for k, v in child.attrib.items()}
        elif local in ("color", "u"):
            props[local] = wval(child)
        elif local == "position":
            props["position"] = ival(child)
        else:
            props[local] = True
    return props


def effective_props(by_id: dict[str, etree._Element], style_id: str) -> dict[str, Any]:
    """Own properties merged along the basedOn chain (base first)."""
    chain = []
    current: str | None = style_id
    while current:
        chain.append(by_id[current])
        current = wval(by_id[current].find(q("w:basedOn")))
    merged: dict[str, Any] = {}
    for style in reversed(chain):
        merged.update(own_props(style))
    return merged


@pytest.fixture(scope="module")
def parts() -> dict[str, bytes]:
    """The committed template's zip members."""
    assert TEMPLATE.exists(), "run templates/make_template.py first"
    return read_parts(TEMPLATE)


@pytest.fixture(scope="module")
def styles(parts: dict[str, bytes]) -> etree._Element:
    """word/styles.xml of the template."""
    return parse(parts["word/styles.xml"])


@pytest.fixture(scope="module")
def document(parts: dict[str, bytes]) -> etree._Element:
    """word/document.xml of the template."""
    return parse(parts["word/document.xml"])


@pytest.fixture(scope="module")
def rendered_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory for rendered documents shared by a module."""
    return tmp_path_factory.mktemp("rendered")


def rendered(ctx: dict[str, Any], out: Path) -> dict[str, etree._Element]:
    """Render and return the parsed document and header parts."""
    path = render(ctx, out)
    raw = read_parts(path)
    return {name: parse(data) for name, data in raw.items() if name.endswith(".xml")}


# --------------------------------------------------------------------------
# package and reproducibility
# --------------------------------------------------------------------------


def test_zip_entries_are_fixed_and_normalised() -> None:
    with zipfile.ZipFile(TEMPLATE) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == PART_ORDER
    for info in infos:
        assert info.date_time == (1980, 1, 1, 0, 0, 0), info.filename
        assert info.create_system == 0, info.filename
        assert info.external_attr == 0, info.filename
        assert info.compress_type == zipfile.ZIP_DEFLATED, info.filename


def test_script_regenerates_byte_identical_file(tmp_path: Path) -> None:
    outputs = []
    for name in ("first.docx", "second.docx"):
        out = tmp_path / "sub" / name
        subprocess.run([sys.executable, str(SCRIPT), str(out)], check=True, timeout=60)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert outputs[0] == TEMPLATE.read_bytes(), "templates/itu-td.docx is stale: rerun the script"


def test_every_part_parses_and_has_a_content_type(parts: dict[str, bytes]) -> None:
    types = parse(parts["[Content_Types].xml"])
    overrides = {o.get("PartName") for o in types}
    for name, data in parts.items():
        parse(data)
        if not name.endswith(".rels"):
            assert f"/{name}" in overrides or name == "[Content_Types].xml"
    # a theme part exists (Word expects one) and names only the ITU fonts
    theme = parts["word/theme/theme1.xml"]
    faces = set(re.findall(rb'typeface="([^"]*)"', theme))
    assert faces == {b"Times New Roman", b"SimSun"}


def test_relationships_resolve(parts: dict[str, bytes]) -> None:
    for rels_name, base in (("_rels/.rels", ""), ("word/_rels/document.xml.rels", "word/")):
        for rel in parse(parts[rels_name]).iter(f"{{{PR_NS}}}Relationship"):
            assert base + rel.get("Target") in parts


def test_no_theme_fonts_and_only_itu_fonts(parts: dict[str, bytes]) -> None:
    for name, data in parts.items():
        tree = parse(data)
        for node in tree.iter():
            for attr in node.attrib:
                assert "theme" not in etree.QName(attr).localname.lower(), (name, attr)
        for fonts in tree.iter(q("w:rFonts")):
            attrs = {etree.QName(k).localname: v for k, v in fonts.attrib.items()}
            assert attrs == ITU_FONTS, name
        assert b"python-docx" not in data, name


def test_core_properties_are_empty_with_fixed_dates(parts: dict[str, bytes]) -> None:
    core = parse(parts["docProps/core.xml"])
    values = {etree.QName(c).localname: (c.text or "") for c in core}
    for field in ("title", "subject", "creator", "keywords", "description", "lastModifiedBy"):
        assert values.get(field, "") == "", field
    assert values["created"] == "2000-01-01T00:00:00Z"
    assert values["modified"] == "2000-01-01T00:00:00Z"


def test_numbering_part_exists_and_is_empty(parts: dict[str, bytes]) -> None:
    numbering = parse(parts["word/numbering.xml"])
    assert numbering.tag == q("w:numbering")
    assert len(numbering) == 0


def test_settings(parts: dict[str, bytes]) -> None:
    settings = parse(parts["word/settings.xml"])
    assert settings.find(q("w:evenAndOddHeaders")) is None
    assert wval(settings.find(q("w:defaultTabStop"))) == "794"
    modes = [
        wval(c)
        for c in settings.iter(q("w:compatSetting"))
        if wval(c, "name") == "compatibilityMode"
    ]
    assert modes == ["15"]


def test_font_table(parts: dict[str, bytes]) -> None:
    fonts = parse(parts["word/fontTable.xml"])
    assert {wval(f, "name") for f in fonts.findall(q("w:font"))} == {TNR, "SimSun"}


# --------------------------------------------------------------------------
# styles
# --------------------------------------------------------------------------

# styleId: (w:name, basedOn, next, own properties)
PARAGRAPH_STYLES: dict[str, tuple[str, str | None, str | None, dict[str, Any]]] = {
    "Normal": (
        "Normal",
        None,
        None,
        {
            "fonts": ITU_FONTS,
            "sz": 24,
            "before": 120,
            "after": 0,
            "tabs": [794, 1191, 1588, 1985],
            "jc": "left",
        },
    ),
    "Heading1": (
        "heading 1",
        "Normal",
        "Normal",
        {
            "keepNext": True,
            "keepLines": True,
            "before": 360,
            "left": 794,
            "hanging": 794,
            "b": True,
            "outlineLvl": 0,
        },
    ),
    "Heading2": ("heading 2", "Heading1", "Normal", {"before": 240, "outlineLvl": 1}),
    "Heading3": ("heading 3", "Heading1", "Normal", {"before": 160, "outlineLvl": 2}),
    "Headingb": ("Heading_b", "Normal", "Normal", {"b": True, "before": 160, "keepNext": True}),
    "Headingi": ("Heading_i", "Normal", "Normal", {"i": True, "before": 160, "keepNext": True}),
    # TOC 1-3: number at 0 / 1.40 / 2.80 cm, a tab to the title, Normal's other stops
    # cleared, a dot leader to the page number at the right margin (9639 tw)
    **{f"TOC{n}": (f"toc {n}", "Normal", "Normal", {
        "tabs": [794 * n], "clear": [t for t in (794, 1191, 1588, 1985) if t != 794 * n],
        "leader": [(9639, "dot")], "before": 120 if n == 1 else 60, "left": 794 * n,
        "hanging": 794}) for n in (1, 2, 3)},
    "Call": (
        "Call",
        "Normal",
        None,
        {"i": True, "before": 160, "left": 794, "keepNext": True, "keepLines": True},
    ),
    "enumlev1": ("enumlev1", "Normal", None, {"before": 80, "left": 794, "hanging": 794}),
    "enumlev2": ("enumlev2", "enumlev1", None, {"left": 1191, "hanging": 397}),
    "enumlev3": ("enumlev3", "enumlev2", None, {"left": 1588, "hanging": 397}),
    "Note": ("Note", "Normal", None, {"sz": 22, "before": 80}),
    "Normalaftertitle": ("Normal_after_title", "Normal", None, {"before": 360}),
    "TableNoTitle": (
        "Table_NoTitle",
        "Normal",
        "Tablehead",
        {
            "b": True,
            "jc": "center",
            "before": 360,
            "after": 120,
            "keepNext": True,
            "keepLines": True,
        },
    ),
    "Tablehead": (
        "Table_head",
        "Normal",
        None,
        {"sz": 22, "b": True, "jc": "center", "before": 80, "after": 80, "keepNext": True},
    ),
    "Tabletext": (
        "Table_text",
        "Normal",
        None,
        {"sz": 22, "jc": "left", "before": 40, "after": 40},
    ),
    "Tablelegend": ("Table_legend", "Tabletext", None, {"after": 40}),
    "AnnexNoTitle": (
        "Annex_NoTitle",
        "Normal",
        "Normalaftertitle",
        {
            "sz": 28,
            "b": True,
            "jc": "center",
            "before": 720,
            "keepNext": True,
            "keepLines": True,
            "outlineLvl": 0,
            "pageBreakBefore": True,
        },
    ),
    "AppendixNoTitle": (
        "Appendix_NoTitle",
        "Normal",
        "Normalaftertitle",
        {
            "sz": 28,
            "b": True,
            "jc": "center",
            "before": 720,
            "keepNext": True,
            "keepLines": True,
            "outlineLvl": 0,
            "pageBreakBefore": True,
        },
    ),
    # the picture's paragraph (itu-style.md §4): centred, 12 pt before, 6 pt after
    "Figure": (
        "Figure",
        "Normal",
        "FigureNoTitle",
        {"jc": "center", "before": 240, "after": 120, "keepNext": True, "keepLines": True},
    ),
    "FigureNoTitle": (
        "Figure_NoTitle",
        "Normal",
        "Normalaftertitle",
        {"b": True, "jc": "center", "before": 240, "after": 120, "keepLines": True},
    ),
    "Header": (
        "header",
        "Normal",
        None,
        {"sz": 18, "jc": "center", "before": 0, "after": 0},
    ),
    "Docnumber": ("Docnumber", "Normal", None, {"sz": 40, "b": True, "jc": "right"}),
    "Quotation": ("Quotation", "Normal", None, {"left": 794, "right": 794}),
    "Endmark": ("Endmark", "Normal", None, {"jc": "center", "before": 240}),
    # the title of a plain document (no cover table)
    "RecTitle": ("Rec_Title", "Normal", "Normalaftertitle",
                 {"sz": 28, "b": True, "jc": "center", "before": 240, "keepNext": True,
                  "keepLines": True}),
    # footnote text: based on Note (11 pt), number at 0, TAB and text at 0.45 cm
    "FootnoteText": ("footnote text", "Note", None,
                     {"keepLines": True, "tabs": [255], "left": 255, "hanging": 255}),
}


@pytest.mark.parametrize("style_id", sorted(PARAGRAPH_STYLES))
def test_paragraph_style(styles: etree._Element, style_id: str) -> None:
    name, based_on, next_style, expected = PARAGRAPH_STYLES[style_id]
    style = styles_by_id(styles)[style_id]
    assert style.get(q("w:type")) == "paragraph"
    assert wval(style.find(q("w:name"))) == name
    assert wval(style.find(q("w:basedOn"))) == based_on
    assert wval(style.find(q("w:next"))) == next_style
    assert own_props(style) == expected


def test_only_the_catalogue_is_defined(styles: etree._Element) -> None:
    by_type: dict[str, set[str]] = {}
    for style in styles.findall(q("w:style")):
        by_type.setdefault(style.get(q("w:type")), set()).add(style.get(q("w:styleId")))
    assert by_type["paragraph"] == set(PARAGRAPH_STYLES)
    assert by_type["character"] == {"DefaultParagraphFont", "Hyperlink", "FootnoteReference"}
    assert by_type["table"] == {"TableNormal", "ITUTable"}
    assert by_type.get("numbering", set()) <= {"NoList"}


def test_normal_is_the_default_paragraph_style(styles: etree._Element) -> None:
    defaults = [s for s in styles.findall(q("w:style")) if s.get(q("w:default")) == "1"]
    assert {(s.get(q("w:type")), s.get(q("w:styleId"))) for s in defaults} >= {
        ("paragraph", "Normal"),
        ("character", "DefaultParagraphFont"),
        ("table", "TableNormal"),
    }
    assert len({s.get(q("w:type")) for s in defaults}) == len(defaults)


@pytest.mark.parametrize(
    ("style_id", "expected"),
    [
        ("Heading2", {"b": True, "left": 794, "hanging": 794, "keepNext": True, "sz": 24}),
        ("Heading3", {"b": True, "left": 794, "hanging": 794, "keepLines": True}),
        ("enumlev3", {"before": 80, "left": 1588, "hanging": 397}),
        ("Tablelegend", {"sz": 22, "before": 40, "after": 40, "jc": "left"}),
        ("Header", {"fonts": ITU_FONTS, "sz": 18, "before": 0, "after": 0}),
    ],
)
def test_inherited_values(styles: etree._Element, style_id: str, expected: dict[str, Any]) -> None:
    merged = effective_props(styles_by_id(styles), style_id)
    assert {k: merged.get(k) for k in expected} == expected


def test_doc_defaults(styles: etree._Element) -> None:
    rpr = styles.find(q("w:docDefaults")).find(q("w:rPrDefault")).find(q("w:rPr"))
    fonts = rpr.find(q("w:rFonts"))
    assert {etree.QName(k).localname: v for k, v in fonts.attrib.items()} == ITU_FONTS
    assert wval(rpr.find(q("w:sz"))) == "24"
    assert wval(rpr.find(q("w:lang"))) == "en-GB"


def test_hyperlink_character_style(styles: etree._Element) -> None:
    style = styles_by_id(styles)["Hyperlink"]
    assert style.get(q("w:type")) == "character"
    assert wval(style.find(q("w:name"))) == "Hyperlink"
    assert own_props(style) == {"color": "0000FF", "u": "single"}


def test_footnote_reference_character_style(styles: etree._Element) -> None:
    """ITU's footnote number: 9 pt, raised 3 pt (w:position in half-points)."""
    style = styles_by_id(styles)["FootnoteReference"]
    assert style.get(q("w:type")) == "character"
    assert wval(style.find(q("w:name"))) == "footnote reference"
    assert own_props(style) == {"sz": 18, "position": 6}


def test_default_paragraph_font(styles: etree._Element) -> None:
    style = styles_by_id(styles)["DefaultParagraphFont"]
    assert style.get(q("w:type")) == "character"
    assert style.get(q("w:default")) == "1"
    assert wval(style.find(q("w:name"))) == "Default Paragraph Font"


def _cell_margins(tbl_pr: etree._Element) -> dict[str, int]:
    mar = tbl_pr.find(q("w:tblCellMar"))
    return {etree.QName(side).localname: ival(side, "w") for side in mar}


def test_itu_table_style(styles: etree._Element) -> None:
    style = styles_by_id(styles)["ITUTable"]
    assert style.get(q("w:type")) == "table"
    assert wval(style.find(q("w:name"))) == "ITU Table"
    tbl_pr = style.find(q("w:tblPr"))
    assert wval(tbl_pr.find(q("w:jc"))) == "center"
    borders = tbl_pr.find(q("w:tblBorders"))
    sides = ("top", "left", "bottom", "right", "insideH", "insideV")
    assert [etree.QName(b).localname for b in borders] == list(sides)
    for border in borders:
        assert (wval(border), wval(border, "sz"), wval(border, "color")) == ("single", "4", "auto")
    assert _cell_margins(tbl_pr) == {"top": 0, "left": 108, "bottom": 0, "right": 108}


def test_table_normal_style(styles: etree._Element) -> None:
    style = styles_by_id(styles)["TableNormal"]
    assert (style.get(q("w:type")), style.get(q("w:default"))) == ("table", "1")
    assert wval(style.find(q("w:name"))) == "Table Normal"
    assert _cell_margins(style.find(q("w:tblPr")))["left"] == 108


# --------------------------------------------------------------------------
# section, headers, document skeleton
# --------------------------------------------------------------------------


def test_section_properties(parts: dict[str, bytes], document: etree._Element) -> None:
    sect = body(document)[-1]
    assert sect.tag == q("w:sectPr")
    size = sect.find(q("w:pgSz"))
    assert (wval(size, "w"), wval(size, "h")) == ("11907", "16840")
    assert wval(size, "orient") in (None, "portrait")
    margins = sect.find(q("w:pgMar"))
    for side in ("top", "bottom", "left", "right"):
        assert wval(margins, side) == "1134", side
    assert (wval(margins, "header"), wval(margins, "footer"), wval(margins, "gutter")) == (
        "567",
        "567",
        "0",
    )
    assert sect.find(q("w:titlePg")) is not None
    assert sect.find(q("w:footerReference")) is None
    rels = {
        r.get("Id"): r.get("Target")
        for r in parse(parts["word/_rels/document.xml.rels"]).iter(f"{{{PR_NS}}}Relationship")
    }
    headers = {
        wval(h, "type"): rels[h.get(f"{{{R_NS}}}id")] for h in sect.findall(q("w:headerReference"))
    }
    assert headers == {"default": "header1.xml", "first": "header2.xml"}
    assert not any("footer" in target for target in rels.values())


def test_first_page_header_is_empty(parts: dict[str, bytes]) -> None:
    header = parse(parts["word/header2.xml"])
    paragraphs = header.findall(q("w:p"))
    assert len(paragraphs) == 1
    assert text_of(header) == ""


def assert_page_field(paragraph: etree._Element) -> None:
    """'- ' PAGE-field ' -' as separate runs: begin / instr / separate / '2' / end."""
    sequence = []
    for r in paragraph.findall(q("w:r")):
        fld = r.find(q("w:fldChar"))
        instr = r.find(q("w:instrText"))
        if fld is not None:
            sequence.append(wval(fld, "fldCharType"))
        elif instr is not None:
            assert instr.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"
            sequence.append(f"instr:{instr.text}")
        else:
            sequence.append("".join(t.text or "" for t in r.iter(q("w:t"))))
    assert sequence == ["- ", "begin", "instr: PAGE ", "separate", "2", "end", " -"]


def test_default_header(parts: dict[str, bytes]) -> None:
    header = parse(parts["word/header1.xml"])
    first, second = header.findall(q("w:p"))
    for paragraph in (first, second):
        assert wval(paragraph.find(q("w:pPr/w:pStyle"))) == "Header"
    assert_page_field(first)
    runs = second.findall(q("w:r"))
    assert [text_of(second)] == ["{{ cover.running_header }}"]
    assert len(runs) == 1


def test_jinja_tags_sit_whole_in_one_run(parts: dict[str, bytes]) -> None:
    for name, expected in EXPECTED_TAGS.items():
        found = set()
        for t in parse(parts[name]).iter(q("w:t")):
            value = t.text or ""
            assert value.count("{{") == value.count("}}"), value
            assert value.count("{%") == value.count("%}"), value
            if "{" in value:
                found.add(value)
        assert found == expected, name


def test_template_variables_are_cover_labels_and_body() -> None:
    tpl = DocxTemplate(TEMPLATE)
    assert tpl.get_undeclared_template_variables(jinja_env()) == {"cover", "labels", "body"}


def test_body_placeholder_and_end_mark(document: etree._Element) -> None:
    paragraphs = body(document).findall(q("w:p"))
    marker, end = paragraphs[-2], paragraphs[-1]
    assert text_of(marker) == "{{ body }}"
    assert marker.find(q("w:pPr/w:pStyle")) is None  # Normal
    assert text_of(end) == "_" * 20
    assert wval(end.find(q("w:pPr/w:pStyle"))) == "Endmark"
    assert body(document)[-2] is end  # last paragraph before sectPr


def iter_cells(table: etree._Element) -> Iterator[tuple[etree._Element, int]]:
    """(cell, width of the grid columns it spans)."""
    widths = grid(table)
    for tr in table.findall(q("w:tr")):
        column = 0
        for tc in tr.findall(q("w:tc")):
            span = int(wval(tc.find(q("w:tcPr/w:gridSpan"))) or 1)
            yield tc, sum(widths[column : column + span])
            column += span
        assert column == len(widths), "row does not fill the grid"


def test_cover_tables_geometry(document: etree._Element) -> None:
    letter_table, cover_table, abstract_table = tables(document)  # a letter's, a TD's
    assert grid(letter_table) == grid(cover_table)
    assert sum(grid(cover_table)) == 9639
    assert len(grid(cover_table)) == 3
    assert grid(abstract_table) == [grid(cover_table)[0], 9639 - grid(cover_table)[0]]
    for table in (cover_table, abstract_table):
        tbl_pr = table.find(q("w:tblPr"))
        assert wval(tbl_pr.find(q("w:tblLayout")), "type") == "fixed"
        assert wval(tbl_pr.find(q("w:tblW")), "w") == "9639"
        for side in ("left", "right", "insideV"):
            assert wval(tbl_pr.find(q(f"w:tblBorders/w:{side}"))) in ("nil", "none")
        for tc, width in iter_cells(table):
            tc_w = tc.find(q("w:tcPr/w:tcW"))
            assert (wval(tc_w, "w"), wval(tc_w, "type")) == (str(width), "dxa")
            borders = tc.find(q("w:tcPr/w:tcBorders"))
            for side in ("left", "right", "start", "end", "insideV"):
                node = None if borders is None else borders.find(q(f"w:{side}"))
                assert wval(node) in (None, "nil", "none")
        for tr in table.findall(q("w:tr")):
            assert tr.find(q("w:trPr/w:cantSplit")) is not None


# --------------------------------------------------------------------------
# rendering with docxtpl
# --------------------------------------------------------------------------


def label_column(doc: etree._Element) -> list[str]:
    """First-cell texts of all cover rows."""
    return [row[0] for row in all_rows(doc)]


def has_rule(tr: etree._Element, side: str) -> bool:
    """Whether every cell of the row carries a 1.5 pt rule on side."""
    sizes = [wval(tc.find(q(f"w:tcPr/w:tcBorders/w:{side}")), "sz") for tc in tr.findall(q("w:tc"))]
    return sizes == ["12"] * len(sizes)


def test_render_2017_layout(rendered_dir: Path) -> None:
    doc = rendered(SAMPLE, rendered_dir / "2017.docx")["word/document.xml"]
    assert len(tables(doc)) == 1
    rows = all_rows(doc)
    assert label_column(doc) == [
        "",
        "Question(s):",
        "Source:",
        "Title:",
        "Purpose:",
        "Contact:",
        "Contact:",
        "Keywords:",
        "Abstract:",
    ]
    assert rows[1] == ["Question(s):", "N/A", "Geneva, 10-14 December 2018"]
    assert rows[2] == ["Source:", "Chairman, TSAG ad hoc group on Quantum"]
    assert rows[3] == ["Title:", "Report of the TSAG ad hoc group on Quantum"]
    assert rows[4] == ["Purpose:", "Information"]
    assert rows[5] == [
        "Contact:",
        "Arnaud Taddei\nSymantec\nUSA",
        "Tel:\t+41 22 000 0000\nE-mail:\ta@example.org",
    ]
    assert rows[6] == ["Contact:", "Second Person", "E-mail:\tb@example.org"]
    assert rows[7] == ["Keywords:", "TSAG; quantum"]
    assert rows[8] == ["Abstract:", "This TD contains the report."]
    assert "Action:" not in text_of(body(doc))
    trs = tables(doc)[0].findall(q("w:tr"))
    bottom_rules = [has_rule(tr, "bottom") for tr in trs]
    # masthead, Title and each contact are ruled below (1.5 pt)
    assert bottom_rules == [True, False, False, True, False, True, True, False, False]
    assert has_rule(trs[5], "top") and has_rule(trs[6], "top")


def test_render_2022_layout_with_action(rendered_dir: Path) -> None:
    doc = rendered(cover(**LAYOUT_2022), rendered_dir / "2022.docx")["word/document.xml"]
    cover_table, abstract_table = tables(doc)
    assert [row[0] for row in rows_text(cover_table)] == [
        "",
        "Question(s):",
        "Source:",
        "Title:",
        "Contact:",
        "Contact:",
    ]
    assert rows_text(abstract_table) == [["Abstract:", "This TD contains the report."]]
    after = list(body(doc))[list(body(doc)).index(abstract_table) + 1]
    assert text_of(after) == f"Action: {ACTION}"
    first_run = after.find(q("w:r"))
    assert text_of(after).startswith("Action:")
    assert first_run.find(q("w:rPr/w:b")) is not None
    assert first_run.findtext(q("w:t")) == "Action:"
    paragraphs = body(doc).findall(q("w:p"))
    assert [text_of(p) for p in paragraphs[-3:]] == [
        f"Action: {ACTION}",
        "BODY-MARKER-1234",
        "_" * 20,
    ]


def test_action_also_allowed_with_2017_layout(rendered_dir: Path) -> None:
    doc = rendered(cover(action=ACTION), rendered_dir / "2017-action.docx")["word/document.xml"]
    assert len(tables(doc)) == 1
    assert [text_of(p) for p in body(doc).findall(q("w:p"))][:1] == [f"Action: {ACTION}"]


def test_render_contribution(rendered_dir: Path) -> None:
    doc = rendered(cover(is_contribution=True), rendered_dir / "c.docx")["word/document.xml"]
    trs = tables(doc)[0].findall(q("w:tr"))
    hits = [tr for tr in trs if text_of(tr) == "CONTRIBUTION"]
    assert len(hits) == 1
    assert label_column(doc)[1:4] == ["Question(s):", "CONTRIBUTION", "Source:"]
    (tc,) = hits[0].findall(q("w:tc"))
    assert wval(tc.find(q("w:tcPr/w:gridSpan"))) == "3"
    paragraph = tc.find(q("w:p"))
    assert wval(paragraph.find(q("w:pPr/w:jc"))) == "center"
    assert paragraph.find(q("w:r/w:rPr/w:b")) is not None


def test_td_has_no_contribution_row(rendered_dir: Path) -> None:
    doc = rendered(SAMPLE, rendered_dir / "td.docx")["word/document.xml"]
    assert "CONTRIBUTION" not in text_of(body(doc))


def test_render_without_optional_rows(rendered_dir: Path) -> None:
    doc = rendered(cover(**NO_OPTIONAL), rendered_dir / "minimal.docx")["word/document.xml"]
    cover_table, abstract_table = tables(doc)
    assert [row[0] for row in rows_text(cover_table)] == ["", "Question(s):", "Source:", "Title:"]
    assert rows_text(abstract_table) == [["Abstract:", "This TD contains the report."]]
    text = text_of(body(doc))
    for absent in ("Contact:", "Purpose:", "Keywords:", "Action:", "English only", "CONTRIBUTION"):
        assert absent not in text


CONTEXTS = {
    "2017": SAMPLE,
    "2022": cover(**LAYOUT_2022),
    "contribution": cover(is_contribution=True, english_only=True),
    "minimal": cover(**NO_OPTIONAL),
}


@pytest.mark.parametrize("variant", sorted(CONTEXTS))
def test_no_empty_rows_or_leftover_tags(rendered_dir: Path, variant: str) -> None:
    result = rendered(CONTEXTS[variant], rendered_dir / f"rows-{variant}.docx")
    doc = result["word/document.xml"]
    for table in tables(doc):
        for tr in table.findall(q("w:tr")):
            assert text_of(tr).strip(), "empty row"
    for name, tree in result.items():
        text = text_of(tree) if name.startswith("word/") else ""
        assert "{{" not in text and "{%" not in text, name
    assert text_of(body(doc)).count("Contact:") == len(CONTEXTS[variant]["cover"]["contacts"])


def test_masthead_strings_in_order(rendered_dir: Path) -> None:
    doc = rendered(cover(english_only=True), rendered_dir / "masthead.docx")["word/document.xml"]
    texts = [text_of(p) for p in body(doc).iter(q("w:p")) if text_of(p)]
    expected = [
        "INTERNATIONAL TELECOMMUNICATION UNION",
        "TELECOMMUNICATION STANDARDIZATION SECTOR",
        "STUDY PERIOD 2017-2020",
        "TSAG-TD446",
        "TSAG",
        "English only",
        "Original: English",
    ]
    # the masthead is the first text of the document, in this order
    assert texts[: len(expected)] == expected
    masthead_row = tables(doc)[0].find(q("w:tr"))
    assert text_of(masthead_row.findall(q("w:tc"))[2]) == (
        "TSAG-TD446\nTSAG\nEnglish only\nOriginal: English"
    )
    without = rendered(SAMPLE, rendered_dir / "masthead-plain.docx")["word/document.xml"]
    assert "English only" not in text_of(body(without))


def test_masthead_sizes(document: etree._Element) -> None:
    def size_of(value: str) -> tuple[str | None, bool]:
        for t in body(document).iter(q("w:t")):
            if t.text == value:
                rpr = t.getparent().find(q("w:rPr"))
                return wval(rpr.find(q("w:sz"))), rpr.find(q("w:b")) is not None
        raise AssertionError(value)

    assert size_of("{{ labels.organisation }}") == ("16", False)
    assert size_of("{{ labels.sector }}") == ("26", True)
    assert size_of("{{ labels.study_period }}") == ("20", False)
    assert size_of("{{ cover.masthead_number }}") == ("32", True)
    assert size_of("{{ cover.group }}") == ("28", True)


def test_user_text_is_literal(rendered_dir: Path) -> None:
    nasty = "A & B <c> {x}"
    ctx = cover(
        title=nasty,
        source=nasty,
        masthead_number=f"TD-{nasty}",
        running_header=f"TD-{nasty}",
        abstract="{{ 7*7 }} {% if 1 %}x{% endif %}",
        contacts=[
            {"name": nasty, "organization": "<w:p>", "country": "", "tel": "", "email": nasty}
        ],
    )
    result = rendered(ctx, rendered_dir / "escape.docx")
    doc = result["word/document.xml"]
    rows = all_rows(doc)
    assert ["Title:", nasty] in rows
    assert ["Source:", nasty] in rows
    assert ["Contact:", f"{nasty}\n<w:p>", f"E-mail:\t{nasty}"] in rows
    assert ["Abstract:", "{{ 7*7 }} {% if 1 %}x{% endif %}"] in rows
    assert f"TD-{nasty}" in text_of(body(doc))
    assert text_of(result["word/header1.xml"]).splitlines()[1] == f"TD-{nasty}"
    document_ = docx.Document(str(rendered_dir / "escape.docx"))
    assert document_.tables[0].rows[3].cells[1].text == nasty


def test_missing_variable_fails_loudly(tmp_path: Path) -> None:
    ctx = cover()
    del ctx["cover"]["keywords"]
    with pytest.raises(jinja2.UndefinedError):
        render(ctx, tmp_path / "missing.docx")


def test_rendered_headers(rendered_dir: Path) -> None:
    result = rendered(SAMPLE, rendered_dir / "headers.docx")
    header = result["word/header1.xml"]
    assert_page_field(header.find(q("w:p")))
    assert text_of(header) == "- 2 -\nTSAG-TD446"
    assert text_of(result["word/header2.xml"]) == ""


def test_python_docx_reads_template_and_output(rendered_dir: Path) -> None:
    for path in (TEMPLATE, render(SAMPLE, rendered_dir / "pydocx.docx")):
        document_ = docx.Document(str(path))
        section = document_.sections[0]
        lengths = (section.page_width, section.page_height, section.left_margin)
        assert [x.twips if x is not None else None for x in lengths] == [11907, 16840, 1134]
        assert section.right_margin == section.left_margin
        assert section.different_first_page_header_footer
        assert not section.first_page_header.is_linked_to_previous
        assert section.footer.is_linked_to_previous  # no footer part
        assert document_.styles["Heading 1"].style_id == "Heading1"
        assert document_.styles["Table_head"].font.bold
        assert document_.styles["ITU Table"].type == 3  # WD_STYLE_TYPE.TABLE
        last_style = document_.paragraphs[-1].style
        assert last_style is not None and last_style.name == "Endmark"
        assert document_.part.numbering_part is not None


# --------------------------------------------------------------------------
# LibreOffice
# --------------------------------------------------------------------------


def _require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{tool} is required on CI")
        pytest.skip(f"{tool} is not installed")
    return path


def test_libreoffice_converts_rendered_document(tmp_path: Path) -> None:
    soffice = _require("soffice")
    pdftotext = _require("pdftotext")
    source = render(cover(title="A & B <c> {x} quantum report"), tmp_path / "lo.docx")
    # Force a second page so the running header shows.
    document_ = docx.Document(str(source))
    marker = next(p for p in document_.paragraphs if p.text == "BODY-MARKER-1234")
    marker.add_run().add_break(WD_BREAK.PAGE)
    marker.add_run("SECOND-PAGE")
    document_.save(str(source))
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        timeout=120,
        check=False,  # the exit status is not a verdict; the output is
    )
    pdf = tmp_path / "lo.pdf"
    assert pdf.exists(), "LibreOffice produced no PDF"

    def page(number: int) -> str:
        return subprocess.run(
            [pdftotext, "-f", str(number), "-l", str(number), "-layout", str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout

    first, second = page(1), page(2)
    assert "INTERNATIONAL TELECOMMUNICATION UNION" in first
    assert "A & B <c> {x} quantum report" in first
    assert re.search(r"STUDY PERIOD 2017-2020", first)
    assert "- 1 -" not in first  # first page has no running header
    # pdftotext drops the narrow 9 pt spaces around the page number
    head = [re.sub(r"\s+", "", line) for line in second.splitlines() if line.strip()][:2]
    assert head == ["-2-", "TSAG-TD446"]
    assert "____________________" in second
