"""Model -> document tree: numbering, labels, captions, ITU names, cross-checks.

This is the only place where numbers are computed. Problems that only show once the
prose is parsed (an unsupported Markdown element, a table without a title) are raised
as ContentError with the file and line; softer findings come back as warnings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from . import document as d
from . import model as m
from .errors import ContentError, Problem
from .load import LoadedReport, Origin, Path_, dotted
from .markup import (
    DASH,
    MarkupError,
    ProseContext,
    as_quotation,
    format_label,
    parse_format,
    plain_inlines,
    to_blocks,
    to_inlines,
)

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
LANGUAGES = {"E": "en", "F": "fr", "S": "es", "R": "ru", "A": "ar", "C": "zh"}
MAX_HEADING_LEVEL = 3
DOC_COLUMN_HEADINGS = {"id": "Document", "source": "Source", "title": "Title"}
DOC_COLUMN_WIDTHS = {"id": 1.2, "source": 1.6, "title": 4.0}


def long_date(day: dt.date, weekday: bool = False) -> str:
    """``10 December 2018`` (English, independent of the machine's locale)."""
    text = f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    return f"{WEEKDAYS[day.weekday()]} {text}" if weekday else text


def date_range(start: dt.date, end: dt.date) -> str:
    """ITU style: ``10-14 December 2018``, ``28 November-2 December 2018``."""
    if start == end:
        return long_date(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}-{end.day} {MONTHS[end.month - 1]} {end.year}"
    if start.year == end.year:
        return f"{start.day} {MONTHS[start.month - 1]}-{long_date(end)}"
    return f"{long_date(start)}-{long_date(end)}"


def masthead_number(meta: m.Metadata) -> str:
    """``TSAG-TD446``, ``TSAG-TD433-R1``, ``SG17-C1000``."""
    kind = "C" if meta.kind is m.DocumentKind.contribution else "TD"
    text = f"{meta.group}-{kind}{meta.number}"
    return f"{text}-R{meta.revision}" if meta.revision else text


def itu_file_stem(meta: m.Metadata) -> str:
    """The ITU file name without its format part: ``T17-TSAG-181210-TD-GEN-0446!R1``.

    The writer appends ``!MSW-E.docx`` or ``!PDF-E.pdf``; an unrevised document has an
    empty revision field (``…-0446!!MSW-E``).
    """
    period = meta.study_period[2:4]
    if meta.kind is m.DocumentKind.contribution:
        base = f"T{period}-{meta.group}-C-{meta.number:04d}"
    else:
        base = (f"T{period}-{meta.group}-{meta.meeting.start:%y%m%d}-TD-{meta.category}-"
                f"{meta.number:04d}")
    return f"{base}!{f'R{meta.revision}' if meta.revision else ''}"


def group_display(group: str) -> str:
    """``SG17`` -> ``STUDY GROUP 17``; other groups in upper case."""
    if group.upper().startswith("SG") and group[2:].isdigit():
        return f"STUDY GROUP {group[2:]}"
    return group.upper()


def build_cover(meta: m.Metadata) -> d.Cover:
    old_layout = meta.layout is m.CoverLayout.y2017
    return d.Cover(
        masthead_number=masthead_number(meta),
        group=group_display(meta.group),
        study_period=meta.study_period,
        original=meta.original,
        english_only=meta.english_only,
        questions=meta.questions,
        place_and_dates=f"{meta.meeting.place}, {date_range(meta.meeting.start, meta.meeting.end)}",
        is_contribution=meta.kind is m.DocumentKind.contribution,
        source=meta.source,
        title=meta.title,
        purpose=meta.purpose.value if meta.purpose else "",
        contacts=tuple(d.Contact(c.name, c.organization, c.country, c.tel, c.email)
                       for c in meta.contacts),
        keywords="; ".join(meta.keywords) if old_layout else "",
        abstract=meta.abstract,
        abstract_in_header=old_layout,
        action=meta.action,
    )


@dataclass
class _Counters:
    lists: int = 0
    tables: int = 0

    def next_list(self) -> int:
        self.lists += 1
        return self.lists

    def next_table(self) -> int:
        self.tables += 1
        return self.tables


@dataclass
class _Preparer:
    loaded: LoadedReport
    problems: list[Problem] = field(default_factory=list)
    counters: _Counters = field(default_factory=_Counters)
    listed: set[str] = field(default_factory=set)  # ids shown in a documents table

    def __post_init__(self) -> None:
        report = self.loaded.model
        self.report = report
        self.ctx = ProseContext(
            register={doc.id: doc.title for doc in report.documents},
            list_formats=list(report.options.list_formats),
            next_list_instance=self.counters.next_list,
            next_table_number=self.counters.next_table,
        )

    # ---------------------------------------------------------------- prose

    def prose(self, path: Path_) -> tuple[d.Block, ...]:
        """Blocks of the prose at ``path`` (a ``text``/``summary`` value or a ``file``)."""
        text, origin = self.loaded.prose[path]
        try:
            return to_blocks(text, origin, self.ctx)
        except MarkupError as exc:
            self.problem(origin, path, exc)
            return ()

    def inlines(self, text: str, path: Path_) -> tuple[d.Inline, ...]:
        origin = self.loaded.prose.get(path, (text, self.loaded.origin(path)))[1]
        try:
            return to_inlines(text, origin, self.ctx)
        except MarkupError as exc:
            self.problem(origin, path, exc)
            return ()

    def problem(self, origin: Origin, path: Path_, exc: MarkupError) -> None:
        self.problems.append(Problem(origin.file, origin.line + exc.line, origin.col,
                                     dotted(path), exc.message))

    def cite(self, doc_id: str | None, path: Path_) -> None:
        if doc_id:
            self.ctx.cited.setdefault(doc_id, []).append(self.loaded.origin(path))

    # ------------------------------------------------------------- sections

    def sections(self, sections: Sequence[m.Section], path: Path_, sequence: str,
                 level: int, parent: str, start: int) -> list[d.Block]:
        out: list[d.Block] = []
        number = start - 1
        for i, section in enumerate(sections):
            here = (*path, i)
            if level > MAX_HEADING_LEVEL:
                o = self.loaded.origin(here)
                self.problems.append(Problem(o.file, o.line, o.col, "sections",
                                             f"sections nest at most {MAX_HEADING_LEVEL} "
                                             "levels deep"))
                continue
            label: str | None = None
            if section.numbered:
                number += 1
                label = f"{parent}.{number}" if parent else str(number)
            title = plain_inlines(section.title, self.loaded.origin((*here, "title")), self.ctx)
            anchor = f"{sequence}-{label or 'u' + str(i)}".replace(".", "-")
            out.append(d.Heading(level, label, title, anchor, sequence))
            out.extend(self.content(section, here))
            out.extend(self.sections(section.sections, (*here, "sections"), sequence,
                                     level + 1, label or parent, 1))
        return out

    def content(self, holder: m.Section | m.Annex, path: Path_) -> list[d.Block]:
        out: list[d.Block] = []
        if holder.text is not None:
            out.extend(self.prose((*path, "text")))
        if holder.file is not None:
            out.extend(self.prose((*path, "file")))
        blocks = [(j, b) for j, b in enumerate(holder.blocks)]
        notes = sum(1 for _, b in blocks if b.note is not None)
        note_no = 0
        for j, block in blocks:
            if block.note is not None:
                note_no += 1
                label = f"NOTE {note_no}" if notes > 1 else "NOTE"
                out.append(d.Note(label, self.inlines(block.note, (*path, "blocks", j, "note"))))
            else:
                out.extend(self.block(block, (*path, "blocks", j)))
        return out

    # --------------------------------------------------------------- blocks

    def block(self, block: m.Block, path: Path_) -> list[d.Block]:
        report = self.report
        if block.text is not None:
            return list(self.prose((*path, "text")))
        if block.file is not None:
            return list(self.prose((*path, "file")))
        if block.documents_table is not None:
            return [self.documents_table(block.documents_table)]
        if block.sessions_table is not None:
            return [self.sessions_table(block.sessions_table)]
        if block.session is not None:
            i, session = next((i, s) for i, s in enumerate(report.sessions)
                              if s.id == block.session)
            key = "file" if session.file else "summary"
            if (("sessions", i, key)) not in self.loaded.prose:
                return []
            return list(self.prose(("sessions", i, key)))
        if block.statement is not None:
            i, statement = next((i, s) for i, s in enumerate(report.statements)
                                if s.id == block.statement)
            key = "file" if statement.file else "text"
            inner = self.prose(("statements", i, key))
            return [d.Quote(tuple(as_quotation(b) for b in inner))]
        if block.highlights:
            return self.highlights()
        if block.table is not None:
            return [self.table(block.table, (*path, "table"))]
        raise AssertionError("the model guarantees one block kind")  # pragma: no cover

    def documents_table(self, spec: m.DocumentsTable) -> d.Table:
        headings = dict(DOC_COLUMN_HEADINGS)
        headings.update((str(k), v) for k, v in spec.headings.items())
        header = tuple(d.Cell((d.Text(headings[c]),)) for c in spec.columns)
        register = {doc.id: doc for doc in self.report.documents}
        chosen = [register[i] for i in spec.ids] if spec.ids else self.report.documents
        self.listed.update(doc.id for doc in chosen)
        rows = tuple(
            tuple(d.Cell((d.Text(getattr(doc, c)),)) for c in spec.columns)
            for doc in chosen
        )
        widths = _fractions([DOC_COLUMN_WIDTHS[c] for c in spec.columns])
        return self.make_table(spec.title, header, rows, widths,
                               tuple("left" for _ in spec.columns))

    def sessions_table(self, spec: m.SessionsTable) -> d.Table:
        titles = ("Session", "Date", "Time", "Room", "Agenda", "Minutes")
        header = tuple(d.Cell((d.Text(t),)) for t in titles)
        rows = []
        for i, s in enumerate(self.report.sessions):
            self.cite(s.agenda, ("sessions", i, "agenda"))
            self.cite(s.minutes, ("sessions", i, "minutes"))
            values = (s.title, long_date(s.date, weekday=True), str(s.time),
                      s.room or DASH, s.agenda or DASH, s.minutes or DASH)
            rows.append(tuple(d.Cell((d.Text(v),)) for v in values))
        widths = _fractions([2.4, 2.6, 0.9, 0.9, 1.1, 1.1])
        align: tuple[str, ...] = ("left", "left", "center", "center", "center", "center")
        return self.make_table(spec.title, header, tuple(rows), widths, align)

    def table(self, spec: m.TableSpec, path: Path_) -> d.Table:
        header = tuple(d.Cell((d.Text(c.title),)) for c in spec.columns)
        rows = tuple(
            tuple(d.Cell(self.inlines(cell, (*path, "rows", r, c)))
                  for c, cell in enumerate(row))
            for r, row in enumerate(spec.rows)
        )
        return self.make_table(spec.title, header, rows,
                               _fractions([c.width for c in spec.columns]),
                               tuple(c.align for c in spec.columns))

    def make_table(self, title: str, header: tuple[d.Cell, ...],
                   rows: tuple[tuple[d.Cell, ...], ...], widths: tuple[float, ...],
                   align: tuple[str, ...]) -> d.Table:
        number = self.counters.next_table()
        return d.Table(number, f"Table {number} {DASH} {title}", header, rows, widths,
                       align)  # type: ignore[arg-type]

    def highlights(self) -> list[d.Block]:
        spec = self.report.highlights
        assert spec is not None  # checked by the loader
        out: list[d.Block] = []
        if spec.intro:
            out.extend(self.prose(("highlights", "intro")))
        (c1, p1), (c2, p2) = (parse_format(f) for f in spec.formats)
        items = []
        for i, item in enumerate(spec.items):
            here: Path_ = ("highlights", "items", i)
            blocks: list[d.Block] = [d.Paragraph(self.inlines(item.text, (*here, "text")))]
            if item.items:
                subs = tuple(
                    d.ListItem(format_label(p2, c2, k),
                               (d.Paragraph(self.inlines(t, (*here, "items", k - 1))),))
                    for k, t in enumerate(item.items, 1)
                )
                blocks.append(d.ListBlock(True, 2, c2, p2, 1, subs, self.counters.next_list()))
            items.append(d.ListItem(format_label(p1, c1, i + 1), tuple(blocks)))
        out.append(d.ListBlock(True, 1, c1, p1, 1, tuple(items), self.counters.next_list()))
        return out

    # --------------------------------------------------------------- annexes

    def annexes(self) -> list[d.Annex]:
        out = []
        for a, annex in enumerate(self.report.annexes):
            mark = str(a + 1) if self.report.options.annex_label == "arabic" \
                else chr(ord("A") + a)
            sequence = f"annex-{mark}"
            blocks = self.content(annex, ("annexes", a))
            blocks.extend(self.sections(annex.sections, ("annexes", a, "sections"), sequence,
                                        1, "", 1))
            out.append(d.Annex(f"Annex {mark}", annex.title, annex.obligation,
                               tuple(blocks), sequence))
        return out

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
            if doc.id not in self.ctx.cited and doc.id not in self.listed:
                o = self.loaded.origin(("documents", i, "id"))
                found.append(Problem(o.file, o.line, o.col, f"documents[{i}].id",
                                     f"{doc.id} is registered but neither cited nor listed in a "
                                     "documents table", "warning"))
        return sorted(found)


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
    body = p.sections(report.body, ("body",), "body", 1, "", report.options.heading_start)
    annexes = p.annexes()
    if p.problems:
        raise ContentError(p.problems)
    cover = build_cover(meta)
    when = date or meta.date or meta.meeting.start
    metadata = d.Metadata(
        title=meta.title,
        author=meta.source,
        subject=meta.abstract,
        keywords=tuple(meta.keywords),
        language=LANGUAGES[meta.language],
        identifier=cover.masthead_number,
        date=when.isoformat(),
    )
    return d.Document(
        cover=cover,
        metadata=metadata,
        body=tuple(body),
        annexes=tuple(annexes),
        end_mark="_" * 20 if report.options.end_mark else "",
        heading_start=report.options.heading_start,
        list_instances=p.counters.lists,
        file_stem=itu_file_stem(meta),
        language_letter=meta.language,
        warnings=tuple(str(w) for w in p.warnings()),
    )
