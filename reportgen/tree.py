"""The document tree: the contract between ``prepare`` and the writers.

Everything a writer prints is already here: numbers, labels, captions. Writers walk
the tree with ``match`` and never compute a number or parse content.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, Literal

from reportgen.errors import Origin

# ---------------------------------------------------------------- inline nodes


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Emphasis:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Strong:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Link:
    url: str
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class DocRef:
    """A document id cited in prose (C54, TD433R1), resolved against the register."""

    id: str
    title: str | None  # None when the id is not registered
    url: str | None = None  # its page at ITU; None when not registered or links are off


@dataclass(frozen=True)
class LineBreak:
    pass


@dataclass(frozen=True)
class Inserted:
    """Text added since the version a marked document is compared with."""

    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Deleted:
    """Text removed since the version a marked document is compared with."""

    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Reformatted:
    """Text whose emphasis changed; ``bold``/``italic`` are its former formatting."""

    children: tuple[Inline, ...]
    bold: bool
    italic: bool


@dataclass(frozen=True)
class Footnote:
    """A footnote: its reference stands here, its text goes to the foot of the page.

    ``number`` is given by ``prepare``, 1, 2, 3… in document order; ``label`` is the
    Markdown label the author wrote (``[^label]``), ``origin`` where the note's text is
    and ``id`` its containing paragraph's id plus ``.fn1``, ``.fn2``…"""

    number: int
    content: tuple[Inline, ...]
    label: str = field(default="", compare=False)
    id: str = field(default="", kw_only=True, compare=False)
    origin: Origin | None = field(default=None, kw_only=True, compare=False)


Inline = (Text | Emphasis | Strong | Link | DocRef | LineBreak | Footnote | Inserted | Deleted
          | Reformatted)

# ----------------------------------------------------------------- block nodes

Change = Literal["", "inserted", "deleted", "moved-from", "moved-to"]
ParagraphRole = Literal["normal", "after_title", "quotation", "centred"]

# Every block carries ``id`` (stable: its content path and ordinal, or the author's
# ``id:``) and ``origin`` (file, line, column and end line in the content). Neither takes
# part in comparisons: two blocks are equal when they print the same.
# a field a dump (``to_json``) shows only when it differs from its default
SPARSE = {"sparse": True}
ListCounter = Literal["bullet", "decimal", "lower-letter", "upper-letter", "lower-roman",
                      "upper-roman"]


@dataclass(frozen=True)
class Heading:
    """A clause heading. ``number`` is None for an unnumbered (Heading_b) heading."""

    level: int  # 1..3
    number: str | None
    title: tuple[Inline, ...]
    anchor: str
    numbering: str  # the numbering sequence this heading belongs to ("body", "annex-1" …)
    former: Heading | Paragraph | None = field(default=None, kw_only=True)  # restyled from
    # False for the heading of an empty clause (the next block is a heading at its level
    # or above): it need not stay on the page of what follows, so a list of headings
    # (an agenda) fills its pages in Word, LibreOffice and the PDF alike
    keep_with_next: bool = field(default=True, kw_only=True, compare=False, metadata=SPARSE)
    id: str = field(default="", kw_only=True, compare=False)
    origin: Origin | None = field(default=None, kw_only=True, compare=False)

    @property
    def number_depth(self) -> int:
        """The level of the number in its sequence: 1 for "2", 2 for "2.1"; 0 if none.

        It differs from ``level`` (the heading style) below an unnumbered clause, whose
        numbered sub-clauses continue the numbering at the unnumbered clause's level."""
        if not self.number:
            return 0
        return self.number.count(".") + 1 - bool(self.number_prefix)

    @property
    def number_prefix(self) -> str:
        """What stands before the clause numbers of the sequence: "I" for "I.2.1" in
        Appendix I; "" for "2.1"."""
        first = (self.number or "").split(".")[0]
        return "" if first.isdigit() else first


@dataclass(frozen=True)
class Paragraph:
    content: tuple[Inline, ...]
    role: ParagraphRole = "normal"
    former: Heading | Paragraph | None = field(default=None, kw_only=True)  # restyled from
    # in a marked copy: its paragraph mark deleted (joined with the next paragraph since
    # the previous version) or inserted (split from the next)
    mark: Change = field(default="", kw_only=True, metadata=SPARSE)
    id: str = field(default="", kw_only=True, compare=False)
    origin: Origin | None = field(default=None, kw_only=True, compare=False)


@dataclass(frozen=True)
class Note:
    label: str  # "NOTE" or "NOTE 2"
    content: tuple[Inline, ...]
    id: str = field(default="", kw_only=True, compare=False)
    origin: Origin | None = field(default=None, kw_only=True, compare=False)

    @property
    def prefix(self) -> str:
        """What the note's paragraph shows before its text: ``NOTE 2 – ``."""
        return f"{self.label} \u2013 "


@dataclass(frozen=True)
class ListItem:
    label: str  # "–", "a)", "iv." … exactly as printed
    blocks: tuple[Block, ...]
    change: Change = field(default="", kw_only=True)
    id: str = field(default="", kw_only=True, compare=False)
    origin: Origin | None = field(default=None, kw_only=True, compare=False)


@dataclass(frozen=True)
class ListBlock:
    """One list instance. Each instance restarts at ``start``; item ``k`` (from 0) is
    numbered ``start + k`` and its label is ``pattern`` with that number."""

    ordered: bool
    level: int  # 1..3
    counter: ListCounter
    pattern: str  # the label with the number as {n}: "{n})", "({n})", "–"
    start: int
    items: tuple[ListItem, ...]
    instance: int  # unique per list instance in the document
    delimiter: str = field(default="", kw_only=True)  # as typed in Markdown: "." or ")"
    # the formats of its part (a clause's list_formats) when not the document's; read
    # when the list is numbered, which gives counter and pattern
    formats: tuple[str, ...] = field(default=(), kw_only=True, compare=False,
                                     metadata={"json": False})
    id: str = field(default="", kw_only=True, compare=False)
    origin: Origin | None = field(default=None, kw_only=True, compare=False)


@dataclass(frozen=True)
class Cell:
    """A table cell; it covers ``colspan`` grid columns and ``rowspan`` rows from where
    it starts (a row lists only the cells that start in it)."""

    content: tuple[Inline, ...]
    colspan: int = field(default=1, kw_only=True, metadata=SPARSE)
    rowspan: int = field(default=1, kw_only=True, metadata=SPARSE)
    # a cell of several paragraphs or with lists: its blocks (Paragraph and ListBlock
    # only), and then ``content`` is empty
    blocks: tuple[Block, ...] = field(default=(), kw_only=True, metadata=SPARSE)
    origin: Origin | None = field(default=None, kw_only=True, compare=False)

    @property
    def span(self) -> tuple[int, int]:
        return self.colspan, self.rowspan


@dataclass(frozen=True)
class Table:
    """A table. ``header`` is its first header row (empty for a table without one) and
    ``header_more`` the header rows under it; an untitled table (a layout table) has
    number 0 and no caption."""

    number: int
    caption: str  # "Table 1 – Title"; "" for an untitled table
    header: tuple[Cell, ...]
    # the header rows under the first (fields in reading order: walks rely on it)
    header_more: tuple[tuple[Cell, ...], ...] = field(default=(), kw_only=True,
                                                      metadata=SPARSE)
    rows: tuple[tuple[Cell, ...], ...]
    widths: tuple[float, ...]  # fractions of the text width, summing to 1
    align: tuple[Literal["left", "center"], ...]
    title: str = field(default="", kw_only=True)
    # no cell borders: a layout table's default (TableSpec.grid)
    borderless: bool = field(default=False, kw_only=True, metadata=SPARSE)
    row_changes: tuple[Change, ...] = field(default=(), kw_only=True)  # per row, if marked
    id: str = field(default="", kw_only=True, compare=False)
    origin: Origin | None = field(default=None, kw_only=True, compare=False)

    @property
    def header_rows(self) -> tuple[tuple[Cell, ...], ...]:
        """Every header row, top first (none for a table without a header)."""
        return (self.header, *self.header_more) if self.header else ()

    @property
    def all_rows(self) -> tuple[tuple[Cell, ...], ...]:
        """The header rows then the body rows: row ``r`` here is row ``r`` of cell ids."""
        return (*self.header_rows, *self.rows)


@dataclass(frozen=True)
class Quote:
    blocks: tuple[Block, ...]
    id: str = field(default="", kw_only=True, compare=False)
    origin: Origin | None = field(default=None, kw_only=True, compare=False)


@dataclass(frozen=True)
class PageBreak:
    """What follows starts a new page."""

    id: str = field(default="", kw_only=True, compare=False)
    origin: Origin | None = field(default=None, kw_only=True, compare=False)


@dataclass(frozen=True)
class ContentsEntry:
    """One line of a table of contents: a clause (level 1-3) or an annex (level 1)."""

    level: int
    number: str  # "2.1", "Annex 1"; "" for an unnumbered clause
    title: str
    anchor: str  # the heading's anchor (the HTML id)
    target: str  # the heading's block id (the DOCX bookmark is named after it)
    page: int = 0  # its page in our PDF's layout; 0 until a layout has been made


@dataclass(frozen=True)
class Contents:
    """A table of contents, filled in by ``prepare`` from the document's headings."""

    title: str  # "Table of Contents"
    entries: tuple[ContentsEntry, ...] = ()
    id: str = field(default="", kw_only=True, compare=False)
    origin: Origin | None = field(default=None, kw_only=True, compare=False)


@dataclass(frozen=True)
class Picture:
    """A figure's image, checked when the report was loaded. ``data`` is its bytes (not
    compared: ``digest`` is); ``path`` where it is, for the PDF's sandboxed fetcher."""

    name: str  # relative to report.yaml
    format: Literal["png", "jpeg", "svg"]
    digest: str  # SHA-256 of the file
    width_px: int  # raster pixels; an SVG's size in CSS px
    height_px: int
    # neither is dumped (``to_json``): the digest stands for the bytes, and a dump does
    # not depend on where the report is
    data: bytes = field(default=b"", repr=False, compare=False, metadata={"json": False})
    path: str = field(default="", compare=False, metadata={"json": False})


@dataclass(frozen=True)
class Figure:
    """A picture, sized by ``prepare`` (``width_cm`` x ``height_cm``, at most the text
    width), with its caption below it: ``Figure 1 – Title``."""

    number: int
    caption: str  # "Figure 1 – Title"
    picture: Picture
    width_cm: float
    height_cm: float
    title: str = field(default="", kw_only=True)
    alt: str = field(default="", kw_only=True)  # the description; the title by default
    id: str = field(default="", kw_only=True, compare=False)
    origin: Origin | None = field(default=None, kw_only=True, compare=False)


@dataclass(frozen=True)
class Annex:
    label: str  # "Annex 1"
    title: str
    obligation: str
    blocks: tuple[Block, ...]
    anchor: str
    kind: Literal["annex", "appendix"] = field(default="annex", kw_only=True)
    change: Change = field(default="", kw_only=True)  # a whole annex added or removed
    title_marks: tuple[Inline, ...] = field(default=(), kw_only=True)  # a changed title
    # "I" in Appendix I: its clauses, tables and figures are I.1, I.2 … (shown in the
    # label and the sequence already, so not repeated in a dump)
    number_prefix: str = field(default="", kw_only=True, metadata={"json": False})
    id: str = field(default="", kw_only=True, compare=False)
    origin: Origin | None = field(default=None, kw_only=True, compare=False)

    @property
    def title_prefix(self) -> str:
        """What the title paragraph shows before the title: the label, two line breaks."""
        return f"{self.label}\n\n"


@dataclass(frozen=True)
class Revised:
    """A block added, removed or moved since the version a marked document is compared
    with (moves are shown twice: where it was and where it is)."""

    change: Change
    block: Block
    id: str = field(default="", kw_only=True, compare=False)
    origin: Origin | None = field(default=None, kw_only=True, compare=False)


Block = (Heading | Paragraph | Note | ListBlock | Table | Quote | PageBreak | Figure | Revised
         | Contents)

# --------------------------------------------------------------- the document


@dataclass(frozen=True)
class Contact:
    name: str
    organization: str
    country: str
    tel: str
    email: str


@dataclass(frozen=True)
class CoverLabels:
    """Every fixed text of the cover, in the document's language (locales/*.yaml)."""

    organisation: str  # INTERNATIONAL TELECOMMUNICATION UNION
    sector: str  # TELECOMMUNICATION STANDARDIZATION SECTOR
    study_period: str  # the whole line: "STUDY PERIOD 2017-2020"
    original: str  # the whole line: "Original: English"
    only: str  # "English only"
    questions: str  # "Question(s):"
    source: str
    title: str
    purpose: str
    contact: str
    tel: str
    email: str
    keywords: str
    abstract: str
    action: str
    contribution: str  # CONTRIBUTION
    liaison_statement: str  # LIAISON STATEMENT
    for_action: str  # "For action to:"
    for_comment: str
    for_information: str
    approval: str
    deadline: str
    # a liaison statement's other rows: "" on the cover of any other kind
    cc: str = field(default="", metadata=SPARSE)  # "Cc:"
    sent: str = field(default="", metadata=SPARSE)  # "Date sent:"
    attachments: str = field(default="", metadata=SPARSE)  # "Attachments:"


@dataclass(frozen=True)
class Liaison:
    """The rows of a liaison statement as printed; "" for a row not given."""

    for_action: str  # "ITU-T SG17, ITU-T SG13"
    for_comment: str
    for_information: str
    approval: str
    deadline: str  # "15 September 2023"
    cc: str = field(default="", metadata=SPARSE)  # "ITU-T SG11"
    sent: str = field(default="", metadata=SPARSE)  # "5 June 2023"
    attachments: str = field(default="", metadata=SPARSE)  # one per line


@dataclass(frozen=True)
class LetterCover:
    """A letter's first page as printed: letterhead, reference block and subject."""

    bureau: str  # TELECOMMUNICATION STANDARDIZATION BUREAU
    place_and_date: str  # "Geneva, 11 September 2017"
    reference: tuple[str, ...]  # "TSB Collective letter 2", "TSAG/RS"
    addressees: tuple[str, ...]  # "- To Administrations of Member States of the Union;"
    rows: tuple[tuple[str, str], ...]  # ("Tel:", "+41 22 730 5860"), ("E-mail:", …) given
    copy_to: tuple[str, ...]
    subject: str
    labels: tuple[str, str, str]  # "Ref:", "Copy:", "Subject:"


@dataclass(frozen=True)
class Cover:
    masthead_number: str  # "TSAG-TD446", "TSAG-TD433-R1"; "" for a draft not yet numbered
    group: str  # upper case
    study_period: str
    original: str
    english_only: bool
    questions: str
    place_and_dates: str  # "" when there is no meeting
    is_contribution: bool
    source: str
    title: str
    purpose: str
    contacts: tuple[Contact, ...]
    keywords: str  # "" when the layout or the author omits them
    abstract: str
    abstract_in_header: bool
    action: str
    labels: CoverLabels
    kind: str = "td"  # td, contribution, ls or plain (no cover table)
    running_header: str = ""  # the header's second line: the number, or the group if none
    subtitle: str = ""  # plain only
    liaison: Liaison | None = None  # ls only
    # a report (kind: report): the month and year under its number ("APRIL 2018"), and
    # the centred lines after the Question(s) row ("TELECOMMUNICATION STANDARDIZATION
    # ADVISORY GROUP", "REPORT 2")
    report_date: str = field(default="", metadata=SPARSE)
    report_lines: tuple[str, ...] = field(default=(), metadata=SPARSE)
    letter: LetterCover | None = field(default=None, metadata=SPARSE)  # kind: letter
    # the width of the label column in twips when its longest label needs more than the
    # template's 2.80 cm (For information to:); 0: the template's
    label_width: int = field(default=0, metadata=SPARSE)


@dataclass(frozen=True)
class Metadata:
    """What the files carry about themselves (DOCX core properties, PDF info/XMP)."""

    title: str
    author: str
    subject: str
    keywords: str  # "TSAG; quantum": as the cover prints them
    language: str  # BCP 47, e.g. "en"
    identifier: str
    date: str  # ISO date, the document date used for every timestamp


@dataclass(frozen=True)
class RevisionMarks:
    """What a marked document is compared with, and who changed it when."""

    against: str  # "Changes marked against TSAG-TD446"
    author: str
    date: str  # ISO date
    cover: tuple[tuple[str, tuple[Inline, ...]], ...] = ()  # cover field -> marked text


@dataclass(frozen=True)
class Document:
    cover: Cover
    metadata: Metadata
    body: tuple[Block, ...]
    annexes: tuple[Annex, ...]
    end_mark: str  # "" for none
    heading_start: int
    list_instances: int = 0
    file_stem: str = ""  # ITU file name before its format part, e.g. "T17-TSAG-…-0446!"
    language_letter: str = "E"
    revision_marks: RevisionMarks | None = None  # set on a document marked against another
    report_name: str = ""  # the report's folder name: a reviewed DOCX names its report
    sources_digest: str = ""  # SHA-256 over the content files it was built from
    direction: Literal["ltr", "rtl"] = "ltr"  # "rtl" for Arabic
    warnings: tuple[str, ...] = field(default=())
    attachments: tuple[Document, ...] = ()  # appended documents, each with its own cover


def plain_text(inlines: tuple[Inline, ...]) -> str:
    """The text of inline nodes as a reader sees it in the paragraph (a footnote's text
    is at the foot of the page, and Word numbers its reference: neither is here)."""
    out: list[str] = []
    for node in inlines:
        match node:
            case Text(text=t):
                out.append(t)
            case Emphasis(children=c) | Strong(children=c) | Link(children=c) \
                    | Inserted(children=c) | Deleted(children=c) | Reformatted(children=c):
                out.append(plain_text(c))
            case DocRef(id=i):
                out.append(i)
            case LineBreak():
                out.append("\n")
    return "".join(out)


def to_json(node: Any, folder: str = "") -> Any:
    """The tree as JSON-ready data: each node a mapping whose ``type`` names its class.

    Origins name their file relative to ``folder`` (the report's folder as shown), so a
    dump does not depend on where it was made."""
    if isinstance(node, Origin):
        name = node.file
        if folder and name.startswith(folder.rstrip("/") + "/"):
            name = name[len(folder.rstrip("/")) + 1:]
        return {"file": name, "line": node.line, "col": node.col, "end_line": node.end_line}
    if is_dataclass(node) and not isinstance(node, type):
        out: dict[str, Any] = {"type": type(node).__name__}
        for f in fields(node):
            value = getattr(node, f.name)
            if not f.metadata.get("json", True) or (f.metadata.get("sparse")
                                                     and value == f.default):
                continue
            out[f.name] = to_json(value, folder)
        return out
    if isinstance(node, tuple | list):
        return [to_json(v, folder) for v in node]
    return node
