"""The Markdown subset used for prose, turned into document-tree nodes.

Supported: paragraphs, emphasis, strong, links (http, https, mailto), hard line
breaks, bullet lists, ordered lists nested up to three levels, block quotes, pipe
tables (with a ``Table: title`` paragraph just before them) and ``#`` headings (as
unnumbered headings). Raw HTML is text. Document ids in text (C54, TD433R1) become
references to the register.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from . import document as d
from .load import Origin

DOC_ID_IN_TEXT = re.compile(r"(?<![\w\-/.])(?:C|TD)\d{1,4}(?:R\d{1,2})?(?![\w\-])")
LINK_SCHEMES = ("http://", "https://", "mailto:")
MAX_LIST_DEPTH = 3
ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
         (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
COUNTERS: dict[str, d.ListCounter] = {
    "1": "decimal", "a": "lower-letter", "A": "upper-letter",
    "i": "lower-roman", "I": "upper-roman",
}
DASH = "\u2013"

# Raw HTML and character references stay text: prose is data, never markup for a browser.
_parser = MarkdownIt("commonmark", {"html": False}).enable("table").disable("entity")


class MarkupError(Exception):
    """Prose that cannot be rendered; ``line`` is relative to the prose's start."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class ProseContext:
    """What turning prose into nodes needs from the rest of the document."""

    register: dict[str, str]  # id -> title
    list_formats: list[str]  # counter per depth, e.g. ["1)", "a)", "i)"]
    next_list_instance: Callable[[], int]
    next_table_number: Callable[[], int]
    cited: dict[str, list[Origin]] = field(default_factory=dict)


def format_label(pattern: str, counter: d.ListCounter, n: int) -> str:
    """The printed label of item ``n``: ``format_label("{n})", "lower-letter", 2) == "b)"``."""
    return pattern.replace("{n}", counter_text(counter, n))


def counter_text(counter: d.ListCounter, n: int) -> str:
    match counter:
        case "decimal":
            return str(n)
        case "lower-letter" | "upper-letter":
            text = ""
            while n > 0:
                n, rem = divmod(n - 1, 26)
                text = chr(ord("a") + rem) + text
            return text if counter == "lower-letter" else text.upper()
        case "lower-roman" | "upper-roman":
            text = ""
            for value, numeral in ROMAN:
                while n >= value:
                    text += numeral
                    n -= value
            return text if counter == "lower-roman" else text.upper()
        case _:
            return DASH


def parse_format(fmt: str) -> tuple[d.ListCounter, str]:
    """``"(a)"`` -> ("lower-letter", "({n})")."""
    core = fmt.strip("().")
    return COUNTERS[core], fmt.replace(core, "{n}", 1)


def to_blocks(text: str, origin: Origin, ctx: ProseContext) -> tuple[d.Block, ...]:
    """Parse one prose text into blocks."""
    root = SyntaxTreeNode(_parser.parse(text))
    return _Converter(ctx, origin).blocks(root.children, depth=0)


def plain_inlines(text: str, origin: Origin, ctx: ProseContext) -> tuple[d.Inline, ...]:
    """Plain text (a title) as inline nodes: no Markdown, document ids recognised."""
    return tuple(_merge_text(_Converter(ctx, origin).text(text, 0)))


def to_inlines(text: str, origin: Origin, ctx: ProseContext) -> tuple[d.Inline, ...]:
    """Parse one-paragraph prose (a table cell, a list item) into inline nodes."""
    blocks = to_blocks(text, origin, ctx)
    if not blocks:
        return ()
    if len(blocks) != 1 or not isinstance(blocks[0], d.Paragraph):
        raise MarkupError(0, "only inline text is allowed here (no lists, tables or quotes)")
    return blocks[0].content


class _Converter:
    def __init__(self, ctx: ProseContext, origin: Origin) -> None:
        self.ctx = ctx
        self.origin = origin

    def blocks(self, nodes: list[SyntaxTreeNode], depth: int) -> tuple[d.Block, ...]:
        out: list[d.Block] = []
        caption: str | None = None
        for node in nodes:
            line = node.map[0] if node.map else 0
            if caption is not None and node.type != "table":
                out.append(d.Paragraph((d.Text("Table: " + caption),)))
                caption = None
            match node.type:
                case "paragraph":
                    inlines = self.inline(node, line)
                    text = d.plain_text(inlines)
                    if text.startswith("Table: ") and "\n" not in text:
                        caption = text[len("Table: "):].strip()
                        continue
                    out.append(d.Paragraph(inlines))
                case "bullet_list" | "ordered_list":
                    out.append(self.list_block(node, depth + 1, line))
                case "blockquote":
                    out.append(d.Quote(tuple(as_quotation(b)
                                             for b in self.blocks(node.children, depth))))
                case "table":
                    out.append(self.table(node, caption, line))
                    caption = None
                case "heading":
                    title = self.inline(node, line)
                    out.append(d.Heading(0, None, title, "", "none"))
                case "code_block" | "fence":
                    out.append(d.Paragraph((d.Text(node.content.rstrip("\n")),)))
                case "hr":
                    continue
                case other:
                    raise MarkupError(line, f"unsupported Markdown element: {other}")
        if caption is not None:
            out.append(d.Paragraph((d.Text("Table: " + caption),)))
        return tuple(out)

    def list_block(self, node: SyntaxTreeNode, depth: int, line: int) -> d.ListBlock:
        if depth > MAX_LIST_DEPTH:
            raise MarkupError(line, f"lists nest at most {MAX_LIST_DEPTH} levels deep")
        ordered = node.type == "ordered_list"
        start = int(str(node.attrs.get("start", 1))) if ordered else 1
        if ordered:
            counter, pattern = parse_format(self.ctx.list_formats[depth - 1])
            delimiter = node.markup or ")"
            pattern = pattern.rstrip(").") + delimiter if not pattern.startswith("(") else pattern
        else:
            counter, pattern = "bullet", DASH
        items = []
        for n, item in enumerate(node.children, start):
            label = format_label(pattern, counter, n)
            items.append(d.ListItem(label, self.blocks(item.children, depth)))
        return d.ListBlock(ordered, depth, counter, pattern, start, tuple(items),
                           self.ctx.next_list_instance())

    def table(self, node: SyntaxTreeNode, caption: str | None, line: int) -> d.Table:
        if caption is None:
            raise MarkupError(line, "a table needs a title: write 'Table: <title>' just "
                                    "before it")
        head, *body = node.children
        header: tuple[d.Cell, ...] = tuple(self.cells(head.children[0], line))
        rows: tuple[tuple[d.Cell, ...], ...] = tuple(
            tuple(self.cells(tr, line)) for part in body for tr in part.children)
        aligns = tuple("center" if "center" in str(th.attrs.get("style", "")) else "left"
                       for th in head.children[0].children)
        n = len(header)
        number = self.ctx.next_table_number()
        return d.Table(number, f"Table {number} {DASH} {caption}", header, rows,
                       tuple(1 / n for _ in range(n)), aligns)  # type: ignore[arg-type]

    def cells(self, tr: SyntaxTreeNode, line: int) -> list[d.Cell]:
        return [d.Cell(self.inline(cell, line)) for cell in tr.children]

    def inline(self, node: SyntaxTreeNode, line: int) -> tuple[d.Inline, ...]:
        inline = node.children[0] if node.children and node.children[0].type == "inline" \
            else node
        return tuple(self.spans(inline.children, line))

    def spans(self, nodes: list[SyntaxTreeNode], line: int) -> list[d.Inline]:
        out: list[d.Inline] = []
        for node in nodes:
            match node.type:
                case "text" | "code_inline" | "html_inline":
                    out.extend(self.text(node.content, line))
                case "softbreak":
                    out.append(d.Text(" "))
                case "hardbreak":
                    out.append(d.LineBreak())
                    line += 1
                case "em":
                    out.append(d.Emphasis(tuple(self.spans(node.children, line))))
                case "strong":
                    out.append(d.Strong(tuple(self.spans(node.children, line))))
                case "link":
                    url = str(node.attrs.get("href", ""))
                    if not url.startswith(LINK_SCHEMES):
                        raise MarkupError(line, f"link to {url!r} refused: links may point "
                                                "only to http, https or mailto addresses")
                    out.append(d.Link(url, tuple(self.spans(node.children, line))))
                case "image":
                    raise MarkupError(line, f"image {node.attrs.get('src', '')!r} refused: "
                                            "images are not supported in prose")
                case other:
                    raise MarkupError(line, f"unsupported Markdown element: {other}")
            if node.type == "softbreak":
                line += 1
        return _merge_text(out)

    def text(self, text: str, line: int) -> list[d.Inline]:
        out: list[d.Inline] = []
        pos = 0
        for m in DOC_ID_IN_TEXT.finditer(text):
            if m.start() > pos:
                out.append(d.Text(text[pos:m.start()]))
            doc_id = m.group()
            self.ctx.cited.setdefault(doc_id, []).append(
                Origin(self.origin.file, self.origin.line + line, self.origin.col))
            out.append(d.DocRef(doc_id, self.ctx.register.get(doc_id)))
            pos = m.end()
        if pos < len(text):
            out.append(d.Text(text[pos:]))
        return out


def as_quotation(block: d.Block) -> d.Block:
    """A quoted block: its paragraphs take the quotation role (lists keep their own)."""
    if isinstance(block, d.Paragraph):
        return d.Paragraph(block.content, "quotation")
    return block


def _merge_text(nodes: list[d.Inline]) -> list[d.Inline]:
    """Join neighbouring Text nodes so writers see whole runs."""
    out: list[d.Inline] = []
    for node in nodes:
        if out and isinstance(node, d.Text) and isinstance(out[-1], d.Text):
            out[-1] = d.Text(out[-1].text + node.text)
        else:
            out.append(node)
    return out
