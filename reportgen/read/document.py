"""What a DOCX says, block by block: the model the readers return.

Paragraphs carry their text as spans (bold, italic, a link, a line break, a footnote
reference, a picture, a page break), their style by name, the label Word numbering
prints before them, the bookmarks that start in them and their place (a 1-based index
among the paragraphs of their story, the body counting the paragraphs of its tables).
Tables carry their rows as the cells that start in them, with their spans.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from reportgen.read.changes import Change
from reportgen.read.numbering import Label


@dataclass(frozen=True)
class Picture:
    """An image in the text: its part's bytes and what the document says of it."""

    part: str  # the part name, e.g. word/media/image1.png
    data: bytes
    description: str = ""  # the picture's alternative text
    width_emu: int = 0
    height_emu: int = 0


@dataclass(frozen=True)
class Span:
    """A piece of a paragraph: text with its emphasis, or a break, a note, a picture."""

    kind: str = "text"  # text, break (a line break), page (a page break), note, picture
    text: str = ""
    bold: bool = False
    italic: bool = False
    link: str = ""  # the external address the text links to
    note: str = ""  # kind note: the footnote's id ("e3" for an endnote)
    picture: Picture | None = None


@dataclass
class Paragraph:
    index: int  # 1-based, among the paragraphs of its story (body, a footnote)
    style: str  # the style's name: "heading 1", "enumlev1", "Normal"
    style_id: str
    spans: list[Span] = field(default_factory=list)
    label: Label | None = None  # the numbering Word prints before it
    bookmarks: list[str] = field(default_factory=list)
    page_break_before: bool = False
    centred: bool = False
    in_table: bool = False
    text_boxes: int = 0  # text boxes anchored in it (their text is not the paragraph's)
    drawings: int = 0  # drawings that are not pictures (charts, shapes, equations)
    hidden: str = ""  # text formatted as hidden, not read as its text
    # the instructions of the fields that begin in it (TOC \o "1-3" \h, PAGEREF …), in order
    fields: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """Its text: line breaks as "\\n", footnote references and pictures left out."""
        return "".join(s.text if s.kind == "text" else "\n" if s.kind == "break" else ""
                       for s in self.spans)

    @property
    def pictures(self) -> list[Picture]:
        return [s.picture for s in self.spans if s.picture is not None]

    @property
    def notes(self) -> list[str]:
        return [s.note for s in self.spans if s.kind == "note"]

    @property
    def label_text(self) -> str:
        return self.label.text if self.label is not None else ""


@dataclass
class Cell:
    paragraphs: list[Paragraph]
    colspan: int = 1
    rowspan: int = 1
    nested_tables: int = 0  # tables inside the cell, read as their paragraphs

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)


@dataclass
class Table:
    rows: list[list[Cell]]  # each row: the cells that start in it, left to right
    columns: int  # the grid's width
    header_rows: int = 0  # rows repeated as a header (w:tblHeader) at the top
    widths: list[int] = field(default_factory=list)  # grid column widths (twips)

    @property
    def index(self) -> int:
        """The index of its first paragraph."""
        for p in self.paragraphs():
            return p.index
        return 0

    def paragraphs(self) -> Iterator[Paragraph]:
        for row in self.rows:
            for cell in row:
                yield from cell.paragraphs


Block = Paragraph | Table


@dataclass(frozen=True)
class Comment:
    id: str
    author: str
    date: str
    text: str
    paragraph: int  # the body paragraph (1-based) where its range starts; 0 when unknown
    anchored: str = ""  # the text it is attached to
    reply: bool = False
    resolved: bool = False


@dataclass
class WordDocument:
    """A DOCX read: its body blocks, footnotes, comments and tracked changes."""

    blocks: list[Block] = field(default_factory=list)
    footnotes: dict[str, list[Paragraph]] = field(default_factory=dict)  # id -> paragraphs
    comments: list[Comment] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)  # found, before they were settled
    properties: dict[str, str] = field(default_factory=dict)  # core: title, identifier …
    custom_properties: dict[str, str] = field(default_factory=dict)

    def paragraphs(self) -> Iterator[Paragraph]:
        """Every paragraph of the body in order, those of tables included."""
        for block in self.blocks:
            if isinstance(block, Table):
                yield from block.paragraphs()
            else:
                yield block
