"""Word numbering (numbering.xml) for ITU headings and lists.

One abstract definition per kind of label (headings; en-dash bullets; each ordered
counter/punctuation pair), each with the ITU geometry of three levels. Every list in
the document gets its own ``w:num`` with start overrides, so each list restarts at its
first item in Word and LibreOffice alike.
"""

from __future__ import annotations

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.oxml.numbering import CT_Num, CT_Numbering

from reportgen.prepare.layout import DASH, HEADING_INDENT
from reportgen.prepare.layout import FONT_LATIN as FONT
from reportgen.prepare.layout import LIST_INDENTS as LIST_GEOMETRY
from reportgen.tree import ListCounter

WORD_FORMATS: dict[ListCounter, str] = {
    "bullet": "bullet", "decimal": "decimal", "lower-letter": "lowerLetter",
    "upper-letter": "upperLetter", "lower-roman": "lowerRoman", "upper-roman": "upperRoman",
}


def _lvl(ilvl: int, fmt: str, text: str, left: int, hanging: int, bold: bool = False) -> str:
    font = f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}"/>'
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:suff w:val="tab"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:tabs><w:tab w:val="num" w:pos="{left}"/></w:tabs>'
        f'<w:ind w:left="{left}" w:hanging="{hanging}"/></w:pPr>'
        f'<w:rPr>{font}{"<w:b/>" if bold else ""}</w:rPr></w:lvl>'
    )


class Numbering:
    """Creates numbering definitions and list instances in a document's numbering part."""

    def __init__(self, numbering: CT_Numbering) -> None:
        self.root = numbering
        self.abstract_ids: dict[str, int] = {}
        existing = [int(a.get(_w("abstractNumId"))) for a in numbering.findall(_w("abstractNum"))]
        self.next_abstract = max(existing, default=-1) + 1
        # the ids of the instances, kept here: python-docx's add_num reads them all again
        # for each new one (and compares each with a list), so many lists cost their square
        self.num_ids = {int(n.get(_w("numId"))) for n in numbering.findall(_w("num"))}
        self.next_num = 1
        self.cleanup = numbering.find(_w("numIdMacAtCleanup"))

    def _abstract(self, key: str, levels: str) -> int:
        if key in self.abstract_ids:
            return self.abstract_ids[key]
        abs_id = self.next_abstract
        self.next_abstract += 1
        element = parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abs_id}">'
            f'<w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>'
        )
        previous = self.root.findall(_w("abstractNum"))
        nums = self.root.findall(_w("num"))
        if previous:
            previous[-1].addnext(element)
        elif nums:
            nums[0].addprevious(element)
        else:
            self.root.append(element)
        self.abstract_ids[key] = abs_id
        return abs_id

    def _instance(self, abs_id: int, starts: dict[int, int]) -> int:
        """A new ``w:num`` as python-docx's ``add_num`` makes it: the lowest free id, placed
        last (before ``w:numIdMacAtCleanup``, which comes last in the schema)."""
        while self.next_num in self.num_ids:
            self.next_num += 1
        num = CT_Num.new(self.next_num, abs_id)
        self.num_ids.add(self.next_num)
        if self.cleanup is not None:
            self.cleanup.addprevious(num)
        else:
            self.root.append(num)
        for ilvl in range(3):
            num.add_lvlOverride(ilvl=ilvl).add_startOverride(starts.get(ilvl, 1))
        return int(num.numId)

    def headings(self, start: int, prefix: str = "") -> int:
        """A heading sequence (``1``, ``1.1``, ``1.1.1`` + TAB); level 1 begins at ``start``.
        A ``prefix`` ("II" in Appendix II) stands before every number: ``II.1``, ``II.1.1``."""
        lead = f"{prefix}." if prefix else ""
        levels = "".join(
            _lvl(i, "decimal", lead + ".".join(f"%{k + 1}" for k in range(i + 1)),
                 HEADING_INDENT, HEADING_INDENT, bold=True)
            for i in range(3)
        )
        key = f"headings:{prefix}" if prefix else "headings"
        return self._instance(self._abstract(key, levels), {0: start})

    def list(self, counter: ListCounter, pattern: str, level: int, start: int) -> int:
        """A new list instance whose items sit at ``level`` (1..3) and start at ``start``."""
        fmt = WORD_FORMATS[counter]
        levels = "".join(
            _lvl(i, fmt, DASH if counter == "bullet" else pattern.replace("{n}", f"%{i + 1}"),
                 *LIST_GEOMETRY[i])
            for i in range(3)
        )
        abs_id = self._abstract(f"list:{counter}:{pattern}", levels)
        return self._instance(abs_id, {level - 1: start})


def _w(tag: str) -> str:
    return "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}" + tag
