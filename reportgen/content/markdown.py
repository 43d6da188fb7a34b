"""The Markdown subset used for prose, read into document-tree nodes.

Supported: paragraphs, emphasis, strong, links (http, https, mailto), hard line
breaks, footnotes (``[^1]`` and a one-paragraph ``[^1]: text`` in the same prose),
bullet lists, ordered lists nested up to three levels, block quotes, code blocks (as
plain text), and pipe tables (with a ``Table: title`` paragraph just before them).
Inline HTML and character references are text. Document ids in text (C54, TD433R1)
become references to the register.

Every other construct is refused with its line and what to write instead: nothing the
author wrote disappears. This module only reads; it numbers nothing. Lists come out
with their depth, start and delimiter, tables with their title; ``prepare`` gives
them labels, numbers and ids.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.rules_block.table import escapedSplit
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

from reportgen import tree as d
from reportgen.content.docids import COMPACT_IN_TEXT, IN_TEXT, is_spaced, normal_id
from reportgen.errors import Origin

# ids written without a space (C54, TD433R1, TD433-R1), as the importer reads them
DOC_ID_IN_TEXT = COMPACT_IN_TEXT
LINK_SCHEMES = ("http://", "https://", "mailto:")
MAX_LIST_DEPTH = 3
MAX_QUOTE_DEPTH = 3
MAX_NESTING = 20  # markdown-it stops parsing (silently) below this depth
FOOTNOTE_DEFINITION = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:")

# HTML blocks are recognised only to be refused; inline HTML and character references
# stay text: prose is data, never markup for a browser.
_parser = (MarkdownIt("commonmark", {"html": True, "maxNesting": MAX_NESTING})
           .enable("table").disable("entity")
           .use(footnote_plugin).use(deflist_plugin))

REFUSED = {
    "hr": "a thematic break ('---', '***') is not supported: remove it, or end the clause "
          "here and start a new one in report.yaml",
    "heading": "a Markdown heading ('#') is not supported in prose: make it a clause (a "
               "'sections:' entry in report.yaml), or write the line in **bold**",
    "html_block": "an HTML block is not supported: write the text without tags, or escape "
                  "the '<' as '\\<' to show it literally",
    "dl": "a definition list is not supported: write the term in **bold** and its "
          "definition after it, or use a table",
}


@dataclass
class ProseContext:
    """What reading prose needs from the rest of the document, and what it leaves there."""

    register: dict[str, str]  # normal id (docids.normal_id) -> title
    urls: dict[str, str] = field(default_factory=dict)  # normal id -> its page, for links
    cited: dict[str, list[Origin]] = field(default_factory=dict)
    problems: list[tuple[Origin, str]] = field(default_factory=list)


def to_blocks(text: str, origin: Origin, ctx: ProseContext) -> tuple[d.Block, ...]:
    """Read one prose text into blocks; problems go to ``ctx.problems``."""
    env: dict[str, object] = {}
    tokens = _parser.parse(text, env)
    converter = _Converter(ctx, origin)
    converter.lines = text.split("\n")
    if converter.too_deep(tokens):
        return ()
    converter.unused_footnotes(text, env)
    nodes = SyntaxTreeNode(tokens).children
    for node in nodes:
        if node.type == "footnote_block":
            converter.footnote_definitions(node)
    return converter.blocks(nodes, depth=0, quote_depth=0)


def plain_inlines(text: str, origin: Origin, ctx: ProseContext) -> tuple[d.Inline, ...]:
    """Plain text (a title) as inline nodes: no Markdown, document ids recognised."""
    return tuple(_merge_text(_Converter(ctx, origin).text(text, 0)))


def to_inlines(text: str, origin: Origin, ctx: ProseContext) -> tuple[d.Inline, ...]:
    """Read one-paragraph prose (a table cell, a list item, a note) into inline nodes."""
    before = len(ctx.problems)
    blocks = to_blocks(text, origin, ctx)
    if not blocks or len(ctx.problems) > before:
        return ()
    if len(blocks) != 1 or not isinstance(blocks[0], d.Paragraph):
        ctx.problems.append((origin, "only inline text is allowed here (no lists, tables, "
                                     "quotes or several paragraphs)"))
        return ()
    return blocks[0].content


def to_cell(text: str, origin: Origin, ctx: ProseContext,
            ) -> tuple[tuple[d.Inline, ...], tuple[d.Block, ...]]:
    """Read a table cell: one paragraph gives its inline nodes; several paragraphs or
    lists give blocks (anything else is refused: a cell holds no table, quote or note)."""
    before = len(ctx.problems)
    blocks = to_blocks(text, origin, ctx)
    if not blocks or len(ctx.problems) > before:
        return (), ()
    if len(blocks) == 1 and isinstance(blocks[0], d.Paragraph):
        return blocks[0].content, ()
    if not all(_cell_block(b) for b in blocks):
        ctx.problems.append((origin, "a table cell holds paragraphs and lists only (no "
                                     "tables, quotes or notes)"))
        return (), ()
    return (), blocks


def _cell_block(block: d.Block) -> bool:
    if isinstance(block, d.Paragraph):
        return True
    if isinstance(block, d.ListBlock):
        return all(_cell_block(b) for item in block.items for b in item.blocks)
    return False


class _Converter:
    def __init__(self, ctx: ProseContext, origin: Origin) -> None:
        self.ctx = ctx
        self.origin = origin
        self.in_link = 0  # inside a link's text, a document id is not a link of its own
        # footnote id (the parser's) -> the note's text and where it is written
        self.notes: dict[int, tuple[tuple[d.Inline, ...], Origin]] = {}
        self.in_note = False
        self.lines: list[str] = []  # the source, for what the parser leaves out

    def refuse(self, line: int, message: str) -> None:
        self.ctx.problems.append((self.origin.at_line(line), message))

    def span(self, node: SyntaxTreeNode) -> Origin:
        """Where a block node is, in the content file."""
        start, end = node.map if node.map else (0, 1)
        return Origin(self.origin.file, self.origin.line + start, self.origin.col,
                      self.origin.line + max(end - 1, start))

    def unused_footnotes(self, text: str, env: dict[str, object]) -> None:
        """Footnote definitions nobody refers to: the parser drops them without a word."""
        notes = env.get("footnotes")
        refs = notes.get("refs", {}) if isinstance(notes, dict) else {}
        unused = {str(label)[1:] for label, ref in refs.items() if ref == -1}
        for n, line in enumerate(text.split("\n")):
            m = FOOTNOTE_DEFINITION.match(line)
            if m and m.group(1) in unused:
                self.refuse(n, f"footnote definition [^{m.group(1)}] is not referred to in "
                               f"this text: put [^{m.group(1)}] where its number should "
                               "stand (in the same text or file), or remove the definition")

    def footnote_definitions(self, block: SyntaxTreeNode) -> None:
        """The text of each footnote defined in this prose: one paragraph."""
        for note in block.children:
            paragraphs = [c for c in note.children if c.type == "paragraph"]
            line = next((c.map[0] for c in note.children if c.map), 0)
            label = note.meta.get("label", "") if note.meta else ""
            if len(paragraphs) != 1 or len(note.children) != 1:
                self.refuse(line, f"footnote [^{label}] holds one paragraph of text (no "
                                  "lists, quotes, tables or further paragraphs)")
                continue
            self.in_note = True
            content = self.inline(paragraphs[0], line)
            self.in_note = False
            self.notes[int(note.meta["id"])] = (content, self.span(paragraphs[0]))

    def too_deep(self, tokens: list[Token]) -> bool:
        """True (and refused) when the parser hit its nesting limit and dropped text."""
        deepest = next((t for t in tokens if t.level >= MAX_NESTING - 1
                        or any(c.level >= MAX_NESTING for c in t.children or ())), None)
        if deepest is None:
            return False
        line = next((t.map[0] for t in reversed(tokens[:tokens.index(deepest) + 1]) if t.map),
                    0)
        self.refuse(line, f"nesting deeper than {MAX_NESTING} levels (quotes, lists or "
                          "emphasis) is not supported")
        return True

    def blocks(self, nodes: list[SyntaxTreeNode], depth: int,
               quote_depth: int) -> tuple[d.Block, ...]:
        out: list[d.Block] = []
        caption: tuple[str, SyntaxTreeNode] | None = None
        for node in nodes:
            line = node.map[0] if node.map else 0
            if caption is not None and node.type != "table":
                out.append(d.Paragraph((d.Text("Table: " + caption[0]),),
                                       origin=self.span(caption[1])))
                caption = None
            match node.type:
                case "paragraph":
                    inlines = self.inline(node, line)
                    text = d.plain_text(inlines)
                    if text.startswith("Table: ") and "\n" not in text:
                        if any(isinstance(n, d.Footnote) for n in _walk(inlines)):
                            self.refuse(line, "a table title cannot carry a footnote: put "
                                              "the reference in the text before the table")
                        caption = (text[len("Table: "):].strip(), node)
                        continue
                    out.append(d.Paragraph(inlines, origin=self.span(node)))
                case "bullet_list" | "ordered_list":
                    listed = self.list_block(node, depth + 1, quote_depth, line)
                    if listed is not None:
                        out.append(listed)
                case "blockquote":
                    if quote_depth >= MAX_QUOTE_DEPTH:
                        self.refuse(line, f"block quotes nest at most {MAX_QUOTE_DEPTH} "
                                          "levels deep")
                        continue
                    inner = self.blocks(node.children, depth, quote_depth + 1)
                    out.append(d.Quote(tuple(as_quotation(b) for b in inner),
                                       origin=self.span(node)))
                case "table":
                    title = caption[0] if caption else None
                    table = self.table(node, title, line)
                    if table is not None:
                        out.append(table)
                    caption = None
                case "code_block" | "fence":
                    out.append(d.Paragraph(_lines(node.content.rstrip("\n")),
                                           origin=self.span(node)))
                case "footnote_block":
                    continue  # its notes stand at their references
                case kind if kind in REFUSED:
                    self.refuse(line, REFUSED[kind])
                case other:
                    self.refuse(line, f"unsupported Markdown element: {other}")
        if caption is not None:
            out.append(d.Paragraph((d.Text("Table: " + caption[0]),),
                                   origin=self.span(caption[1])))
        return tuple(out)

    def list_block(self, node: SyntaxTreeNode, depth: int, quote_depth: int,
                   line: int) -> d.ListBlock | None:
        if depth > MAX_LIST_DEPTH:
            self.refuse(line, f"lists nest at most {MAX_LIST_DEPTH} levels deep")
            return None
        ordered = node.type == "ordered_list"
        start = int(str(node.attrs.get("start", 1))) if ordered else 1
        items = []
        for item in node.children:
            blocks = self.blocks(item.children, depth, quote_depth)
            items.append(d.ListItem("", blocks, origin=self.span(item)))
        counter: d.ListCounter = "decimal" if ordered else "bullet"
        return d.ListBlock(ordered, depth, counter, "", start, tuple(items), 0,
                           delimiter=(node.markup or ".") if ordered else "",
                           origin=self.span(node))

    def table(self, node: SyntaxTreeNode, caption: str | None, line: int) -> d.Table | None:
        if caption is None:
            self.refuse(line, "a table needs a title: write 'Table: <title>' just before it")
            return None
        head, *body = node.children
        if not self.plain_grid(node, [tr for part in node.children for tr in part.children]):
            return None
        header: tuple[d.Cell, ...] = tuple(self.cells(head.children[0], line))
        rows: tuple[tuple[d.Cell, ...], ...] = tuple(
            tuple(self.cells(tr, line)) for part in body for tr in part.children)
        aligns = tuple("center" if "center" in str(th.attrs.get("style", "")) else "left"
                       for th in head.children[0].children)
        n = len(header)
        return d.Table(0, "", header, rows, tuple(1 / n for _ in range(n)),
                       aligns, title=caption, origin=self.span(node))  # type: ignore[arg-type]

    def plain_grid(self, table: SyntaxTreeNode, rows: list[SyntaxTreeNode]) -> bool:
        """True when every row of a pipe table has the header's cells, one per column.

        The parser pads a short row and drops a long row's extra cells; ``||`` and
        ``^^`` merge cells in some Markdown dialects. None of that is a clear span, so
        each is refused here, pointing to the YAML table block, which spans cells."""
        width = len(rows[0].children) if rows else 0
        advice = ("; Markdown tables cannot merge cells: write this table as a 'table:' "
                  "block in report.yaml, whose cells take colspan and rowspan")
        ok = True
        for tr in rows:
            if not tr.map or tr.map[0] >= len(self.lines):
                continue
            source = self.lines[tr.map[0]]
            cells = _pipe_cells(source)
            message = ""
            if re.search(r"(?<!\\)\|\|", source):
                message = "'||' (an empty cell, or a merged cell in some dialects)"
            elif any(c.strip() == "^^" for c in cells):
                message = "'^^' (a cell merged with the one above, in some dialects)"
            elif len(cells) != width:
                message = (f"this row has {len(cells)} cell{'s' if len(cells) != 1 else ''}, "
                           f"the header {width}")
            if message:
                self.refuse(tr.map[0], message + advice)
                ok = False
        return ok

    def cells(self, tr: SyntaxTreeNode, line: int) -> list[d.Cell]:
        row_line = tr.map[0] if tr.map else line
        return [d.Cell(self.inline(cell, row_line), origin=self.span(tr))
                for cell in tr.children]

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
                case "em":
                    out.append(d.Emphasis(tuple(self.spans(node.children, line))))
                case "strong":
                    out.append(d.Strong(tuple(self.spans(node.children, line))))
                case "link":
                    url = str(node.attrs.get("href", ""))
                    if not url.startswith(LINK_SCHEMES):
                        self.refuse(line, f"link to {url!r} refused: links may point only to "
                                          "http, https or mailto addresses")
                    self.in_link += 1
                    out.append(d.Link(url, tuple(self.spans(node.children, line))))
                    self.in_link -= 1
                case "image":
                    self.refuse(line, f"image {node.attrs.get('src', '')!r} refused: images "
                                      "are not supported in prose")
                case "footnote_ref":
                    note = self.footnote(node, line)
                    if note is not None:
                        out.append(note)
                case other:
                    self.refuse(line, f"unsupported Markdown element: {other}")
            if node.type in ("softbreak", "hardbreak"):
                line += 1
        return _merge_text(out)

    def footnote(self, node: SyntaxTreeNode, line: int) -> d.Footnote | None:
        """A footnote reference, with its note's text (numbered by ``prepare``)."""
        meta = node.meta or {}
        label = str(meta.get("label", ""))
        if self.in_note:
            self.refuse(line, f"footnote [^{label}] inside a footnote: a note cannot have "
                              "notes of its own")
        elif meta.get("subId", 0):
            self.refuse(line, f"footnote [^{label}] is referred to a second time: each note "
                              "has one reference; write a second note, or refer to the "
                              "first in words")
        elif int(meta.get("id", -1)) in self.notes:
            content, origin = self.notes[int(meta["id"])]
            return d.Footnote(0, content, label, origin=origin)
        return None  # refused with its definition

    def text(self, text: str, line: int) -> list[d.Inline]:
        out: list[d.Inline] = []
        pos = 0
        for m in IN_TEXT.finditer(text):
            written = m.group()
            if is_spaced(written) and normal_id(written) not in self.ctx.register:
                # "C 12", "TD210 R1" count only when registered ("Annex C 2" is no id);
                # an unregistered "TD210 R1" is still the compact TD210
                written = written.split()[0]
                if not IN_TEXT.fullmatch(written):
                    continue
            if m.start() > pos:
                out.append(d.Text(text[pos:m.start()]))
            doc_id = normal_id(written)  # the register's key
            self.ctx.cited.setdefault(doc_id, []).append(self.origin.at_line(line))
            url = None if self.in_link else self.ctx.urls.get(doc_id)
            out.append(d.DocRef(written, self.ctx.register.get(doc_id), url))
            pos = m.start() + len(written)
        if pos < len(text):
            out.append(d.Text(text[pos:]))
        return out


def _pipe_cells(line: str) -> list[str]:
    """The cells of a pipe table row as written, counted as the parser counts them."""
    # a row in a quote or a list item: its line begins with the markers and indent
    cells = escapedSplit(re.sub(r"^[\s>]*", "", line).strip())
    if cells and cells[0] == "":
        cells.pop(0)
    if cells and cells[-1] == "":
        cells.pop()
    return cells


def _lines(text: str) -> tuple[d.Inline, ...]:
    """Lines of literal text separated by line breaks."""
    out: list[d.Inline] = []
    for n, line in enumerate(text.split("\n")):
        if n:
            out.append(d.LineBreak())
        if line:
            out.append(d.Text(line))
    return tuple(out)


def as_quotation(block: d.Block) -> d.Block:
    """A quoted block: its paragraphs take the quotation role (lists keep their own)."""
    if isinstance(block, d.Paragraph):
        return d.Paragraph(block.content, "quotation", origin=block.origin)
    return block


def _walk(nodes: tuple[d.Inline, ...]) -> list[d.Inline]:
    """Inline nodes and, depth first, the nodes inside them."""
    out: list[d.Inline] = []
    for node in nodes:
        out.append(node)
        if isinstance(node, d.Emphasis | d.Strong | d.Link):
            out.extend(_walk(node.children))
    return out


def _merge_text(nodes: list[d.Inline]) -> list[d.Inline]:
    """Join neighbouring Text nodes so writers see whole runs."""
    out: list[d.Inline] = []
    for node in nodes:
        if out and isinstance(node, d.Text) and isinstance(out[-1], d.Text):
            out[-1] = d.Text(out[-1].text + node.text)
        else:
            out.append(node)
    return out
