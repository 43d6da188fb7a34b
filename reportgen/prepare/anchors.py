"""Anchors: what ties a paragraph of the generated DOCX back to a line of the content.

Each paragraph the DOCX writer makes for a block carries a hidden bookmark named after
the block's stable id (LibreOffice and Word keep bookmarks when they save). ``anchors``
lists, from a prepared tree, every anchored paragraph in the writer's order with its
bookmark name, its origin and the text it shows, so a reviewed DOCX can be read back
against the content it came from, and by text where a reviewer removed a bookmark.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, fields, is_dataclass

from reportgen import tree as d
from reportgen.errors import Origin

PREFIX = "_rg_"
# the custom document properties that name the report and the digest of its sources
REPORT_PROPERTY = "reportgen-report"
SOURCES_PROPERTY = "reportgen-sources"
MAX_BOOKMARK = 40  # Word's limit on a bookmark name
_PLAIN_ID = re.compile(r"^[A-Za-z0-9.]+$")
COVER_FIELDS = ("masthead_number", "source", "title", "purpose", "keywords", "abstract",
                "action")
COVER_PREFIXES = {"action": "Action: "}


def bookmark_name(block_id: str) -> str:
    """``body.2.text.3`` -> ``_rg_body_2_text_3``; ids that would not fit or would be
    ambiguous (they contain ``_`` or ``-``) take a hash form."""
    if _PLAIN_ID.match(block_id) and len(PREFIX) + len(block_id) <= MAX_BOOKMARK:
        return PREFIX + block_id.replace(".", "_")
    return PREFIX + "h" + hashlib.sha256(block_id.encode()).hexdigest()[:20]


@dataclass(frozen=True)
class Anchor:
    """One anchored paragraph: its block id, where it comes from and what it shows."""

    id: str
    kind: str  # heading, paragraph, item, note, caption, cell, annex, cover, footnote
    origin: Origin | None
    text: str  # the paragraph's text as the DOCX shows it
    prefix: str = ""  # generated text before the content's own ("NOTE – ", "Action: ")

    @property
    def bookmark(self) -> str:
        return bookmark_name(self.id)

    @property
    def source_text(self) -> str:
        """The part of the text that comes from the content."""
        return self.text[len(self.prefix):]


def cell_id(table_id: str, row: int, col: int) -> str:
    """A table cell's id: rows count the header rows first (row 0 is the first header
    row, or the first row of a table without a header); ``col`` is the cell's place in
    its row as written (a row leaves out the cells a span covers)."""
    return f"{table_id}.r{row}c{col}"


def anchors(doc: d.Document, cover_origins: dict[str, Origin] | None = None,
            attached: bool = True, cover_id: str = "cover") -> list[Anchor]:
    """Every anchored paragraph of ``doc``: the cover fields, then body and annexes, then
    (when ``attached``) those of each attachment, its cover's ids ``attachment.N.cover.*``;
    then the footnotes of all of them, in the order of the footnotes part (a note's
    paragraph starts with its number, which Word prints, and a TAB)."""
    out = cover_anchors(doc, cover_origins, cover_id)
    out.extend(_blocks(doc.body))
    for annex in doc.annexes:
        out.append(Anchor(annex.id, "annex", annex.origin, annex.title_prefix + annex.title,
                          annex.title_prefix))
        out.extend(_blocks(annex.blocks))
    documents = [doc]
    if attached:
        for n, attachment in enumerate(doc.attachments, 1):
            out.extend(a for a in anchors(attachment, cover_id=f"attachment.{n}.cover")
                       if a.kind != "footnote")
            documents.append(attachment)
    for document in documents:
        for note in _footnotes((document.body, tuple(a.blocks for a in document.annexes))):
            out.append(Anchor(note.id, "footnote", note.origin,
                              "\t" + d.plain_text(note.content), "\t"))
    return out


def cover_anchors(doc: d.Document, cover_origins: dict[str, Origin] | None = None,
                  cover_id: str = "cover") -> list[Anchor]:
    """The anchored paragraphs of ``doc``'s cover fields, the first of ``anchors``."""
    out: list[Anchor] = []
    origins = cover_origins or {}
    for name in COVER_FIELDS:
        value = getattr(doc.cover, name)
        if value:
            prefix = COVER_PREFIXES.get(name, "")
            out.append(Anchor(f"{cover_id}.{name}", "cover", origins.get(name),
                              prefix + value, prefix))
    return out


def _footnotes(node: object) -> Iterator[d.Footnote]:
    """The footnotes under ``node``, in document order."""
    if isinstance(node, d.Footnote):
        yield node
    elif isinstance(node, tuple):
        for item in node:
            yield from _footnotes(item)
    elif is_dataclass(node) and not isinstance(node, type):
        for f in fields(node):
            if f.name not in ("origin", "former"):
                yield from _footnotes(getattr(node, f.name))


def _blocks(blocks: tuple[d.Block, ...]) -> Iterator[Anchor]:
    for block in blocks:
        match block:
            case d.Heading(title=title):
                yield Anchor(block.id, "heading", block.origin, d.plain_text(title))
            case d.Paragraph(content=content):
                yield Anchor(block.id, "paragraph", block.origin, d.plain_text(content))
            case d.Note(content=content):
                yield Anchor(block.id, "note", block.origin,
                             block.prefix + d.plain_text(content), block.prefix)
            case d.ListBlock(items=items):
                for item in items:
                    yield from _item(item)
            case d.Table(caption=caption, title=title):
                if caption:  # a layout table has no caption paragraph
                    yield Anchor(block.id, "caption", block.origin, caption,
                                 caption[: len(caption) - len(title)])
                for r, row in enumerate(block.all_rows):
                    for c, cell in enumerate(row):
                        if cell.blocks:  # each paragraph and list item of the cell
                            yield from _blocks(cell.blocks)
                            continue
                        yield Anchor(cell_id(block.id, r, c), "cell",
                                     cell.origin or block.origin, d.plain_text(cell.content))
            case d.Figure(caption=caption, title=title):  # the caption carries the id
                yield Anchor(block.id, "caption", block.origin, caption,
                             caption[: len(caption) - len(title)])
            case d.Quote(blocks=inner):
                yield from _blocks(inner)
            case d.Contents(title=title):  # its title; the entries are a field's result
                yield Anchor(block.id, "heading", block.origin, title)


def _item(item: d.ListItem) -> Iterator[Anchor]:
    """A list item is one numbered paragraph: its first paragraph's, or an empty one."""
    rest = item.blocks
    if rest and isinstance(rest[0], d.Paragraph):
        yield Anchor(rest[0].id, "item", rest[0].origin, d.plain_text(rest[0].content))
        rest = rest[1:]
    else:
        yield Anchor(item.id, "item", item.origin, "")
    yield from _blocks(rest)
