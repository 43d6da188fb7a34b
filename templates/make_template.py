#!/usr/bin/env python3
"""Write the ITU-T TD Word template ``itu-td.docx`` from scratch.

Every OOXML part is built here with lxml and zipped reproducibly (fixed entry
order, 1980-01-01 timestamps, no host attributes), so running the script twice
gives byte-identical files.  Style values follow ``itu-style.md`` (sections 2-7);
the numbers shared with the writers and the stylesheet come from ``reportgen/prepare/layout.py``.

Usage::

    python templates/make_template.py [OUT]      # default: itu-td.docx beside this file

Placeholder contract (rendered by docxtpl with an autoescaping Jinja sandbox):

* ``cover``: masthead_number, group, study_period, original, english_only,
  questions, place_and_dates, is_contribution, source, title, purpose,
  contacts (list of name, organization, country, tel, email), keywords,
  abstract, abstract_in_header, action.  Optional rows/lines vanish when the
  value is false or empty.
* ``labels``: every fixed text of the cover in the document's language (organisation,
  sector, study_period and original as whole lines, only, questions, source, title,
  purpose, contact, tel, email, keywords, abstract, action, contribution).
* ``body``: a paragraph whose only text is ``{{ body }}``; the generator
  replaces that paragraph with the generated body.
* ``cover.kind``: ``plain`` replaces the cover table, abstract and action by the title
  (style Rec_Title) and ``cover.subtitle``; ``cover.liaison`` (an LS) adds the LIAISON
  STATEMENT rows after the Title row, each row only when given.
* The running header repeats ``{{ cover.running_header }}`` (the number, or the group
  of a document not yet numbered) under the page number; the first page has an empty
  header.
"""

from __future__ import annotations

import io
import os
import sys
import zipfile
from collections.abc import Iterable, Mapping
from copy import deepcopy
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

from lxml import etree

# The layout values come from this checkout's reportgen/prepare/layout.py, also when another
# copy of reportgen is installed in the environment.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from reportgen.prepare import layout

# --------------------------------------------------------------------------
# Namespaces, content types, relationship types
# --------------------------------------------------------------------------

NS: dict[str, str] = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "xml": "http://www.w3.org/XML/1998/namespace",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
    "pr": "http://schemas.openxmlformats.org/package/2006/relationships",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "dcmitype": "http://purl.org/dc/dcmitype/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "ep": "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
    "vt": "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
}

_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml"
CT_MAIN = f"{_WML}.document.main+xml"
CT_STYLES = f"{_WML}.styles+xml"
CT_NUMBERING = f"{_WML}.numbering+xml"
CT_SETTINGS = f"{_WML}.settings+xml"
CT_FONT_TABLE = f"{_WML}.fontTable+xml"
CT_HEADER = f"{_WML}.header+xml"
CT_THEME = "application/vnd.openxmlformats-officedocument.theme+xml"
CT_CORE = "application/vnd.openxmlformats-package.core-properties+xml"
CT_APP = "application/vnd.openxmlformats-officedocument.extended-properties+xml"
CT_RELS = "application/vnd.openxmlformats-package.relationships+xml"

_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RT_OFFICE_DOCUMENT = f"{_RT}/officeDocument"
RT_EXTENDED = f"{_RT}/extended-properties"
RT_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
RT_STYLES = f"{_RT}/styles"
RT_NUMBERING = f"{_RT}/numbering"
RT_SETTINGS = f"{_RT}/settings"
RT_FONT_TABLE = f"{_RT}/fontTable"
RT_HEADER = f"{_RT}/header"
RT_THEME = f"{_RT}/theme"

# --------------------------------------------------------------------------
# ITU values (twips; font sizes in half-points)
# --------------------------------------------------------------------------

sz = layout.half_points  # font size in points -> w:sz
FONT_LATIN = layout.FONT_LATIN
FONT_EAST_ASIA = layout.FONT_EAST_ASIA
BODY_SIZE = sz(layout.SIZE_BODY)
LANGUAGE = "en-GB"

PAGE_W, PAGE_H = layout.PAGE_WIDTH, layout.PAGE_HEIGHT  # A4 portrait
MARGIN = layout.MARGIN  # on all four sides
HEADER_FOOTER_DISTANCE = layout.HEADER_DISTANCE
TEXT_WIDTH = layout.TEXT_WIDTH
DEFAULT_TAB_STOP = layout.DEFAULT_TAB_STOP
NORMAL_TABS = layout.NORMAL_TABS

# Cover table: label column | middle column | right column (sum: the text width).
COL_LABEL = layout.COVER_LABEL_WIDTH
COL_MIDDLE = layout.COVER_MIDDLE_WIDTH
COL_RIGHT = layout.COVER_RIGHT_WIDTH
COVER_GRID = (COL_LABEL, COL_MIDDLE, COL_RIGHT)
ABSTRACT_GRID = (COL_LABEL, COL_MIDDLE + COL_RIGHT)
MIN_ROW_HEIGHT = layout.COVER_ROW_HEIGHT
RULE_SIZE = layout.eighths(layout.COVER_RULE_PT)
GRID_RULE_SIZE = layout.eighths(layout.TABLE_RULE_PT)
CELL_MARGIN_LR = layout.CELL_MARGIN

END_MARK = layout.END_MARK
FIXED_DATE = "2000-01-01T00:00:00Z"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

# --------------------------------------------------------------------------
# Element helpers
# --------------------------------------------------------------------------

Child: TypeAlias = etree._Element | Iterable["Child"] | None


def _qname(name: str) -> str:
    """Turn ``prefix:local`` into Clark notation."""
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


def _append(parent: etree._Element, children: Iterable[Child]) -> None:
    """Append children to parent, skipping None and flattening iterables."""
    for child in children:
        if child is None:
            continue
        if isinstance(child, etree._Element):
            parent.append(child)
        else:
            _append(parent, child)


def el(
    tag: str,
    *children: Child,
    text: str | None = None,
    nsmap: dict[str | None, str] | None = None,
    attrs: Mapping[str, object] | None = None,
    **kw: object,
) -> etree._Element:
    """Build one element (``nsmap`` only for a part's root).

    Plain attribute names take the ``w:`` namespace on ``w:`` elements and no
    namespace elsewhere; use ``attrs={"r:id": ...}`` for other namespaces.
    """
    prefix = tag.split(":")[0]
    node = etree.Element(_qname(tag), nsmap=nsmap)
    for key, value in {**(attrs or {}), **kw}.items():
        if ":" in key:
            node.set(_qname(key), str(value))
        elif prefix == "w":
            node.set(_qname(f"w:{key}"), str(value))
        else:
            node.set(key, str(value))
    if text is not None:
        node.text = text
    _append(node, children)
    return node


def root(tag: str, nsmap: dict[str | None, str], *children: Child) -> etree._Element:
    """Build a part's root element, declaring the part's namespaces."""
    return el(tag, *children, nsmap=nsmap)


def serialize(node: etree._Element) -> bytes:
    """Serialize a part with a standard XML declaration."""
    etree.cleanup_namespaces(node, top_nsmap=node.nsmap)
    declaration = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    return declaration + bytes(etree.tostring(node, encoding="UTF-8", xml_declaration=False))


W_NSMAP: dict[str | None, str] = {"w": NS["w"], "r": NS["r"]}


def flag(tag: str, on: bool) -> etree._Element | None:
    """An on/off property element, present only when on."""
    return el(tag) if on else None


# --------------------------------------------------------------------------
# Run and paragraph properties
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Font:
    """Run properties (w:rPr); sizes in half-points."""

    bold: bool = False
    italic: bool = False
    size: int | None = None
    color: str | None = None
    underline: str | None = None
    raise_pt: float | None = None  # raised (w:position, half-points) by this many points
    fonts: bool = False  # write the ITU font set (w:rFonts)
    lang: str | None = None

    def xml(self) -> etree._Element | None:
        """Return w:rPr in schema order, or None when empty."""
        children = [
            rfonts() if self.fonts else None,
            flag("w:b", self.bold),
            flag("w:bCs", self.bold),
            flag("w:i", self.italic),
            flag("w:iCs", self.italic),
            el("w:color", val=self.color) if self.color else None,
            el("w:position", val=sz(self.raise_pt)) if self.raise_pt else None,
            el("w:sz", val=self.size) if self.size else None,
            el("w:szCs", val=self.size) if self.size else None,
            el("w:u", val=self.underline) if self.underline else None,
            el("w:lang", val=self.lang, eastAsia="zh-CN", bidi="ar-SA") if self.lang else None,
        ]
        if not any(c is not None for c in children):
            return None
        return el("w:rPr", children)


@dataclass(frozen=True)
class Para:
    """Paragraph properties (w:pPr); lengths in twips."""

    style: str | None = None
    keep_next: bool = False
    keep_lines: bool = False
    page_break_before: bool = False
    tabs: tuple[int, ...] = ()
    leader_tab: int | None = None  # a right tab with a dot leader (tables of contents)
    cleared: tuple[int, ...] = ()  # tab stops of the base style this style removes
    before: int | None = None
    after: int | None = None
    left: int | None = None
    right: int | None = None
    hanging: int | None = None
    jc: str | None = None
    outline: int | None = None

    def xml(self) -> etree._Element | None:
        """Return w:pPr in schema order, or None when empty."""
        spacing = {
            k: v for k, v in (("before", self.before), ("after", self.after)) if v is not None
        }
        ind = {
            k: v
            for k, v in (("left", self.left), ("right", self.right), ("hanging", self.hanging))
            if v is not None
        }
        children = [
            el("w:pStyle", val=self.style) if self.style else None,
            flag("w:keepNext", self.keep_next),
            flag("w:keepLines", self.keep_lines),
            flag("w:pageBreakBefore", self.page_break_before),
            el("w:tabs", [el("w:tab", val=v, pos=p) for v, p in sorted(
                [("left", p) for p in self.tabs] + [("clear", p) for p in self.cleared],
                key=lambda t: t[1])]
               + ([el("w:tab", val="right", leader="dot", pos=self.leader_tab)]
                  if self.leader_tab else []))
            if self.tabs or self.leader_tab or self.cleared
            else None,
            el("w:spacing", attrs=spacing) if spacing else None,
            el("w:ind", attrs=ind) if ind else None,
            el("w:jc", val=self.jc) if self.jc else None,
            el("w:outlineLvl", val=self.outline) if self.outline is not None else None,
        ]
        if not any(c is not None for c in children):
            return None
        return el("w:pPr", children)


def rfonts() -> etree._Element:
    """The ITU font set: Times New Roman, SimSun for East Asian text."""
    return el(
        "w:rFonts", ascii=FONT_LATIN, hAnsi=FONT_LATIN, eastAsia=FONT_EAST_ASIA, cs=FONT_LATIN
    )


# --------------------------------------------------------------------------
# Styles (word/styles.xml)
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Style:
    """One w:style definition."""

    kind: str  # paragraph | character | table | numbering
    name: str
    style_id: str
    based_on: str | None = None
    next_style: str | None = None
    para: Para = Para()
    font: Font = Font()
    default: bool = False
    ui_priority: int | None = None
    semi_hidden: bool = False
    qformat: bool = False
    table_borders: int | None = None  # single-line size (eighths of a point)
    table_jc: str | None = None
    cell_margins: bool = False  # standard 0 / 108 tw cell margins

    def xml(self) -> etree._Element:
        """Return the w:style element in schema order."""
        attrs: dict[str, object] = {"type": self.kind}
        if self.default:
            attrs["default"] = 1
        attrs["styleId"] = self.style_id
        return el(
            "w:style",
            el("w:name", val=self.name),
            el("w:basedOn", val=self.based_on) if self.based_on else None,
            el("w:next", val=self.next_style) if self.next_style else None,
            el("w:uiPriority", val=self.ui_priority) if self.ui_priority is not None else None,
            flag("w:semiHidden", self.semi_hidden),
            flag("w:unhideWhenUsed", self.semi_hidden),
            flag("w:qFormat", self.qformat),
            self.para.xml(),
            self.font.xml(),
            self._table_properties(),
            attrs=attrs,
        )

    def _table_properties(self) -> etree._Element | None:
        if self.kind != "table":
            return None
        borders = None
        if self.table_borders is not None:
            borders = el(
                "w:tblBorders",
                [
                    el(f"w:{side}", val="single", sz=self.table_borders, space=0, color="auto")
                    for side in ("top", "left", "bottom", "right", "insideH", "insideV")
                ],
            )
        return el(
            "w:tblPr",
            el("w:jc", val=self.table_jc) if self.table_jc else None,
            el("w:tblInd", w=0, type="dxa") if self.default else None,
            borders,
            cell_margins() if self.cell_margins else None,
        )


def cell_margins() -> etree._Element:
    """Table cell margins: 0 top/bottom, 0.19 cm left/right."""
    return el(
        "w:tblCellMar",
        el("w:top", w=0, type="dxa"),
        el("w:left", w=CELL_MARGIN_LR, type="dxa"),
        el("w:bottom", w=0, type="dxa"),
        el("w:right", w=CELL_MARGIN_LR, type="dxa"),
    )


def pstyle(
    name: str,
    style_id: str,
    based_on: str = "Normal",
    *,
    next_style: str | None = None,
    para: Para | None = None,
    font: Font | None = None,
    qformat: bool = False,
) -> Style:
    """A paragraph style based on Normal unless told otherwise."""
    return Style(
        "paragraph",
        name,
        style_id,
        based_on=based_on,
        next_style=next_style,
        para=para or Para(),
        font=font or Font(),
        qformat=qformat,
    )


ENUMLEV = layout.LIST_INDENTS  # enumlev1..3

BOLD = Font(bold=True)
ITALIC = Font(italic=True)
SMALL = Font(size=sz(layout.SIZE_SMALL))

STYLES: tuple[Style, ...] = (
    Style(
        "paragraph",
        "Normal",
        "Normal",
        default=True,
        qformat=True,
        para=Para(tabs=NORMAL_TABS, before=120, after=0, jc="left"),
        font=Font(fonts=True, size=BODY_SIZE),
    ),
    Style(
        "character",
        "Default Paragraph Font",
        "DefaultParagraphFont",
        default=True,
        ui_priority=1,
        semi_hidden=True,
    ),
    Style(
        "table",
        "Table Normal",
        "TableNormal",
        default=True,
        ui_priority=99,
        semi_hidden=True,
        cell_margins=True,
    ),
    Style("numbering", "No List", "NoList", default=True, ui_priority=99, semi_hidden=True),
    # Numbered headings (numbering is attached per paragraph by the generator).
    pstyle(
        "heading 1",
        "Heading1",
        next_style="Normal",
        qformat=True,
        para=Para(keep_next=True, keep_lines=True, before=360, left=layout.HEADING_INDENT,
                  hanging=layout.HEADING_INDENT, outline=0),
        font=BOLD,
    ),
    pstyle(
        "heading 2",
        "Heading2",
        based_on="Heading1",
        next_style="Normal",
        qformat=True,
        para=Para(before=240, outline=1),
    ),
    pstyle(
        "heading 3",
        "Heading3",
        based_on="Heading1",
        next_style="Normal",
        qformat=True,
        para=Para(before=160, outline=2),
    ),
    # Unnumbered headings and call-outs.
    pstyle(
        "Heading_b",
        "Headingb",
        next_style="Normal",
        para=Para(keep_next=True, before=160),
        font=BOLD,
    ),
    # Tables of contents: the number at the level's indent, TAB to the title, dot leader
    # to the page number at the right margin (TOC field entries)
    *(pstyle(f"toc {level}", f"TOC{level}", next_style="Normal",
             para=Para(tabs=(layout.TOC_INDENT * level,), leader_tab=layout.TEXT_WIDTH,
                       cleared=tuple(t for t in NORMAL_TABS if t != layout.TOC_INDENT * level),
                       before=120 if level == 1 else 60, left=layout.TOC_INDENT * level,
                       hanging=layout.TOC_INDENT))
      for level in (1, 2, 3)),
    pstyle(
        "Heading_i",
        "Headingi",
        next_style="Normal",
        para=Para(keep_next=True, before=160),
        font=ITALIC,
    ),
    pstyle(
        "Call",
        "Call",
        para=Para(keep_next=True, keep_lines=True, before=160, left=layout.CALL_INDENT),
        font=ITALIC,
    ),
    # Lists (typed or Word-numbered markers, TAB to the text).
    pstyle("enumlev1", "enumlev1", para=Para(before=80, left=ENUMLEV[0].left,
                                             hanging=ENUMLEV[0].hanging)),
    pstyle("enumlev2", "enumlev2", based_on="enumlev1",
           para=Para(left=ENUMLEV[1].left, hanging=ENUMLEV[1].hanging)),
    pstyle("enumlev3", "enumlev3", based_on="enumlev2",
           para=Para(left=ENUMLEV[2].left, hanging=ENUMLEV[2].hanging)),
    pstyle("Note", "Note", para=Para(before=80), font=SMALL),
    pstyle("Normal_after_title", "Normalaftertitle", para=Para(before=360)),
    pstyle("Quotation", "Quotation",
           para=Para(left=layout.QUOTATION_INDENT, right=layout.QUOTATION_INDENT)),
    # Tables.
    pstyle(
        "Table_NoTitle",
        "TableNoTitle",
        next_style="Tablehead",
        para=Para(keep_next=True, keep_lines=True, before=360, after=120, jc="center"),
        font=BOLD,
    ),
    pstyle(
        "Table_head",
        "Tablehead",
        para=Para(keep_next=True, before=80, after=80, jc="center"),
        font=Font(bold=True, size=SMALL.size),
    ),
    pstyle("Table_text", "Tabletext", para=Para(before=40, after=40, jc="left"), font=SMALL),
    pstyle("Table_legend", "Tablelegend", based_on="Tabletext", para=Para(after=40)),
    # Figures and annexes.
    pstyle(
        "Figure",
        "Figure",
        next_style="FigureNoTitle",
        para=Para(keep_next=True, keep_lines=True, before=240, after=120, jc="center"),
    ),
    pstyle(
        "Figure_NoTitle",
        "FigureNoTitle",
        next_style="Normalaftertitle",
        para=Para(keep_lines=True, before=240, after=120, jc="center"),
        font=BOLD,
    ),
    # an annex's and an appendix's title: the same formatting (itu-style.md §5)
    *(pstyle(name, style_id, next_style="Normalaftertitle",
             para=Para(keep_next=True, keep_lines=True, page_break_before=True, before=720,
                       jc="center", outline=0),
             font=Font(bold=True, size=sz(layout.SIZE_ANNEX_TITLE)))
      for name, style_id in (("Annex_NoTitle", "AnnexNoTitle"),
                             ("Appendix_NoTitle", "AppendixNoTitle"))),
    # Page furniture.
    pstyle("header", "Header", para=Para(before=0, after=0, jc="center"),
           font=Font(size=sz(layout.SIZE_HEADER))),
    pstyle("Docnumber", "Docnumber", para=Para(jc="right"),
           font=Font(bold=True, size=sz(layout.SIZE_DOCNUMBER))),
    pstyle("Endmark", "Endmark", para=Para(before=240, jc="center")),
    # The title of a plain document (no cover table): 14 pt bold, centred.
    pstyle("Rec_Title", "RecTitle", next_style="Normalaftertitle",
           para=Para(keep_next=True, keep_lines=True, before=240, jc="center"),
           font=Font(bold=True, size=sz(layout.SIZE_ANNEX_TITLE))),
    # Footnotes (§2.5): the text based on Note, the number 9 pt raised 3 pt.
    pstyle(
        "footnote text",
        "FootnoteText",
        based_on="Note",
        para=Para(keep_lines=True, tabs=(layout.FOOTNOTE_INDENT,),
                  left=layout.FOOTNOTE_INDENT, hanging=layout.FOOTNOTE_INDENT),
    ),
    Style(
        "character",
        "footnote reference",
        "FootnoteReference",
        based_on="DefaultParagraphFont",
        ui_priority=99,
        font=Font(size=sz(layout.SIZE_FOOTNOTE_REFERENCE),
                  raise_pt=layout.FOOTNOTE_REFERENCE_RAISE),
    ),
    Style(
        "character",
        "Hyperlink",
        "Hyperlink",
        based_on="DefaultParagraphFont",
        ui_priority=99,
        font=Font(color="0000FF", underline="single"),
    ),
    Style(
        "table",
        "ITU Table",
        "ITUTable",
        based_on="TableNormal",
        ui_priority=59,
        table_borders=GRID_RULE_SIZE,
        table_jc="center",
        cell_margins=True,
    ),
)


def styles_xml() -> etree._Element:
    """word/styles.xml: document defaults plus the ITU style catalogue."""
    defaults = el(
        "w:docDefaults",
        el("w:rPrDefault", Font(fonts=True, size=BODY_SIZE, lang=LANGUAGE).xml()),
        el("w:pPrDefault"),
    )
    return root("w:styles", W_NSMAP, defaults, [s.xml() for s in STYLES])


# --------------------------------------------------------------------------
# Document content helpers
# --------------------------------------------------------------------------


def wt(value: str) -> etree._Element:
    """A w:t, preserving leading/trailing spaces."""
    node = el("w:t", text=value)
    if value != value.strip():
        node.set(_qname("xml:space"), "preserve")
    return node


def run(value: str = "", font: Font | None = None) -> etree._Element:
    """A run of plain text (Jinja tags must sit whole inside one run)."""
    return el("w:r", font.xml() if font else None, wt(value) if value else None)


def line_break() -> etree._Element:
    """A run holding a line break."""
    return el("w:r", el("w:br"))


def tab() -> etree._Element:
    """A run holding a TAB."""
    return el("w:r", el("w:tab"))


def paragraph(*runs: Child, para: Para | None = None) -> etree._Element:
    """A paragraph with optional properties."""
    return el("w:p", para.xml() if para else None, runs)


def tag(jinja: str) -> etree._Element:
    """A paragraph carrying one docxtpl structural tag ({%p %}, {%tr %})."""
    return paragraph(run(jinja))


RIGHT = Para(jc="right")
CENTER = Para(jc="center")


@dataclass(frozen=True)
class Rule:
    """Horizontal 1.5 pt rules on a cover row."""

    top: bool = False
    bottom: bool = False


NO_RULE = Rule()


def cell(
    width: int, *paragraphs: etree._Element, span: int = 1, rule: Rule = NO_RULE
) -> etree._Element:
    """A table cell with its width (w:tcW) and optional rules."""
    borders = None
    if rule.top or rule.bottom:
        borders = el(
            "w:tcBorders",
            el("w:top", val="single", sz=RULE_SIZE, space=0, color="auto") if rule.top else None,
            el("w:bottom", val="single", sz=RULE_SIZE, space=0, color="auto")
            if rule.bottom
            else None,
        )
    return el(
        "w:tc",
        el(
            "w:tcPr",
            el("w:tcW", w=width, type="dxa"),
            el("w:gridSpan", val=span) if span > 1 else None,
            borders,
        ),
        paragraphs,
    )


def row(*cells: etree._Element, min_height: int | None = MIN_ROW_HEIGHT) -> etree._Element:
    """A table row that never splits across pages."""
    height = el("w:trHeight", val=min_height, hRule="atLeast") if min_height else None
    return el("w:tr", el("w:trPr", el("w:cantSplit"), height), cells)


def table(grid: tuple[int, ...], *rows: etree._Element) -> etree._Element:
    """A fixed-layout, full-width table without vertical rules."""
    no_borders = el(
        "w:tblBorders",
        [
            el(f"w:{side}", val="nil")
            for side in ("top", "left", "bottom", "right", "insideH", "insideV")
        ],
    )
    return el(
        "w:tbl",
        el(
            "w:tblPr",
            el("w:tblW", w=sum(grid), type="dxa"),
            el("w:tblInd", w=0, type="dxa"),
            no_borders,
            el("w:tblLayout", type="fixed"),
        ),
        el("w:tblGrid", [el("w:gridCol", w=w) for w in grid]),
        rows,
    )


def tag_row(jinja: str, grid: tuple[int, ...] = COVER_GRID) -> etree._Element:
    """A row carrying one {%tr %} tag; docxtpl removes the whole row."""
    return row(cell(sum(grid), tag(jinja), span=len(grid)), min_height=None)


def label(value: str, rule: Rule = NO_RULE) -> etree._Element:
    """A bold label cell in the first column."""
    return cell(COL_LABEL, paragraph(run(value, BOLD)), rule=rule)


def wide(placeholder: str, rule: Rule = NO_RULE) -> etree._Element:
    """A value cell spanning the middle and right columns."""
    return cell(COL_MIDDLE + COL_RIGHT, paragraph(run(placeholder)), span=2, rule=rule)


def optional_rows(condition: str, *rows: etree._Element) -> list[etree._Element]:
    """Rows kept only when the Jinja condition holds."""
    return [tag_row(f"{{%tr if {condition} %}}"), *rows, tag_row("{%tr endif %}")]


# --------------------------------------------------------------------------
# word/document.xml
# --------------------------------------------------------------------------

MASTHEAD_LINE = Para(before=120, after=0)


def masthead_row() -> etree._Element:
    """Logo cell | ITU / Sector / study period | number, group, original."""
    right = Para(before=120, after=0, jc="right")
    union = Font(size=sz(layout.SIZE_MASTHEAD_UNION))
    sector = Font(bold=True, size=sz(layout.SIZE_MASTHEAD_SECTOR))
    period = Font(size=sz(layout.SIZE_MASTHEAD_PERIOD))
    number = Font(bold=True, size=sz(layout.SIZE_MASTHEAD_NUMBER))
    group = Font(bold=True, size=sz(layout.SIZE_MASTHEAD_GROUP))
    return row(
        cell(COL_LABEL, paragraph(), rule=Rule(bottom=True)),
        cell(
            COL_MIDDLE,
            paragraph(run("{{ labels.organisation }}", union), para=MASTHEAD_LINE),
            paragraph(run("{{ labels.sector }}", sector),
                      para=MASTHEAD_LINE),
            paragraph(run("{{ labels.study_period }}", period), para=MASTHEAD_LINE),
            rule=Rule(bottom=True),
        ),
        cell(
            COL_RIGHT,
            tag("{%p if cover.masthead_number %}"),
            paragraph(run("{{ cover.masthead_number }}", number), para=right),
            tag("{%p endif %}"),
            # a report: the month and year in place of the group (TSAG – R 2 – E)
            tag("{%p if cover.report_date %}"),
            paragraph(run("{{ cover.report_date }}", group), para=right),
            tag("{%p else %}"),
            paragraph(run("{{ cover.group }}", group), para=right),
            tag("{%p endif %}"),
            tag("{%p if cover.english_only %}"),
            paragraph(run("{{ labels.only }}"), para=right),
            tag("{%p endif %}"),
            paragraph(
                run("{{ labels.original }}"), para=Para(before=120, after=120, jc="right")
            ),
            rule=Rule(bottom=True),
        ),
        min_height=None,
    )


def contact_row() -> etree._Element:
    """One contact: name / organization / country | Tel / E-mail."""
    boxed = Rule(top=True, bottom=True)
    after = Para(after=120)
    who = paragraph(
        run("{{ c.name }}"),
        run("{%r if c.organization %}"),
        line_break(),
        run("{{ c.organization }}"),
        run("{%r endif %}"),
        run("{%r if c.country %}"),
        line_break(),
        run("{{ c.country }}"),
        run("{%r endif %}"),
        para=after,
    )
    reach = paragraph(
        run("{%r if c.tel %}"),
        run("{{ labels.tel }}"),
        tab(),
        run("{{ c.tel }}"),
        line_break(),
        run("{%r endif %}"),
        run("{{ labels.email }}"),
        tab(),
        run("{{ c.email }}"),
        para=after,
    )
    # without e-mail: the telephone alone, or an empty cell (never a bare "E-mail:")
    reach_without_email = [
        tag("{%p elif c.tel %}"),
        paragraph(run("{{ labels.tel }}"), tab(), run("{{ c.tel }}"), para=after),
        tag("{%p else %}"),
        paragraph(para=after),
        tag("{%p endif %}"),
    ]
    return row(
        cell(COL_LABEL, paragraph(run("{{ labels.contact }}", BOLD)), rule=boxed),
        cell(COL_MIDDLE, who, rule=boxed),
        cell(COL_RIGHT, tag("{%p if c.email %}"), reach, reach_without_email, rule=boxed),
    )


def cover_table() -> etree._Element:
    """The page-1 header block (itu-style.md 1.2-1.4)."""
    below = Rule(bottom=True)
    return table(
        COVER_GRID,
        masthead_row(),
        row(
            label("{{ labels.questions }}"),
            cell(COL_MIDDLE, paragraph(run("{{ cover.questions }}"))),
            cell(COL_RIGHT, paragraph(run("{{ cover.place_and_dates }}"), para=RIGHT)),
        ),
        optional_rows(
            "cover.is_contribution",
            row(cell(TEXT_WIDTH, paragraph(run("{{ labels.contribution }}", BOLD), para=CENTER),
                     span=3)),
        ),
        optional_rows(  # a report: TELECOMMUNICATION STANDARDIZATION ADVISORY GROUP / REPORT 2
            "cover.report_lines",
            row(cell(TEXT_WIDTH, tag("{%p for line in cover.report_lines %}"),
                     paragraph(run("{{ line }}", BOLD), para=CENTER),
                     tag("{%p endfor %}"), span=3)),
        ),
        row(label("{{ labels.source }}"), wide("{{ cover.source }}")),
        row(
            label("{{ labels.title }}", rule=below),
            cell(
                COL_MIDDLE + COL_RIGHT,
                paragraph(run("{{ cover.title }}"), para=Para(after=120)),
                span=2,
                rule=below,
            ),
        ),
        liaison_rows(),
        optional_rows("cover.purpose",
                      row(label("{{ labels.purpose }}"), wide("{{ cover.purpose }}"))),
        tag_row("{%tr for c in cover.contacts %}"),
        contact_row(),
        tag_row("{%tr endfor %}"),
        optional_rows("cover.keywords",
                      row(label("{{ labels.keywords }}"), wide("{{ cover.keywords }}"))),
        optional_rows(
            "cover.abstract_in_header and cover.abstract",
            row(label("{{ labels.abstract }}"), wide("{{ cover.abstract }}")),
        ),
    )


LIAISON_ROWS = ("for_action", "for_comment", "for_information", "cc", "approval", "sent",
                "deadline", "attachments")


def liaison_rows() -> list[etree._Element]:
    """A liaison statement's block: the centred LIAISON STATEMENT row, then one row per
    field given (For action to:, For comment to:, For information to:, Cc:, Approval:,
    Date sent:, Deadline:, Attachments:)."""
    heading = row(cell(TEXT_WIDTH, paragraph(run("{{ labels.liaison_statement }}", BOLD),
                                             para=Para(before=240, after=120, jc="center")),
                       span=3))
    fields = [optional_rows(f"cover.liaison.{name}",
                            row(label(f"{{{{ labels.{name} }}}}"),
                                wide(f"{{{{ cover.liaison.{name} }}}}")))
              for name in LIAISON_ROWS]
    return optional_rows("cover.liaison", heading, *fields)


def plain_title() -> list[etree._Element]:
    """A plain document's heading: its title in Rec_Title, then an optional subtitle."""
    return [
        paragraph(run("{{ cover.title }}"), para=Para(style="RecTitle")),
        tag("{%p if cover.subtitle %}"),
        paragraph(run("{{ cover.subtitle }}"), para=Para(jc="center")),
        tag("{%p endif %}"),
    ]


def letter_head() -> etree._Element:
    """A letter's first page: the letterhead (ITU, the Bureau; place and date on the
    right), then Ref: with the addressees beside it (a cell merged down the Tel:, Fax:,
    E-mail: and Web: rows given), Copy: and Subject: (TSB Collective letter 2/TSAG)."""
    union = Font(size=sz(layout.SIZE_MASTHEAD_UNION))
    bureau = Font(bold=True, size=sz(layout.SIZE_MASTHEAD_SECTOR))
    below = Rule(bottom=True)
    merged = el("w:vMerge", val="restart")

    def addressees(restart: bool) -> etree._Element:
        tc = cell(COL_RIGHT, *([tag("{%p for a in cover.letter.addressees %}"),
                                paragraph(run("{{ a }}")), tag("{%p endfor %}")]
                               if restart else [paragraph()]))
        tc_pr = tc.find(_qname("w:tcPr"))
        tc_pr.append(deepcopy(merged) if restart else el("w:vMerge"))
        return tc

    return table(
        COVER_GRID,
        row(
            cell(COL_LABEL, paragraph(), rule=below),
            cell(COL_MIDDLE,
                 paragraph(run("{{ labels.organisation }}", union), para=MASTHEAD_LINE),
                 paragraph(run("{{ cover.letter.bureau }}", bureau), para=MASTHEAD_LINE),
                 rule=below),
            cell(COL_RIGHT, paragraph(run("{{ cover.letter.place_and_date }}"),
                                      para=Para(before=120, after=120, jc="right")),
                 rule=below),
            min_height=None,
        ),
        row(
            label("{{ cover.letter.labels[0] }}"),
            cell(COL_MIDDLE, tag("{%p for line in cover.letter.reference %}"),
                 paragraph(run("{{ line }}")), tag("{%p endfor %}")),
            addressees(True),
        ),
        tag_row("{%tr for r in cover.letter.rows %}"),
        row(label("{{ r[0] }}"), cell(COL_MIDDLE, paragraph(run("{{ r[1] }}"))),
            addressees(False)),
        tag_row("{%tr endfor %}"),
        optional_rows("cover.letter.copy_to", row(
            label("{{ cover.letter.labels[1] }}"),
            cell(COL_MIDDLE + COL_RIGHT, tag("{%p for c in cover.letter.copy_to %}"),
                 paragraph(run("{{ c }}")), tag("{%p endfor %}"), span=2))),
        row(
            label("{{ cover.letter.labels[2] }}", rule=below),
            cell(COL_MIDDLE + COL_RIGHT,
                 paragraph(run("{{ cover.letter.subject }}", BOLD), para=Para(after=120)),
                 span=2, rule=below),
        ),
    )


def abstract_table() -> etree._Element:
    """2022+ layout: the abstract in its own two-column table."""
    return table(
        ABSTRACT_GRID,
        row(
            label("{{ labels.abstract }}"),
            cell(ABSTRACT_GRID[1], paragraph(run("{{ cover.abstract }}"))),
        ),
    )


def section_properties() -> etree._Element:
    """A4, 2 cm margins, different first page (empty), running header after."""
    return el(
        "w:sectPr",
        el("w:headerReference", type="default", attrs={"r:id": "rId5"}),
        el("w:headerReference", type="first", attrs={"r:id": "rId6"}),
        el("w:pgSz", w=PAGE_W, h=PAGE_H, code=9),
        el(
            "w:pgMar",
            top=MARGIN,
            right=MARGIN,
            bottom=MARGIN,
            left=MARGIN,
            header=HEADER_FOOTER_DISTANCE,
            footer=HEADER_FOOTER_DISTANCE,
            gutter=0,
        ),
        el("w:cols", space=720),
        el("w:titlePg"),
    )


def document_xml() -> etree._Element:
    """word/document.xml: cover block, body placeholder, end mark."""
    body = el(
        "w:body",
        tag("{%p if cover.kind == 'plain' %}"),
        plain_title(),
        tag("{%p elif cover.kind == 'letter' %}"),
        letter_head(),
        tag("{%p else %}"),
        cover_table(),
        tag("{%p if cover.abstract and not cover.abstract_in_header %}"),
        abstract_table(),
        tag("{%p endif %}"),
        tag("{%p if cover.action %}"),
        paragraph(run("{{ labels.action }}", BOLD), run(" {{ cover.action }}")),
        tag("{%p endif %}"),
        tag("{%p endif %}"),
        paragraph(run("{{ body }}")),
        paragraph(run(END_MARK), para=Para(style="Endmark")),
        section_properties(),
    )
    return root("w:document", W_NSMAP, body)


# --------------------------------------------------------------------------
# Headers, settings, fonts, numbering
# --------------------------------------------------------------------------

HEADER = Para(style="Header")


def field_char(kind: str) -> etree._Element:
    """A run with one w:fldChar (begin / separate / end)."""
    return el("w:r", el("w:fldChar", fldCharType=kind))


def page_field() -> list[etree._Element]:
    """A complex PAGE field showing "2" until updated."""
    instruction = el("w:instrText", text=" PAGE ")
    instruction.set(_qname("xml:space"), "preserve")
    return [
        field_char("begin"),
        el("w:r", instruction),
        field_char("separate"),
        run("2"),
        field_char("end"),
    ]


def header_default_xml() -> etree._Element:
    """Running header: "- PAGE -" then the document number, centred 9 pt."""
    return root(
        "w:hdr",
        W_NSMAP,
        paragraph(run("- "), page_field(), run(" -"), para=HEADER),
        paragraph(run("{{ cover.running_header }}"), para=HEADER),
    )


def header_first_xml() -> etree._Element:
    """First-page header: one empty paragraph."""
    return root("w:hdr", W_NSMAP, paragraph(para=HEADER))


def settings_xml() -> etree._Element:
    """word/settings.xml: tab grid, Word 2013+ compatibility mode."""
    word = "http://schemas.microsoft.com/office/word"
    compat = [
        ("compatibilityMode", 15),
        ("overrideTableStyleFontSizeAndJustification", 1),
        ("enableOpenTypeFeatures", 1),
        ("doNotFlipMirrorIndents", 1),
        ("differentiateMultirowTableHeaders", 1),
    ]
    return root(
        "w:settings",
        W_NSMAP,
        el("w:zoom", percent=100),
        el("w:defaultTabStop", val=DEFAULT_TAB_STOP),
        el("w:characterSpacingControl", val="doNotCompress"),
        el("w:compat", [el("w:compatSetting", name=n, uri=word, val=v) for n, v in compat]),
        el("w:decimalSymbol", val="."),
        el("w:listSeparator", val=","),
    )


def font_table_xml() -> etree._Element:
    """word/fontTable.xml: the two fonts the styles use."""
    return root(
        "w:fonts",
        W_NSMAP,
        el(
            "w:font",
            el("w:panose1", val="02020603050405020304"),
            el("w:charset", val="00"),
            el("w:family", val="roman"),
            el("w:pitch", val="variable"),
            name=FONT_LATIN,
        ),
        el(
            "w:font",
            el("w:altName", val="宋体"),
            el("w:panose1", val="02010600030101010101"),
            el("w:charset", val="86"),
            el("w:family", val="auto"),
            el("w:pitch", val="variable"),
            name=FONT_EAST_ASIA,
        ),
    )


def numbering_xml() -> etree._Element:
    """word/numbering.xml: empty; the generator adds list definitions."""
    return root("w:numbering", W_NSMAP)


# --------------------------------------------------------------------------
# Package parts
# --------------------------------------------------------------------------


def theme_xml() -> etree._Element:
    """word/theme/theme1.xml: the smallest complete theme, with Times New Roman as both
    theme fonts. Word expects a theme part; no style refers to theme fonts, so the named
    fonts of the styles stay in force."""
    colours = "".join(
        f"<a:{name}><a:srgbClr val=\"{rgb}\"/></a:{name}>"
        for name, rgb in (("dk1", "000000"), ("lt1", "FFFFFF"), ("dk2", "1F497D"),
                          ("lt2", "EEECE1"), ("accent1", "4F81BD"), ("accent2", "C0504D"),
                          ("accent3", "9BBB59"), ("accent4", "8064A2"), ("accent5", "4BACC6"),
                          ("accent6", "F79646"), ("hlink", "0000FF"), ("folHlink", "800080"))
    )
    fonts = (f'<a:latin typeface="{FONT_LATIN}"/><a:ea typeface="{FONT_EAST_ASIA}"/>'
             f'<a:cs typeface="{FONT_LATIN}"/>')
    fill = '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
    line = f'<a:ln w="9525">{fill}</a:ln>'
    effect = "<a:effectStyle><a:effectLst/></a:effectStyle>"
    xml = (
        '<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="ITU">'
        f'<a:themeElements><a:clrScheme name="ITU">{colours}</a:clrScheme>'
        f'<a:fontScheme name="ITU"><a:majorFont>{fonts}</a:majorFont>'
        f'<a:minorFont>{fonts}</a:minorFont></a:fontScheme>'
        f'<a:fmtScheme name="ITU"><a:fillStyleLst>{fill * 3}</a:fillStyleLst>'
        f'<a:lnStyleLst>{line * 3}</a:lnStyleLst>'
        f'<a:effectStyleLst>{effect * 3}</a:effectStyleLst>'
        f'<a:bgFillStyleLst>{fill * 3}</a:bgFillStyleLst></a:fmtScheme></a:themeElements>'
        "<a:objectDefaults/><a:extraClrSchemeLst/></a:theme>"
    )
    return etree.fromstring(xml.encode("utf-8"))


def content_types_xml() -> etree._Element:
    """[Content_Types].xml."""
    overrides = [
        ("/word/document.xml", CT_MAIN),
        ("/word/styles.xml", CT_STYLES),
        ("/word/numbering.xml", CT_NUMBERING),
        ("/word/settings.xml", CT_SETTINGS),
        ("/word/fontTable.xml", CT_FONT_TABLE),
        ("/word/header1.xml", CT_HEADER),
        ("/word/header2.xml", CT_HEADER),
        ("/word/theme/theme1.xml", CT_THEME),
        ("/docProps/core.xml", CT_CORE),
        ("/docProps/app.xml", CT_APP),
    ]
    return root(
        "ct:Types",
        {None: NS["ct"]},
        el("ct:Default", Extension="rels", ContentType=CT_RELS),
        el("ct:Default", Extension="xml", ContentType="application/xml"),
        [el("ct:Override", PartName=name, ContentType=ct) for name, ct in overrides],
    )


def relationships_xml(rels: list[tuple[str, str, str]]) -> etree._Element:
    """A .rels part from (Id, Type, Target) triples."""
    return root(
        "pr:Relationships",
        {None: NS["pr"]},
        [el("pr:Relationship", Id=i, Type=t, Target=target) for i, t, target in rels],
    )


def package_rels_xml() -> etree._Element:
    """_rels/.rels."""
    return relationships_xml(
        [
            ("rId1", RT_OFFICE_DOCUMENT, "word/document.xml"),
            ("rId2", RT_CORE, "docProps/core.xml"),
            ("rId3", RT_EXTENDED, "docProps/app.xml"),
        ]
    )


def document_rels_xml() -> etree._Element:
    """word/_rels/document.xml.rels."""
    return relationships_xml(
        [
            ("rId1", RT_STYLES, "styles.xml"),
            ("rId2", RT_NUMBERING, "numbering.xml"),
            ("rId3", RT_SETTINGS, "settings.xml"),
            ("rId4", RT_FONT_TABLE, "fontTable.xml"),
            ("rId5", RT_HEADER, "header1.xml"),
            ("rId6", RT_HEADER, "header2.xml"),
            ("rId7", RT_THEME, "theme/theme1.xml"),
        ]
    )


def core_xml() -> etree._Element:
    """docProps/core.xml: empty metadata, fixed dates."""
    dated = {"xsi:type": "dcterms:W3CDTF"}
    nsmap: dict[str | None, str] = {p: NS[p] for p in ("cp", "dc", "dcterms", "dcmitype", "xsi")}
    return root(
        "cp:coreProperties",
        nsmap,
        el("dc:title"),
        el("dc:subject"),
        el("dc:creator"),
        el("cp:keywords"),
        el("dc:description"),
        el("cp:lastModifiedBy"),
        el("cp:revision", text="1"),
        el("dcterms:created", text=FIXED_DATE, attrs=dated),
        el("dcterms:modified", text=FIXED_DATE, attrs=dated),
    )


def app_xml() -> etree._Element:
    """docProps/app.xml."""
    return root(
        "ep:Properties",
        {None: NS["ep"], "vt": NS["vt"]},
        el("ep:Template", text="itu-td"),
        el("ep:Application", text="reportgen"),
        el("ep:DocSecurity", text="0"),
        el("ep:ScaleCrop", text="false"),
        el("ep:LinksUpToDate", text="false"),
        el("ep:SharedDoc", text="false"),
        el("ep:HyperlinksChanged", text="false"),
        el("ep:AppVersion", text="1.0000"),
    )


def parts() -> list[tuple[str, bytes]]:
    """All package parts, in the fixed zip order."""
    builders = [
        ("[Content_Types].xml", content_types_xml),
        ("_rels/.rels", package_rels_xml),
        ("docProps/core.xml", core_xml),
        ("docProps/app.xml", app_xml),
        ("word/document.xml", document_xml),
        ("word/styles.xml", styles_xml),
        ("word/numbering.xml", numbering_xml),
        ("word/settings.xml", settings_xml),
        ("word/fontTable.xml", font_table_xml),
        ("word/header1.xml", header_default_xml),
        ("word/header2.xml", header_first_xml),
        ("word/theme/theme1.xml", theme_xml),
        ("word/_rels/document.xml.rels", document_rels_xml),
    ]
    return [(name, serialize(build())) for name, build in builders]


def build_docx() -> bytes:
    """Zip the parts reproducibly and return the .docx bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            archive.writestr(info, data, compresslevel=6)
            # writestr() turns 0 into 0o600 << 16; the attribute only lives in
            # the central directory, written on close, so reset it afterwards.
            info.external_attr = 0
    return buffer.getvalue()


def main(argv: list[str]) -> int:
    """Write the template to argv[0] or to itu-td.docx beside this script."""
    if len(argv) > 1:
        print("usage: make_template.py [OUT]", file=sys.stderr)
        return 2
    out = Path(argv[0]) if argv else Path(__file__).resolve().parent / "itu-td.docx"
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_bytes(build_docx())
    os.replace(tmp, out)
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
