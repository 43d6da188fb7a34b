"""The document tree: the contract between ``prepare`` and the writers.

Everything a writer prints is already here: numbers, labels, captions. Writers walk
the tree with ``match`` and never compute a number or parse content.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

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


@dataclass(frozen=True)
class LineBreak:
    pass


Inline = Text | Emphasis | Strong | Link | DocRef | LineBreak

# ----------------------------------------------------------------- block nodes

ParagraphRole = Literal["normal", "after_title", "quotation", "centred"]
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


@dataclass(frozen=True)
class Paragraph:
    content: tuple[Inline, ...]
    role: ParagraphRole = "normal"


@dataclass(frozen=True)
class Note:
    label: str  # "NOTE" or "NOTE 2"
    content: tuple[Inline, ...]


@dataclass(frozen=True)
class ListItem:
    label: str  # "–", "a)", "iv." … exactly as printed
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class ListBlock:
    """One list instance. Each instance restarts at ``start``."""

    ordered: bool
    level: int  # 1..3
    counter: ListCounter
    pattern: str  # the label with the number as {n}: "{n})", "({n})", "–"
    start: int
    items: tuple[ListItem, ...]
    instance: int  # unique per list instance in the document


@dataclass(frozen=True)
class Cell:
    content: tuple[Inline, ...]


@dataclass(frozen=True)
class Table:
    number: int
    caption: str  # "Table 1 – Title"
    header: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]
    widths: tuple[float, ...]  # fractions of the text width, summing to 1
    align: tuple[Literal["left", "center"], ...]


@dataclass(frozen=True)
class Quote:
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Annex:
    label: str  # "Annex 1"
    title: str
    obligation: str
    blocks: tuple[Block, ...]
    anchor: str


Block = Heading | Paragraph | Note | ListBlock | Table | Quote

# --------------------------------------------------------------- the document


@dataclass(frozen=True)
class Contact:
    name: str
    organization: str
    country: str
    tel: str
    email: str


@dataclass(frozen=True)
class Cover:
    masthead_number: str  # "TSAG-TD446" or "TSAG-TD433-R1": cover and running header
    group: str  # upper case
    study_period: str
    original: str
    english_only: bool
    questions: str
    place_and_dates: str
    is_contribution: bool
    source: str
    title: str
    purpose: str
    contacts: tuple[Contact, ...]
    keywords: str  # "" when the layout or the author omits them
    abstract: str
    abstract_in_header: bool
    action: str


@dataclass(frozen=True)
class Metadata:
    """What the files carry about themselves (DOCX core properties, PDF info/XMP)."""

    title: str
    author: str
    subject: str
    keywords: tuple[str, ...]
    language: str  # BCP 47, e.g. "en"
    identifier: str
    date: str  # ISO date, the document date used for every timestamp


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
    warnings: tuple[str, ...] = field(default=())


def plain_text(inlines: tuple[Inline, ...]) -> str:
    """The text of inline nodes as a reader sees it."""
    out: list[str] = []
    for node in inlines:
        match node:
            case Text(text=t):
                out.append(t)
            case Emphasis(children=c) | Strong(children=c) | Link(children=c):
                out.append(plain_text(c))
            case DocRef(id=i):
                out.append(i)
            case LineBreak():
                out.append("\n")
    return "".join(out)
