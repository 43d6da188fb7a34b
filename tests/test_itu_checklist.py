"""The 23-item checklist of itu-style.md §11, on the two real content reports.

Each ``test_item_NN_*`` asserts one checklist item against what ``reportgen build`` writes
for ``content/tsag-2018-12-quantum-adhoc`` (2017-2020 cover: Purpose and Keywords) and
``content/tsag-2022-12-rg-wpr-meeting`` (2022 cover, clause 0, revision R1, a NOTE, a table
with a centred column, two contacts):

* the DOCX parts (styles.xml, document.xml, numbering.xml, the header parts), with every
  style value resolved the way Word resolves it (docDefaults, then the ``basedOn`` chain);
* our PDF, read back with pdftotext (text and word boxes) and pypdf;
* where it says something about the DOCX as people will see it, LibreOffice's PDF of the
  DOCX (one headless conversion per report).

The template's own styles and the cover of a sample context are covered by
``test_template.py``; the seed text end to end by ``test_seed_report.py``; the PDF writer on
a synthetic document by ``test_pdf_writer.py``. This file does not repeat those: it checks
the same rules on the built reports, and that DOCX, LibreOffice and our PDF agree.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from statistics import median
from typing import Any

import pytest
from lxml import etree
from pypdf import PdfReader

from .conftest import Built, W, assert_in_order, libreoffice_pdf, need_tool, normalise

R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"

TEXT_WIDTH = 9639  # 17.0 cm in twips
A4_PT = (595.28, 841.89)
MARGIN_PT = 1134 / 20  # 2.0 cm
EN_DASH, EM_DASH, NBSP = "\u2013", "\u2014", "\u00a0"
END_MARK = "_" * 20
HEADINGS = ("Heading1", "Heading2", "Heading3")
LISTS = ("enumlev1", "enumlev2", "enumlev3")
CAPTION = re.compile(rf"^Table ([A-Z]\.|[IVX]+\.|\d+\.)?(\d+) {EN_DASH} \S")
NOTE_TEXT = re.compile(rf"^NOTE( \d+)? {EN_DASH} ")
COVER_MASTHEAD = ("INTERNATIONAL TELECOMMUNICATION UNION",
                  "TELECOMMUNICATION STANDARDIZATION SECTOR")
LETTER_BUREAU = "TELECOMMUNICATION STANDARDIZATION BUREAU"  # a letter's second line


# ------------------------------------------------------------------ expectations


@dataclass(frozen=True)
class Expect:
    """What the checklist expects of one content report (values from its report.yaml)."""

    fixture: str
    masthead: str
    study_period: str
    place_and_dates: str
    source: str
    title: str
    labels: tuple[str, ...]  # first cell of every cover row, masthead row excluded
    contacts: tuple[tuple[str, bool], ...]  # (name, has a phone number)
    has_action: bool
    heading_start: int
    first_heading: str
    tables: int
    notes: int
    annexes: tuple[str, ...]
    centred_columns: dict[int, tuple[int, ...]]  # table number -> body columns centred
    kind: str = "td"  # td, ls (the LS rows in the cover), plain (no cover table), report
    masthead_second: str = "TSAG"  # under the number: the group, or a report's month


EXPECT = {
    "seed": Expect(
        fixture="seed_build",
        masthead="TSAG-TD446",
        study_period="2017-2020",
        place_and_dates="Geneva, 10-14 December 2018",
        source="Chairman, TSAG ad hoc group on Quantum",
        title="Report of the TSAG ad hoc group on Quantum",
        labels=("Question(s):", "Source:", "Title:", "Purpose:", "Contact:", "Keywords:",
                "Abstract:"),
        contacts=(("Arnaud Taddei", False),),
        has_action=False,
        heading_start=1,
        first_heading="1 Introduction",
        tables=2,
        notes=0,
        annexes=("Latest draft ToR status",),
        centred_columns={1: (), 2: (2, 3, 4, 5)},
    ),
    "second": Expect(
        fixture="second_build",
        masthead="TSAG-TD11-R1",
        study_period="2022-2024",
        place_and_dates="Geneva, 12-16 December 2022",
        source="Rapporteur, TSAG Rapporteur Group on Work Programme and Resolutions",
        title="Report of the TSAG Rapporteur Group on Work Programme and Resolutions "
              "(RG-WPR), Geneva, 12-16 December 2022",
        labels=("Question(s):", "Source:", "Title:", "Contact:", "Contact:", "Abstract:"),
        contacts=(("Jane Rapporteur", True), ("John Associate", False)),
        has_action=True,
        heading_start=0,
        first_heading="0 Actions for TSAG",
        tables=2,
        notes=1,
        annexes=("Draft terms of reference of the TSAG Correspondence Group on the review "
                 "of WTSA Resolutions (CG-RES)",),
        centred_columns={1: (), 2: (0,)},
    ),
    "ls": Expect(
        fixture="ls_build",
        masthead="TSAG-TD250",
        study_period="2022-2024",
        place_and_dates="Geneva, 30 May-2 June 2023",
        source="TSAG",
        title="LS on the work of the ITU-T Focus Group on metaverse (FG-MV)",
        labels=("Question(s):", "Source:", "Title:", "LIAISON STATEMENT", "For action to:",
                "For information to:", "Approval:", "Deadline:", "Contact:"),
        contacts=(("Jane Liaison", False),),
        has_action=False,
        heading_start=1,
        first_heading="",  # unnumbered clauses only
        tables=1,
        notes=0,
        annexes=(),
        centred_columns={1: (1,)},
        kind="ls",
    ),
    "plain": Expect(
        fixture="tor_build",
        masthead="TSAG-TD251",  # in the running header only: a plain text has no masthead
        study_period="2022-2024",
        place_and_dates="",
        source="",
        title="Terms of reference of the ITU-T Focus Group on metaverse (FG-MV)",
        labels=(),
        contacts=(),
        has_action=False,
        heading_start=1,
        first_heading="1 Scope",
        tables=0,
        notes=0,
        annexes=(),
        centred_columns={},
        kind="plain",
    ),
    "report": Expect(
        fixture="report_build",
        masthead="TSAG \u2013 R 2 \u2013 E",
        study_period="2017-2020",
        place_and_dates="",
        source="Telecommunication Standardization Advisory Group",
        title="Report of the second TSAG meeting held in Geneva, 26 February \u2013 2 March "
              "2018",
        labels=("Question(s):",
                "TELECOMMUNICATION STANDARDIZATION ADVISORY GROUP\nREPORT 2", "Source:",
                "Title:", "Purpose:", "Contact:", "Keywords:", "Abstract:"),
        contacts=(("Bruce Gracie", True),),
        has_action=False,
        heading_start=1,
        first_heading="1 Opening of the meeting, TSAG Chairman",
        tables=0,
        notes=0,  # its NOTE comes before the first heading, with the cover
        annexes=(),
        centred_columns={},
        kind="report",
        masthead_second="APRIL 2018",
    ),
    "letter": Expect(
        fixture="letter_build",
        masthead="TSB Collective letter 2/TSAG",  # the running header's number
        study_period="2017-2020",
        place_and_dates="Geneva, 11 September 2017",
        source="",
        title="Second meeting of the Telecommunication Standardization Advisory Group "
              "(TSAG), Geneva, 26 February-2 March 2018",
        labels=("Ref:", "Tel:", "Fax:", "E-mail:", "Web:", "Subject:"),
        contacts=(),
        has_action=False,
        heading_start=1,
        first_heading="",
        tables=0,
        notes=0,
        annexes=("Practical meeting information", "Draft agenda", "Draft time plan"),
        centred_columns={},
        kind="letter",
    ),
}


# ------------------------------------------------------------------ XML helpers


def w(name: str) -> str:
    return f"{W}{name}"


def val(node: etree._Element | None, attr: str = "val") -> str | None:
    return None if node is None else node.get(w(attr))


def on(node: etree._Element | None) -> bool:
    """A Word on/off property: present and not switched off."""
    return node is not None and val(node) not in ("0", "false", "off")


def text_of(p: etree._Element) -> str:
    """A paragraph's text: w:t, run-level w:tab as TAB, w:br as newline."""
    out = []
    for el in p.iter(w("t"), w("tab"), w("br")):
        if el.tag == w("t"):
            out.append(el.text or "")
        elif el.tag == w("br"):
            out.append("\n")
        elif el.getparent() is not None and el.getparent().tag == w("r"):
            out.append("\t")
    return "".join(out)


def p_style(p: etree._Element) -> str:
    """The paragraph's style id; no w:pStyle means the default paragraph style."""
    return val(p.find(f"{w('pPr')}/{w('pStyle')}")) or "Normal"


def num_id(p: etree._Element) -> int:
    """The paragraph's numId (0: not numbered)."""
    return (num_pr(p) or (0, 0))[0]


def num_pr(p: etree._Element) -> tuple[int, int] | None:
    node = p.find(f"{w('pPr')}/{w('numPr')}")
    if node is None:
        return None
    return int(val(node.find(w("numId"))) or 0), int(val(node.find(w("ilvl"))) or 0)


class Styles:
    """styles.xml with Word's resolution: docDefaults, then basedOn from the root down."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self.by_id = {s.get(w("styleId")): s for s in root.findall(w("style"))}

    def kind(self, style_id: str) -> str | None:
        style = self.by_id.get(style_id)
        return None if style is None else style.get(w("type"))

    def chain(self, style_id: str) -> list[etree._Element]:
        out: list[etree._Element] = []
        current: str | None = style_id
        while current is not None:
            style = self.by_id[current]
            assert style not in out, f"basedOn loop at {current}"
            out.append(style)
            current = val(style.find(w("basedOn")))
        return out[::-1]

    def props(self, style_id: str) -> dict[str, Any]:
        props: dict[str, Any] = {"tabs": {}}
        defaults = self.root.find(w("docDefaults"))
        layers: list[etree._Element | None] = []
        if defaults is not None:
            layers += [defaults.find(f"{w('pPrDefault')}/{w('pPr')}"),
                       defaults.find(f"{w('rPrDefault')}/{w('rPr')}")]
        for style in self.chain(style_id):
            layers += [style.find(w("pPr")), style.find(w("rPr")), style.find(w("tblPr"))]
        for layer in layers:
            if layer is not None:
                apply_props(props, layer)
        return props


def apply_props(props: dict[str, Any], layer: etree._Element) -> None:
    """Merge one pPr / rPr / tblPr layer into ``props`` (later layers win)."""
    for child in layer:
        name = etree.QName(child).localname
        if name == "spacing" and layer.tag == w("pPr"):
            for side in ("before", "after"):
                if child.get(w(side)) is not None:
                    props[side] = int(child.get(w(side)))
        elif name == "ind":
            for attr, key in (("left", "left"), ("start", "left"), ("right", "right"),
                              ("end", "right")):
                if child.get(w(attr)) is not None:
                    props[key] = int(child.get(w(attr)))
            if child.get(w("hanging")) is not None:
                props["hanging"] = int(child.get(w("hanging")))
                props.pop("firstLine", None)
            if child.get(w("firstLine")) is not None:
                props["firstLine"] = int(child.get(w("firstLine")))
                props.pop("hanging", None)
        elif name == "jc":
            props["jc"] = val(child)
        elif name in ("keepNext", "keepLines", "pageBreakBefore", "b", "i"):
            props[name] = on(child)
        elif name == "tabs":
            for tab in child.findall(w("tab")):
                pos = int(val(tab, "pos") or 0)
                if val(tab) == "clear":
                    props["tabs"].pop(pos, None)
                else:
                    props["tabs"][pos] = val(tab)
        elif name == "outlineLvl":
            props["outline"] = int(val(child) or 0)
        elif name == "rFonts":
            for attr in ("ascii", "hAnsi", "cs", "eastAsia"):
                if child.get(w(attr)) is not None:
                    props[f"font.{attr}"] = child.get(w(attr))
        elif name == "sz":
            props["sz"] = int(val(child) or 0)
        elif name == "tblBorders":
            props["borders"] = {etree.QName(b).localname: (val(b), val(b, "sz"))
                                for b in child}


class Numbering:
    """numbering.xml: the level definition and start value of (numId, ilvl)."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self.abstracts = {a.get(w("abstractNumId")): a for a in root.findall(w("abstractNum"))}
        self.nums = {int(n.get(w("numId"))): n for n in root.findall(w("num"))}

    def abstract_id(self, num_id: int) -> str:
        return val(self.nums[num_id].find(w("abstractNumId"))) or ""

    def override(self, num_id: int, ilvl: int) -> etree._Element | None:
        for node in self.nums[num_id].findall(w("lvlOverride")):
            if int(val(node, "ilvl") or 0) == ilvl:
                return node
        return None

    def level(self, num_id: int, ilvl: int) -> etree._Element:
        override = self.override(num_id, ilvl)
        if override is not None and override.find(w("lvl")) is not None:
            return override.find(w("lvl"))
        abstract = self.abstracts[self.abstract_id(num_id)]
        for lvl in abstract.findall(w("lvl")):
            if int(val(lvl, "ilvl") or 0) == ilvl:
                return lvl
        raise AssertionError(f"numId {num_id} has no level {ilvl}")

    def start_override(self, num_id: int, ilvl: int) -> int | None:
        override = self.override(num_id, ilvl)
        node = None if override is None else override.find(w("startOverride"))
        return None if node is None else int(val(node) or 0)

    def start(self, num_id: int, ilvl: int) -> int:
        override = self.start_override(num_id, ilvl)
        if override is not None:
            return override
        return int(val(self.level(num_id, ilvl).find(w("start"))) or 0)

    def lvl_text(self, num_id: int, ilvl: int) -> str:
        return val(self.level(num_id, ilvl).find(w("lvlText"))) or ""

    def fmt(self, num_id: int, ilvl: int) -> str:
        return val(self.level(num_id, ilvl).find(w("numFmt"))) or "decimal"

    def suff(self, num_id: int, ilvl: int) -> str:
        return val(self.level(num_id, ilvl).find(w("suff"))) or "tab"


def format_number(n: int, fmt: str) -> str:
    if fmt == "decimal":
        return str(n)
    if fmt in ("lowerLetter", "upperLetter"):
        letter = "abcdefghijklmnopqrstuvwxyz"[(n - 1) % 26] * ((n - 1) // 26 + 1)
        return letter if fmt == "lowerLetter" else letter.upper()
    if fmt in ("lowerRoman", "upperRoman"):
        out, rest = "", n
        for value, numeral in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"),
                               (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"),
                               (5, "v"), (4, "iv"), (1, "i")):
            while rest >= value:
                out, rest = out + numeral, rest - value
        return out if fmt == "lowerRoman" else out.upper()
    raise AssertionError(f"number format {fmt!r} not handled by the test")


def word_labels(paragraphs: list[etree._Element],
                numbering: Numbering) -> list[tuple[etree._Element, str]]:
    """The label Word (and LibreOffice) print for every numbered paragraph, in order.

    Counters are kept per w:num (every num here carries start overrides, so each is a list
    instance of its own); a level restarts after a paragraph of a higher level.
    """
    counters: dict[int, dict[int, int]] = {}
    out = []
    for p in paragraphs:
        numbered = num_pr(p)
        if numbered is None:
            continue
        num_id, ilvl = numbered
        levels = counters.setdefault(num_id, {})
        levels[ilvl] = levels[ilvl] + 1 if ilvl in levels else numbering.start(num_id, ilvl)
        for deeper in [k for k in levels if k > ilvl]:
            del levels[deeper]
        label = numbering.lvl_text(num_id, ilvl)
        if numbering.fmt(num_id, ilvl) != "bullet":
            for k in range(ilvl, -1, -1):
                value = levels.get(k, numbering.start(num_id, k))
                label = label.replace(f"%{k + 1}", format_number(value,
                                                                 numbering.fmt(num_id, k)))
        out.append((p, label))
    return out


# ------------------------------------------------------------------ PDF helpers


@dataclass(frozen=True)
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


def pdf_pages(pdf: Path) -> list[str]:
    """The text of every page by ``pdftotext -raw`` (content order, line ends kept)."""
    need_tool("pdftotext")
    count = len(PdfReader(pdf).pages)
    result = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"],
                            capture_output=True, check=True, timeout=120)
    pages = result.stdout.decode("utf-8").split("\f")
    return (pages + [""] * count)[:count]


WORD_RE = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                     r"([^<]*)</word>")


def pdf_words(pdf: Path) -> list[list[Word]]:
    """The words of every page with their boxes (points, origin top left)."""
    need_tool("pdftotext")
    result = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", str(pdf), "-"],
                            capture_output=True, check=True, timeout=120)
    pages = result.stdout.decode("utf-8").split("<page ")[1:]
    return [[Word(float(a), float(b), float(c), float(d), t) for a, b, c, d, t
             in WORD_RE.findall(page)] for page in pages]


def without_header(text: str, page: int, number: str) -> str:
    """``text`` without the running header ``- N -`` / document number of page ``page``."""
    return re.sub(rf"(?m)^- {page} -[ \t]*\n{re.escape(number)}[ \t]*(\n|$)", "", text)


def flat(text: str) -> str:
    """Whitespace folded; a line break after "-" or "/" joins (hyphens are not added)."""
    return normalise(re.sub(r"([-/])\n", r"\1", text))


def lines_of(words: list[Word]) -> list[list[Word]]:
    """Words grouped into lines by their top edge (±1 pt)."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w_: (round(w_.y0), w_.x0)):
        if lines and abs(lines[-1][0].y0 - word.y0) <= 1:
            lines[-1].append(word)
        else:
            lines.append([word])
    return lines


# ------------------------------------------------------------------ the report


class Report:
    """One built report: its DOCX parts, our PDF, LibreOffice's PDF of the DOCX."""

    def __init__(self, name: str, expect: Expect, built: Built) -> None:
        self.name = name
        self.expect = expect
        self.built = built
        with zipfile.ZipFile(built.docx) as archive:
            self.names = archive.namelist()
            self.raw = {n: archive.read(n) for n in self.names}
        self.document = self.part("word/document.xml")
        self.styles = Styles(self.part("word/styles.xml"))
        self.numbering = Numbering(self.part("word/numbering.xml"))
        body = self.document.find(w("body"))
        assert body is not None
        self.body = body

    def part(self, name: str) -> etree._Element:
        return etree.fromstring(self.raw[name])

    # ------------------------------------------------------------- DOCX views

    @cached_property
    def sections(self) -> list[etree._Element]:
        return list(self.document.iter(w("sectPr")))

    def header(self, kind: str) -> etree._Element:
        """The header part of type ``default`` or ``first`` of the (last) section."""
        rels = etree.fromstring(self.raw["word/_rels/document.xml.rels"])
        targets = {r.get("Id"): r.get("Target") for r in rels.findall(f"{PKG_REL}Relationship")}
        refs = [h for h in self.sections[-1].findall(w("headerReference"))
                if h.get(w("type")) == kind]
        assert len(refs) == 1, f"{len(refs)} {kind} header references"
        return self.part("word/" + targets[refs[0].get(f"{R}id")].lstrip("/"))

    @cached_property
    def body_start(self) -> int:
        """Index (in w:body) of the first heading: what precedes it is the cover block
        (a letter's: its letterhead table, then the salutation)."""
        if self.expect.kind == "letter":
            return next(i for i, c in enumerate(self.body) if c.tag == w("tbl")) + 1
        for i, child in enumerate(self.body):
            if child.tag == w("p") and p_style(child) in (*HEADINGS, "Headingb"):
                return i
        raise AssertionError("no heading in the document")

    @cached_property
    def cover_tables(self) -> list[etree._Element]:
        return [c for c in self.body[: self.body_start] if c.tag == w("tbl")]

    @cached_property
    def cover_rows(self) -> list[etree._Element]:
        return [tr for tbl in self.cover_tables for tr in tbl.findall(w("tr"))]

    @cached_property
    def body_children(self) -> list[etree._Element]:
        return [c for c in self.body[self.body_start:] if c.tag != w("sectPr")]

    @cached_property
    def body_paragraphs(self) -> list[etree._Element]:
        """Every paragraph after the cover, table cells included, in document order."""
        return [p for child in self.body_children for p in child.iter(w("p"))]

    @cached_property
    def data_tables(self) -> list[etree._Element]:
        """The tables with a caption ("Table N – …"); layout tables are the others."""
        return [c for c in self.body_children if c.tag == w("tbl")
                and c.getprevious() is not None
                and p_style(c.getprevious()) == "TableNoTitle"]

    @cached_property
    def layout_tables(self) -> list[etree._Element]:
        return [c for c in self.body_children if c.tag == w("tbl")
                and c not in self.data_tables]

    def annex_mark(self, n: int) -> str:
        """Annex 1, 2 … or, for the letter (annex_label: letter), A, B …"""
        return chr(64 + n) if self.expect.kind == "letter" else str(n)

    @cached_property
    def labels(self) -> list[tuple[etree._Element, str]]:
        return word_labels(list(self.body.iter(w("p"))), self.numbering)

    def cells(self, tr: etree._Element) -> list[str]:
        return ["\n".join(text_of(p) for p in tc.findall(w("p"))) for tc in tr.findall(w("tc"))]

    def docx_text(self) -> str:
        parts = [n for n in self.names if re.fullmatch(r"word/(document|header\d*)\.xml", n)]
        return "\n".join(text_of(p) for n in parts for p in self.part(n).iter(w("p")))

    # -------------------------------------------------------------- PDF views

    @cached_property
    def pages(self) -> list[str]:
        return pdf_pages(self.built.pdf)

    @cached_property
    def words(self) -> list[list[Word]]:
        return pdf_words(self.built.pdf)

    @cached_property
    def lo_pdf(self) -> Path:
        return libreoffice_pdf(self.built.docx)

    @cached_property
    def lo_pages(self) -> list[str]:
        return pdf_pages(self.lo_pdf)

    @cached_property
    def lo_words(self) -> list[list[Word]]:
        return pdf_words(self.lo_pdf)

    def body_pages(self, lo: bool = False) -> list[str]:
        """Page texts without the running header."""
        pages = self.lo_pages if lo else self.pages
        return [without_header(t, n, self.expect.masthead) for n, t in enumerate(pages, 1)]

    def flat_text(self, lo: bool = False) -> str:
        return flat("\n".join(self.body_pages(lo)))

    def renderings(self) -> Iterator[tuple[str, list[str], list[list[Word]], Path]]:
        """(who, page texts, page words, file) for our PDF and LibreOffice's."""
        yield "our PDF", self.pages, self.words, self.built.pdf
        yield "LibreOffice", self.lo_pages, self.lo_words, self.lo_pdf


@pytest.fixture(scope="module", params=sorted(EXPECT))
def report(request: pytest.FixtureRequest) -> Report:
    expect = EXPECT[request.param]
    return Report(request.param, expect, request.getfixturevalue(expect.fixture))


# ============================================================ 1-2: page set-up


def test_item_01_page_size_a4(report: Report) -> None:
    assert report.sections
    for sect in report.sections:
        size = sect.find(w("pgSz"))
        assert abs(int(val(size, "w") or 0) - 11907) <= 3
        assert abs(int(val(size, "h") or 0) - 16840) <= 10
        assert val(size, "orient") in (None, "portrait")
    for who, _, _, pdf in report.renderings():
        for n, page in enumerate(PdfReader(pdf).pages, 1):
            box = page.mediabox
            assert abs(float(box.width) - A4_PT[0]) < 1, (who, n)
            assert abs(float(box.height) - A4_PT[1]) < 1, (who, n)


def test_item_02_margins_2cm(report: Report) -> None:
    for sect in report.sections:
        margins = sect.find(w("pgMar"))
        assert (val(margins, "left"), val(margins, "right")) == ("1134", "1134")
        assert (val(margins, "top"), val(margins, "bottom")) == ("1134", "1134")  # [A] TD
        assert val(margins, "header") == "567"
    # our PDF: the text block starts 2.0 cm from the left edge and ends 2.0 cm from the right
    left = min(word.x0 for page in report.words for word in page)
    right = max(word.x1 for page in report.words for word in page)
    assert abs(left - MARGIN_PT) < 1
    assert right <= A4_PT[0] - MARGIN_PT + 0.5


# ============================================================ 3-6: styles


def test_item_03_normal_style(report: Report) -> None:
    normal = report.styles.props("Normal")
    assert normal["font.ascii"] == normal["font.hAnsi"] == "Times New Roman"
    assert normal["sz"] == 24
    assert normal.get("before") == 120 and normal.get("after", 0) == 0
    assert normal.get("firstLine", 0) == 0 and normal.get("left", 0) == 0
    # the body's plain paragraphs use Normal and override none of it
    plain = [p for p in report.body_paragraphs if p_style(p) == "Normal"]
    assert len(plain) > 5
    for p in plain:
        ppr = p.find(w("pPr"))
        for tag in ("spacing", "ind", "rPr"):
            assert ppr is None or ppr.find(w(tag)) is None, text_of(p)[:60]


def test_item_04_normal_tab_stops(report: Report) -> None:
    tabs = report.styles.props("Normal")["tabs"]
    assert tabs == {794: "left", 1191: "left", 1588: "left", 1985: "left"}


def test_item_05_heading1_style(report: Report) -> None:
    h1 = report.styles.props("Heading1")
    assert h1["b"] is True and h1["sz"] == 24
    assert h1["before"] == 360
    assert (h1["left"], h1["hanging"]) == (794, 794)
    assert h1["keepNext"] is True and h1.get("outline") == 0
    used = [p for p in report.body_paragraphs if p_style(p) == "Heading1"]
    # an LS whose clauses are all unnumbered (Heading_b) has none
    assert bool(used) is bool(report.expect.first_heading), "level-1 headings"
    for p in used:  # nothing in the paragraph overrides the style's geometry
        ppr = p.find(w("pPr"))
        assert ppr.find(w("ind")) is None and ppr.find(w("spacing")) is None


def test_item_06_heading2_heading3_styles(report: Report) -> None:
    h2, h3 = report.styles.props("Heading2"), report.styles.props("Heading3")
    assert h2["before"] == 240 and h3["before"] == 160
    for props in (h2, h3):
        assert props["b"] is True and props["sz"] == 24
        assert (props["left"], props["hanging"]) == (794, 794)
    assert report.styles.by_id["Heading2"].find(w("name")).get(w("val")) == "heading 2"
    assert report.styles.by_id["Heading3"].find(w("name")).get(w("val")) == "heading 3"


# ============================================================ 7: heading numbers


def test_item_07_heading_numbers(report: Report) -> None:
    numbering = report.numbering
    headings = [p for p in report.body_paragraphs if p_style(p) in HEADINGS]
    labelled = dict(report.labels)
    for p in headings:
        level = HEADINGS.index(p_style(p))
        numbered = num_pr(p)
        assert numbered is not None, f"heading without numbering: {text_of(p)!r}"
        num, ilvl = numbered
        assert ilvl == level
        # "1", "1.1", "1.1.1": full stops between, none after the last digit, then a TAB
        assert numbering.lvl_text(num, ilvl) == ".".join(f"%{k}" for k in range(1, ilvl + 2))
        assert numbering.fmt(num, ilvl) == "decimal"
        assert numbering.suff(num, ilvl) == "tab"
        lvl_ind = numbering.level(num, ilvl).find(f"{w('pPr')}/{w('ind')}")
        assert (val(lvl_ind, "left"), val(lvl_ind, "hanging")) == ("794", "794")
        assert not re.match(r"^\d", text_of(p)), "number typed into the title as well"
        assert p in labelled
    if not report.expect.first_heading:  # an LS with unnumbered clauses only
        assert not headings
        return
    assert numbering.start_override(num_id(headings[0]), 0) == report.expect.heading_start
    rendered = [f"{labelled[p]} {text_of(p)}" for p in headings]
    assert rendered[0] == report.expect.first_heading
    ours, lo = report.flat_text(), report.flat_text(lo=True)
    for heading in rendered:
        assert normalise(heading) in ours, f"our PDF lacks heading {heading!r}"
        assert normalise(heading) in lo, f"LibreOffice does not number {heading!r} so"


# ============================================================ 8: lists


def test_item_08_list_styles_and_numbering(report: Report) -> None:
    styles, numbering = report.styles, report.numbering
    geometry = {"enumlev1": (794, 794), "enumlev2": (1191, 397), "enumlev3": (1588, 397)}
    for style_id, (left, hanging) in geometry.items():
        props = styles.props(style_id)
        assert (props["left"], props["hanging"], props["before"]) == (left, hanging, 80)
    heading_nums = {num_id(p) for p in report.body_paragraphs if p_style(p) in HEADINGS}
    items = [(p, label) for p, label in report.labels if num_id(p) not in heading_nums]
    assert items, "the report has lists"
    dashes = ordered = 0
    for p, label in items:
        num, ilvl = num_pr(p) or (0, 0)
        assert ilvl <= 2, "more than three list levels"
        in_cell = any(a.tag == w("tc") for a in p.iterancestors())  # a cell's list item
        assert p_style(p) == ("Tabletext" if in_cell else LISTS[ilvl]), \
            (p_style(p), ilvl, text_of(p)[:50])
        assert numbering.suff(num, ilvl) == "tab"
        ind = numbering.level(num, ilvl).find(f"{w('pPr')}/{w('ind')}")
        assert (int(val(ind, "left") or 0), int(val(ind, "hanging") or 0)) == \
            geometry[LISTS[ilvl]], "Word numbering moves the text off the enumlev geometry"
        assert numbering.start_override(num, ilvl) is not None, "list does not restart"
        if numbering.fmt(num, ilvl) == "bullet":
            assert label == EN_DASH
            dashes += 1
        else:
            assert re.fullmatch(r"\(?[0-9a-zA-Z]+[.)]", label), label
            ordered += 1
    assert dashes and ordered
    # every list instance has a w:num of its own: between the first and the last paragraph
    # of a numId there is nothing but list paragraphs (of any level)
    order = report.body_paragraphs
    for num in {num_id(p) for p, _ in items}:
        users = [i for i, p in enumerate(order) if num_id(p) == num]
        between = {p_style(p) for p in order[users[0]: users[-1] + 1]}
        in_cells = {p_style(order[i]) for i in users} == {"Tabletext"}  # a cell's list
        assert between <= (set(LISTS) | {"Tabletext"} if in_cells else set(LISTS)), \
            f"numId {num} is shared by two lists: {between}"
    # each list starts at its first label (the override gives 1 / a / i)
    firsts: dict[int, str] = {}
    for p, label in items:
        firsts.setdefault(num_id(p), label)
    assert all(label in (EN_DASH, "1)", "1.", "a)", "a.", "i)", "(1)", "(a)")
               for label in firsts.values()), firsts
    # our PDF prints the same labels; a dash item's text begins with U+2013 then a TAB
    ours = report.flat_text()
    for p, label in items:
        if text_of(p):
            assert normalise(f"{label} {text_of(p)}")[:60] in ours, (label, text_of(p)[:60])


# ============================================================ 9-10: Heading_b, Call, Note


def test_item_09_headingb_and_call_styles(report: Report) -> None:
    headingb = report.styles.props("Headingb")
    assert headingb["b"] is True and headingb["before"] == 160 and headingb["keepNext"] is True
    assert report.styles.by_id["Headingb"].find(w("name")).get(w("val")) == "Heading_b"
    call = report.styles.props("Call")
    assert call["i"] is True and call["left"] == 794 and not call.get("b")
    for p in report.body_paragraphs:
        if p_style(p) == "Headingb":  # a paragraph style on its own line, no typed number
            assert num_pr(p) is None


def test_item_10_note_style_and_text(report: Report) -> None:
    note = report.styles.props("Note")
    assert note["sz"] == 22 and note["before"] == 80
    notes = [p for p in report.body_paragraphs if p_style(p) == "Note"]
    assert len(notes) == report.expect.notes
    ours, lo = report.flat_text(), report.flat_text(lo=True)
    for p in notes:
        assert NOTE_TEXT.match(text_of(p)), text_of(p)
        head = normalise(text_of(p))[:50]
        assert head in ours and head in lo
    # no other paragraph pretends to be a note
    others = [p for p in report.body_paragraphs if p_style(p) != "Note"]
    assert not any(NOTE_TEXT.match(text_of(p)) for p in others)


# ============================================================ 11-13: tables, figures


def caption_of(table: etree._Element) -> etree._Element:
    previous = table.getprevious()
    assert previous is not None and previous.tag == w("p"), "no paragraph before the table"
    return previous


def test_item_11_table_captions(report: Report) -> None:
    tables = report.data_tables
    assert len(tables) == report.expect.tables
    caption_props = report.styles.props("TableNoTitle")
    assert caption_props["b"] is True and caption_props["jc"] == "center"
    assert caption_props["keepNext"] is True and caption_props["before"] == 360
    numbers = []
    for table in tables:
        caption = caption_of(table)
        assert p_style(caption) == "TableNoTitle"
        match = CAPTION.match(text_of(caption))
        assert match, text_of(caption)
        numbers.append(int(match.group(2)))
    assert numbers == list(range(1, len(tables) + 1))
    # no caption anywhere else (e.g. a caption paragraph without its table)
    captions = [p for p in report.body_paragraphs if p_style(p) == "TableNoTitle"]
    assert len(captions) == len(tables)
    for who, text in (("our PDF", report.flat_text()), ("LibreOffice", report.flat_text(True))):
        for caption in captions:
            assert normalise(text_of(caption)) in text, (who, text_of(caption))


def test_item_12_figure_captions(report: Report) -> None:
    """Each picture in a Figure paragraph with its caption right below it, in
    Figure_NoTitle, numbered 1, 2 … in order, with an en dash; the same captions in our
    PDF and LibreOffice's, and one image per picture in our PDF. A report without
    figures has no picture, caption or media part at all."""
    paragraphs = report.body_paragraphs
    pictures = [p for p in paragraphs if p.find(f".//{w('drawing')}") is not None]
    assert report.document.find(f".//{w('pict')}") is None
    assert report.document.find(f".//{w('object')}") is None
    captions = [p for p in paragraphs if p_style(p) == "FigureNoTitle"]
    assert len(captions) == len(pictures)
    media = [n for n in report.names if n.startswith("word/media/")]
    # distinct images: WeasyPrint may list one image in the resources of every page
    images = len({image.data for page in PdfReader(report.built.pdf).pages
                  for image in page.images})
    if not pictures:
        assert not media and images == 0
        assert not [p for p in paragraphs if re.match(r"^Figure \d", text_of(p))]
        return
    assert len(media) >= 1 and images == len(pictures)
    numbers = []
    for picture in pictures:
        assert p_style(picture) == "Figure"
        caption = paragraphs[paragraphs.index(picture) + 1]
        assert p_style(caption) == "FigureNoTitle", text_of(caption)
        match = re.match(r"^Figure (\d+) \u2013 \S", text_of(caption))
        assert match, text_of(caption)
        numbers.append(int(match.group(1)))
    assert numbers == list(range(1, len(pictures) + 1))
    for who, text in (("our PDF", report.flat_text()), ("LibreOffice", report.flat_text(True))):
        for caption in captions:
            assert normalise(text_of(caption)) in text, (who, text_of(caption))


def table_borders(report: Report, table: etree._Element) -> dict[str, tuple[str | None, ...]]:
    tbl_pr = table.find(w("tblPr"))
    borders: dict[str, tuple[str | None, ...]] = {}
    style_id = val(tbl_pr.find(w("tblStyle")))
    if style_id is not None:
        borders.update(report.styles.props(style_id).get("borders", {}))
    direct = tbl_pr.find(w("tblBorders"))
    if direct is not None:
        borders.update({etree.QName(b).localname: (val(b), val(b, "sz")) for b in direct})
    return borders


def test_item_13_table_cells_and_borders(report: Report) -> None:
    head, text = report.styles.props("Tablehead"), report.styles.props("Tabletext")
    assert head["b"] is True and head["sz"] == 22 and head["jc"] == "center"
    assert (head["before"], head["after"]) == (80, 80) and head["keepNext"] is True
    assert text["sz"] == 22 and text.get("jc", "left") == "left" and not text.get("b")
    assert (text["before"], text["after"]) == (40, 40)
    for table in report.layout_tables:  # no caption: no rules either (grid: true draws them)
        borders = table_borders(report, table)
        assert {borders.get(side, ("nil",))[0] for side in ("top", "left", "bottom", "right",
                                                             "insideH", "insideV")} == {"nil"}
    for number, table in enumerate(report.data_tables, 1):
        tbl_pr = table.find(w("tblPr"))
        assert val(tbl_pr.find(w("tblLayout")), "type") == "fixed"
        borders = table_borders(report, table)
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            assert borders.get(side) == ("single", "4"), (number, side, borders.get(side))
        grid = [int(val(g, "w") or 0) for g in table.findall(f"{w('tblGrid')}/{w('gridCol')}")]
        assert sum(grid) == TEXT_WIDTH, grid
        table_width = tbl_pr.find(w("tblW"))
        assert (val(table_width, "type"), val(table_width, "w")) == ("dxa", str(TEXT_WIDTH))
        assert val(tbl_pr.find(w("jc"))) == "center"
        rows = table.findall(w("tr"))
        header = rows[0].find(f"{w('trPr')}/{w('tblHeader')}")
        assert header is not None and header.attrib == {}, "header row must repeat (bare)"
        assert all(r.find(f"{w('trPr')}/{w('tblHeader')}") is None for r in rows[1:])
        centred = report.expect.centred_columns[number]
        for r, tr in enumerate(rows):
            cells = tr.findall(w("tc"))
            assert len(cells) == len(grid)
            for c, tc in enumerate(cells):
                width = tc.find(f"{w('tcPr')}/{w('tcW')}")
                assert (val(width, "type"), int(val(width, "w") or 0)) == ("dxa", grid[c])
                assert tc.find(f"{w('tcPr')}/{w('tcBorders')}") is None
                for p in tc.findall(w("p")):
                    assert p_style(p) == ("Tablehead" if r == 0 else "Tabletext")
                    jc = val(p.find(f"{w('pPr')}/{w('jc')}"))
                    if r:  # numeric/value columns centred, text columns left (S12)
                        assert jc == ("center" if c in centred else None), (number, r, c)
                    else:
                        assert jc is None  # centred by Table_head itself
    # LibreOffice and our PDF both print the header rows (LibreOffice may wrap inside a
    # word that does not fit its column: see test_table_words_fit_their_columns)
    for table in report.data_tables:
        heads = " ".join(report.cells(table.findall(w("tr"))[0]))
        assert normalise(heads) in report.flat_text()
        assert heads.replace(" ", "") in report.flat_text(lo=True).replace(" ", "")


# ============================================================ 14: annexes


def test_item_14_annex_titles(report: Report) -> None:
    annex = report.styles.props("AnnexNoTitle")
    assert annex["b"] is True and annex["sz"] == 28 and annex["jc"] == "center"
    assert annex["before"] == 720 and annex["pageBreakBefore"] is True
    assert annex["keepNext"] is True and annex.get("outline") == 0
    titles = [p for p in report.body_paragraphs if p_style(p) == "AnnexNoTitle"]
    assert [text_of(p) for p in titles] == [
        f"Annex {report.annex_mark(n)}\n\n{title}"
        for n, title in enumerate(report.expect.annexes, 1)]
    if not titles:
        return
    for p in titles:
        breaks = list(p.iter(w("br")))
        assert len(breaks) == 2 and all(b.get(w("type")) in (None, "textWrapping")
                                        for b in breaks)
        assert p.find(f"{w('pPr')}/{w('pageBreakBefore')}") is None  # from the style
    tops: dict[str, list[list[float]]] = {}
    for who, pages, words, _ in report.renderings():
        bodies = [without_header(t, n, report.expect.masthead) for n, t in enumerate(pages, 1)]
        for n, title in enumerate(report.expect.annexes, 1):
            starts = [i for i, t in enumerate(bodies)
                      if flat(t.strip()).startswith(
                          normalise(f"Annex {report.annex_mark(n)} {title}"))]
            assert len(starts) == 1, f"{who}: annex {n} does not start a page"
            assert starts[0] > 0
            lines = lines_of([x for x in words[starts[0]] if x.y1 > MARGIN_PT])
            tops.setdefault(who, []).append([line[0].y0 for line in lines[:5]])
    # the title block sits where Word puts it: 36 pt before, 14 pt lines, and the first
    # paragraph after it is Normal_after_title (18 pt before)
    for ours, theirs in zip(tops["our PDF"], tops["LibreOffice"], strict=True):
        assert all(abs(a - b) < 3 for a, b in zip(ours, theirs, strict=True)), (ours, theirs)


# ============================================================ 15-16: header, footer


def field_runs(p: etree._Element) -> list[str]:
    """The paragraph as tokens: text, and the parts of complex or simple fields."""
    out = []
    for el in p.iter(w("t"), w("fldChar"), w("instrText"), w("fldSimple")):
        if el.tag == w("t"):
            out.append(el.text or "")
        elif el.tag == w("fldChar"):
            out.append(f"<{el.get(w('fldCharType'))}>")
        elif el.tag == w("instrText"):
            out.append(f"<instr {(el.text or '').strip()}>")
        else:
            out.append(f"<field {(el.get(w('instr')) or '').strip()}>")
    return out


def test_item_15_running_header(report: Report) -> None:
    sect = report.sections[-1]
    assert on(sect.find(w("titlePg"))), "no distinct first page"
    first = report.header("first")
    assert all(not (t.text or "").strip() for t in first.iter(w("t")))
    assert first.find(f".//{w('fldChar')}") is None and first.find(f".//{w('fldSimple')}") is None
    default = report.header("default")
    paragraphs = default.findall(w("p"))
    assert len(paragraphs) == 2
    header = report.styles.props("Header")
    assert header["sz"] == 18 and header["jc"] == "center"
    assert header.get("before", 0) == 0 and header.get("after", 0) == 0
    for p in paragraphs:
        assert p_style(p) == "Header"
        assert p.find(f"{w('pPr')}/{w('jc')}") is None and p.find(f".//{w('sz')}") is None
    tokens = [t for t in field_runs(paragraphs[0]) if t]
    simple = ["- ", "<field PAGE>", " -"]
    complex_ = ["- ", "<begin>", "<instr PAGE>", "<separate>", "<end>", " -"]
    assert tokens == simple or [t for t in tokens if not t.isdigit()] == complex_, tokens
    assert text_of(paragraphs[1]) == report.expect.masthead
    # as printed: page 1 has nothing in the header area; pages 2+ two centred 9 pt lines
    for who, pages, words, _ in report.renderings():
        assert "- 1 -" not in pages[0], who
        assert not [x for x in words[0] if x.y1 < MARGIN_PT], f"{who}: page 1 has a header"
        for n, page_words in enumerate(words[1:], 2):
            top = lines_of([x for x in page_words if x.y1 < MARGIN_PT])
            texts = [" ".join(x.text for x in line) for line in top]
            assert texts == [f"- {n} -", report.expect.masthead], (who, n, texts)
            body_height = median(x.y1 - x.y0 for x in page_words if x.y1 > MARGIN_PT)
            for line in top:
                centre = (line[0].x0 + line[-1].x1) / 2
                assert abs(centre - A4_PT[0] / 2) < 2, (who, n, centre)
                ratio = median(x.y1 - x.y0 for x in line) / body_height
                assert 0.65 < ratio < 0.85, f"{who} page {n}: header not 9 pt ({ratio:.2f})"


def test_item_16_no_footer(report: Report) -> None:
    for sect in report.sections:
        assert sect.find(w("footerReference")) is None
    assert not [n for n in report.names if re.fullmatch(r"word/footer\d*\.xml", n)]
    assert b"footer" not in report.raw["[Content_Types].xml"]
    for who, _, words, _ in report.renderings():
        for n, page_words in enumerate(words, 1):
            low = [x.text for x in page_words if x.y0 > A4_PT[1] - MARGIN_PT + 1]
            assert not low, f"{who} page {n} prints in the bottom margin: {low}"


# ============================================================ 17-21: cover block


def test_item_17_cover_masthead_order(report: Report) -> None:
    expect = report.expect
    if expect.kind == "plain":  # no masthead: the centred title (Rec_Title) comes first
        assert not report.cover_rows
        first = report.body[0]
        assert p_style(first) == "RecTitle" and text_of(first) == expect.title
        title = report.styles.props("RecTitle")
        assert title["b"] is True and title["jc"] == "center" and title["sz"] == 28
        for who, _, words, _ in report.renderings():
            line = lines_of([x for x in words[0] if x.y1 > MARGIN_PT])[0]
            assert " ".join(x.text for x in line) == expect.title, who
            assert abs((line[0].x0 + line[-1].x1) / 2 - A4_PT[0] / 2) < 2, who
        return
    masthead = report.cover_rows[0]
    cells = report.cells(masthead)
    assert cells[0] == ""  # the logo cell: empty rather than a text substitute
    if expect.kind == "letter":  # the letterhead: ITU and the Bureau, the place and date
        assert cells[1].split("\n") == [COVER_MASTHEAD[0], LETTER_BUREAU]
        assert cells[2] == expect.place_and_dates
        wanted = [COVER_MASTHEAD[0], LETTER_BUREAU, expect.place_and_dates, "Ref:",
                  "Subject:", expect.title, "Dear Sir/Madam,"]
        for who, pages, _, _ in report.renderings():
            assert_in_order(flat(pages[0]), wanted, f"{who}, page 1")
        return
    assert cells[1].split("\n") == [*COVER_MASTHEAD, f"STUDY PERIOD {expect.study_period}"]
    assert re.fullmatch(r"STUDY PERIOD 20\d\d-20\d\d", cells[1].split("\n")[2])  # hyphen
    assert cells[2].split("\n") == [expect.masthead, expect.masthead_second,
                                    "Original: English"]
    wanted = [*COVER_MASTHEAD, f"STUDY PERIOD {expect.study_period}", expect.masthead,
              expect.masthead_second, "Original: English", "Question(s):",
              expect.place_and_dates,
              "Source:", expect.source, "Title:", expect.title]
    for who, pages, _, _ in report.renderings():
        assert_in_order(flat(pages[0]), wanted, f"{who}, page 1")


def test_item_18_cover_labels(report: Report) -> None:
    expect = report.expect
    labels = [report.cells(tr)[0] for tr in report.cover_rows[1:]]
    assert labels == list(expect.labels)
    for tr in report.cover_rows[1:]:
        first_cell = tr.find(w("tc"))
        runs = [r for r in first_cell.iter(w("r")) if text_of(r)]
        assert runs and all(on(r.find(f"{w('rPr')}/{w('b')}")) for r in runs), "label not bold"
    if expect.kind == "letter":  # no contact rows: the Bureau's Tel:, Fax:, E-mail:, Web:
        for who, pages, _, _ in report.renderings():
            first = flat(pages[0])
            for label in expect.labels:
                assert first.count(label) == 1, (who, label)
            for absent in ("Source:", "Title:", "Contact:", "Question(s):", "Purpose:"):
                assert absent not in first, (who, absent)
        return
    contact_rows = [tr for tr in report.cover_rows if report.cells(tr)[0] == "Contact:"]
    for tr, (name, has_tel) in zip(contact_rows, expect.contacts, strict=True):
        who, reach = report.cells(tr)[1:]
        assert who.split("\n")[0] == name
        pattern = r"(Tel:\t\S[^\n]*\n)?E-mail:\t\S+@\S+"
        assert re.fullmatch(pattern, reach), reach
        assert reach.startswith("Tel:\t") == has_tel
    action = [p for p in report.body[: report.body_start]
              if p.tag == w("p") and text_of(p).startswith("Action:")]
    assert len(action) == int(expect.has_action)
    for who, pages, _, _ in report.renderings():
        first = flat(pages[0])
        for label in set(expect.labels):  # a report's lines: each line of the cell
            for line in label.split("\n"):
                assert first.count(line) == expect.labels.count(label), (who, line)
        assert first.count("E-mail:") == len(expect.contacts), who
        assert first.count("Tel:") == sum(t for _, t in expect.contacts), who
        for absent in ({"Purpose:", "Keywords:"} - set(expect.labels)):
            assert absent not in first, (who, absent)
        assert ("Action:" in first) == expect.has_action, who


def test_item_19_one_contact_row_per_contact(report: Report) -> None:
    contact_rows = [tr for tr in report.cover_rows if report.cells(tr)[0] == "Contact:"]
    assert len(contact_rows) == len(report.expect.contacts)
    for tr in report.cover_rows:
        assert "".join(report.cells(tr)).strip(), "empty row in the cover block"
        assert "{" not in "".join(report.cells(tr)), "template tag left in the cover"
    for tr in contact_rows:  # a rule above and below every contact row (S2)
        for tc in tr.findall(w("tc")):
            borders = tc.find(f"{w('tcPr')}/{w('tcBorders')}")
            assert val(borders.find(w("top")), "sz") == val(borders.find(w("bottom")), "sz") \
                == "12"
    for who, pages, _, _ in report.renderings():
        first = flat(pages[0])
        if report.expect.kind == "letter":
            continue  # a letter prints the Bureau's lines, not contacts (item 18)
        assert first.count("Contact:") == len(report.expect.contacts), who
        for name, _ in report.expect.contacts:
            assert name in first, (who, name)


def test_item_20_no_contribution_row(report: Report) -> None:
    assert all("CONTRIBUTION" not in "".join(report.cells(tr)) for tr in report.cover_rows)
    assert "CONTRIBUTION" not in report.docx_text()
    for who, pages, _, _ in report.renderings():
        assert "CONTRIBUTION" not in "\n".join(pages), who


def test_item_21_header_number_equals_masthead(report: Report) -> None:
    number = report.expect.masthead
    header_number = text_of(report.header("default").findall(w("p"))[1])
    assert header_number == number
    # no masthead number: a plain text has none, a letter's is in its Ref: block
    plain = report.expect.kind in ("plain", "letter")
    if report.expect.kind == "letter":
        assert report.cells(report.cover_rows[1])[1].split("\n")[0] == \
            report.expect.masthead.split("/")[0]
    elif not plain:
        assert report.cells(report.cover_rows[0])[2].split("\n")[0] == number
    for who, pages, _, _ in report.renderings():
        assert len(pages) >= 2, who
        assert re.search(rf"(?m)^- 2 -\s*\n{re.escape(number)}\s*$", pages[1]), who
        assert (number in flat(pages[0])) is (report.expect.kind not in ("plain", "letter")), who
    for n, page in enumerate(report.pages[1:], 2):  # every page of ours, not only page 2
        assert re.search(rf"(?m)^- {n} -\s*\n{re.escape(number)}\s*$", page), n


# ============================================================ 22: end mark


def test_item_22_end_mark(report: Report) -> None:
    paragraphs = [c for c in report.body if c.tag == w("p")]
    last = paragraphs[-1]
    assert report.body[-2] is last, "something follows the end mark"
    assert text_of(last) == END_MARK
    style = report.styles.props(p_style(last))
    jc = val(last.find(f"{w('pPr')}/{w('jc')}")) or style.get("jc")
    assert jc == "center" and style.get("before") == 240
    assert not text_of(paragraphs[-2]).startswith("_")
    for who, pages, _, _ in report.renderings():
        body = without_header(pages[-1], len(pages), report.expect.masthead).strip()
        assert body.endswith(END_MARK), f"{who}: the last page does not end with the mark"
        assert body != END_MARK or len(pages) == 1, f"{who}: the mark alone on a page"
        assert sum(page.count(END_MARK) for page in pages) == 1, who


# ============================================================ 23: the same strings


def tool_strings(report: Report) -> list[str]:
    """Strings the tool writes (not the author): labels, captions, NOTE labels, header."""
    out = [*COVER_MASTHEAD, f"STUDY PERIOD {report.expect.study_period}", "Original: English",
           *report.expect.labels, "E-mail:"] if report.expect.kind not in ("plain", "letter") \
        else []
    if report.expect.kind == "letter":
        out = [COVER_MASTHEAD[0], LETTER_BUREAU, *report.expect.labels, "Dear Sir/Madam,",
               "Yours faithfully,", "Annexes: 3"]
    out += [text_of(p) for p in report.body_paragraphs if p_style(p) == "TableNoTitle"]
    out += [text_of(p).split(f" {EN_DASH} ")[0] + f" {EN_DASH} "
            for p in report.body_paragraphs if p_style(p) == "Note"]
    out += [f"Annex {report.annex_mark(n)}" for n in range(1, len(report.expect.annexes) + 1)]
    return out


def test_item_23_same_strings_docx_pdf(report: Report) -> None:
    docx = report.docx_text()
    assert EM_DASH not in docx
    lvl_texts = [val(x) or "" for x in report.numbering.root.iter(w("lvlText"))]
    assert all(EM_DASH not in t and NBSP not in t for t in lvl_texts)
    assert {t for t in lvl_texts if not re.search(r"%\d", t)} == {EN_DASH}
    strings = tool_strings(report)
    for s in strings:
        assert NBSP not in s and EM_DASH not in s, repr(s)
        assert normalise(s) in normalise(docx), repr(s)
    header = [text_of(p) for p in report.header("default").findall(w("p"))]
    assert re.fullmatch(r"- \d* -", header[0]) and NBSP not in "".join(header)
    for who, pages, _, _ in report.renderings():
        text = "\n".join(pages)
        assert EM_DASH not in text, who
        folded = flat(text)
        for s in strings:
            assert normalise(s) in folded, f"{who} does not print {s!r}"
        assert re.search(r"(?m)^- 2 -$", pages[1]), f"{who}: header not '- 2 -'"
        assert re.search(rf"(?m)^{EN_DASH} \S", text), f"{who}: no en-dash list item"


# ============================================================ plus: LibreOffice


def test_libreoffice_renders_the_docx_like_our_pdf(report: Report) -> None:
    ours = len(report.pages)
    theirs = len(report.lo_pages)
    assert ours == theirs, f"our PDF {ours} pages, LibreOffice {theirs}"
    for page in PdfReader(report.lo_pdf).pages:
        assert abs(float(page.mediabox.width) - A4_PT[0]) < 1
        assert abs(float(page.mediabox.height) - A4_PT[1]) < 1
    first = flat(report.lo_pages[0])
    wanted = (*COVER_MASTHEAD, report.expect.masthead, report.expect.source,
              report.expect.title, "Source:", "Title:")
    if report.expect.kind == "plain":
        wanted = (report.expect.title,)
        assert "Source:" not in first and COVER_MASTHEAD[0] not in first
    if report.expect.kind == "letter":
        wanted = (COVER_MASTHEAD[0], LETTER_BUREAU, report.expect.title, "Ref:", "Subject:")
    for text in wanted:
        assert text in first, f"LibreOffice page 1 lacks {text!r}"


def test_cover_geometry_matches_libreoffice(report: Report) -> None:
    """Page 1 of our PDF puts the cover where Word/LibreOffice put the DOCX's cover: one
    grid (2.80 / 7.10 cm), 0.19 cm cell margins, Normal's 6 pt before each row."""
    keys = ["INTERNATIONAL", "STUDY", report.expect.masthead, "Original:", "N/A", "E-mail:",
            *report.expect.labels]
    tolerance = 1.0
    if report.expect.kind == "ls":  # the words of the labels, as pdftotext splits them
        keys = [k.split()[0] if k.startswith("For ") else k for k in keys]
        keys = [k for k in keys if k != "LIAISON STATEMENT"] + ["LIAISON"]
    if report.expect.kind == "report":  # words of the masthead and the REPORT lines
        keys = [k for k in keys if k not in (report.expect.masthead, "N/A")
                and "\n" not in k] + ["APRIL", "ADVISORY", "REPORT", "R"]
        tolerance = 1.5  # the centred REPORT lines: 1.5 pt (font metrics), as plain's title
    if report.expect.kind == "letter":  # the letterhead, Ref: block and the addressees
        keys = ["INTERNATIONAL", "September", "Ref:", "Tel:", "Fax:", "E-mail:", "Web:",
                "Subject:", "TSAG/RS", "Dear"]
    if report.expect.kind == "plain":  # the centred 14 pt title: 1.5 pt (font metrics)
        keys, tolerance = report.expect.title.split()[:3], 1.5
    ours, theirs = report.words[0], report.lo_words[0]
    for key in dict.fromkeys(keys):
        a = [x for x in ours if x.text == key]
        b = [x for x in theirs if x.text == key]
        assert len(a) == len(b) >= 1, key
        for x, y in zip(a, b, strict=True):
            assert abs(x.x0 - y.x0) < tolerance, \
                f"{key}: x {x.x0:.1f} here, {y.x0:.1f} in LibreOffice"
            assert abs(x.y0 - y.y0) < 1.0, \
                f"{key}: y {x.y0:.1f} here, {y.y0:.1f} in LibreOffice"


def lines_by_page(pages: list[list[Word]]) -> dict[str, list[tuple[int, float]]]:
    """Each line's text -> where it is (page from 1, top), in reading order."""
    found: dict[str, list[tuple[int, float]]] = {}
    for n, words in enumerate(pages, 1):
        for line in lines_of(words):
            found.setdefault(" ".join(x.text for x in line), []).append((n, line[0].y0))
    return found


def test_libreoffice_puts_every_line_on_our_page(report: Report) -> None:
    """Page for page: each line that both renderings break alike is on the same page in
    LibreOffice's rendering of the DOCX as in our PDF (the pages a table of contents or a
    reader cites are the same), and page 1's lines stand within 1 pt of LibreOffice's."""
    ours, theirs = lines_by_page(report.words), lines_by_page(report.lo_words)
    common = [text for text in ours if len(ours[text]) == len(theirs.get(text, ()))]
    assert len(common) >= 0.8 * len(ours)
    moved = {text: (ours[text], theirs[text]) for text in common
             if [n for n, _ in ours[text]] != [n for n, _ in theirs[text]]}
    assert not moved
    first = {text: round(theirs[text][0][1] - ours[text][0][1], 2) for text in common
             if len(ours[text]) == 1 and ours[text][0][0] == 1}
    assert len(first) >= 10
    assert all(abs(d) < 1.0 for d in first.values()), first


# ============================================================ plus: style hygiene


THEME_ATTRS = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")


def test_no_theme_fonts_only_itu_fonts(report: Report) -> None:
    for name in report.names:
        if not re.fullmatch(r"word/(document|styles|numbering|header\d*|footnotes)\.xml", name):
            continue
        root = report.part(name)
        for fonts in root.iter(w("rFonts")):
            assert not [a for a in THEME_ATTRS if fonts.get(w(a)) is not None], name
            for attr in ("ascii", "hAnsi", "cs"):
                assert fonts.get(w(attr)) in (None, "Times New Roman"), (name, attr)
            assert fonts.get(w("eastAsia")) in (None, "SimSun"), name


def test_every_referenced_style_exists(report: Report) -> None:
    kinds = {"pStyle": "paragraph", "rStyle": "character", "tblStyle": "table"}
    parts = [n for n in report.names if re.fullmatch(r"word/(document|header\d*)\.xml", n)]
    seen = set()
    for name in parts:
        root = report.part(name)
        for tag, kind in kinds.items():
            for ref in root.iter(w(tag)):
                style_id = val(ref) or ""
                seen.add(style_id)
                assert report.styles.kind(style_id) == kind, f"{name}: {tag} {style_id!r}"
    expect = report.expect
    wanted = {"Header", "Endmark", "enumlev1"}
    wanted |= {"Heading1"} if expect.first_heading else \
        {"Headingb"} if expect.kind != "letter" else set()  # a letter has no clause
    wanted |= {"TableNoTitle", "Tablehead", "Tabletext", "ITUTable"} if expect.tables else set()
    wanted |= {"AnnexNoTitle"} if expect.annexes else set()
    wanted |= {"RecTitle"} if expect.kind == "plain" else set()
    assert wanted <= seen
    for style in report.styles.by_id.values():  # basedOn / next point at existing styles
        for tag in ("basedOn", "next"):
            ref = val(style.find(w(tag)))
            assert ref is None or ref in report.styles.by_id, (style.get(w("styleId")), tag)


ALLOWED_PPR = {"pStyle", "numPr", "jc"}
ALLOWED_RPR = {"b", "bCs", "i", "iCs", "rStyle"}


def test_body_paragraphs_use_named_styles_only(report: Report) -> None:
    """After the cover, formatting comes from styles: no direct fonts, sizes or spacing."""
    for p in report.body_paragraphs:
        style = p_style(p)
        assert report.styles.kind(style) == "paragraph", style
        ppr = p.find(w("pPr"))
        for child in [] if ppr is None else list(ppr):
            name = etree.QName(child).localname
            if name == "ind":  # a further paragraph of a list item, aligned with its text
                assert style in LISTS and dict(child.attrib) == {w("firstLine"): "0"}
            else:
                assert name in ALLOWED_PPR, (style, name, text_of(p)[:50])
        for rpr in p.iter(w("rPr")):
            if rpr.getparent().tag != w("r"):
                continue
            extra = {etree.QName(c).localname for c in rpr} - ALLOWED_RPR
            assert not extra, (style, extra, text_of(p)[:50])


# ============================================================ plus: schema order
#
# Word refuses or repairs parts whose children are out of the schema's sequence order
# (ECMA-376 Part 1, wml.xsd); LibreOffice does not care, so a LibreOffice round trip does
# not catch it.

ORDER = {
    "tblPr": ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
              "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders",
              "shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription"],
    "lvl": ["start", "numFmt", "lvlRestart", "pStyle", "isLgl", "suff", "lvlText",
            "lvlPicBulletId", "legacy", "lvlJc", "pPr", "rPr"],
    "pPr": ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl",
            "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens",
            "kinsoku", "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE",
            "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind",
            "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
            "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
            "sectPr", "pPrChange"],
    "rPr": ["rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike",
            "dstrike", "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid",
            "vanish", "webHidden", "color", "spacing", "w", "kern", "position", "sz", "szCs",
            "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs",
            "em", "lang", "eastAsianLayout", "specVanish", "oMath"],
    "tcPr": ["cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap",
             "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark"],
    "sectPr": ["headerReference", "footerReference", "footnotePr", "endnotePr", "type",
               "pgSz", "pgMar", "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols",
               "formProt", "vAlign", "noEndnote", "titlePg", "textDirection", "bidi",
               "rtlGutter", "docGrid", "printerSettings"],
    "numbering": ["numPicBullet", "abstractNum", "num", "numIdMacAtCleanup"],
    "abstractNum": ["nsid", "multiLevelType", "tmpl", "name", "styleLink", "numStyleLink",
                    "lvl"],
    "num": ["abstractNumId", "lvlOverride"],
    "lvlOverride": ["startOverride", "lvl"],
}


def order_problems(root: etree._Element, kinds: tuple[str, ...]) -> list[str]:
    problems = []
    for kind in kinds:
        sequence = ORDER[kind]
        for el in root.iter(w(kind)):
            names = [etree.QName(c).localname for c in el if c.tag.startswith(W)]
            if kind == "sectPr":  # header/footer references form one choice group
                names = ["headerReference" if n == "footerReference" else n for n in names]
            unknown = [n for n in names if n not in sequence]
            ranks = [sequence.index(n) for n in names if n in sequence]
            if unknown or ranks != sorted(ranks):
                problems.append(f"w:{kind}: {names}")
    return sorted(set(problems))


def test_numbering_levels_in_schema_order(report: Report) -> None:
    assert order_problems(report.numbering.root, ("lvl",)) == []


def test_table_properties_in_schema_order(report: Report) -> None:
    assert order_problems(report.document, ("tblPr",)) == []


def test_other_elements_in_schema_order(report: Report) -> None:
    problems = order_problems(report.document, ("pPr", "rPr", "tcPr", "sectPr"))
    problems += order_problems(report.numbering.root,
                               ("numbering", "abstractNum", "num", "lvlOverride"))
    for name in report.names:
        if re.fullmatch(r"word/header\d*\.xml", name):
            problems += order_problems(report.part(name), ("pPr", "rPr"))
    assert problems == []


# ============================================================ plus: table geometry

FONTS = Path(__file__).resolve().parents[1] / "reportgen" / "assets" / "fonts"


@lru_cache(maxsize=4)
def _font(name: str) -> Any:
    from fontTools.ttLib import TTFont

    return TTFont(FONTS / name)


def advance_width(text: str, bold: bool, size_pt: float) -> float:
    """Width in points of ``text`` set in Liberation Serif (Times New Roman's metrics)."""
    font = _font("LiberationSerif-Bold.ttf" if bold else "LiberationSerif-Regular.ttf")
    cmap, metrics = font.getBestCmap(), font["hmtx"]
    units = sum(metrics[cmap[ord(ch)]][0] for ch in text if ord(ch) in cmap)
    return units / font["head"].unitsPerEm * size_pt


def table_word_overflows(report: Report) -> list[str]:
    """Words of data-table cells wider than their cell's text width (tcW - margins).

    Word and LibreOffice break such a word inside ("Documen|t"), our PDF lets it overflow:
    the two renderings differ, and neither looks right.
    """
    problems = []
    for number, table in enumerate(report.data_tables, 1):
        margins = report.styles.by_id[val(table.find(f"{w('tblPr')}/{w('tblStyle')}")) or ""]
        mar = margins.find(f"{w('tblPr')}/{w('tblCellMar')}")
        side = int(val(mar.find(w("left")), "w") or 0) + int(val(mar.find(w("right")), "w") or 0)
        for tc in table.iter(w("tc")):
            room = (int(val(tc.find(f"{w('tcPr')}/{w('tcW')}"), "w") or 0) - side) / 20
            for p in tc.findall(w("p")):
                props = report.styles.props(p_style(p))
                for run in p.iter(w("r")):
                    bold = props.get("b", False) or on(run.find(f"{w('rPr')}/{w('b')}"))
                    for word in re.split(r"\s+|(?<=[-/])", text_of(run)):
                        if word and advance_width(word, bold, props["sz"] / 2) > room:
                            problems.append(f"Table {number}: {word!r} > {room:.1f} pt")
    return problems


@pytest.mark.parametrize("report", [
    "seed",
    "second",
    "ls",
], indirect=True)
def test_table_words_fit_their_columns(report: Report) -> None:
    assert table_word_overflows(report) == []


def test_quotation_geometry_matches_libreoffice(seed_build: Built) -> None:
    """A quoted statement: its paragraphs take the Quotation indents and its lists the
    enumlev ones, in our PDF as in the DOCX (no extra indent from the quote itself)."""
    report = Report("seed", EXPECT["seed"], seed_build)
    starts = {"\u201cDear": "quote paragraph", "After": "quote paragraph",
              "Since": "list item in the quote", "According": "list item in the quote"}
    for key, what in starts.items():
        ours = [w_ for page in report.words for w_ in page if w_.text == key]
        theirs = [w_ for page in report.lo_words for w_ in page if w_.text == key]
        assert ours and theirs, key
        assert abs(ours[0].x0 - theirs[0].x0) < 1, \
            f"{what} {key!r}: x {ours[0].x0:.1f} here, {theirs[0].x0:.1f} in LibreOffice"
    # the right indent too: the first quoted line ends at the same word in both
    def first_line_end(words: list[list[Word]]) -> str:
        for page in words:
            for line in lines_of(page):
                if line[0].text == "You":
                    return line[-1].text
        raise AssertionError("quoted paragraph not found")

    assert first_line_end(report.words) == first_line_end(report.lo_words)
