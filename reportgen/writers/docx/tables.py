"""Tables in the DOCX: the grid, merged cells, header rows and column widths.

A cell that spans columns is one ``w:tc`` with ``w:gridSpan``; a cell that spans rows
starts with ``w:vMerge w:val="restart"`` and the rows below hold an empty ``w:tc`` with
``w:vMerge`` (continue) over the same columns, as Word writes them. Every header row
repeats on each page (``w:tblHeader``) and its paragraphs are Table_head. Widths are
set on the grid (LibreOffice reads ``w:tblGrid``) and on each cell (Word reads
``w:tcW``), a merged cell taking the sum of its columns, under a fixed layout.
"""

from __future__ import annotations

import copy
from typing import Protocol

from docx.document import Document as WordDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.simpletypes import ST_Merge
from docx.oxml.table import CT_Tbl, CT_Tc
from docx.shared import Length, Twips
from docx.table import Table as WordTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph as WordParagraph
from lxml.etree import SubElement

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


W_TC, W_P, W_PPR, W_JC, W_VAL = qn("w:tc"), qn("w:p"), qn("w:pPr"), qn("w:jc"), qn("w:val")


def grid_widths(table: d.Table) -> list[int]:
    """Each grid column's width in twips, adding up to the text width exactly."""
    widths = [round(TEXT_WIDTH_TWIPS * f) for f in table.widths]
    widths[-1] = TEXT_WIDTH_TWIPS - sum(widths[:-1])
    return widths


def word_table(w: TableWriter, table: d.Table) -> WordTable:
    """The ``w:tbl`` of ``table`` (not yet placed in the body).

    Rows and cells are reached through lists made once (python-docx's ``rows[i]`` and
    ``cell(r, c)`` walk the whole table on every call), so the cost grows with the
    number of cells, not with its square."""
    rows = table.all_rows
    heads = len(table.header_rows)
    width = len(table.widths)
    tbl = CT_Tbl.new_tbl(0, width, Twips(TEXT_WIDTH_TWIPS))
    result = WordTable(tbl, oxml.body(w.word))
    tbl_style = OxmlElement("w:tblStyle")
    tbl_style.set(qn("w:val"), w.style("ITU Table"))
    tbl.tblPr.insert(0, tbl_style)
    result.autofit = False
    widths = grid_widths(table)
    for grid_col, twips in zip(tbl.tblGrid.gridCol_lst, widths, strict=True):
        grid_col.w = Twips(twips)
    result.alignment = WD_TABLE_ALIGNMENT.CENTER
    tbl_w = tbl.tblPr.find(qn("w:tblW"))
    if tbl_w is not None:  # the full text width, as the grid
        tbl_w.set(qn("w:type"), "dxa")
        tbl_w.set(qn("w:w"), str(TEXT_WIDTH_TWIPS))
    grid: list[list[CT_Tc]] = []  # grid[r][c]: the w:tc that covers column c of row r
    # every row begins as a copy of one of two rows (a header row, a body row) made once
    templates = {kind: parse_xml(
        f'<w:tr {nsdecls("w")}><w:trPr><w:{kind}/></w:trPr>'
        + "".join(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{twips}"/></w:tcPr><w:p/></w:tc>'
                  for twips in widths) + "</w:tr>") for kind in ("tblHeader", "cantSplit")}
    for r in range(len(rows)):
        tr = copy.deepcopy(templates["tblHeader" if r < heads else "cantSplit"])
        tbl.append(tr)
        grid.append(list(tr.iterchildren(W_TC)))
    # header rows and body rows are two grids: no span crosses from one into the other
    parts = ((0, rows[:heads]), (heads, rows[heads:]))
    spans = has_spans([[c.span for c in row] for row in rows])
    for first, part in parts:
        placed, problems = place([[c.span for c in row] for row in part], width)
        if problems:  # prepare checks the content; a tree made otherwise is refused
            raise ValueError(f"table {table.id or table.caption!r}: {problems[0].message}")
        for cell in placed:
            r = first + cell.row
            if cell.colspan > 1 or cell.rowspan > 1:
                merge(grid, r, cell.col, cell.colspan, cell.rowspan)
            tc = grid[r][cell.col]
            p = WordParagraph(tc.find(W_P), _Cell(tc, result))
            w.set_style(p, "Table_head" if r < heads else "Table_text")
            if r >= heads and table.align[cell.col] == "center":  # after the style
                SubElement(oxml.element(p).find(W_PPR), W_JC, {W_VAL: "center"})
            if rows[r][cell.index].blocks:  # paragraphs and lists
                w.cell_blocks(p, rows[r][cell.index].blocks,
                              "Table_head" if r < heads else "Table_text")
                continue
            w.inlines(p, rows[r][cell.index].content)
            w.mark(p, cell_id(table.id, r, cell.index) if table.id else "")
    if spans:
        for r, tr in enumerate(tbl.tr_lst):
            for p in tr.iter(qn("w:p")):
                if p.pPr is None or p.pPr.pStyle is None:  # a continued cell's paragraph
                    w.set_style(WordParagraph(p, result),
                                "Table_head" if r < heads else "Table_text")
        keep_bands_together(result, table)
    return result


def merge(grid: list[list[CT_Tc]], row: int, col: int, colspan: int, rowspan: int) -> None:
    """Merge the cells of ``grid`` from (``row``, ``col``) over ``colspan`` columns and
    ``rowspan`` rows, as python-docx's ``merge`` does (the same elements and attributes),
    with the grid updated: in each row the first cell absorbs the others of the span,
    adding up their widths, and is the start (``restart``) or the continuation of the
    vertical merge. The cells are still empty, so there is no content to move."""
    for r in range(row, row + rowspan):
        tcs = grid[r]
        first = tcs[col]
        for c in range(col + 1, col + colspan):
            absorbed = tcs[c]
            first.width = Length((first.width or 0) + (absorbed.width or 0))
            parent = absorbed.getparent()
            if parent is not None and absorbed is not first:
                parent.remove(absorbed)
            tcs[c] = first
        first.grid_span = colspan
        if rowspan > 1:
            first.vMerge = ST_Merge.RESTART if r == row else ST_Merge.CONTINUE


def keep_bands_together(result: WordTable, table: d.Table) -> None:
    """Rows joined by a row span stay on one page when they fit: each row but the last
    of such a band keeps with the next (Word's way: "keep with next" on a row's
    paragraphs keeps the row on the page of the row after it)."""
    heads = len(table.header_rows)
    trs = oxml.element(result).tr_lst  # once: rows[r] walks the table each time
    for band in bands([[c.span for c in row] for row in table.rows]):
        for r in range(band.start, band.stop - 1):
            for p in trs[heads + r].iter(qn("w:p")):
                WordParagraph(p, result).paragraph_format.keep_with_next = True
