"""The document's language in the DOCX: language tags, ITU's sizes for Russian and
Arabic, and right-to-left paragraphs, runs, tables and section for Arabic.

python-docx has no API for any of this, so the properties are written as OOXML
elements, each in its place in the schema's order (itu-style.md §9).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from docx.document import Document as WordDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from reportgen import tree as d
from reportgen.writers.docx import oxml

FONT_COMPLEX = "Traditional Arabic"  # ITU's Arabic files (itu-style.md §9)
LANGUAGE_TAGS = {"en": "en-GB", "fr": "fr-FR", "es": "es-ES", "ru": "ru-RU", "ar": "ar-SA",
                 "zh": "zh-CN"}
# half-points; {style name: {w:sz or w:szCs: value}} (itu-style.md §9, from ITU's files)
STYLE_SIZES: dict[str, dict[str, dict[str, int]]] = {
    "ru": {"Normal": {"sz": 22, "szCs": 22}, "Note": {"sz": 20, "szCs": 20},
           "Table_head": {"sz": 20, "szCs": 20}, "Table_text": {"sz": 20, "szCs": 20}},
    "ar": {"Normal": {"szCs": 30}, "heading 1": {"szCs": 26}},
}
ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")

# child orders of the schema (ECMA-376 Part 1, CT_PPrBase, CT_RPr, CT_TblPr, CT_SectPr)
PPR_ORDER = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl",
             "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens",
             "kinsoku", "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE",
             "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind",
             "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
             "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
             "sectPr", "pPrChange")
RPR_ORDER = ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike",
             "dstrike", "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid",
             "vanish", "webHidden", "color", "spacing", "w", "kern", "position", "sz", "szCs",
             "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs",
             "em", "lang", "eastAsianLayout", "specVanish", "oMath")
TBLPR_ORDER = ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
               "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders",
               "shd", "tblLayout", "tblCellMar", "tblLook")
SECTPR_ORDER = ("headerReference", "footerReference", "footnotePr", "endnotePr", "type",
                "pgSz", "pgMar", "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols",
                "formProt", "vAlign", "noEndnote", "titlePg", "textDirection", "bidi",
                "rtlGutter", "docGrid", "printerSettings", "sectPrChange")


def child(parent: Any, name: str, order: Sequence[str]) -> Any:
    """``parent``'s ``w:name`` child, created in its schema place if missing."""
    found = parent.find(qn(f"w:{name}"))
    if found is not None:
        return found
    element = OxmlElement(f"w:{name}")
    later = {qn(f"w:{n}") for n in order[order.index(name) + 1:]}
    for sibling in parent:
        if sibling.tag in later:
            sibling.addprevious(element)
            return element
    parent.append(element)
    return element


def apply_language(word: WordDocument, doc: d.Document) -> None:
    """Language tags and sizes in the styles; right to left throughout for Arabic."""
    code = doc.metadata.language
    styles = _styles_by_name(word)
    _set_language_tags(word, LANGUAGE_TAGS.get(code, code))
    for name, sizes in STYLE_SIZES.get(code, {}).items():
        style = styles.get(name.lower())
        if style is not None:
            r_pr = child(style, "rPr", ("pPr", "rPr", "tblPr"))
            for tag, value in sizes.items():
                child(r_pr, tag, RPR_ORDER).set(qn("w:val"), str(value))
    if doc.direction == "rtl":
        normal = styles.get("normal")
        if normal is not None:
            fonts = child(child(normal, "rPr", ("pPr", "rPr")), "rFonts", RPR_ORDER)
            fonts.set(qn("w:cs"), FONT_COMPLEX)
            child(child(normal, "pPr", ("pPr", "rPr")), "bidi", PPR_ORDER)
        for part in _parts(word):
            right_to_left(part)


def right_to_left(root: Any) -> None:
    """w:bidi on every paragraph, w:bidiVisual on every table, w:rtl on every run with
    Arabic text, w:bCs/w:iCs beside w:b/w:i (Word ignores bold Arabic without them)
    and w:bidi on the section."""
    for p in root.iter(qn("w:p")):
        p_pr = p.find(qn("w:pPr"))
        if p_pr is None:
            p_pr = OxmlElement("w:pPr")
            p.insert(0, p_pr)
        child(p_pr, "bidi", PPR_ORDER)
    for tbl_pr in root.iter(qn("w:tblPr")):
        child(tbl_pr, "bidiVisual", TBLPR_ORDER)
    for run in root.iter(qn("w:r")):
        r_pr = run.find(qn("w:rPr"))
        text = "".join(t.text or "" for t in run.iter(qn("w:t")))
        arabic = bool(ARABIC.search(text))
        if r_pr is None and not arabic:
            continue
        if r_pr is None:
            r_pr = OxmlElement("w:rPr")
            run.insert(0, r_pr)
        for latin, complex_ in (("b", "bCs"), ("i", "iCs")):
            if r_pr.find(qn(f"w:{latin}")) is not None:
                child(r_pr, complex_, RPR_ORDER)
        if arabic:
            child(r_pr, "rtl", RPR_ORDER)
    for sect_pr in root.iter(qn("w:sectPr")):
        child(sect_pr, "bidi", SECTPR_ORDER)


def _styles_by_name(word: WordDocument) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for style in word.styles.element.iter(qn("w:style")):
        name = style.find(qn("w:name"))
        if name is not None:
            out.setdefault(name.get(qn("w:val"), "").lower(), style)
    return out


def _set_language_tags(word: WordDocument, tag: str) -> None:
    """The default language of the text (docDefaults, and any style naming one)."""
    styles = word.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        r_pr_default = child(defaults, "rPrDefault", ("rPrDefault", "pPrDefault"))
        r_pr = child(r_pr_default, "rPr", ("rPr",))
        lang = child(r_pr, "lang", RPR_ORDER)
        lang.set(qn("w:val"), tag)
        lang.set(qn("w:eastAsia"), lang.get(qn("w:eastAsia")) or "zh-CN")
        lang.set(qn("w:bidi"), lang.get(qn("w:bidi")) or "ar-SA")
    for lang in styles.iter(qn("w:lang")):
        if lang.get(qn("w:val")):
            lang.set(qn("w:val"), tag)


def _parts(word: WordDocument) -> list[Any]:
    """The body and every header and footer of the document."""
    roots = [word.element.body]
    for section in word.sections:
        for hf in (section.header, section.first_page_header, section.even_page_header,
                   section.footer, section.first_page_footer, section.even_page_footer):
            if not hf.is_linked_to_previous:
                roots.append(oxml.element(hf))
    return list({id(r): r for r in roots}.values())
