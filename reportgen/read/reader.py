"""DOCX -> blocks: the walk over ``word/document.xml`` and its footnotes.

Word's and LibreOffice's ways of writing the same thing are both read: style ids mapped
to names (``styles``), numbering computed (``numbering``), text inside hyperlinks,
fields, content controls and smart tags, pictures in ``w:drawing`` and in VML.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from reportgen.read.changes import Choice, list_changes, settle
from reportgen.read.document import (
    Block,
    Cell,
    Comment,
    Paragraph,
    Picture,
    Span,
    Table,
    WordDocument,
)
from reportgen.read.numbering import Numbering
from reportgen.read.package import MAX_PICTURE_BYTES, RT_HYPERLINK, NotReadable, Package
from reportgen.read.parts import (
    comment_entries,
    core_properties,
    custom_properties,
    main_part,
    normal_notes,
)
from reportgen.read.styles import Styles

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
V = "{urn:schemas-microsoft-com:vml}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
CONTAINERS = tuple(f"{W}{n}" for n in ("hyperlink", "fldSimple", "smartTag", "customXml",
                                       "sdtContent", "dir", "bdo", "ins", "moveTo"))
MAX_DEPTH = 64  # nested tables and containers deeper than this are not read


def _on(el: etree._Element | None) -> bool | None:
    if el is None:
        return None
    return el.get(f"{W}val", "true") not in ("0", "false", "off")


def read_docx(path: Path, changes: Choice = "accept") -> WordDocument:
    """Read the DOCX at ``path``: every tracked change is listed in ``changes`` and the
    text is read with them accepted (or rejected). Raises NotReadable."""
    with Package(path) as package:
        main = main_part(package)
        document = package.xml(main)
        if document is None:
            raise NotReadable(f"no {main}: not a Word document")
        if document.tag.startswith("{http://purl.oclc.org/ooxml/"):
            raise NotReadable("a Strict Open XML document: save it as a Word Document "
                              "(.docx, not Strict) and import that")
        body = document.find(f"{W}body")
        if body is None:
            raise NotReadable("the document has no body")
        styles = Styles.read(package.xml("word/styles.xml"))
        numbering = Numbering(package.xml("word/numbering.xml"), styles)
        notes = package.xml("word/footnotes.xml")
        endnotes = package.xml("word/endnotes.xml")
        found = list_changes(list(body.iter(f"{W}p")))
        for part in (body, notes, endnotes):
            if part is not None:
                settle(part, changes)
        reader = _Reader(package, styles, numbering, main)
        out = WordDocument(changes=found)
        out.blocks = reader.story(body)
        for part, prefix, tag in ((notes, "", "footnote"), (endnotes, "e", "endnote")):
            if part is None:
                continue
            reader.part = main.rsplit("/", 1)[0] + f"/{tag}s.xml"
            reader.rels = package.relationships(reader.part)
            for note in normal_notes(part, tag):
                reader.counter = 0
                paragraphs = [b for b in reader.story(note) if isinstance(b, Paragraph)]
                out.footnotes[prefix + note.get(f"{W}id", "")] = paragraphs
        out.comments = _comments(package, body)
        out.properties = core_properties(package)
        out.custom_properties = custom_properties(package)
    return out


def _comments(package: Package, body: etree._Element) -> list[Comment]:
    entries = comment_entries(package)
    if not entries:
        return []
    where: dict[str, int] = {}
    anchored: dict[str, list[str]] = {}
    open_ids: set[str] = set()
    for n, p in enumerate(body.iter(f"{W}p"), start=1):
        for el in p.iter(f"{W}commentRangeStart", f"{W}commentRangeEnd",
                         f"{W}commentReference", f"{W}t"):
            cid = el.get(f"{W}id", "")
            if el.tag == f"{W}commentRangeStart":
                where.setdefault(cid, n)
                open_ids.add(cid)
            elif el.tag == f"{W}commentRangeEnd":
                open_ids.discard(cid)
            elif el.tag == f"{W}commentReference":
                where.setdefault(cid, n)
            else:
                for o in open_ids:
                    anchored.setdefault(o, []).append(el.text or "")
    return [Comment(c.id, c.author, c.date, c.text, where.get(c.id, 0),
                    "".join(anchored.get(c.id, [])).strip(), bool(c.parent), c.done)
            for c in entries.values()]


class _Reader:
    def __init__(self, package: Package, styles: Styles, numbering: Numbering,
                 part: str) -> None:
        self.package = package
        self.styles = styles
        self.numbering = numbering
        self.part = part
        self.rels = package.relationships(part)
        self.counter = 0
        self.pictures: dict[str, bytes] = {}

    # ----------------------------------------------------------------- blocks

    def story(self, root: etree._Element, depth: int = 0) -> list[Block]:
        out: list[Block] = []
        for el in self._children(root):
            if el.tag == f"{W}p":
                out.append(self.paragraph(el))
            elif el.tag == f"{W}tbl" and depth < MAX_DEPTH:
                out.append(self.table(el, depth + 1))
        return out

    def _children(self, root: etree._Element) -> list[etree._Element]:
        """Block-level children, looking through content controls and custom XML."""
        out = []
        for el in root:
            if el.tag in (f"{W}sdt", f"{W}customXml"):
                content = el.find(f"{W}sdtContent") if el.tag == f"{W}sdt" else el
                if content is not None:
                    out.extend(self._children(content))
            elif el.tag in (f"{W}p", f"{W}tbl"):
                out.append(el)
        return out

    def table(self, tbl: etree._Element, depth: int) -> Table:
        grid = [_int(c.get(f"{W}w", "0")) for c in tbl.findall(f"{W}tblGrid/{W}gridCol")]
        # per row: (grid column, w:tc, column span, vMerge value)
        rows: list[list[tuple[int, etree._Element | None, int, str]]] = []
        header = 0
        counting_header = True
        for tr in tbl.findall(f"{W}tr"):
            tr_pr = tr.find(f"{W}trPr")
            is_header = tr_pr is not None and _on(tr_pr.find(f"{W}tblHeader")) is True
            if counting_header and is_header:
                header += 1
            else:
                counting_header = False
            col = 0
            row: list[tuple[int, etree._Element | None, int, str]] = []
            before = tr_pr.find(f"{W}gridBefore") if tr_pr is not None else None
            if before is not None:
                span = max(1, _int(before.get(f"{W}val", "1")))
                row.append((col, None, span, ""))
                col += span
            for tc in self._cells(tr):
                tc_pr = tc.find(f"{W}tcPr")
                span = 1
                vmerge = ""
                if tc_pr is not None:
                    gs = tc_pr.find(f"{W}gridSpan")
                    if gs is not None:
                        span = max(1, min(_int(gs.get(f"{W}val", "1")), 1000))
                    vm = tc_pr.find(f"{W}vMerge")
                    if vm is not None:
                        vmerge = vm.get(f"{W}val", "continue")
                row.append((col, tc, span, vmerge))
                col += span
            rows.append(row)
        columns = max([len(grid)] + [sum(c[2] for c in r) for r in rows])
        out_rows: list[list[Cell]] = []
        for r, row in enumerate(rows):
            cells: list[Cell] = []
            covered = sum(c[2] for c in row)
            for col, tc, span, vmerge in row:
                if vmerge == "continue" and r > 0:
                    continue
                rowspan = 1
                if vmerge == "restart":
                    for below in rows[r + 1:]:
                        same = next((c for c in below if c[0] == col), None)
                        if same is None or same[3] != "continue":
                            break
                        rowspan += 1
                cells.append(self.cell(tc, span, rowspan, depth))
            if covered < columns and row:
                cells.append(Cell([], columns - covered))
            out_rows.append(cells)
        return Table(out_rows, columns, header, grid)

    def _cells(self, tr: etree._Element) -> list[etree._Element]:
        out = []
        for el in tr:
            if el.tag == f"{W}tc":
                out.append(el)
            elif el.tag in (f"{W}sdt", f"{W}customXml"):
                content = el.find(f"{W}sdtContent") if el.tag == f"{W}sdt" else el
                if content is not None:
                    out.extend(c for c in content if c.tag == f"{W}tc")
        return out

    def cell(self, tc: etree._Element | None, colspan: int, rowspan: int,
             depth: int) -> Cell:
        if tc is None:
            return Cell([], colspan, rowspan)
        paragraphs: list[Paragraph] = []
        nested = 0
        for block in self.story(tc, depth):
            if isinstance(block, Table):
                nested += 1
                paragraphs.extend(block.paragraphs())
            else:
                paragraphs.append(block)
        for p in paragraphs:
            p.in_table = True
        return Cell(paragraphs, colspan, rowspan, nested)

    # ------------------------------------------------------------- paragraphs

    def paragraph(self, p: etree._Element) -> Paragraph:
        self.counter += 1
        p_pr = p.find(f"{W}pPr")
        style_id = ""
        num_pr = None
        if p_pr is not None:
            ps = p_pr.find(f"{W}pStyle")
            style_id = ps.get(f"{W}val", "") if ps is not None else ""
            num_pr = p_pr.find(f"{W}numPr")
        style_id = style_id or self.styles.default_paragraph
        out = Paragraph(self.counter, self.styles.name(style_id), style_id)
        out.label = self.numbering.label(num_pr, style_id)
        if out.label is not None and out.label.level.fmt == "none" and not out.label.text:
            out.label = None
        direct = _on(p_pr.find(f"{W}pageBreakBefore")) if p_pr is not None else None
        out.page_break_before = direct if direct is not None else \
            self.styles.page_break_before(style_id)
        jc = p_pr.find(f"{W}jc") if p_pr is not None else None
        out.centred = jc.get(f"{W}val") == "center" if jc is not None else \
            self.styles.centred(style_id)
        out.bookmarks = [b.get(f"{W}name", "") for b in p.iter(f"{W}bookmarkStart")]
        self.inline(p, out, "", 0)
        out.spans = _merge(out.spans)
        out.fields = _fields(p)
        return out

    def inline(self, parent: etree._Element, out: Paragraph, link: str, depth: int) -> None:
        field_state: list[str] = []  # "code" or "result" per open complex field
        for el in parent:
            tag = el.tag
            if tag == f"{W}r":
                if field_state and field_state[-1] == "code":
                    self.field_char(el, field_state)
                    continue
                self.run(el, out, link, field_state)
            elif tag in CONTAINERS and depth < MAX_DEPTH:
                inner = link
                if tag == f"{W}hyperlink":
                    rel = self.rels.get(el.get(f"{R}id", ""))
                    if rel is not None and rel[0] == RT_HYPERLINK:
                        inner = rel[1]
                self.inline(el, out, inner, depth + 1)
            elif tag == f"{W}sdt" and depth < MAX_DEPTH:
                content = el.find(f"{W}sdtContent")
                if content is not None:
                    self.inline(content, out, link, depth + 1)
            elif tag in (f"{M}oMath", f"{M}oMathPara"):
                out.drawings += 1
            elif tag == f"{MC}AlternateContent":
                fallback = el.find(f"{MC}Fallback")
                chosen = fallback if fallback is not None else el.find(f"{MC}Choice")
                if chosen is not None and depth < MAX_DEPTH:
                    self.inline(chosen, out, link, depth + 1)

    def field_char(self, run: etree._Element, state: list[str]) -> None:
        for fc in run.iter(f"{W}fldChar"):
            kind = fc.get(f"{W}fldCharType", "")
            if kind == "begin":
                state.append("code")
            elif kind == "separate" and state:
                state[-1] = "result"
            elif kind == "end" and state:
                state.pop()

    def run(self, r: etree._Element, out: Paragraph, link: str, fields: list[str]) -> None:
        r_pr = r.find(f"{W}rPr")
        bold = italic = False
        hidden = False
        if r_pr is not None:
            rs = r_pr.find(f"{W}rStyle")
            if rs is not None:
                bold, italic = self.styles.toggles(rs.get(f"{W}val", ""))
            b = _on(r_pr.find(f"{W}b"))
            i = _on(r_pr.find(f"{W}i"))
            bold = b if b is not None else bold
            italic = i if i is not None else italic
            hidden = _on(r_pr.find(f"{W}vanish")) is True
        if hidden:
            out.hidden += "".join(t.text or "" for t in r.iter(f"{W}t"))
            return
        spans = out.spans
        for el in r:
            tag = el.tag
            if tag == f"{W}fldChar":
                kind = el.get(f"{W}fldCharType", "")
                if kind == "begin":
                    fields.append("code")
                elif kind == "separate" and fields:
                    fields[-1] = "result"
                elif kind == "end" and fields:
                    fields.pop()
            elif fields and fields[-1] == "code":
                continue
            elif tag == f"{W}t":
                spans.append(Span("text", el.text or "", bold, italic, link))
            elif tag == f"{W}tab" or tag == f"{W}ptab":
                spans.append(Span("text", "\t", bold, italic, link))
            elif tag in (f"{W}br", f"{W}cr"):
                kind = "page" if el.get(f"{W}type") == "page" else "break"
                if el.get(f"{W}type") == "column":
                    kind = "break"
                spans.append(Span(kind))
            elif tag == f"{W}noBreakHyphen":
                spans.append(Span("text", "-", bold, italic, link))
            elif tag == f"{W}sym":
                char = el.get(f"{W}char", "")
                try:
                    text = chr(int(char, 16)) if char else ""
                except ValueError:
                    text = ""
                if text and not 0xF000 <= ord(text) <= 0xF0FF:
                    spans.append(Span("text", text, bold, italic, link))
            elif tag == f"{W}footnoteReference":
                spans.append(Span("note", note=el.get(f"{W}id", "")))
            elif tag == f"{W}endnoteReference":
                spans.append(Span("note", note="e" + el.get(f"{W}id", "")))
            elif tag in (f"{W}drawing", f"{W}pict", f"{W}object", f"{MC}AlternateContent"):
                if any(True for _ in el.iter(f"{W}txbxContent")):
                    out.text_boxes += 1
                picture = self.picture(el)
                if picture is not None:
                    spans.append(Span("picture", picture=picture))
                elif not any(True for _ in el.iter(f"{W}txbxContent")):
                    out.drawings += 1
            elif tag == f"{M}oMath" or tag == f"{M}oMathPara":
                out.drawings += 1

    def picture(self, el: etree._Element) -> Picture | None:
        rid = ""
        for blip in el.iter(f"{A}blip"):
            rid = blip.get(f"{R}embed", "")
            if rid:
                break
        if not rid:
            for data in el.iter(f"{V}imagedata"):
                rid = data.get(f"{R}id", "")
                if rid:
                    break
        rel = self.rels.get(rid)
        if rel is None or rel[2]:
            return None
        part = rel[1]
        if part not in self.pictures:
            data = self.package.read(part, MAX_PICTURE_BYTES)
            if data is None:
                return None
            self.pictures[part] = data
        description = ""
        width = height = 0
        for doc_pr in el.iter(f"{WP}docPr"):
            description = doc_pr.get("descr", "") or doc_pr.get("title", "")
            break
        for extent in el.iter(f"{WP}extent"):
            width, height = _int(extent.get("cx", "0")), _int(extent.get("cy", "0"))
            break
        return Picture(part, self.pictures[part], description, width, height)


def _fields(p: etree._Element) -> list[str]:
    """The instructions of the fields that begin in paragraph ``p`` (complex fields and
    simple ones), each as its instruction text, stripped."""
    out: list[str] = []
    open_codes: list[int | None] = []  # per open complex field: its index while in code
    for el in p.iter(f"{W}fldChar", f"{W}instrText", f"{W}fldSimple"):
        if el.tag == f"{W}fldSimple":
            out.append(el.get(f"{W}instr", ""))
        elif el.tag == f"{W}instrText":
            if open_codes and open_codes[-1] is not None:
                out[open_codes[-1]] += el.text or ""
        else:
            kind = el.get(f"{W}fldCharType", "")
            if kind == "begin":
                out.append("")
                open_codes.append(len(out) - 1)
            elif kind == "separate" and open_codes:
                open_codes[-1] = None
            elif kind == "end" and open_codes:
                open_codes.pop()
    return [" ".join(f.split()) for f in out]


def _merge(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for s in spans:
        if out and s.kind == "text" and out[-1].kind == "text" and \
                (s.bold, s.italic, s.link) == (out[-1].bold, out[-1].italic, out[-1].link):
            out[-1] = Span("text", out[-1].text + s.text, s.bold, s.italic, s.link)
        else:
            out.append(s)
    return out


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        return 0
