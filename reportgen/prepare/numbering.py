"""The one numbering pass: tables and figures get their numbers and captions, lists
their instances and labels, footnotes their numbers, in the order the writers print."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from reportgen import tree as d
from reportgen.errors import Problem
from reportgen.prepare.anchors import cell_id
from reportgen.prepare.labels import (
    DASH,
    format_label,
    markdown_pattern,
)

MAX_LIST_NUMBER = 32767  # the largest start value Word accepts


@dataclass
class Numberer:
    """Gives tables and figures their numbers and captions (two counts), lists their
    instances and labels, and footnotes their numbers, in document order (the order the
    writers print)."""

    list_formats: Sequence[str]
    problems: list[Problem]
    caption: str  # "Table {n} – {title}" in the document's language
    figure_caption: str  # "Figure {n} – {title}"
    tables: int = 0
    table_prefix: str = ""  # "II" in Appendix II: its tables are Table II.1, II.2 …
    prefixed: int = 0  # tables so far under the current prefix
    figures: int = 0
    prefixed_figures: int = 0  # figures so far under the current prefix: Figure II.1 …
    lists: int = 0
    footnotes: int = 0

    def blocks(self, blocks: Sequence[d.Block]) -> tuple[d.Block, ...]:
        return tuple(self.block(b) for b in blocks)

    def block(self, block: d.Block) -> d.Block:
        match block:
            case d.Table(title=title):
                heads = len(block.header_rows)
                cells = [self.cells(row, block.id, r) for r, row in enumerate(block.all_rows)]
                block = replace(block, header=cells[0] if heads else (),
                                header_more=tuple(cells[1:heads]), rows=tuple(cells[heads:]))
                if not title:  # a layout table: no caption, no number
                    return block
                if self.table_prefix:
                    self.prefixed += 1
                    number, shown = self.prefixed, f"{self.table_prefix}.{self.prefixed}"
                else:
                    self.tables += 1
                    number, shown = self.tables, str(self.tables)
                return replace(block, number=number,
                               caption=self.caption.format(n=shown, title=title))
            case d.Figure(title=title):
                if self.table_prefix:
                    self.prefixed_figures += 1
                    number = self.prefixed_figures
                    shown = f"{self.table_prefix}.{number}"
                else:
                    self.figures += 1
                    number, shown = self.figures, str(self.figures)
                return replace(block, number=number,
                               caption=self.figure_caption.format(n=shown, title=title))
            case d.ListBlock():
                return self.list(block)
            case d.Quote(blocks=inner):
                return replace(block, blocks=self.blocks(inner))
            case d.Paragraph(content=content) | d.Note(content=content):
                return replace(block, content=self.inlines(content, block.id))
            case d.Heading() | d.PageBreak() | d.Contents():
                return block
        raise TypeError(f"not a block node: {block!r}")

    def cells(self, cells: tuple[d.Cell, ...], table_id: str, row: int) -> tuple[d.Cell, ...]:
        return tuple(replace(cell, content=self.inlines(cell.content, cell_id(table_id, row, c)),
                             blocks=self.blocks(cell.blocks))
                     for c, cell in enumerate(cells))

    def inlines(self, nodes: tuple[d.Inline, ...], owner: str) -> tuple[d.Inline, ...]:
        """The footnotes among ``nodes`` numbered; each takes its paragraph's id + ``.fnK``."""
        ordinal = 0

        def walk(nodes: tuple[d.Inline, ...]) -> tuple[d.Inline, ...]:
            nonlocal ordinal
            out: list[d.Inline] = []
            for node in nodes:
                match node:
                    case d.Footnote():
                        self.footnotes += 1
                        ordinal += 1
                        out.append(replace(node, number=self.footnotes,
                                           id=f"{owner}.fn{ordinal}"))
                    case d.Emphasis(children=c) | d.Strong(children=c) | d.Link(children=c):
                        out.append(replace(node, children=walk(c)))
                    case _:
                        out.append(node)
            return tuple(out)

        return walk(nodes)

    def list(self, block: d.ListBlock) -> d.ListBlock:
        self.lists += 1
        instance = self.lists
        counter, pattern = block.counter, block.pattern
        if not pattern:  # a Markdown list: the counter by depth, the delimiter as typed
            if block.ordered:
                formats = block.formats or self.list_formats
                counter, pattern = markdown_pattern(formats[block.level - 1],
                                                    block.delimiter)
            else:
                counter, pattern = "bullet", DASH
        self.check_expressible(block, counter)
        items = tuple(
            replace(item, label=format_label(pattern, counter, block.start + k),
                    blocks=self.blocks(item.blocks))
            for k, item in enumerate(block.items))
        return replace(block, counter=counter, pattern=pattern, items=items,
                       instance=instance)

    def check_expressible(self, block: d.ListBlock, counter: d.ListCounter) -> None:
        """Labels Word numbering cannot show are refused rather than shown differently."""
        if counter == "bullet":
            return
        first, last = block.start, block.start + len(block.items) - 1
        lowest = 0 if counter == "decimal" else 1
        message = ""
        if first < lowest:
            message = f"a {counter.replace('-', ' ')} list cannot start at {first}"
        elif last > MAX_LIST_NUMBER:
            message = f"list numbers stop at {MAX_LIST_NUMBER}; this list reaches {last}"
        if message:
            o = block.origin
            self.problems.append(Problem(o.file if o else "", o.line if o else 0,
                                         o.col if o else 0, "", message))
