"""Style ids to style names, through ``styles.xml``.

A paragraph names its style by id; the id is not the name: Word writes ``Heading1`` for
"heading 1", LibreOffice renames ids on saving (``Enumlev1`` for "enumlev1",
``Footnote`` for "Footnote Text"). Everything downstream works with names.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _on(el: etree._Element | None) -> bool | None:
    """A toggle property (``w:b``, ``w:i``): None when absent."""
    if el is None:
        return None
    return el.get(f"{W}val", "true") not in ("0", "false", "off")


@dataclass
class Style:
    id: str
    name: str
    kind: str  # paragraph, character, table, numbering
    based_on: str = ""
    num_id: int | None = None  # pPr/numPr of a paragraph style
    ilvl: int | None = None
    bold: bool | None = None
    italic: bool | None = None
    centred: bool = False
    page_break_before: bool | None = None
    outline_level: int | None = None


@dataclass
class Styles:
    by_id: dict[str, Style] = field(default_factory=dict)
    default_paragraph: str = ""  # id

    @classmethod
    def read(cls, root: etree._Element | None) -> Styles:
        styles = cls()
        if root is None:
            return styles
        for s in root.iter(f"{W}style"):
            sid = s.get(f"{W}styleId", "")
            name_el = s.find(f"{W}name")
            name = name_el.get(f"{W}val", sid) if name_el is not None else sid
            style = Style(sid, name, s.get(f"{W}type", "paragraph"))
            based = s.find(f"{W}basedOn")
            if based is not None:
                style.based_on = based.get(f"{W}val", "")
            num_pr = s.find(f"{W}pPr/{W}numPr")
            if num_pr is not None:
                num = num_pr.find(f"{W}numId")
                lvl = num_pr.find(f"{W}ilvl")
                style.num_id = _int(num.get(f"{W}val") if num is not None else None)
                style.ilvl = _int(lvl.get(f"{W}val") if lvl is not None else None)
            r_pr = s.find(f"{W}rPr")
            if r_pr is not None:
                style.bold = _on(r_pr.find(f"{W}b"))
                style.italic = _on(r_pr.find(f"{W}i"))
            jc = s.find(f"{W}pPr/{W}jc")
            style.centred = jc is not None and jc.get(f"{W}val") == "center"
            style.page_break_before = _on(s.find(f"{W}pPr/{W}pageBreakBefore"))
            outline = s.find(f"{W}pPr/{W}outlineLvl")
            if outline is not None:
                style.outline_level = _int(outline.get(f"{W}val"))
            styles.by_id.setdefault(sid, style)
            if style.kind == "paragraph" and s.get(f"{W}default") in ("1", "true"):
                styles.default_paragraph = sid
        return styles

    def name(self, style_id: str) -> str:
        """The name of the style ``style_id`` ("" gives the default paragraph style's)."""
        style = self.by_id.get(style_id or self.default_paragraph)
        if style is None:
            return style_id or "Normal"
        return style.name

    def chain(self, style_id: str) -> list[Style]:
        """The style and the styles it is based on, nearest first."""
        out: list[Style] = []
        seen: set[str] = set()
        current = style_id or self.default_paragraph
        while current and current not in seen and current in self.by_id:
            seen.add(current)
            style = self.by_id[current]
            out.append(style)
            current = style.based_on
        return out

    def numbering(self, style_id: str) -> tuple[int | None, int | None]:
        """numId and ilvl a paragraph style gives, through the styles it is based on."""
        num_id: int | None = None
        ilvl: int | None = None
        for style in self.chain(style_id):
            num_id = style.num_id if num_id is None else num_id
            ilvl = style.ilvl if ilvl is None else ilvl
        return num_id, ilvl

    def toggles(self, style_id: str) -> tuple[bool, bool]:
        """Bold and italic a character style gives."""
        bold = italic = None
        for style in self.chain(style_id):
            bold = style.bold if bold is None else bold
            italic = style.italic if italic is None else italic
        return bool(bold), bool(italic)

    def page_break_before(self, style_id: str) -> bool:
        for style in self.chain(style_id):
            if style.page_break_before is not None:
                return style.page_break_before
        return False

    def centred(self, style_id: str) -> bool:
        return any(s.centred for s in self.chain(style_id)[:1])


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
