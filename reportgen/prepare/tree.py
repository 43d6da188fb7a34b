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
from reportgen.prepare.cover import UNDATED, build_cover, document_day, itu_file_stem, letter_blocks
from reportgen.prepare.doclinks import document_url
from reportgen.prepare.labels import (
    DASH,
    counter_text,
    parse_format,
)
from reportgen.prepare.layout import (
    END_MARK,
    FIGURE_MAX_HEIGHT_CM,
    TEXT_WIDTH_CM,
)
from reportgen.prepare.numbering import Numberer

T = TypeVar("T")

LANGUAGES = i18n.LANGUAGES
MAX_HEADING_LEVEL = 3
DOC_COLUMN_WIDTHS = {"id": 1.2, "source": 1.6, "title": 4.0}



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
            title = block.contents if isinstance(block.contents, str) else \
                self.lang["contents"]
            single = d.Contents(title)  # its entries once all is numbered
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
        numberer = Numberer(self.report.options.list_formats, self.problems,
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
