"""Document tree -> DOCX: the body, written at the template's ``{{ body }}`` paragraph.

The Word template (``templates/itu-td.docx``) gives the styles, the page set-up, the
running header and the cover block with docxtpl placeholders. The cover is rendered by
docxtpl in a sandboxed, autoescaping Jinja environment; the body is then built with
python-docx at the template's ``{{ body }}`` paragraph, using only the template's
named styles and Word numbering.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from docx.document import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Twips
from docx.text.paragraph import Paragraph as WordParagraph
from docx.text.run import Run
from lxml.etree import SubElement

from reportgen import tree as d
from reportgen.prepare.anchors import bookmark_name, cover_anchors
from reportgen.prepare.layout import LIST_INDENTS
from reportgen.writers.docx import oxml
from reportgen.writers.docx.figures import write_figure
from reportgen.writers.docx.footnotes import Footnotes, reference
from reportgen.writers.docx.numbering import Numbering
from reportgen.writers.docx.package import numbering_element
from reportgen.writers.docx.relations import Relations
from reportgen.writers.docx.revisions import Tracker
from reportgen.writers.docx.tables import word_table
from reportgen.writers.docx.template import TemplateProblem

BOOKMARK_IDS_FROM = 1000  # above any bookmark a template may hold
# Styles are named as ITU names them; their ids may differ in a template that Word or
# LibreOffice saved (LibreOffice writes "Enumlev1" for enumlev1, "InternetLink" for
# Hyperlink), so the writer looks each name up in the template.
ENDMARK_STYLE = "Endmark"
FOOTNOTE_TEXT_STYLE = "footnote text"
FOOTNOTE_REFERENCE_STYLE = "footnote reference"
LIST_STYLES = ("enumlev1", "enumlev2", "enumlev3")
HEADING_STYLES = ("heading 1", "heading 2", "heading 3")
W_P, W_PPR, W_PSTYLE, W_R, W_RPR = qn("w:p"), qn("w:pPr"), qn("w:pStyle"), qn("w:r"), qn("w:rPr")
W_B, W_I, W_T, W_TAB, W_BR = qn("w:b"), qn("w:i"), qn("w:t"), qn("w:tab"), qn("w:br")
W_VAL, W_ID, W_NAME = qn("w:val"), qn("w:id"), qn("w:name")
W_BOOKMARK_START, W_BOOKMARK_END = qn("w:bookmarkStart"), qn("w:bookmarkEnd")
XML_SPACE = qn("xml:space")
RUN_BREAKS = re.compile("([\t\n\r])")
PARAGRAPH_STYLES: dict[str, str] = {"normal": "Normal", "after_title": "Normal_after_title",
                                    "quotation": "Quotation", "centred": "Normal"}


def add_text_run(p: Any, text: str, bold: bool = False, italic: bool = False) -> None:
    """Append to paragraph ``p`` the run python-docx's ``p.add_run(text)`` makes, bold
    and italic then set (or None): the same elements, written directly, since python-docx
    goes through a dozen layers of objects and checks of the schema's order for each.

    A TAB becomes ``w:tab``, a line feed or carriage return ``w:br``, the rest ``w:t``
    (``xml:space="preserve"`` when it begins or ends with white space)."""
    run = SubElement(p, W_R)
    r_pr = SubElement(run, W_RPR)
    if bold:
        SubElement(r_pr, W_B)
    if italic:
        SubElement(r_pr, W_I)
    if not text:
        return
    for piece in RUN_BREAKS.split(text):
        if piece == "\t":
            SubElement(run, W_TAB)
        elif piece in ("\n", "\r"):
            SubElement(run, W_BR)
        elif piece:
            t = SubElement(run, W_T)
            t.text = piece
            if len(piece.strip()) < len(piece):
                t.set(XML_SPACE, "preserve")


def _last_child(element: Any) -> Any:
    """The last child of ``element`` (None when it has none), found without counting
    them all, as ``len`` does."""
    try:
        return element[-1]
    except IndexError:
        return None


def _children_after(element: Any, last: Any) -> list[Any]:
    """The children of ``element`` after ``last`` (all of them when ``last`` is None)."""
    child = last.getnext() if last is not None else next(iter(element), None)
    out = []
    while child is not None:
        out.append(child)
        child = child.getnext()
    return out


def _run(tag: str, text: str | None = None, kind: str = "") -> Any:
    """A run holding one ``tag`` element: ``w:t`` or ``w:instrText`` with ``text`` (its
    spaces kept), ``w:tab``, or ``w:fldChar`` of type ``kind`` (begin, separate, end)."""
    run = OxmlElement("w:r")
    child = OxmlElement(tag)
    if kind:
        child.set(qn("w:fldCharType"), kind)
    if text is not None:
        child.set(qn("xml:space"), "preserve")
        child.text = text
    run.append(child)
    return run


def _follows_table(p: Any) -> bool:
    """True when the element before paragraph ``p`` is a table."""
    before = p.getprevious()
    return before is not None and before.tag == qn("w:tbl")


def _style_name(block: d.Heading | d.Paragraph) -> str:
    """The ITU style name of a heading or paragraph."""
    if isinstance(block, d.Heading):
        return "Heading_b" if block.number is None else HEADING_STYLES[block.level - 1]
    return PARAGRAPH_STYLES[block.role]


class BodyWriter:
    """Builds the body paragraphs and tables before the template's body marker."""

    def __init__(self, word: WordDocument, doc: d.Document,
                 template: Path | None = None) -> None:
        self.word = word
        self.doc = doc
        self.template = template  # renders the covers of attached documents
        self.style_ids: dict[str, str] = {}  # lower-case name -> id
        self.default_paragraph_style = ""
        for style in word.styles.element.iter(qn("w:style")):
            name = style.find(qn("w:name"))
            style_id = style.get(qn("w:styleId"))
            if name is not None and style_id:
                self.style_ids.setdefault(name.get(qn("w:val"), "").lower(), style_id)
            if style.get(qn("w:type")) == "paragraph" and style.get(qn("w:default")) in ("1",
                                                                                      "true"):
                self.default_paragraph_style = style_id or ""
        self.numbering = Numbering(numbering_element(word))
        self.heading_nums: dict[str, int] = {}
        self.anchor: WordParagraph | None = None
        self.bookmark_ids = itertools.count(BOOKMARK_IDS_FROM)  # also numbers changes
        marks = doc.revision_marks
        self.tracker = Tracker(marks.author, marks.date, lambda: next(self.bookmark_ids)) \
            if marks else None
        self.unanchored = 0  # > 0 while writing removed text: it carries no bookmarks
        self.footnotes = Footnotes(word.part)
        self.relations = Relations()  # links, pictures and drawing ids, looked up fast
        self.svg_fallbacks: dict[tuple[bytes, float], Any] = {}  # an SVG's PNG, by size
        self.break_before = False  # a page break waits for the next paragraph

    # ---------------------------------------------------------------- setup

    def write(self, marker: str) -> None:
        anchor = next((p for p in self.word.paragraphs if p.text.strip() == marker), None)
        if anchor is None:
            raise TemplateProblem("the Word template has no paragraph '{{ body }}'")
        self.anchor = anchor
        self.blocks(self.doc.body)
        self.break_before = False  # a page break with nothing after it does nothing
        self.annexes()

    def finish(self, last: d.Document) -> None:
        """Remove the body marker; the end mark is that of the ``last`` document written
        (the report, or its last attached document)."""
        assert self.anchor is not None
        anchor = oxml.element(self.anchor)
        anchor.getparent().remove(anchor)
        self.end_mark(last.end_mark)
        self.footnotes.finish()

    def annexes(self) -> None:
        for annex in self.doc.annexes:
            self.annex(annex)
            self.break_before = False

    def style(self, name: str) -> str:
        """The id of the template's style called ``name`` (python-docx's own lookup is
        slow and falls back silently to the default style)."""
        try:
            return self.style_ids[name.lower()]
        except KeyError:
            raise TemplateProblem(f"the Word template has no style named {name!r}") from None

    def set_style(self, p: WordParagraph, name: str) -> None:
        """Give a paragraph a style (the default paragraph style is left implicit)."""
        style_id = self.style(name)
        value = None if style_id == self.default_paragraph_style else style_id
        element = oxml.element(p)
        if len(element) == 0:  # a new paragraph: its properties are its first child
            p_pr = SubElement(element, W_PPR)
            if value is not None:
                SubElement(p_pr, W_PSTYLE).set(W_VAL, value)
            return
        element.get_or_add_pPr().style = value

    def paragraph(self, name: str) -> WordParagraph:
        assert self.anchor is not None
        element = oxml.element(self.anchor).makeelement(W_P)
        oxml.element(self.anchor).addprevious(element)
        p = WordParagraph(element, oxml.parent(self.anchor))
        self.set_style(p, name)
        self.take_page_break(p)
        return p

    def take_page_break(self, p: WordParagraph) -> None:
        """A page break before this paragraph, if one is waiting: every block begins with
        a paragraph (a table with its caption), so the break is the paragraph's own
        ``w:pageBreakBefore``, as CSS's ``break-before: page`` in the PDF."""
        if self.break_before:
            p.paragraph_format.page_break_before = True
            self.break_before = False

    def mark(self, p: WordParagraph, block_id: str) -> None:
        """Wrap the paragraph's content in the hidden bookmark of ``block_id``."""
        if not block_id or self.unanchored:
            return
        number = str(next(self.bookmark_ids))
        element = oxml.element(p)
        start = element.makeelement(W_BOOKMARK_START, {W_ID: number,
                                                       W_NAME: bookmark_name(block_id)})
        p_pr = element.find(W_PPR)
        if p_pr is not None:
            p_pr.addnext(start)
        else:
            element.insert(0, start)
        SubElement(element, W_BOOKMARK_END, {W_ID: number})

    def mark_cover(self) -> None:
        """Bookmark the cover's paragraphs that show a field of the content."""
        wanted = {a.text: a.id for a in cover_anchors(self.doc)}
        for table in self.word.tables:
            for row in table.rows:
                for cell in row.cells:
                    for p in cell.paragraphs:
                        block_id = wanted.pop(p.text, None)
                        if block_id:
                            self.mark(p, block_id)
        for p in self.word.paragraphs:
            block_id = wanted.pop(p.text, None)
            if block_id:
                self.mark(p, block_id)

    def mark_cover_changes(self) -> None:
        """Cover fields that changed: their paragraphs rewritten with the marks."""
        marks = self.doc.revision_marks
        if marks is None:
            return
        body = self.word.element.body
        for name, inlines in marks.cover:
            bookmark = bookmark_name(f"cover.{name}")
            found = body.xpath(f".//w:p[w:bookmarkStart/@w:name='{bookmark}']")
            if not found:
                continue
            p = WordParagraph(found[0], oxml.body(self.word))
            runs = oxml.element(p).findall(qn("w:r"))
            keep = 1 if name == "action" else 0  # the bold "Action:"
            for run in runs[keep:]:
                oxml.element(p).remove(run)
            end = oxml.element(p).find(qn("w:bookmarkEnd"))
            if keep:
                p.add_run(" ")
            self.inlines(p, inlines)
            if end is not None:
                oxml.element(p).append(end)

    def new_elements(self, before: Any) -> list[Any]:
        """The body elements written since ``before`` (the element then before the anchor)."""
        assert self.anchor is not None
        out = []
        el = before.getnext() if before is not None else oxml.element(self.anchor).getparent()[0]
        while el is not None and el is not oxml.element(self.anchor):
            out.append(el)
            el = el.getnext()
        return out

    def tracked(self, change: str, write: Callable[[], None]) -> None:
        """Write something, then mark all it wrote as inserted, deleted or moved."""
        assert self.anchor is not None and self.tracker is not None
        before = oxml.element(self.anchor).getprevious()
        removed = change in ("deleted", "moved-from")
        self.unanchored += removed
        try:
            write()
        finally:
            self.unanchored -= removed
        for el in self.new_elements(before):
            if el.tag == qn("w:p"):
                self.tracker.mark_paragraph(el, change)
            elif el.tag == qn("w:tbl"):
                for tr in el.iter(qn("w:tr")):
                    self.tracker.mark_row(tr, change)

    # --------------------------------------------------------------- blocks

    def blocks(self, blocks: tuple[d.Block, ...]) -> None:
        for block in blocks:
            self.block(block)

    def block(self, block: d.Block) -> None:
        match block:
            case d.Heading(number=None, title=title):
                p = self.paragraph(_style_name(block))
                if not block.keep_with_next:
                    p.paragraph_format.keep_with_next = False
                self.inlines(p, title)
                self.mark(p, block.id)
                self.restyled(p, block.former)
            case d.Heading(title=title, numbering=sequence):
                p = self.paragraph(_style_name(block))
                if not block.keep_with_next:
                    p.paragraph_format.keep_with_next = False
                self.number(p, self.heading_num(sequence, block.number_prefix),
                            block.number_depth - 1)
                self.inlines(p, title)
                self.mark(p, block.id)
                self.restyled(p, block.former)
            case d.Paragraph(content=content, role=role):
                p = self.paragraph(_style_name(block))
                if role == "centred":
                    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                self.inlines(p, content)
                self.mark(p, block.id)
                self.restyled(p, block.former)
                if block.mark and self.tracker is not None:  # joined or split
                    self.tracker.mark_end(oxml.element(p), block.mark)
            case d.Note(content=content):
                p = self.paragraph("Note")
                p.add_run(block.prefix)
                self.inlines(p, content)
                self.mark(p, block.id)
            case d.ListBlock():
                self.list(block)
            case d.Table():
                self.table(block)
            case d.Quote(blocks=inner):
                self.blocks(inner)
            case d.Contents():
                self.contents(block)
            case d.PageBreak():
                self.break_before = True
            case d.Figure():
                write_figure(self, block)
            case d.Revised(change=change, block=inner):
                self.tracked(change, lambda: self.block(inner))
            case _:
                raise TypeError(f"the DOCX writer has no rule for {type(block).__name__}")

    def restyled(self, p: WordParagraph, former: d.Heading | d.Paragraph | None) -> None:
        """A paragraph whose style changed: w:pPrChange keeps the former style."""
        if former is not None and self.tracker is not None:
            self.tracker.restyle(oxml.element(p), self.style(_style_name(former)))

    def heading_num(self, sequence: str, prefix: str = "") -> int:
        if sequence not in self.heading_nums:
            start = self.doc.heading_start if sequence == "body" else 1
            self.heading_nums[sequence] = self.numbering.headings(start, prefix)
        return self.heading_nums[sequence]

    def list(self, block: d.ListBlock) -> None:
        """Each item is exactly one numbered paragraph (empty when the item is empty or
        starts with a nested list), so Word counts the items the tree labels."""
        num_id = self.numbering.list(block.counter, block.pattern, block.level, block.start)
        style = LIST_STYLES[block.level - 1]
        for item in block.items:
            if item.change and self.tracker is not None:
                self.tracked(item.change, partial(self.item, item, style, num_id, block.level))
            else:
                self.item(item, style, num_id, block.level)

    def item(self, item: d.ListItem, style: str, num_id: int, level: int) -> None:
        """One list item: exactly one numbered paragraph, then its further blocks."""
        head = self.paragraph(style)
        self.number(head, num_id, level - 1)
        rest = item.blocks
        if rest and isinstance(rest[0], d.Paragraph):
            self.inlines(head, rest[0].content)
            self.mark(head, rest[0].id)
            rest = rest[1:]
        else:
            self.mark(head, item.id)
        for inner in rest:
            if isinstance(inner, d.Paragraph):  # a further paragraph, under the text
                p = self.paragraph(style)
                p.paragraph_format.first_line_indent = Twips(0)
                self.inlines(p, inner.content)
                self.mark(p, inner.id)
            else:
                self.block(inner)

    @staticmethod
    def number(p: WordParagraph, num_id: int, ilvl: int) -> None:
        num_pr = oxml.element(p).get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = ilvl
        num_pr.get_or_add_numId().val = num_id

    def contents(self, block: d.Contents) -> None:
        """The table of contents: its title in Heading_b, then a Word TOC field
        (``TOC \\o "1-3" \\h \\z \\u``) whose result is already the entries, one paragraph
        each in TOC 1-3, linked to their headings' bookmarks and ending in a PAGEREF of
        the page our PDF's layout gave them: it reads right before any field update."""
        title = self.paragraph("Heading_b")
        title.add_run(block.title)
        self.mark(title, block.id)
        entries: list[d.ContentsEntry | None] = list(block.entries) or [None]
        paragraphs = [self.paragraph(f"toc {e.level}" if e else "toc 1") for e in entries]
        first = oxml.element(paragraphs[0])
        for run in (_run("w:fldChar", kind="begin"),
                    _run("w:instrText", ' TOC \\o "1-3" \\h \\z \\u '),
                    _run("w:fldChar", kind="separate")):
            first.append(run)
        for p, entry in zip(paragraphs, entries, strict=True):
            if entry is None:
                continue
            target = bookmark_name(entry.target)
            link = OxmlElement("w:hyperlink")
            link.set(qn("w:anchor"), target)
            link.set(qn("w:history"), "1")
            if entry.number:
                link.append(_run("w:t", entry.number))
                link.append(_run("w:tab"))
            link.append(_run("w:t", entry.title))
            link.append(_run("w:tab"))
            for run in (_run("w:fldChar", kind="begin"),
                        _run("w:instrText", f" PAGEREF {target} \\h "),
                        _run("w:fldChar", kind="separate"),
                        _run("w:t", str(entry.page) if entry.page else ""),
                        _run("w:fldChar", kind="end")):
                link.append(run)
            oxml.element(p).append(link)
        oxml.element(paragraphs[-1]).append(_run("w:fldChar", kind="end"))

    def cell_blocks(self, first: WordParagraph, blocks: tuple[d.Block, ...],
                    style: str) -> None:
        """A table cell's paragraphs and lists, from its first paragraph ``first`` on:
        every paragraph in the cell's style, a list item numbered by Word as in the
        body (its level's indents, inside the cell)."""
        cell_p = first
        used = False

        def paragraph(like: WordParagraph | None = None) -> WordParagraph:
            nonlocal cell_p, used
            if not used:
                used = True
                return cell_p
            new = cell_p.insert_paragraph_before()  # then moved after the last one
            oxml.element(cell_p).addnext(oxml.element(new))
            cell_p = new
            self.set_style(new, style)
            if like is not None and like.alignment is not None:
                new.alignment = like.alignment
            return new

        def write(blocks: tuple[d.Block, ...], indent: int = 0) -> None:
            for block in blocks:
                if isinstance(block, d.Paragraph):
                    p = paragraph(first)
                    if indent:  # a further paragraph of an item: under its text
                        p.paragraph_format.left_indent = Twips(indent)
                    self.inlines(p, block.content)
                    self.mark(p, block.id)
                elif isinstance(block, d.ListBlock):
                    num_id = self.numbering.list(block.counter, block.pattern, block.level,
                                                 block.start)
                    for item in block.items:
                        head = paragraph()
                        self.number(head, num_id, block.level - 1)
                        rest = item.blocks
                        if rest and isinstance(rest[0], d.Paragraph):
                            self.inlines(head, rest[0].content)
                            self.mark(head, rest[0].id)
                            rest = rest[1:]
                        else:
                            self.mark(head, item.id)
                        write(rest, LIST_INDENTS[block.level - 1].left)

        write(blocks)

    def table(self, table: d.Table) -> None:
        assert self.anchor is not None
        if table.caption:
            caption = self.paragraph("Table_NoTitle")
            caption.add_run(table.caption)
            self.mark(caption, table.id)
        elif self.break_before or _follows_table(oxml.element(self.anchor)):
            # a layout table: a page break needs a paragraph to carry it, and two
            # tables with nothing between them would become one
            self.paragraph("Table_text")
        result = word_table(self, table)
        if table.borderless:
            oxml.no_borders(oxml.element(result))
        if self.tracker is not None:
            trs = oxml.element(result).tr_lst  # once: rows[r] walks the table each time
            for r, change in enumerate(table.row_changes, start=len(table.header_rows)):
                if change:
                    self.tracker.mark_row(trs[r], change)
        oxml.element(self.anchor).addprevious(oxml.element(result))

    def annex(self, annex: d.Annex) -> None:
        if annex.change and self.tracker is not None:
            self.tracked(annex.change, partial(self.annex, replace(annex, change="")))
            return
        title = self.paragraph("Appendix_NoTitle" if annex.kind == "appendix"
                               else "Annex_NoTitle")
        title.add_run(annex.label)
        run = title.add_run()
        run.add_break()
        run.add_break()
        if annex.title_marks:
            self.inlines(title, annex.title_marks)
        else:
            title.add_run(annex.title)
        self.mark(title, annex.id)
        if annex.obligation:
            p = self.paragraph("Normal")
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.add_run(annex.obligation)
        self.blocks(annex.blocks)

    def end_mark(self, text: str) -> None:
        """The template's end-mark paragraph with ``text``, or removed when it is empty."""
        body = self.word.element.body
        style_id = self.style_ids.get(ENDMARK_STYLE.lower(), "")
        marks = [WordParagraph(p, oxml.body(self.word)) for p in
                 body.xpath(f"./w:p[w:pPr/w:pStyle/@w:val='{style_id}' and not(w:pPr/w:sectPr)]")
                 ] if style_id else []  # one that ends a section is an attached document's
        for extra in marks[:-1]:
            oxml.element(extra).getparent().remove(oxml.element(extra))
        if not marks:
            if text:
                raise TemplateProblem("the Word template has no end-mark paragraph "
                                      f"(style {ENDMARK_STYLE})")
            return
        last = marks[-1]
        if not text:
            oxml.element(last).getparent().remove(oxml.element(last))
            return
        for run in list(last.runs):
            oxml.element(run).getparent().remove(oxml.element(run))
        last.add_run(text)

    # --------------------------------------------------------------- inline

    def inlines(self, p: WordParagraph, nodes: tuple[d.Inline, ...], bold: bool = False,
                italic: bool = False) -> None:
        for node in nodes:
            match node:
                case d.Text(text=text):
                    add_text_run(oxml.element(p), text, bold, italic)
                case d.DocRef(id=doc_id, url=str(url)):
                    run = Run(self.link(p, url, doc_id), p)
                    run.bold = bold or None
                    run.italic = italic or None
                case d.DocRef(id=doc_id):
                    run = p.add_run(doc_id)
                    run.bold = bold or None
                    run.italic = italic or None
                case d.Emphasis(children=children):
                    self.inlines(p, children, bold, True)
                case d.Strong(children=children):
                    self.inlines(p, children, True, italic)
                case d.LineBreak():
                    p.add_run().add_break()
                case d.Footnote():
                    self.footnote(p, node)
                case d.Link(url=url, children=children):
                    self.link(p, url, d.plain_text(children))
                case d.Inserted(children=children) | d.Deleted(children=children):
                    last = _last_child(oxml.element(p))
                    self.inlines(p, children, bold, italic)
                    if self.tracker is not None:
                        change = "inserted" if isinstance(node, d.Inserted) else "deleted"
                        self.tracker.wrap_runs(_children_after(oxml.element(p), last), change)
                case d.Reformatted(children=children, bold=was_bold, italic=was_italic):
                    last = _last_child(oxml.element(p))
                    self.inlines(p, children, bold, italic)
                    if self.tracker is not None:
                        self.tracker.reformat(_children_after(oxml.element(p), last),
                                              was_bold, was_italic)
                case _:
                    raise TypeError(f"the DOCX writer has no rule for {type(node).__name__}")

    def footnote(self, p: WordParagraph, note: d.Footnote) -> None:
        """The note's reference here and its text in the footnotes part; Word prints
        the number, which is the tree's since references come in the tree's order."""
        note_id, element, story = self.footnotes.add(self.style(FOOTNOTE_TEXT_STYLE),
                                                     self.style(FOOTNOTE_REFERENCE_STYLE))
        oxml.element(p).append(reference(self.style(FOOTNOTE_REFERENCE_STYLE), note_id))
        text = WordParagraph(element, story)  # type: ignore[arg-type]
        self.inlines(text, note.content)
        self.mark(text, note.id)

    def link(self, p: WordParagraph, url: str, text: str) -> Any:
        """A hyperlink run in the Hyperlink style; returns the run (``w:r``)."""
        r_id = self.relations.relate(p.part, url, RT.HYPERLINK, external=True)
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), r_id)
        run = OxmlElement("w:r")
        r_pr = OxmlElement("w:rPr")
        r_style = OxmlElement("w:rStyle")
        r_style.set(qn("w:val"), self.style("Hyperlink"))
        r_pr.append(r_style)
        run.append(r_pr)
        t = OxmlElement("w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = text
        run.append(t)
        link.append(run)
        oxml.element(p).append(link)
        return run

