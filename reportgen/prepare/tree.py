"""Model -> document tree: numbering, labels, captions, ITU names, cross-checks.

This is the only place where numbers are computed. Problems that only show once the
prose is parsed (an unsupported Markdown element, a table without a title) are raised
as ContentError with the file and line; softer findings come back as warnings.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TypeVar

from reportgen import tree as d
from reportgen.content import model as m
from reportgen.content.docids import normal_id
from reportgen.content.loaded import LoadedReport, Path_
from reportgen.content.markdown import (
    ProseContext,
    as_quotation,
    plain_inlines,
    to_blocks,
    to_cell,
    to_inlines,
)
from reportgen.content.yaml_source import dotted
from reportgen.errors import ContentError, Origin, Problem
from reportgen.prepare import languages as i18n
from reportgen.prepare.anchors import cell_id
from reportgen.prepare.attachments import prefixed
from reportgen.prepare.doclinks import document_url
from reportgen.prepare.labels import (
    DASH,
    counter_text,
    format_label,
    markdown_pattern,
    parse_format,
)
from reportgen.prepare.layout import (
    CELL_MARGIN,
    COVER_LABEL_WIDTH,
    END_MARK,
    FIGURE_MAX_HEIGHT_CM,
    SIZE_BODY,
    TEXT_WIDTH_CM,
)
from reportgen.prepare.measure import text_width_twips

T = TypeVar("T")

LANGUAGES = i18n.LANGUAGES
MAX_HEADING_LEVEL = 3
DOC_COLUMN_WIDTHS = {"id": 1.2, "source": 1.6, "title": 4.0}
MAX_LIST_NUMBER = 32767  # the largest start value Word accepts
LIAISON_FIELDS = ("for_action", "for_comment", "for_information", "cc", "approval", "sent",
                  "deadline", "attachments")  # the rows of an LS, in the order printed
LABEL_SLACK = 40  # 2 pt: what Word and LibreOffice round or kern differently


def long_date(day: dt.date, weekday: bool = False, language: str = "E") -> str:
    """``10 December 2018`` (``Monday 10 December 2018``) in the language of the letter,
    from CLDR through Babel, independent of the machine's locale."""
    lang = i18n.locale(language)
    return lang.weekday_date(day) if weekday else lang.long_date(day)


def date_range(start: dt.date, end: dt.date, language: str = "E") -> str:
    """ITU style: ``10-14 December 2018``, ``28 November-2 December 2018``."""
    return i18n.locale(language).date_range(start, end)


def masthead_number(meta: m.Metadata) -> str:
    """``TSAG-TD446``, ``TSAG-TD433-R1`` (or ``TSAG-TD433R1``, ``TD 433 Rev.1`` as
    ``revision_form`` asks), ``SG17-C1000``; "" for a draft not yet numbered.

    A liaison statement (and a plain text) is posted as a TD and has a TD number."""
    if meta.number is None:
        return ""
    if meta.kind is m.DocumentKind.letter:  # TSB Collective letter 2/TSAG, TSB Circular 68
        return letter_number(meta)
    if meta.kind is m.DocumentKind.report:  # TSAG – R 2 – E (itu-style.md §1.5)
        return f"{meta.group} \u2013 R {meta.number} \u2013 {meta.language}"
    if meta.sector != "T":  # ITU-D Document 1/123-E, ITU-R Document 5A/650-E (README)
        text = f"Document {sector_group(meta.group)}/{meta.number}-{meta.language}"
        return f"Revision {meta.revision} to {text}" if meta.revision else text
    if meta.group.upper().startswith("JCA-") and meta.kind is m.DocumentKind.td:
        text = f"{meta.group} Doc. {meta.number}"  # JCA-AHF Doc. 183 (README)
        return f"{text} Rev.{meta.revision}" if meta.revision else text
    kind = "C" if meta.kind is m.DocumentKind.contribution else "TD"
    if meta.revision_form == "Rev.1":  # the 2017 form: "TD 120 Rev.1"
        text = f"{kind} {meta.number}"
        return f"{text} Rev.{meta.revision}" if meta.revision else text
    text = f"{meta.group}-{kind}{meta.number}"
    suffix = "-R" if meta.revision_form == "-R1" else "R"
    return f"{text}{suffix}{meta.revision}" if meta.revision else text


# the timestamp of a plain text with neither a meeting nor a date (and no
# SOURCE_DATE_EPOCH): the earliest a ZIP file, hence a DOCX, can carry
UNDATED = dt.date(1980, 1, 1)


def sector_group(group: str) -> str:
    """The group's part of an ITU-D or ITU-R document number: SG1 -> 1, WP5A -> 5A."""
    upper = group.upper()
    for prefix in ("SG", "WP"):
        if upper.startswith(prefix) and len(upper) > 2:
            return group[2:]
    return group


def document_day(meta: m.Metadata) -> dt.date | None:
    """The day that dates the document: the meeting's first day, else ``document.date``.

    ``load`` refuses a document with neither, except a plain text."""
    return meta.meeting.start if meta.meeting else meta.date


def itu_file_stem(meta: m.Metadata) -> str:
    """The ITU file name without its format part: ``T17-TSAG-181210-TD-GEN-0446!R1``.

    The writer appends ``!MSW-E.docx`` or ``!PDF-E.pdf``; an unrevised document has an
    empty revision field (``…-0446!!MSW-E``). A draft without a number has ``draft`` in
    place of the four digits (``…-TD-GEN-draft!!MSW-E``); without a meeting, the date
    part is ``document.date``. A plain text without a study period or a date has
    none ("").
    """
    day = document_day(meta)
    undated = meta.kind not in (m.DocumentKind.contribution, m.DocumentKind.report,
                                m.DocumentKind.letter)
    if meta.study_period is None or (day is None and undated):
        return ""  # a plain text without them: named after its folder
    period = meta.study_period[2:4]
    number = "draft" if meta.number is None else f"{meta.number:04d}"
    if meta.sector != "T":  # D18-SG01-C-0123, R19-WP5A-C-0650 (README: not confirmed)
        group = meta.group.upper()
        if group.startswith("SG") and group[2:].isdigit():
            group = f"SG{int(group[2:]):02d}"
        base = f"{meta.sector}{period}-{group}-C-{number}"
    elif meta.kind is m.DocumentKind.contribution:
        base = f"T{period}-{meta.group}-C-{number}"
    elif meta.kind is m.DocumentKind.report:  # by analogy with contributions (README)
        base = f"T{period}-{meta.group}-R-{number}"
    elif meta.kind is m.DocumentKind.letter:  # TSB's own series (README)
        circular = meta.letter is not None and meta.letter.series == "circular"
        base = f"T{period}-TSB-CIR-{number}" if circular else \
            f"T{period}-TSB-COL-{meta.group}-{number}"
    else:
        base = (f"T{period}-{meta.group}-{day:%y%m%d}-TD-{meta.category}-"
                f"{number}")
    return f"{base}!{f'R{meta.revision}' if meta.revision else ''}"


def group_display(group: str, language: str = "E") -> str:
    """``SG17`` -> ``STUDY GROUP 17`` (``COMMISSION D'ÉTUDES 17``…); other groups in
    upper case."""
    if group.upper().startswith("SG") and group[2:].isdigit():
        return i18n.locale(language)["study_group"].format(number=group[2:])
    return group.upper()


def _left_to_right(text: str) -> str:
    """``text`` isolated left to right (U+2066 … U+2069), so that "+41 22 000 0000" keeps
    its order in a right-to-left paragraph, in Word as in the PDF."""
    return f"\u2066{text}\u2069" if text else text


def cover_labels(meta: m.Metadata) -> d.CoverLabels:
    """The cover's fixed texts in the document's language."""
    lang = i18n.locale(meta.language)
    first, last = (meta.study_period or "-").split("-")
    return d.CoverLabels(
        organisation=lang["organisation"],
        sector=lang[{"T": "sector", "D": "sector_d", "R": "sector_r"}[meta.sector]],
        study_period=lang["study_period"].format(period=lang.numeric_range(first, last))
        if meta.study_period else "",
        original=lang["original"].format(language=lang.language_name(meta.original)),
        **{key: lang[key] for key in ("only", "questions", "source", "title", "purpose",
                                      "contact", "tel", "email", "keywords", "abstract",
                                      "action", "contribution", "liaison_statement",
                                      "for_action", "for_comment", "for_information",
                                      "approval", "deadline")},
        **({key: lang[key] for key in ("cc", "sent", "attachments")}
           if meta.kind is m.DocumentKind.ls else {}),
    )


def build_liaison(meta: m.Metadata) -> d.Liaison | None:
    """The LIAISON STATEMENT rows of an ``ls``; addressees joined by commas."""
    given = meta.liaison
    if meta.kind is not m.DocumentKind.ls or given is None:
        return None
    lang = i18n.locale(meta.language)
    return d.Liaison(
        for_action=", ".join(given.for_action),
        for_comment=", ".join(given.for_comment),
        for_information=", ".join(given.for_information),
        approval=given.approval,
        deadline=given.deadline if isinstance(given.deadline, str) else
        lang.long_date(given.deadline) if given.deadline else "",
        cc=", ".join(given.cc),
        sent=shown_date(given.sent, meta.language) if given.sent else "",
        attachments="\n".join(given.attachments),
    )


def letter_number(meta: m.Metadata, with_group: bool = True) -> str:
    """``TSB Collective letter 2/TSAG`` (``TSB Collective letter 2`` without the group, as
    its Ref: line writes it), ``TSB Circular 68``; "" for a draft not yet numbered."""
    if meta.number is None:
        return ""
    lang = i18n.locale(meta.language)
    if meta.letter is not None and meta.letter.series == "circular":
        return lang["circular"].format(n=meta.number)
    text = lang["collective_letter"].format(n=meta.number)
    return f"{text}/{meta.group}" if with_group else text


def letter_cover(meta: m.Metadata) -> d.LetterCover:
    """A letter's letterhead, reference block (Ref:, the addressees beside it, Tel:,
    Fax:, E-mail:, Web:), Copy: and Subject:."""
    lang = i18n.locale(meta.language)
    letter = meta.letter
    assert letter is not None  # load refuses a letter without one
    day = meta.date or document_day(meta)
    dated = shown_date(day, meta.language) if day else ""
    given = (("tel", letter.tel), ("fax", letter.fax), ("email", letter.email),
             ("web", letter.web))
    number = letter_number(meta, with_group=False)
    return d.LetterCover(
        bureau=lang["bureau"],
        place_and_date=lang["place_and_dates"].format(place=letter.place, dates=dated)
        if dated else letter.place,
        reference=tuple(line for line in (number, *letter.reference) if line),
        addressees=tuple(f"- {a}" for a in letter.addressees),
        rows=tuple((lang[key], value) for key, value in given if value),
        copy_to=tuple(f"- {c}" for c in letter.copy_to),
        subject=meta.title,
        labels=(lang["ref"], lang["copy"], lang["subject"]),
    )


def letter_blocks(report: m.Report, origin: Origin) -> tuple[list[d.Block], list[d.Block]]:
    """What a letter prints before its text (the salutation) and after it (the closing,
    the signature, the count of annexes), as Normal paragraphs."""
    meta = report.document
    letter = meta.letter
    if meta.kind is not m.DocumentKind.letter or letter is None:
        return [], []
    lang = i18n.locale(meta.language)

    def lines(text: str) -> tuple[d.Inline, ...]:
        out: list[d.Inline] = []
        for n, line in enumerate(text.split("\n")):
            out += [d.LineBreak()] * bool(n) + [d.Text(line)]
        return tuple(out)
    before: list[d.Block] = [d.Paragraph(lines(letter.salutation or lang["salutation"]),
                                         id="letter.salutation", origin=origin)]
    after: list[d.Block] = [d.Paragraph(lines(letter.closing or lang["closing"]),
                                        id="letter.closing", origin=origin)]
    if letter.signature:  # a gap for the signature, then the signatory's lines
        after.append(d.Paragraph(lines("\n".join(letter.signature)), "after_title",
                                 id="letter.signature", origin=origin))
    count = len(report.annexes)
    if count:
        text = lang["annexes_line"].format(n=count) if count > 1 else lang["annex_line"]
        after.append(d.Paragraph(lines(text), "after_title", id="letter.annexes",
                                 origin=origin))
    return before, after


def report_rows(meta: m.Metadata) -> tuple[str, tuple[str, ...]]:
    """A report's month and year under its number (``APRIL 2018``) and the centred lines
    after its Question(s) row: ``TELECOMMUNICATION STANDARDIZATION ADVISORY GROUP`` and
    ``REPORT 2`` for TSAG (TSAG – R 2 – E), ``STUDY GROUP 19 – REPORT 5`` for a study
    group (COM 19 – R 5 – E)."""
    lang = i18n.locale(meta.language)
    day = meta.date or document_day(meta)
    report = lang["report"].format(n=meta.number if meta.number is not None else "").strip()
    if meta.group.upper() == "TSAG":
        lines: tuple[str, ...] = (lang["advisory_group"], report)
    elif meta.group.upper().startswith("SG") and meta.group[2:].isdigit():
        lines = (f"{group_display(meta.group, meta.language)} \u2013 {report}",)
    else:
        lines = (report,)
    return lang.month_year(day).upper() if day else "", lines


def shown_date(day: dt.date, language: str) -> str:
    """``14 December 2018``; a date given as a month (``2018-12``): ``December 2018``."""
    lang = i18n.locale(language)
    return lang.month_year(day) if isinstance(day, m.MonthDate) else lang.long_date(day)


def label_width(cover: d.Cover) -> int:
    """The cover's label column in twips: the template's 2.80 cm, or what its longest
    printed label needs on one line (bold, 12 pt, with the cells' margins), rounded up
    to 10 twips; 0 when the template's width is enough."""
    labels = cover.labels
    printed = [labels.questions, labels.source, labels.title, labels.contact]
    printed += [label for label, value in ((labels.purpose, cover.purpose),
                                           (labels.keywords, cover.keywords),
                                           (labels.abstract, cover.abstract)) if value]
    if cover.liaison is not None:
        printed += [getattr(labels, name) for name in LIAISON_FIELDS
                    if getattr(cover.liaison, name)]
    needed = max(text_width_twips(label, SIZE_BODY, bold=True) for label in printed)
    needed = -(-(needed + 2 * CELL_MARGIN + LABEL_SLACK) // 10) * 10
    return needed if needed > COVER_LABEL_WIDTH else 0


def build_cover(meta: m.Metadata) -> d.Cover:
    old_layout = meta.layout is m.CoverLayout.y2017
    lang = i18n.locale(meta.language)
    meeting = meta.meeting
    place_and_dates = lang["place_and_dates"].format(
        place=meeting.place, dates=lang.date_range(meeting.start, meeting.end)) \
        if meeting else ""
    number = masthead_number(meta)
    cover = d.Cover(
        masthead_number=number,
        group=group_display(meta.group, meta.language),
        study_period=meta.study_period or "",
        original=lang.language_name(meta.original),
        english_only=meta.english_only,
        questions=meta.questions,
        place_and_dates=place_and_dates,
        is_contribution=meta.kind is m.DocumentKind.contribution,
        source=meta.source,
        title=meta.title,
        purpose=lang.purposes.get(str(meta.purpose), str(meta.purpose)) if meta.purpose
        else "",
        contacts=tuple(d.Contact(c.name, c.organization, c.country,
                                 _left_to_right(c.tel) if lang.rtl else c.tel, c.email)
                       for c in meta.contacts),
        keywords="; ".join(meta.keywords) if old_layout else "",
        abstract=meta.abstract,
        abstract_in_header=old_layout,
        action=meta.action,
        labels=cover_labels(meta),
        kind=meta.kind.value,
        running_header=number or meta.group,
        subtitle=meta.subtitle if meta.kind is m.DocumentKind.plain else "",
        liaison=build_liaison(meta),
    )
    if meta.kind is m.DocumentKind.report:
        date, lines = report_rows(meta)
        cover = replace(cover, report_date=date, report_lines=lines)
    if meta.kind is m.DocumentKind.letter:
        return replace(cover, letter=letter_cover(meta))
    return replace(cover, label_width=label_width(cover)) if meta.kind is not \
        m.DocumentKind.plain else cover


@dataclass
class _SiblingCount:
    """The last number given among sibling clauses (shared through unnumbered clauses)."""

    last: int


@dataclass
class _Preparer:
    loaded: LoadedReport
    problems: list[Problem] = field(default_factory=list)
    listed: set[str] = field(default_factory=set)  # ids shown in a documents table
    explicit_ids: dict[str, Origin] = field(default_factory=dict)

    def __post_init__(self) -> None:
        report = self.loaded.model
        self.report = report
        self.list_formats: list[tuple[str, ...]] = []  # the parts' own, innermost last
        self.urls = document_urls(report)
        self.lang = i18n.locale(report.document.language)
        self.ctx = ProseContext(register={normal_id(doc.id): doc.title
                                          for doc in report.documents}, urls=self.urls)

    # ---------------------------------------------------------------- prose

    def prose(self, path: Path_, prefix: str) -> tuple[d.Block, ...]:
        """Blocks of the prose at ``path`` (a ``text``/``summary`` value or a ``file``)."""
        text, origin = self.loaded.prose[path]
        return self.collect(path, lambda: identified(to_blocks(text, origin, self.ctx),
                                                     prefix))

    def inlines(self, text: str, path: Path_) -> tuple[d.Inline, ...]:
        origin = self.loaded.prose.get(path, (text, self.loaded.origin(path)))[1]
        return self.collect(path, lambda: to_inlines(text, origin, self.ctx))

    def collect(self, path: Path_, read: Callable[[], T]) -> T:
        """Run a prose reader and turn what it refused into located problems."""
        before = len(self.ctx.problems)
        result = read()
        for origin, message in self.ctx.problems[before:]:
            self.problems.append(Problem(origin.file, origin.line, origin.col, dotted(path),
                                         message))
        return result

    def value_origin(self, path: Path_) -> Origin:
        """Where the text of the YAML value at ``path`` begins."""
        return self.loaded.text_starts.get(path) or self.loaded.origin(path)

    def cite(self, doc_id: str | None, path: Path_) -> None:
        if doc_id:
            self.ctx.cited.setdefault(normal_id(doc_id), []).append(self.loaded.origin(path))

    def block_id(self, explicit: str | None, default: str, path: Path_) -> str:
        """The author's ``id:`` (checked unique) or the positional id."""
        if explicit is None:
            return default
        here = self.loaded.origin((*path, "id"))
        if explicit in self.explicit_ids:
            first = self.explicit_ids[explicit]
            self.problems.append(Problem(here.file, here.line, here.col, dotted((*path, "id")),
                                         f"duplicate id {explicit!r} (first at line "
                                         f"{first.line})"))
        self.explicit_ids.setdefault(explicit, here)
        return explicit

    # ------------------------------------------------------------- sections

    def sections(self, sections: Sequence[m.Section], path: Path_, sequence: str,
                 level: int, parent: str, count: _SiblingCount,
                 id_parent: str) -> list[d.Block]:
        """Clauses with their numbers. An unnumbered clause takes no number, and its
        numbered sub-clauses continue the numbering at its own level."""
        out: list[d.Block] = []
        for i, section in enumerate(sections):
            here = (*path, i)
            if level > MAX_HEADING_LEVEL:
                o = self.loaded.origin(here)
                self.problems.append(Problem(o.file, o.line, o.col, dotted(here),
                                             f"sections nest at most {MAX_HEADING_LEVEL} "
                                             "levels deep"))
                continue
            section_id = self.block_id(section.id, f"{id_parent}.{i + 1}", here)
            label: str | None = None
            children_parent, children_count = parent, count
            if section.numbered:
                count.last += 1
                label = f"{parent}.{count.last}" if parent else str(count.last)
                children_parent, children_count = label, _SiblingCount(0)
            title = plain_inlines(section.title, self.loaded.origin((*here, "title")), self.ctx)
            anchor = f"{sequence}-{label or 'u-' + section_id}".replace(".", "-")
            out.append(d.Heading(level, label, title, anchor, sequence, id=section_id,
                                 origin=self.loaded.origin(here)))
            with self.list_formats_of(section):
                out.extend(self.content(section, here, section_id))
                out.extend(self.sections(section.sections, (*here, "sections"), sequence,
                                         level + 1, children_parent, children_count,
                                         section_id))
        return out

    @contextmanager
    def list_formats_of(self, holder: m.Part,
                        ) -> Iterator[None]:
        """The list formats of ``holder`` (when it gives some) for its content and its
        clauses: an inner part's own formats win over an outer one's."""
        given = holder.list_formats is not None
        if holder.list_formats is not None:
            self.list_formats.append(tuple(holder.list_formats))
        try:
            yield
        finally:
            if given:
                self.list_formats.pop()

    def content(self, holder: m.Part, path: Path_,
                prefix: str) -> list[d.Block]:
        out = self._content(holder, path, prefix)
        if self.list_formats:
            formats = self.list_formats[-1]
            out = [_with_list_formats(b, formats) for b in out]
        return out

    def _content(self, holder: m.Part, path: Path_,
                 prefix: str) -> list[d.Block]:
        out: list[d.Block] = []
        if holder.text is not None:
            out.extend(self.prose((*path, "text"), f"{prefix}.text"))
        if holder.file is not None:
            out.extend(self.prose((*path, "file"), f"{prefix}.file"))
        notes = sum(1 for b in holder.blocks if b.note is not None)
        note_no = 0
        for j, block in enumerate(holder.blocks):
            here = (*path, "blocks", j)
            block_id = self.block_id(block.id, f"{prefix}.b{j + 1}", here)
            if block.note is not None:
                note_no += 1
                note = self.lang["note"]
                label = f"{note} {note_no}" if notes > 1 else note
                out.append(d.Note(label, self.inlines(block.note, (*here, "note")),
                                  id=block_id, origin=self.loaded.origin(here)))
            else:
                out.extend(self.block(block, here, block_id))
        return out

    # --------------------------------------------------------------- blocks

    def block(self, block: m.Block, path: Path_, block_id: str) -> list[d.Block]:
        """The tree blocks of one YAML block: one block takes ``block_id``; prose that
        gives several takes ``block_id.1``, ``block_id.2``…"""
        report = self.report
        origin = self.loaded.origin(path)
        single: d.Block
        if block.text is not None:
            return list(self.prose((*path, "text"), block_id))
        if block.file is not None:
            return list(self.prose((*path, "file"), block_id))
        if block.session is not None:
            i, session = next((i, s) for i, s in enumerate(report.sessions)
                              if s.id == block.session)
            key = "file" if session.file else "summary"
            if ("sessions", i, key) not in self.loaded.prose:
                return []
            return list(self.prose(("sessions", i, key), block_id))
        if block.highlights:
            return list(identified(self.highlights(), block_id))
        if block.documents_table is not None:
            single = self.documents_table(block.documents_table)
        elif block.sessions_table is not None:
            single = self.sessions_table(block.sessions_table)
        elif block.statement is not None:
            i, statement = next((i, s) for i, s in enumerate(report.statements)
                                if s.id == block.statement)
            key = "file" if statement.file else "text"
            inner = self.prose(("statements", i, key), f"{block_id}.q")
            single = d.Quote(tuple(as_quotation(b) for b in inner))
        elif block.table is not None:
            single = self.table(block.table, (*path, "table"))
        elif block.page_break:
            single = d.PageBreak()
        elif block.figure is not None:
            single = self.figure(block.figure)
        elif block.contents:
            single = d.Contents(self.lang["contents"])  # its entries once all is numbered
        else:  # pragma: no cover - the model guarantees one block kind
            raise AssertionError(f"unknown block at {dotted(path)}")
        return list(identified((replace(single, origin=origin),), block_id, single=True))

    def documents_table(self, spec: m.DocumentsTable) -> d.Table:
        headings = dict(self.lang.documents_table)
        headings.update((str(k), v) for k, v in spec.headings.items())
        header = tuple(d.Cell((d.Text(headings[c]),)) for c in spec.columns)
        register = {normal_id(doc.id): doc for doc in self.report.documents}
        chosen = [register[normal_id(i)] for i in spec.ids] if spec.ids \
            else self.report.documents
        self.listed.update(normal_id(doc.id) for doc in chosen)
        index = {doc.id: i for i, doc in enumerate(self.report.documents)}
        rows = tuple(
            tuple(d.Cell(self.doc_id(doc.id) if c == "id" else (d.Text(getattr(doc, c)),),
                         origin=self.value_origin(("documents", index[doc.id], c)))
                  for c in spec.columns)
            for doc in chosen
        )
        widths = _fractions([DOC_COLUMN_WIDTHS[c] for c in spec.columns])
        return _table(spec.title, header, rows, widths, tuple("left" for _ in spec.columns))

    def doc_id(self, doc_id: str) -> tuple[d.Inline, ...]:
        """A document id in a table cell: a link to its page when it has one."""
        url = self.urls.get(normal_id(doc_id))
        return (d.Link(url, (d.Text(doc_id),)),) if url else (d.Text(doc_id),)

    def sessions_table(self, spec: m.SessionsTable) -> d.Table:
        titles = self.lang.sessions_table
        header = tuple(d.Cell((d.Text(titles[c]),)) for c in i18n.SESSION_COLUMNS)
        rows = []
        for i, s in enumerate(self.report.sessions):
            self.cite(s.agenda, ("sessions", i, "agenda"))
            self.cite(s.minutes, ("sessions", i, "minutes"))
            values = (s.title, self.lang.weekday_date(s.date), str(s.time), s.room or DASH)
            # each cell at the line of the value it shows (a review's edit goes there)
            here = [self.value_origin(("sessions", i, key)) if given else None
                    for key, given in (("title", True), ("date", True), ("time", True),
                                       ("room", bool(s.room)))]
            cells = tuple(d.Cell((d.Text(v),), origin=o) for v, o in zip(values, here,
                                                                        strict=True))
            if s.kind == "event":  # no documents: one dash across agenda and minutes
                rows.append((*cells, d.Cell((d.Text(DASH),), colspan=2)))
                continue
            rows.append((*cells,
                         *(d.Cell(self.doc_id(ref) if ref else (d.Text(DASH),),
                                  origin=self.value_origin(("sessions", i, key))
                                  if ref else None)
                           for key, ref in (("agenda", s.agenda), ("minutes", s.minutes)))))
        ranges = any(s.time.end is not None for s in self.report.sessions)
        # "12:45-13:45" cannot break in the PDF: its column grows to hold it on one line
        widths = _fractions([2.2, 2.5, 1.5, 0.8, 1.0, 1.0] if ranges
                            else [2.4, 2.6, 0.9, 0.9, 1.1, 1.1])
        align: tuple[str, ...] = ("left", "left", "center", "center", "center", "center")
        return _table(spec.title, header, tuple(rows), widths, align)

    def table(self, spec: m.TableSpec, path: Path_) -> d.Table:
        rows = self.table_rows(spec.rows, (*path, "rows"))
        header: tuple[d.Cell, ...] = ()
        more: tuple[tuple[d.Cell, ...], ...] = ()
        if spec.header_rows is not None:
            header, *rest = self.table_rows(spec.header_rows, (*path, "header_rows"))
            more = tuple(rest)
        elif spec.headed:
            header = tuple(d.Cell((d.Text(c.title or ""),),
                                  origin=self.value_origin((*path, "columns", k, "title")))
                           for k, c in enumerate(spec.columns))
        table = _table(spec.title or "", header, rows,
                       _fractions([c.width for c in spec.columns]),
                       tuple(c.align for c in spec.columns))
        grid = spec.grid if spec.grid is not None else bool(spec.title)
        return replace(table, header_more=more, borderless=not grid)

    def table_rows(self, rows: list[list[m.TableCell]],
                   path: Path_) -> tuple[tuple[d.Cell, ...], ...]:
        """Cells of a table block's rows, written as a string or a mapping with spans."""
        out = []
        for r, row in enumerate(rows):
            cells = []
            for c, cell in enumerate(row):
                here = self.loaded.cell_path((*path, r, c))
                origin = self.loaded.prose.get(here, (cell.text, self.loaded.origin(here)))[1]
                content, blocks = self.collect(here, partial(to_cell, cell.text, origin,
                                                             self.ctx))
                cells.append(d.Cell(content, colspan=cell.colspan, rowspan=cell.rowspan,
                                    blocks=blocks, origin=self.value_origin(here)))
            out.append(tuple(cells))
        return tuple(out)

    def figure(self, spec: m.FigureSpec) -> d.Figure:
        """A figure not yet numbered, sized: its width asked for (a share of the text
        width) or its natural size, never wider than the text nor taller than
        FIGURE_MAX_HEIGHT_CM, keeping its shape."""
        image = self.loaded.images[spec.file]
        ratio = image.height_px / image.width_px
        width = spec.width * TEXT_WIDTH_CM if spec.width is not None \
            else min(image.natural_width_cm, TEXT_WIDTH_CM)
        if width * ratio > FIGURE_MAX_HEIGHT_CM:
            width = FIGURE_MAX_HEIGHT_CM / ratio
        picture = d.Picture(image.name, image.format, image.digest, image.width_px,
                            image.height_px, data=image.data, path=str(image.path))
        return d.Figure(0, "", picture, round(width, 3), round(width * ratio, 3),
                        title=spec.title, alt=spec.alt or spec.title)

    def highlights(self) -> list[d.Block]:
        spec = self.report.highlights
        assert spec is not None  # checked by the loader
        out: list[d.Block] = []
        if spec.intro:
            out.extend(self.prose(("highlights", "intro"), "highlights.intro"))
        (c1, p1), (c2, p2) = (parse_format(f) for f in spec.formats)
        items = []
        for i, item in enumerate(spec.items):
            here: Path_ = ("highlights", "items", i)
            blocks: list[d.Block] = [d.Paragraph(self.inlines(item.text, (*here, "text")),
                                                 origin=self.loaded.origin((*here, "text")))]
            if item.items:
                subs = tuple(
                    d.ListItem("", (d.Paragraph(self.inlines(t, (*here, "items", k)),
                                                origin=self.loaded.origin((*here, "items", k))),),
                               origin=self.loaded.origin((*here, "items", k)))
                    for k, t in enumerate(item.items)
                )
                blocks.append(d.ListBlock(True, 2, c2, p2, 1, subs, 0,
                                          origin=self.loaded.origin((*here, "items"))))
            items.append(d.ListItem("", tuple(blocks), origin=self.loaded.origin(here)))
        out.append(d.ListBlock(True, 1, c1, p1, 1, tuple(items), 0,
                               origin=self.loaded.origin(("highlights", "items"))))
        return out

    # --------------------------------------------------------------- annexes

    def part_blocks(self, part: m.Annex | m.Appendix, path: Path_, part_id: str,
                    sequence: str, parent: str) -> list[d.Block]:
        """An annex's or appendix's content, then its clauses (numbered under ``parent``:
        "" for an annex, "I" for Appendix I)."""
        with self.list_formats_of(part):
            blocks = self.content(part, path, part_id)
            blocks.extend(self.sections(part.sections, (*path, "sections"), sequence, 1,
                                        parent, _SiblingCount(0), part_id))
        if blocks and isinstance(blocks[0], d.Paragraph) and blocks[0].role == "normal":
            # the first paragraph after the title keeps its distance (§5)
            blocks[0] = replace(blocks[0], role="after_title")
        return blocks

    def annexes(self) -> list[d.Annex]:
        out = []
        for a, annex in enumerate(self.report.annexes):
            path: Path_ = ("annexes", a)
            style = self.report.options.annex_label
            mark = {"arabic": str(a + 1), "letter": counter_text("upper-letter", a + 1),
                    "none": ""}[style]
            sequence = f"annex-{mark}" if mark else "annex"
            annex_id = self.block_id(annex.id, f"annex.{a + 1}", path)
            blocks = self.part_blocks(annex, path, annex_id, sequence, "")
            label = self.lang["annex"].format(n=mark).strip()
            out.append(d.Annex(label, annex.title, annex.obligation, tuple(blocks), sequence,
                               id=annex_id, origin=self.loaded.origin(path)))
        return out

    def appendices(self) -> list[d.Annex]:
        """Appendix I, II …: clauses I.1, I.1.1 and tables Table I.1 inside."""
        out = []
        for a, appendix in enumerate(self.report.appendices):
            path: Path_ = ("appendices", a)
            mark = counter_text("upper-roman", a + 1)
            sequence = f"appendix-{mark}"
            appendix_id = self.block_id(appendix.id, f"appendix.{a + 1}", path)
            blocks = self.part_blocks(appendix, path, appendix_id, sequence, mark)
            obligation = self.lang["appendix_obligation"] if appendix.obligation is None \
                else appendix.obligation
            out.append(d.Annex(self.lang["appendix"].format(n=mark), appendix.title,
                               obligation, tuple(blocks), sequence, kind="appendix",
                               number_prefix=mark, id=appendix_id,
                               origin=self.loaded.origin(path)))
        return out

    # ------------------------------------------------------------- numbering

    def number(self, body: list[d.Block], annexes: list[d.Annex]) -> tuple[
            tuple[d.Block, ...], tuple[d.Annex, ...], int]:
        """The one numbering pass: tables and lists, in document order."""
        numberer = _Numberer(self.report.options.list_formats, self.problems,
                             self.lang["table"], self.lang["figure"])
        numbered_body = numberer.blocks(body)
        numbered_annexes = []
        for annex in annexes:  # tables in an appendix: Table I.1, I.2 … (itu-style.md §3)
            if annex.kind == "appendix":
                numberer.table_prefix, numberer.prefixed = annex.number_prefix, 0
                numberer.prefixed_figures = 0
            numbered_annexes.append(replace(annex, blocks=numberer.blocks(annex.blocks)))
        return numbered_body, tuple(numbered_annexes), numberer.lists

    # --------------------------------------------------------------- checks

    def warnings(self) -> list[Problem]:
        found = list(self.loaded.warnings)
        register = self.ctx.register
        for doc_id, origins in sorted(self.ctx.cited.items()):
            if doc_id not in register:
                o = origins[0]
                found.append(Problem(o.file, o.line, o.col, "",
                                     f"{doc_id} is cited but not in the documents register",
                                     "warning"))
        for i, doc in enumerate(self.report.documents):
            if normal_id(doc.id) not in self.ctx.cited and normal_id(doc.id) not in self.listed:
                o = self.loaded.origin(("documents", i, "id"))
                found.append(Problem(o.file, o.line, o.col, f"documents[{i}].id",
                                     f"{doc.id} is registered but neither cited nor listed in a "
                                     "documents table", "warning"))
        return sorted(found)


@dataclass
class _Numberer:
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


def document_urls(report: m.Report) -> dict[str, str]:
    """The page of every registered document; none when the options turn links off."""
    if not report.options.document_links:
        return {}
    found = {normal_id(doc.id): document_url(normal_id(doc.id), report.document)
             for doc in report.documents}
    return {doc_id: url for doc_id, url in found.items() if url}


def identified(blocks: Sequence[d.Block], prefix: str,
               single: bool = False) -> tuple[d.Block, ...]:
    """Blocks with stable ids: ``prefix.1``, ``prefix.2``… (``prefix`` itself when
    ``single``); list items and the blocks inside them and inside quotes extend their
    parent's id."""
    return tuple(_with_id(b, prefix if single else f"{prefix}.{n}")
                 for n, b in enumerate(blocks, 1))


def _with_id(block: d.Block, block_id: str) -> d.Block:
    match block:
        case d.ListBlock(items=items):
            return replace(block, id=block_id, items=tuple(
                replace(item, id=f"{block_id}.{k}", blocks=identified(item.blocks,
                                                                      f"{block_id}.{k}"))
                for k, item in enumerate(items, 1)))
        case d.Quote(blocks=inner):
            return replace(block, id=block_id, blocks=identified(inner, block_id))
        case d.Table() if any(c.blocks for row in block.all_rows for c in row):
            # a cell's blocks: the cell's id, then .1, .2 … (body.1.text.2.r1c0.1)
            rows = tuple(tuple(replace(c, blocks=identified(c.blocks, cell_id(block_id, r, k)))
                               for k, c in enumerate(row))
                         for r, row in enumerate(block.all_rows))
            heads = len(block.header_rows)
            return replace(block, id=block_id, header=rows[0] if heads else (),
                           header_more=rows[1:heads], rows=rows[heads:])
    return replace(block, id=block_id)


def _table(title: str, header: tuple[d.Cell, ...], rows: tuple[tuple[d.Cell, ...], ...],
           widths: tuple[float, ...], align: tuple[str, ...]) -> d.Table:
    """A table not yet numbered (the numbering pass gives it its number and caption)."""
    return d.Table(0, "", header, rows, widths, align, title=title)  # type: ignore[arg-type]


def sources_digest(sources: dict[str, bytes]) -> str:
    """One SHA-256 over a report's content files, their names included."""
    h = hashlib.sha256()
    for name, data in sorted(sources.items()):
        h.update(f"{name}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


def _fractions(weights: Sequence[float]) -> tuple[float, ...]:
    total = sum(weights)
    return tuple(w / total for w in weights)


def prepare(loaded: LoadedReport, date: dt.date | None = None) -> d.Document:
    """Turn a loaded report into the document tree both writers walk.

    ``date`` overrides the document date (from SOURCE_DATE_EPOCH, say); otherwise it
    is the content's ``document.date`` or the meeting's first day.
    """
    report = loaded.model
    meta = report.document
    p = _Preparer(loaded)
    for i, doc in enumerate(report.documents):
        p.cite(doc.revision_of, ("documents", i, "revision_of"))
    body: list[d.Block] = []
    if report.preamble is not None:
        with p.list_formats_of(report.preamble):
            body = p.content(report.preamble, ("preamble",), "preamble")
    body += p.sections(report.body, ("body",), "body", 1, "",
                       _SiblingCount(report.options.heading_start - 1), "body")
    opening, closing = letter_blocks(report, loaded.origin(("document", "letter")))
    body = [*opening, *body, *closing]
    numbered_body, annexes, list_count = p.number(body, p.annexes() + p.appendices())
    numbered_body = released_keeps(numbered_body)
    annexes = tuple(replace(a, blocks=released_keeps(a.blocks)) for a in annexes)
    numbered_body, annexes = with_contents(numbered_body, annexes)
    if p.problems:
        raise ContentError(p.problems)
    cover = build_cover(meta)
    when = date or meta.date or document_day(meta) or UNDATED
    metadata = d.Metadata(
        title=meta.title,
        author=meta.source,
        subject=meta.abstract,
        keywords="; ".join(meta.keywords),
        language=i18n.LANGUAGES[meta.language],
        identifier=cover.masthead_number,
        date=when.isoformat(),
    )
    attached = tuple(prefixed(prepare(a, date), n)
                     for n, a in enumerate(loaded.attachments, 1))
    return d.Document(
        attachments=attached,
        cover=cover,
        metadata=metadata,
        body=numbered_body,
        annexes=annexes,
        end_mark=END_MARK if report.options.end_mark else "",
        heading_start=report.options.heading_start,
        list_instances=list_count,
        file_stem=itu_file_stem(meta) or f"{loaded.name}!",
        language_letter=meta.language,
        direction="rtl" if i18n.locale(meta.language).rtl else "ltr",
        warnings=tuple(str(w) for w in p.warnings()) + tuple(w for a in attached
                                                             for w in a.warnings),
        report_name=loaded.name,
        sources_digest=sources_digest(loaded.sources),
    )


def contents_entries(body: Sequence[d.Block],
                     annexes: Sequence[d.Annex]) -> tuple[d.ContentsEntry, ...]:
    """The lines of a table of contents: every clause heading (levels 1-3), then each
    annex and appendix ("Annex 1 – Title") with its clauses at the levels below."""
    def headings(blocks: Sequence[d.Block], shift: int) -> list[d.ContentsEntry]:
        return [d.ContentsEntry(min(b.level + shift, 3), b.number or "",
                                d.plain_text(b.title), b.anchor, b.id)
                for b in blocks if isinstance(b, d.Heading) and b.level + shift <= 3]
    out = headings(body, 0)
    for annex in annexes:
        title = annex.title.replace("\n", " ")
        out.append(d.ContentsEntry(1, "", f"{annex.label} \u2013 {title}" if annex.label
                                   else title, annex.anchor, annex.id))
        out.extend(headings(annex.blocks, 1))
    return tuple(out)


def with_contents(body: tuple[d.Block, ...], annexes: tuple[d.Annex, ...],
                  ) -> tuple[tuple[d.Block, ...], tuple[d.Annex, ...]]:
    """Every table of contents filled in with the document's headings."""
    entries = contents_entries(body, annexes)

    def fill(blocks: tuple[d.Block, ...]) -> tuple[d.Block, ...]:
        return tuple(replace(b, entries=entries) if isinstance(b, d.Contents) else b
                     for b in blocks)
    return fill(body), tuple(replace(a, blocks=fill(a.blocks)) for a in annexes)


def released_keeps(blocks: Sequence[d.Block]) -> tuple[d.Block, ...]:
    """The headings of empty clauses (followed by a heading at their level or above)
    no longer kept with the next block: a chain of them, such as an agenda of items
    without text, breaks where the page ends instead of moving as one."""
    out = list(blocks)
    for i, block in enumerate(out[:-1]):
        after = out[i + 1]
        if isinstance(block, d.Heading) and isinstance(after, d.Heading) \
                and after.level <= block.level:
            out[i] = replace(block, keep_with_next=False)
    return tuple(out)


def _with_list_formats(block: d.Block, formats: tuple[str, ...]) -> d.Block:
    """``block`` with every Markdown list in it (nested ones and those in quotes too)
    labelled by ``formats``."""
    match block:
        case d.ListBlock(items=items):
            items = tuple(replace(item, blocks=tuple(_with_list_formats(b, formats)
                                                     for b in item.blocks))
                          for item in items)
            return replace(block, items=items, formats=block.formats or formats)
        case d.Quote(blocks=inner):
            return replace(block, blocks=tuple(_with_list_formats(b, formats) for b in inner))
    return block
