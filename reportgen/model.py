"""The content schema: what an author writes in ``report.yaml``.

Every model forbids unknown keys, so a misspelt key is an error with a suggestion
instead of a silently ignored value. The JSON Schema of the content is generated
from these models (``reportgen schema``), never written by hand.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

EMAIL_RE = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
DOC_ID_PATTERN = r"^(C|TD|R)\d+(R\d+)?$"
LIST_FORMAT_PATTERN = r"^\(?[1aAiI][.)]$"
TIME_RANGE_RE = re.compile(r"^(\d\d):(\d\d)(?: ?[-\u2013] ?(\d\d):(\d\d))?$")
TIME_FORMS = '"HH:MM" or "HH:MM-HH:MM" (24-hour clock), e.g. "08:00" or "12:45-13:45"'


def _check_email(value: str) -> str:
    if not EMAIL_RE.match(value):
        raise ValueError(f"not a valid e-mail address: {value!r}")
    return value


@dataclass(frozen=True)
class TimeRange:
    """A session's start time and, when given, its end: ``08:00`` or ``12:45-13:45``."""

    start: dt.time
    end: dt.time | None = None

    def __str__(self) -> str:
        text = f"{self.start:%H:%M}"
        return f"{text}-{self.end:%H:%M}" if self.end else text

    @classmethod
    def parse(cls, value: object) -> TimeRange:
        """Read ``HH:MM`` or ``HH:MM-HH:MM`` (an en dash is accepted for the hyphen)."""
        if isinstance(value, TimeRange):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            # a YAML 1.1 reader turns an unquoted 12:45 into the number 765
            raise ValueError(f"read as the number {value}; write the time in quotes: "
                             f"{TIME_FORMS}")
        if value is None:
            raise ValueError(f"no time given; write {TIME_FORMS}")
        match = TIME_RANGE_RE.match(value) if isinstance(value, str) else None
        if match is None:
            raise ValueError(f"{value!r} is not a session time; write {TIME_FORMS}")
        h1, m1, h2, m2 = match.groups()
        try:
            start = dt.time(int(h1), int(m1))
            end = dt.time(int(h2), int(m2)) if h2 is not None else None
        except ValueError:
            raise ValueError(f"{value!r} is not a time of day; write {TIME_FORMS}") from None
        if end is not None and end <= start:
            raise ValueError(f"the session ends ({end:%H:%M}) before it starts "
                             f"({start:%H:%M})")
        return cls(start, end)


SessionTime = Annotated[
    TimeRange,
    PlainValidator(TimeRange.parse),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "pattern": TIME_RANGE_RE.pattern,
                    "examples": ["08:00", "12:45-13:45"]}),
]
Email = Annotated[str, AfterValidator(_check_email)]
Text = Annotated[str, StringConstraints(min_length=1)]
DocId = Annotated[str, StringConstraints(pattern=DOC_ID_PATTERN)]
ListFormat = Annotated[str, StringConstraints(pattern=LIST_FORMAT_PATTERN)]
BlockId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,31}$")]
ID_DESCRIPTION = ("a stable id for this part (letters, digits, '-' and '_'); by default it "
                  "is derived from the part's position")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DocumentKind(StrEnum):
    td = "td"
    contribution = "contribution"


class CoverLayout(StrEnum):
    """The header-block generation: 2017-2020 (Purpose, Keywords, abstract in the table)
    or 2022 onwards (no Keywords, separate abstract table, Action line)."""

    y2017 = "2017-2020"
    y2022 = "2022"


class Purpose(StrEnum):
    information = "Information"
    discussion = "Discussion"
    decision = "Decision"
    admin = "Admin"
    other = "Other"


class Meeting(Strict):
    place: Text
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> Meeting:
        if self.end < self.start:
            raise ValueError("meeting end is before its start")
        return self


class Contact(Strict):
    name: Text
    organization: str = ""
    country: str = ""
    tel: str = ""
    email: Email


class Metadata(Strict):
    """The cover block and the document's identity."""

    kind: DocumentKind = DocumentKind.td
    layout: CoverLayout = CoverLayout.y2022
    group: Text = Field(description="e.g. TSAG, or SG17")
    study_period: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{4}$")]
    number: int = Field(ge=0, le=99_999, description="the TD or contribution number")
    revision: int = Field(default=0, ge=0, le=99)
    category: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,5}$")] = "GEN"
    language: Literal["E", "F", "S", "R", "A", "C"] = "E"
    original: Text = "English"
    english_only: bool = False
    meeting: Meeting
    questions: Text = "N/A"
    source: Text
    title: Text
    purpose: Purpose | None = None
    contacts: list[Contact] = Field(default_factory=list)
    keywords: list[Text] = Field(default_factory=list)
    abstract: Text
    action: str = ""
    date: dt.date | None = Field(
        default=None, description="document date; defaults to the meeting's first day"
    )


class Options(Strict):
    """Presentation choices that vary between documents, not between tools."""

    heading_start: int = Field(default=1, ge=0, le=1, description="0 allows a clause 0")
    list_formats: list[ListFormat] = Field(
        default_factory=lambda: ["1)", "a)", "i)"],
        min_length=3,
        max_length=3,
        description="counter per nesting level; the marker typed in Markdown (. or )) "
        "chooses the punctuation",
    )
    annex_label: Literal["arabic", "letter"] = "arabic"
    end_mark: bool = True


class RegisteredDocument(Strict):
    id: DocId
    title: Text
    source: str = ""
    revision_of: DocId | None = None


class Session(Strict):
    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    title: Text
    date: dt.date
    time: SessionTime = Field(description='start, or start and end: "08:00", "12:45-13:45"')
    room: str = ""
    agenda: DocId | None = None
    minutes: DocId | None = None
    summary: str = Field(default="", description="Markdown")
    file: str | None = Field(default=None, description="Markdown file with the summary")


class Statement(Strict):
    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    delegation: Text
    text: str = Field(default="", description="Markdown, reproduced as received")
    file: str | None = None


class Highlight(Strict):
    text: Text
    items: list[Text] = Field(default_factory=list)


class Highlights(Strict):
    intro: str = ""
    formats: list[ListFormat] = Field(
        default_factory=lambda: ["1)", "a)"], min_length=2, max_length=2
    )
    items: list[Highlight] = Field(min_length=1)


class Column(Strict):
    title: Text
    width: float = Field(default=1.0, gt=0, le=100, allow_inf_nan=False,
                         description="relative width")
    align: Literal["left", "center"] = "left"


class TableSpec(Strict):
    title: Text
    columns: list[Column] = Field(min_length=1)
    rows: list[list[str]] = Field(min_length=1)

    @model_validator(mode="after")
    def _shape(self) -> TableSpec:
        for n, row in enumerate(self.rows, 1):
            if len(row) != len(self.columns):
                raise ValueError(
                    f"row {n} has {len(row)} cells, the table has {len(self.columns)} columns"
                )
        return self


DocColumn = Literal["id", "source", "title"]


class DocumentsTable(Strict):
    title: Text
    columns: list[DocColumn] = Field(default=["id", "title"], min_length=1)
    headings: dict[DocColumn, Text] = Field(default_factory=dict)
    ids: list[DocId] = Field(default_factory=list,
                             description="the documents to list, in order; default: all")


class SessionsTable(Strict):
    title: Text


class Block(Strict):
    """One piece of a section's content: exactly one key (and, optionally, an ``id``)."""

    id: BlockId | None = Field(default=None, description=ID_DESCRIPTION)
    text: str | None = Field(default=None, description="Markdown prose")
    file: str | None = Field(default=None, description="a Markdown file beside report.yaml")
    documents_table: DocumentsTable | None = None
    sessions_table: SessionsTable | None = None
    session: str | None = Field(default=None, description="a session id")
    statement: str | None = Field(default=None, description="a statement id")
    highlights: bool | None = Field(default=None, description="the highlights list")
    table: TableSpec | None = None
    note: str | None = Field(default=None, description="a NOTE paragraph")

    @model_validator(mode="after")
    def _exactly_one(self) -> Block:
        kinds = [name for name in type(self).model_fields if name != "id"]
        given = [name for name in kinds if getattr(self, name) is not None]
        if len(given) != 1:
            keys = ", ".join(kinds)
            raise ValueError(f"a block takes exactly one of: {keys}")
        return self


class Section(Strict):
    title: Text
    id: BlockId | None = Field(default=None, description=ID_DESCRIPTION)
    numbered: bool = True
    text: str | None = None
    file: str | None = None
    blocks: list[Block] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)


class Annex(Strict):
    title: Text
    id: BlockId | None = Field(default=None, description=ID_DESCRIPTION)
    obligation: str = ""
    text: str | None = None
    file: str | None = None
    blocks: list[Block] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)


class Report(Strict):
    """A whole document: metadata, the structured registers and the body."""

    document: Metadata
    options: Options = Field(default_factory=Options)
    documents: list[RegisteredDocument] = Field(default_factory=list)
    sessions: list[Session] = Field(default_factory=list)
    statements: list[Statement] = Field(default_factory=list)
    highlights: Highlights | None = None
    body: list[Section] = Field(min_length=1)
    annexes: list[Annex] = Field(default_factory=list)


def json_schema() -> dict[str, object]:
    """The JSON Schema of ``report.yaml``, for editors."""
    return Report.model_json_schema()
