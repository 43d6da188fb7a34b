"""Tables in the DOCX: the grid, merged cells, header rows and column widths.

A cell that spans columns is one ``w:tc`` with ``w:gridSpan``; a cell that spans rows
starts with ``w:vMerge w:val="restart"`` and the rows below hold an empty ``w:tc`` with
``w:vMerge`` (continue) over the same columns, as Word writes them. Every header row
repeats on each page (``w:tblHeader``) and its paragraphs are Table_head. Widths are
set on the grid (LibreOffice reads ``w:tblGrid``) and on each cell (Word reads
``w:tcW``), a merged cell taking the sum of its columns, under a fixed layout.
"""

from __future__ import annotations

from typing import Protocol

from docx.document import Document as WordDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Twips
from docx.table import Table as WordTable
from docx.text.paragraph import Paragraph as WordParagraph

from reportgen import tree as d
from reportgen.content.tablegrid import bands, has_spans, place
from reportgen.prepare.anchors import cell_id
from reportgen.prepare.layout import TEXT_WIDTH as TEXT_WIDTH_TWIPS
from reportgen.writers.docx import oxml


class TableWriter(Protocol):
    """What the body writer lends to the table writer."""

    word: WordDocument

    def style(self, name: str) -> str: ...

    def set_style(self, p: WordParagraph, name: str) -> None: ...

    def inlines(self, p: WordParagraph, nodes: tuple[d.Inline, ...], bold: bool = False,
                italic: bool = False) -> None: ...

    def mark(self, p: WordParagraph, block_id: str) -> None: ...

    def cell_blocks(self, first: WordParagraph, blocks: tuple[d.Block, ...],
                    style: str) -> None: ...


def grid_widths(table: d.Table) -> list[int]:
    """Each grid column's width in twips, adding up to the text width exactly."""
    widths = [round(TEXT_WIDTH_TWIPS * f) for f in table.widths]
    widths[-1] = TEXT_WIDTH_TWIPS - sum(widths[:-1])
    return widths


def word_table(w: TableWriter, table: d.Table) -> WordTable:
    """The ``w:tbl`` of ``table`` (not yet placed in the body)."""
    rows = table.all_rows
    heads = len(table.header_rows)
    width = len(table.widths)
    result: WordTable = w.word.add_table(rows=len(rows), cols=width)
    tbl_style = OxmlElement("w:tblStyle")
    tbl_style.set(qn("w:val"), w.style("ITU Table"))
    oxml.element(result).tblPr.insert(0, tbl_style)
    result.autofit = False
    widths = grid_widths(table)
    for grid_col, twips in zip(oxml.element(result).tblGrid.gridCol_lst, widths, strict=True):
        grid_col.w = Twips(twips)
    result.alignment = WD_TABLE_ALIGNMENT.CENTER
    tbl_w = oxml.element(result).tblPr.find(qn("w:tblW"))
    if tbl_w is not None:  # the full text width, as the grid
        tbl_w.set(qn("w:type"), "dxa")
        tbl_w.set(qn("w:w"), str(TEXT_WIDTH_TWIPS))
    for r, row in enumerate(result.rows):
        tr_pr = oxml.element(row).get_or_add_trPr()
        tr_pr.append(OxmlElement("w:tblHeader" if r < heads else "w:cantSplit"))
        for cell, twips in zip(row.cells, widths, strict=True):
            cell.width = Twips(twips)
    # header rows and body rows are two grids: no span crosses from one into the other
    parts = ((0, rows[:heads]), (heads, rows[heads:]))
    spans = has_spans([[c.span for c in row] for row in rows])
    for first, part in parts:
        placed, problems = place([[c.span for c in row] for row in part], width)
        if problems:  # prepare checks the content; a tree made otherwise is refused
            raise ValueError(f"table {table.id or table.caption!r}: {problems[0].message}")
        for cell in placed:
            r = first + cell.row
            if spans and (cell.colspan > 1 or cell.rowspan > 1):
                result.cell(r, cell.col).merge(
                    result.cell(r + cell.rowspan - 1, cell.col + cell.colspan - 1))
            word_cell = result.cell(r, cell.col) if spans else result.rows[r].cells[cell.col]
            p = word_cell.paragraphs[0]
            w.set_style(p, "Table_head" if r < heads else "Table_text")
            if r >= heads and table.align[cell.col] == "center":
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            if rows[r][cell.index].blocks:  # paragraphs and lists
                w.cell_blocks(p, rows[r][cell.index].blocks,
                              "Table_head" if r < heads else "Table_text")
                continue
            w.inlines(p, rows[r][cell.index].content)
            w.mark(p, cell_id(table.id, r, cell.index) if table.id else "")
    if spans:
        for r, row in enumerate(result.rows):
            for p in oxml.element(row).iter(qn("w:p")):
                if p.pPr is None or p.pPr.pStyle is None:  # a continued cell's paragraph
                    w.set_style(WordParagraph(p, result),
                                "Table_head" if r < heads else "Table_text")
        keep_bands_together(result, table)
    return result


def keep_bands_together(result: WordTable, table: d.Table) -> None:
    """Rows joined by a row span stay on one page when they fit: each row but the last
    of such a band keeps with the next (Word's way: "keep with next" on a row's
    paragraphs keeps the row on the page of the row after it)."""
    heads = len(table.header_rows)
    for band in bands([[c.span for c in row] for row in table.rows]):
        for r in range(band.start, band.stop - 1):
            for p in oxml.element(result.rows[heads + r]).iter(qn("w:p")):
                WordParagraph(p, result).paragraph_format.keep_with_next = True
