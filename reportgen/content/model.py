"""The content schema: what an author writes in ``report.yaml``.

Every model forbids unknown keys, so a misspelt key is an error with a suggestion
instead of a silently ignored value. The JSON Schema of the content is generated
from these models (``reportgen schema``), never written by hand.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    StrictBool,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from reportgen.content.docids import DOC_ID_PATTERN

# pydantic looks for plugins in every installed package's metadata as the first model is
# built (10-20 ms of a build); reportgen uses none. Setting the variable yourself (even to
# "") lets installed plugins run.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

EMAIL_RE = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
# a counter (1, a, A, i, I) then ".", ")" or "-"; or a counter between parentheses
LIST_FORMAT_PATTERN = r"^(\([1aAiI]\)|[1aAiI][.)-]?)$"
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


class MonthDate(dt.date):
    """A date given as a year and a month only (``2018-12``), as ITU dates an R report
    ("December 2018"): the first of the month wherever a day is needed (file names,
    timestamps), printed as the month and the year."""


MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
DATE_FORMS = "write YYYY-MM-DD, or YYYY-MM for a month, e.g. 2018-12-10 or 2018-12"


def _document_date(value: object) -> dt.date:
    """``2018-12-10`` (a day) or ``2018-12`` (a month: a MonthDate)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str):
        shown = f"{value!r} is not a date" if isinstance(value, int) else "not a date"
        raise ValueError(f"{shown}; {DATE_FORMS}")
    month = MONTH_RE.match(value)
    try:
        if month:
            return MonthDate(int(month.group(1)), int(month.group(2)), 1)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return dt.date.fromisoformat(value)
    except ValueError as error:
        raise ValueError(f"{value!r} is not a date ({error}); {DATE_FORMS}") from None
    raise ValueError(f"{value!r} is not a date; {DATE_FORMS}")


DocumentDate = Annotated[
    dt.date,
    PlainValidator(_document_date),
    PlainSerializer(lambda v: f"{v:%Y-%m}" if isinstance(v, MonthDate) else v.isoformat(),
                    return_type=str),
    WithJsonSchema({"type": "string",
                    "pattern": r"^\d{4}-\d{2}(-\d{2})?$",
                    "examples": ["2018-12-14", "2018-12"]}),
]


SessionTime = Annotated[
    TimeRange,
    PlainValidator(TimeRange.parse),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "pattern": TIME_RANGE_RE.pattern,
                    "examples": ["08:00", "12:45-13:45"]}),
]
Email = Annotated[str, AfterValidator(_check_email)]
OptionalEmail = Annotated[str, AfterValidator(lambda v: v and _check_email(v))]
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
    ls = "ls"  # a liaison statement: the TD cover and the LIAISON STATEMENT rows
    plain = "plain"  # no cover table: a centred title, then the body
    report = "report"  # an R-series report of a meeting: TSAG – R 2 – E, REPORT 2
    letter = "letter"  # a TSB collective letter or circular: letterhead, Ref, Subject


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
    """The meeting the document is for."""

    place: Text = Field(description="the city, as the cover prints it",
                        examples=["Geneva", "Geneva (virtual)"])
    start: dt.date = Field(description="the first day (YYYY-MM-DD); also the document's "
                           "date unless document.date is given", examples=["2018-12-10"])
    end: dt.date = Field(description="the last day (YYYY-MM-DD), not before the first",
                         examples=["2018-12-14"])

    @model_validator(mode="after")
    def _ordered(self) -> Meeting:
        if self.end < self.start:
            raise ValueError("meeting end is before its start")
        return self


class Contact(Strict):
    """A contact person of the cover block."""

    name: Text = Field(description="full name", examples=["Arnaud Taddei"])
    organization: str = Field(default="", description="organization; empty to leave it out",
                              examples=["Example Telecom Administration"])
    country: str = Field(default="", description="country; empty to leave it out",
                         examples=["Switzerland"])
    tel: str = Field(default="", description="telephone number; empty to leave it out",
                     examples=["+41 22 730 0000"])
    email: OptionalEmail = Field(default="", description="e-mail address; empty to "
                                       "leave the E-mail line out",
                                       examples=["jane.rapporteur@example.org"])


class Liaison(Strict):
    """The rows of a liaison statement (``kind: ls``); each is printed only when given."""

    for_action: list[Text] = Field(default_factory=list,
                                   description="the groups asked to act ('For action to:')",
                                   examples=[["ITU-T SG17"]])
    for_comment: list[Text] = Field(default_factory=list,
                                    description="the groups asked to comment ('For comment "
                                    "to:')", examples=[["ISO/IEC JTC 1/SC 27"]])
    for_information: list[Text] = Field(default_factory=list,
                                        description="the groups informed ('For information "
                                        "to:')", examples=[["ITU-T SG13", "ITU-T SG11"]])
    approval: str = Field(default="", description="who approved it, and where and when "
                          "('Approval:'); empty for none",
                          examples=["TSAG meeting (Geneva, 30 May 2023)"])
    deadline: dt.date | Literal["N/A"] | None = Field(
        default=None, description="the reply deadline (YYYY-MM-DD) ('Deadline:'), or N/A "
        "when no reply is expected", examples=["2023-09-15", "N/A"])
    cc: list[Text] = Field(default_factory=list,
                           description="the groups sent a copy ('Cc:')",
                           examples=[["ITU-T SG11"]])
    sent: DocumentDate | None = Field(
        default=None, description="the day the LS was sent (YYYY-MM-DD) ('Date sent:')",
        examples=["2023-06-05"])
    attachments: list[Text] = Field(default_factory=list,
                                    description="what is attached, one line each "
                                    "('Attachments:')",
                                    examples=[["TSAG-TD251: terms of reference of FG-MV"]])


class Letter(Strict):
    """A TSB collective letter or circular (``kind: letter``): its reference block,
    addressees, salutation, closing and signature."""

    series: Literal["collective letter", "circular"] = Field(
        default="collective letter", description="a collective letter (TSB Collective "
        "letter 2/TSAG, to a group's participants) or a circular (TSB Circular 68, to all)",
        examples=["collective letter", "circular"])
    place: Text = Field(default="Geneva", description="where it is dated",
                        examples=["Geneva"])
    reference: list[Text] = Field(default_factory=list,
                                  description="lines under 'Ref:' after the letter's own "
                                  "number, e.g. the file reference", examples=[["TSAG/RS"]])
    addressees: list[Text] = Field(min_length=1, description="to whom, one line each",
                                   examples=[["To Administrations of Member States of the "
                                              "Union", "To ITU-T Sector Members"]])
    copy_to: list[Text] = Field(default_factory=list, description="'Copy:' lines; [] for "
                                "none", examples=[["To the Director of the "
                                                   "Radiocommunication Bureau"]])
    tel: str = Field(default="", description="'Tel:'; empty for none",
                     examples=["+41 22 730 5860"])
    fax: str = Field(default="", description="'Fax:'; empty for none",
                     examples=["+41 22 730 5853"])
    email: OptionalEmail = Field(default="", description="'E-mail:'; empty for none",
                                 examples=["tsbtsag@itu.int"])
    web: str = Field(default="", description="'Web:'; empty for none",
                     examples=["http://itu.int/go/tsag"])
    salutation: str = Field(default="", description="the opening line; empty for the "
                            "language's 'Dear Sir/Madam,'", examples=["Dear Sir/Madam,"])
    closing: str = Field(default="", description="the closing line; empty for the "
                         "language's 'Yours faithfully,'", examples=["Yours faithfully,"])
    signature: list[Text] = Field(default_factory=list, description="the signatory's "
                                  "lines: name, then title", examples=[[
                                      "Chaesub Lee", "Director of the Telecommunication "
                                      "Standardization Bureau"]])


class Metadata(Strict):
    """The cover block and the document's identity."""

    kind: DocumentKind = Field(
        default=DocumentKind.td,
        description="td (temporary document), contribution, ls (liaison statement: the TD "
        "cover with the LIAISON STATEMENT rows), plain (no cover table: a centred title) or "
        "report (an R-series meeting report: TSAG – R 2 – E, the month and year, REPORT 2)",
        examples=["td", "contribution", "ls", "plain", "report"])
    layout: CoverLayout = Field(
        default=CoverLayout.y2022,
        description="the cover layout: 2022, or 2017-2020 (Purpose, Keywords and the "
        "abstract inside the cover table)", examples=["2022", "2017-2020"])
    group: Text = Field(default="", description="the group: TSAG, SG17, JCA-AHF, FG-MV; in "
                        "ITU-D SG1, in ITU-R WP5A (required but for a TSB circular, which "
                        "is addressed to all)", examples=["TSAG", "SG17", "JCA-AHF", "WP5A"])
    sector: Literal["T", "D", "R"] = Field(
        default="T", description="the ITU Sector: T (ITU-T, the default), D (ITU-D study "
        "groups: Document 1/123-E) or R (ITU-R: Document 5A/650-E)", examples=["T", "R"])
    study_period: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{4}$")] | None = Field(
        default=None,
        description="the study period, YYYY-YYYY; T17 in the file name comes from it "
        "(required but for plain)", examples=["2017-2020", "2022-2024"])
    number: int | None = Field(default=None, ge=0, le=99_999,
                               description="the TD or contribution number; leave it out for "
                               "a draft not yet numbered", examples=[446])
    revision: int = Field(default=0, ge=0, le=99,
                          description="0 for the first version; 1 gives TD446-R1",
                          examples=[0, 1])
    revision_form: Literal["-R1", "R1", "Rev.1"] = Field(
        default="-R1", description="how the masthead and the running header write a "
        "revision: -R1 (TSAG-TD433-R1, as now), R1 (TSAG-TD433R1) or Rev.1 (TD 433 Rev.1, "
        "as in 2017); the file name is ITU's …-R1 whatever the form",
        examples=["-R1", "R1", "Rev.1"])
    category: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,5}$")] = Field(
        default="GEN", description="the TD category of the ITU file name",
        examples=["GEN", "PLEN"])
    language: Literal["E", "F", "S", "R", "A", "C"] = Field(
        default="E", description="the language of this version, as in the file name",
        examples=["E", "F"])
    original: Text = Field(default="English", description="the 'Original:' line",
                           examples=["English", "French"])
    english_only: bool = Field(default=False,
                               description="add the line 'English only' above 'Original: English'",
                               examples=[False])
    meeting: Meeting | None = Field(default=None,
                                    description="the meeting: place, first and last day; "
                                    "leave it out for none (then give document.date)",
                             examples=[{"place": "Geneva", "start": "2018-12-10",
                                        "end": "2018-12-14"}])
    questions: str = Field(default="N/A", description="the Questions concerned; N/A when "
                           "left out, \"\" for nothing after the label",
                           examples=["N/A", "Q2/17", ""])
    source: str = Field(default="", description="who submits the document (required but for "
                        "plain)", examples=["Chairman, TSAG ad hoc group on Quantum", "China"])
    title: Text = Field(description="the document's title",
                        examples=["Report of the TSAG ad hoc group on Quantum"])
    subtitle: str = Field(default="", description="plain only: a centred line under the "
                          "title; empty for none", examples=["Terms of reference"])
    purpose: Purpose | Text | None = Field(
        default=None, description="Information, Discussion, Decision, Admin or Other "
        "(printed in the document's language), or any other text, printed as written",
        examples=["Information", "Information and action"])
    contacts: list[Contact] = Field(
        default_factory=list, description="the contact people of the cover block",
        examples=[[{"name": "Jane Rapporteur", "email": "jane.rapporteur@example.org"}]])
    keywords: list[Text] = Field(default_factory=list,
                                 description="keywords (printed in the 2017-2020 layout)",
                                 examples=[["TSAG", "quantum"]])
    abstract: str = Field(default="", description="what the document contains, in one "
                          "paragraph; empty for no Abstract row",
                           examples=["This TD contains the report of the TSAG ad hoc group "
                                     "on Quantum."])
    action: str = Field(default="", description="the 'Action:' line after the cover table; "
                        "empty for none", examples=["TSAG is invited to note this report."])
    date: DocumentDate | None = Field(
        default=None, description="document date (YYYY-MM-DD), or a month (YYYY-MM) where "
        "the document shows the month and year; defaults to the meeting's first day. A "
        "cover with a meeting prints the meeting's place and dates, not this date, which "
        "then dates only the files' properties",
        examples=["2018-12-14", "2018-12"],
    )
    letter: Letter | None = Field(
        default=None, description="letter only: reference, addressees, contact lines, "
        "closing and signature", examples=[{"reference": ["TSAG/RS"], "addressees": [
            "To Administrations of Member States of the Union"]}])
    liaison: Liaison | None = Field(
        default=None, description="ls only: the addressees, approval and deadline",
        examples=[{"for_action": ["ITU-T SG17"], "for_information": ["ITU-T SG13"],
                   "approval": "TSAG meeting (Geneva, 30 May 2023)",
                   "deadline": "2023-09-15"}])


class Options(Strict):
    """Presentation choices that vary between documents, not between tools."""

    heading_start: int = Field(default=1, ge=0, le=1,
                               description="the first clause's number; 0 allows a clause 0",
                               examples=[1, 0])
    list_formats: list[ListFormat] = Field(
        default_factory=lambda: ["1)", "a)", "i)"],
        min_length=3,
        max_length=3,
        description="the label per nesting level: a counter (1, a, A, i, I) with '.', "
        "')' or '-' after it, or between parentheses; for '.' and ')' the marker typed in "
        "Markdown (1. or 1)) chooses between the two",
        examples=[["1)", "a)", "i)"], ["1.", "a.", "i."], ["1-", "(a)", "(i)"]],
    )
    annex_label: Literal["arabic", "letter", "none"] = Field(
        default="arabic", description="Annex 1, 2 … (arabic), Annex A, B … (letter), or "
        "none: a single annex labelled just 'Annex'", examples=["arabic", "letter", "none"])
    end_mark: bool = Field(default=True, description="end with the ITU end mark",
                           examples=[True])
    document_links: bool = Field(default=True,
                                 description="link registered document ids (in the text and "
                                 "the tables) to their pages at itu.int/md",
                                 examples=[True, False])


class RegisteredDocument(Strict):
    """A document of the register: what an id cited in the text stands for."""

    id: DocId = Field(description="C (contribution), TD or R and the number; R1 for a "
                      "revision; as ITU writes it (C 054, TD433-R1, TD 433 Rev.1): "
                      "matched by kind, number and revision",
                      examples=["C54", "TD433R1", "TD 433 Rev.1"])
    title: Text = Field(description="the document's title",
                        examples=["Minutes of the first adhoc session on Quantum"])
    source: str = Field(default="", description="who submitted it; empty when not shown",
                        examples=["China", "ETSI ISG QKD"])
    revision_of: DocId | None = Field(default=None,
                                      description="the id of the document it revises",
                                      examples=["C54"])


class Session(Strict):
    """A session of the meeting."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")] = Field(
        description="the id session blocks use: lower-case letters, digits and '-'",
        examples=["first"])
    title: Text = Field(description="the session's name", examples=["First adhoc session"])
    kind: Literal["session", "event"] = Field(
        default="session",
        description="'event' for what is not a session of the group (a newcomers' "
        "session, a reception): listed in the sessions table with its day, time and room, "
        "and no agenda or minutes", examples=["session", "event"])
    date: dt.date = Field(description="its day (YYYY-MM-DD), inside the meeting",
                          examples=["2018-12-11"])
    time: SessionTime = Field(description='start, or start and end: "08:00", "12:45-13:45"')
    room: str = Field(default="", description="the room; empty for none", examples=["C"])
    agenda: DocId | None = Field(default=None, description="the agenda's document id",
                                 examples=["TD425"])
    minutes: DocId | None = Field(default=None, description="the minutes' document id",
                                  examples=["TD424R1"])
    summary: str = Field(default="", description="Markdown",
                         examples=["The session considered C54."])
    file: str | None = Field(default=None, description="Markdown file with the summary",
                             examples=["session-first.md"])


class Statement(Strict):
    """A delegation's statement, reproduced verbatim as a quotation."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")] = Field(
        description="the id statement blocks use: lower-case letters, digits and '-'",
        examples=["china"])
    delegation: Text = Field(description="the delegation", examples=["China"])
    text: str = Field(default="", description="Markdown, reproduced as received",
                      examples=["China supports the creation of the Focus Group."])
    file: str | None = Field(default=None, description="Markdown file with the statement",
                             examples=["statement-china.md"])


class Highlight(Strict):
    """One numbered point of the highlights."""

    text: Text = Field(description="the point (Markdown)",
                       examples=["TSAG agreed to create FG-QIT4N, with"])
    items: list[Text] = Field(default_factory=list, description="its lettered sub-items",
                              examples=[["the terms of reference in Annex 1", "a chairman"]])


class Highlights(Strict):
    """Numbered points shown by a ``highlights: true`` block."""

    intro: str = Field(default="", description="a sentence before the list (Markdown)",
                       examples=["The main results are:"])
    formats: list[ListFormat] = Field(
        default_factory=lambda: ["1)", "a)"], min_length=2, max_length=2,
        description="the labels of the two levels: a counter (1, a, A, i, I) with '.', "
        "')' or '-' after it, or between parentheses",
        examples=[["1)", "a)"], ["1.", "a."], ["(1)", "(a)"]],
    )
    items: list[Highlight] = Field(min_length=1, description="the points",
                                   examples=[[{"text": "TSAG agreed to …",
                                               "items": ["first", "second"]}]])


class Column(Strict):
    """A column of a table block."""

    title: Text | None = Field(default=None,
                               description="the column heading; leave every column "
                               "without one for a table without a header row, or give "
                               "the header in header_rows", examples=["Document"])
    width: float = Field(default=1.0, gt=0, le=100, allow_inf_nan=False,
                         description="relative width", examples=[1, 2.5])
    align: Literal["left", "center"] = Field(default="left",
                                             description="the cells' alignment",
                                             examples=["left", "center"])


MAX_SPAN = 1000  # far more than a page holds; bounds the grid a content file can ask for


class TableCell(Strict):
    """A table cell that spans rows or columns (a plain string is a cell of one)."""

    text: str = Field(default="", description="the cell's text (Markdown)",
                      examples=["WP1"])
    colspan: int = Field(default=1, ge=1, le=MAX_SPAN,
                         description="how many columns it covers, from where it starts; the "
                         "cells it covers to its right are not written",
                         examples=[2])
    rowspan: int = Field(default=1, ge=1, le=MAX_SPAN,
                         description="how many rows it covers, from its row down; the rows "
                         "below leave out the cells it covers", examples=[3])

    @model_validator(mode="before")
    @classmethod
    def _plain(cls, value: object) -> object:
        """A plain string is a cell of one row and one column."""
        if isinstance(value, str):
            return {"text": value}
        if isinstance(value, dict | TableCell):
            return value
        shown = "an empty value" if value is None else f"{value!r}"
        raise ValueError(f"a cell is text (in quotes if it looks like a number) or a mapping "
                         f"{{text, colspan, rowspan}}, not {shown}")

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> Any:
        mapping = handler(core_schema)
        return {"anyOf": [{"type": "string", "description": "a cell's text (Markdown)",
                           "examples": ["C54"]}, handler.resolve_ref_schema(mapping)],
                "description": "a cell: its text, or a mapping with its spans",
                "examples": ["C54", {"text": "WP1", "rowspan": 3}]}


CellSpec = TableCell


class TableSpec(Strict):
    """A table written out in the YAML."""

    title: Text | None = Field(default=None,
                               description="the title; printed as 'Table N – title'. "
                               "Without one the table is a layout table: no caption, "
                               "and it takes no number", examples=["Allocation of "
                                                                   "contributions"])
    columns: list[Column] = Field(min_length=1, description="the columns, in order",
                                  examples=[[{"title": "Document", "width": 1,
                                              "align": "center"}, {"title": "Title"}]])
    header_rows: list[list[CellSpec]] | None = Field(
        default=None, min_length=1,
        description="header rows with merged cells, in place of the columns' titles: "
        "each row lists the cells that start in it",
        examples=[[[{"text": "Group", "rowspan": 2}, {"text": "Documents", "colspan": 2}],
                   ["Number", "Title"]]])
    rows: list[list[CellSpec]] = Field(
        min_length=1, description="the rows: one Markdown cell per column; a mapping "
        "{text, colspan, rowspan} spans, and the cells it covers are left out of the rows",
        examples=[[["C54", "Proposal"]], [[{"text": "WP1", "rowspan": 2}, "C54"], ["C55"]]])
    grid: StrictBool | None = Field(
        default=None, description="draw the cell borders; by default a titled table has "
        "them and a layout table (no title) has none", examples=[True, False])

    @property
    def headed(self) -> bool:
        """True when the table has a header row."""
        return self.header_rows is not None or self.columns[0].title is not None


DocColumn = Literal["id", "source", "title"]


class DocumentsTable(Strict):
    """A table of documents from the register."""

    title: Text = Field(description="the title; printed as 'Table N – title'",
                        examples=["Documents relevant to the Quantum adhoc sessions"])
    columns: list[DocColumn] = Field(default=["id", "title"], min_length=1,
                                     description="the columns, from id, source and title",
                                     examples=[["id", "source", "title"]])
    headings: dict[DocColumn, Text] = Field(default_factory=dict,
                                            description="other headings than Document, "
                                            "Source and Title", examples=[{"id": "TD"}])
    ids: list[DocId] = Field(default_factory=list,
                             description="the documents to list, in order; default: all",
                             examples=[["C54", "TD433R1"]])


class SessionsTable(Strict):
    """The table of the sessions: day, time, room, agenda and minutes."""

    title: Text = Field(description="the title; printed as 'Table N – title'",
                        examples=["Sessions of the Quantum ad hoc group"])


def _figure_width(value: object) -> float:
    """``80%`` or ``0.8``: a share of the text width, above 0 and at most all of it."""
    if isinstance(value, bool):
        raise ValueError(FIGURE_WIDTH_FORMS)
    if isinstance(value, str):
        match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*%\s*", value)
        if match is None:
            raise ValueError(f"{value!r} is not a width; write {FIGURE_WIDTH_FORMS}")
        share = float(match.group(1)) / 100
    elif isinstance(value, int | float):
        share = float(value)
    else:
        raise ValueError(f"not a width; write {FIGURE_WIDTH_FORMS}")
    if not 0 < share <= 1:
        raise ValueError(f"{value!r} is not above 0 and at most the text width; write "
                         f"{FIGURE_WIDTH_FORMS}")
    return share


FIGURE_WIDTH_FORMS = "a percentage of the text width such as 80% or a fraction such as 0.8"
FigureWidth = Annotated[
    float,
    PlainValidator(_figure_width),
    WithJsonSchema({"anyOf": [
        {"type": "string", "pattern": r"^\s*[0-9]*\.?[0-9]+\s*%\s*$"},
        {"type": "number", "exclusiveMinimum": 0, "maximum": 1}],
        "examples": ["80%", 0.5]}),
]


class FigureSpec(Strict):
    """A picture (PNG, JPEG or SVG from the report's folder) with its caption below it."""

    file: Text = Field(description="the image file, relative to report.yaml and inside the "
                       "report's folder: PNG, JPEG or SVG", examples=["architecture.png"])
    title: Text = Field(description="the title; printed below as 'Figure N – title'",
                        examples=["Architecture of the QKD network"])
    width: FigureWidth | None = Field(
        default=None, description="its width as a share of the text width (17 cm): 80% or "
        "0.8; by default its natural size at its resolution (96 dpi if it declares none), "
        "never wider than the text", examples=["80%"])
    alt: str = Field(default="", description="what the picture shows, for readers who cannot "
                     "see it (the DOCX picture's description, the PDF's alternate text); "
                     "default: the title", examples=["Two QKD nodes linked by a key relay"])


class Block(Strict):
    """One piece of a section's content: exactly one key (and, optionally, an ``id``)."""

    id: BlockId | None = Field(default=None, description=ID_DESCRIPTION,
                               examples=["conclusions"])
    text: str | None = Field(default=None, description="Markdown prose",
                             examples=["The group met four times."])
    file: str | None = Field(default=None, description="a Markdown file beside report.yaml",
                             examples=["method.md"])
    documents_table: DocumentsTable | None = Field(
        default=None, description="a table of documents from the register",
        examples=[{"title": "Documents considered"}])
    sessions_table: SessionsTable | None = Field(
        default=None, description="the table of the sessions",
        examples=[{"title": "Sessions of the group"}])
    session: str | None = Field(default=None, description="a session id", examples=["first"])
    statement: str | None = Field(default=None, description="a statement id",
                                  examples=["china"])
    highlights: bool | None = Field(default=None, description="the highlights list",
                                    examples=[True])
    table: TableSpec | None = Field(default=None, description="a table written out here",
                                    examples=[{"title": "Results",
                                               "columns": [{"title": "Document"}],
                                               "rows": [["C54"]]}])
    note: str | None = Field(default=None, description="a NOTE paragraph",
                             examples=["The draft is in TD433R1."])
    page_break: Literal[True] | None = Field(
        default=None, description="start a new page here: what follows begins the next page",
        examples=[True])
    figure: FigureSpec | None = Field(
        default=None, description="a picture with its caption, 'Figure N – title'",
        examples=[{"file": "architecture.png", "title": "Architecture of the QKD network",
                   "width": "80%"}])
    contents: Literal[True] | Text | None = Field(
        default=None, description="the table of contents: every clause to the third level "
        "and every annex and appendix, with its page; true titles it in the document's "
        "language (Table of Contents), a text titles it as written", examples=[True,
                                                                        "Table of contents"])

    @model_validator(mode="after")
    def _exactly_one(self) -> Block:
        kinds = [name for name in type(self).model_fields if name != "id"]
        given = [name for name in kinds if getattr(self, name) is not None]
        if len(given) != 1:
            keys = ", ".join(kinds)
            raise ValueError(f"a block takes exactly one of: {keys}")
        return self


class Part(Strict):
    """What a clause, an annex, an appendix and the preamble hold: prose, a file, typed
    blocks, and the list formats of their lists."""

    text: str | None = Field(default=None, description="Markdown prose",
                             examples=["At the TSAG opening plenary, C54 was presented."])
    file: str | None = Field(default=None, description="a Markdown file beside report.yaml",
                             examples=["introduction.md"])
    blocks: list[Block] = Field(default_factory=list,
                                description="typed blocks, each with exactly one key",
                                examples=[[{"note": "The draft is in TD433R1."}]])
    list_formats: list[ListFormat] | None = Field(
        default=None, min_length=3, max_length=3,
        description="the labels of the lists in this part's prose and its clauses, per "
        "nesting level, in place of options.list_formats", examples=[["1-", "a)", "i)"]])


class Section(Part):
    """A clause: its heading, then text, file, blocks and sub-clauses, in that order."""

    title: Text = Field(description="the heading (plain text)", examples=["Introduction"])
    id: BlockId | None = Field(default=None, description=ID_DESCRIPTION,
                               examples=["introduction"])
    numbered: bool = Field(default=True, description="false gives an unnumbered heading",
                           examples=[True])
    sections: list[Section] = Field(default_factory=list,
                                    description="sub-clauses (three levels at most)",
                                    examples=[[{"title": "Scope", "text": "…"}]])


class Preamble(Part):
    """Text before the first clause, under no heading: text, file, then blocks."""

    @model_validator(mode="after")
    def _not_empty(self) -> Preamble:
        if self.text is None and self.file is None and not self.blocks:
            raise ValueError("a preamble takes text, file or blocks")
        return self


class Annex(Part):
    """An annex, on a new page: Annex 1 (or A) and its title, then its content."""

    title: Text = Field(description="the annex title", examples=["Latest draft ToR status"])
    id: BlockId | None = Field(default=None, description=ID_DESCRIPTION, examples=["tor"])
    obligation: str = Field(default="", description="the line under the title; empty for "
                            "none", examples=["(This annex forms an integral part of this "
                                              "Recommendation.)"])
    sections: list[Section] = Field(default_factory=list,
                                    description="the annex's clauses, numbered from 1",
                                    examples=[[{"title": "Scope", "text": "…"}]])


class Appendix(Part):
    """An appendix, after the annexes and on a new page: Appendix I (II …) and its title,
    the line saying it is not an integral part, then its content."""

    title: Text = Field(description="the appendix title", examples=["Bibliography"])
    id: BlockId | None = Field(default=None, description=ID_DESCRIPTION,
                               examples=["bibliography"])
    obligation: str | None = Field(
        default=None, description="the line under the title; by default '(This appendix "
        "does not form an integral part of this document.)' in the document's language; "
        "empty for none", examples=["", "(This appendix does not form an integral part of "
                                        "this Recommendation.)"])
    sections: list[Section] = Field(default_factory=list,
                                    description="the appendix's clauses, numbered I.1, I.1.1 …",
                                    examples=[[{"title": "Scope", "text": "…"}]])


class Attachment(Strict):
    """Another document appended after the report, with its own cover and numbering."""

    report: Text = Field(description="the attached report's folder, inside this report's "
                         "folder (it holds its own report.yaml)",
                         examples=["attachment-ls", "attachments/terms-of-reference"])


class Report(Strict):
    """A whole document: metadata, the structured registers and the body."""

    document: Metadata = Field(description="the cover block and the document's identity",
                               examples=[{"kind": "td", "group": "TSAG",
                                          "study_period": "2017-2020", "number": 446,
                                          "meeting": {"place": "Geneva",
                                                      "start": "2018-12-10",
                                                      "end": "2018-12-14"},
                                          "source": "Chairman, TSAG ad hoc group on Quantum",
                                          "title": "Report of the TSAG ad hoc group on "
                                                   "Quantum",
                                          "abstract": "This TD contains the report of the "
                                                      "group."}])
    options: Options = Field(default_factory=Options, description="presentation choices",
                             examples=[{"heading_start": 0}])
    documents: list[RegisteredDocument] = Field(
        default_factory=list, description="the documents register",
        examples=[[{"id": "C54", "title": "Proposal …", "source": "China"}]])
    sessions: list[Session] = Field(default_factory=list,
                                    description="the meeting's sessions, in order",
                                    examples=[[{"id": "first", "title": "First session",
                                                "date": "2018-12-11", "time": "08:00"}]])
    statements: list[Statement] = Field(default_factory=list,
                                        description="delegations' statements",
                                        examples=[[{"id": "china", "delegation": "China",
                                                    "text": "…"}]])
    highlights: Highlights | None = Field(default=None,
                                          description="numbered points (conclusions)",
                                          examples=[{"items": [{"text": "TSAG agreed …"}]}])
    preamble: Preamble | None = Field(
        default=None, description="text before the first clause (no heading)",
        examples=[{"text": "This TD contains the report of the group."}])
    body: list[Section] = Field(
        default_factory=list, description="the clauses, in order; a text without clauses "
        "(an agenda, a short liaison statement) gives only its preamble",
        examples=[[{"title": "Introduction", "text": "…"}]])
    annexes: list[Annex] = Field(default_factory=list, description="the annexes, in order",
                                 examples=[[{"title": "Draft terms of reference"}]])
    appendices: list[Appendix] = Field(
        default_factory=list, description="the appendices, after the annexes, in order: "
        "Appendix I, II …", examples=[[{"title": "Bibliography"}]])
    attachments: list[Attachment] = Field(
        default_factory=list, description="other documents appended after the report, each "
        "on a new page with its own cover", examples=[[{"report": "attachment-ls"}]])

    @model_validator(mode="after")
    def _has_text(self) -> Report:
        if not self.body and self.preamble is None and not self.annexes \
                and not self.appendices:
            raise ValueError("the document has no text: give body (its clauses), or a "
                             "preamble for a text without clauses")
        return self


def json_schema() -> dict[str, object]:
    """The JSON Schema of ``report.yaml`` (draft-07), for editors."""
    from reportgen.content.draft07 import to_draft07

    return to_draft07(Report.model_json_schema())
