"""Checks that span a report: its files resolved, its size, the nesting of its prose,
cross-references between fields, and its figures' files."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from reportgen.content.cover_checks import check_cover
from reportgen.content.docids import normal_id
from reportgen.content.images import (
    MAX_TOTAL_IMAGE_BYTES,
    ImageProblem,
    load_image,
    resolve,
)
from reportgen.content.loaded import LoadedReport, Path_, read_text
from reportgen.content.locate import REPORT_FILE
from reportgen.content.model import Block, Report, TableSpec
from reportgen.content.tablegrid import place
from reportgen.content.yaml_source import dotted
from reportgen.errors import ContentError, Origin, Problem, display_path

# Block quotes and lists inside one another; emphasis, strong text and links likewise.
# The Markdown parser drops whatever lies deeper than 20 of its levels (a list counts
# two), so the limit stays well below that.
MAX_PROSE_DEPTH = 8
# The text a report stands for, shared parts counted each time they are used (see
# check_size): a few lines of YAML could otherwise repeat a 2 MiB file thousands of times.
# It bounds the build's memory: the PDF's renderer keeps every page's layout until it
# writes the file, about 1.4 KiB a character of dense prose. About 300 pages, the longest
# meeting reports with their annexes; a report of 120 000 characters builds in less than
# 300 MB, one at this limit needs more (the build's processes together;
# docs/performance.md).
MAX_TEXT_CHARS = 1_000_000
# What a table cell costs that layout besides its text, counted as characters in the
# report's size: a row of short cells holds as many boxes as a row of long ones.
CELL_CHARS = 15
# Rows of one table, a Markdown table or a table block: a documents register or a list of
# participants of several thousand.
MAX_TABLE_ROWS = 4_000


def resolve_files(loaded: LoadedReport, data: dict[str, Any]) -> list[Problem]:
    """Load every ``file:`` Markdown reference and record where every prose text starts."""
    problems: list[Problem] = []
    files: dict[Path, str | None] = {}  # each file read once, however often it is used

    def visit(node: Any, path: Path_) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                sub = (*path, key)
                if key in {"text", "summary", "intro", "note"} and isinstance(value, str):
                    loaded.prose[sub] = (value, _text_origin(loaded, sub))
                elif key == "figure":  # its file is an image (_check_figures)
                    continue
                elif key == "file" and isinstance(value, str):
                    _load_markdown(loaded, value, sub, problems, files)
                else:
                    visit(value, sub)
        elif isinstance(node, list):
            for i, item in enumerate(node):
                visit(item, (*path, i))

    visit(data, ())
    return problems


def check_size(loaded: LoadedReport) -> list[Problem]:
    """Bound the text a report stands for, so that a few lines cannot repeat a lot.

    Every text counts once where it is written or its file is named; a session, a
    statement, the highlights and the register count again each time a block shows them.
    Prose past the limit is dropped here, so that it is neither checked nor rendered.
    """
    report = loaded.model

    def size(path: Path_) -> int:
        return len(loaded.prose[path][0]) if path in loaded.prose else 0

    cells: dict[int, int] = {}  # the table cells of each text (a file's, once)

    def text_cost(text: str) -> int:
        if id(text) not in cells:
            cells[id(text)] = _table_cells(text)
        return len(text) + CELL_CHARS * cells[id(text)]

    costs: list[tuple[Path_, int]] = [(path, text_cost(text)) for path, (text, _)
                                      in loaded.prose.items()]
    sessions = {s.id: size(("sessions", i, "file" if s.file else "summary")) + len(s.title)
                for i, s in enumerate(report.sessions)}
    statements = {s.id: size(("statements", i, "file" if s.file else "text"))
                  for i, s in enumerate(report.statements)}
    highlights = report.highlights
    shown_highlights = size(("highlights", "intro")) + sum(
        len(item.text) + sum(map(len, item.items)) for item in highlights.items
    ) if highlights else 0
    register = {d.id: len(d.id) + len(d.title) + len(d.source) for d in report.documents}
    for path, block in _blocks(report):
        if block.session is not None:
            costs.append(((*path, "session"), sessions.get(block.session, 0)))
        elif block.statement is not None:
            costs.append(((*path, "statement"), statements.get(block.statement, 0)))
        elif block.highlights:
            costs.append(((*path, "highlights"), shown_highlights))
        elif block.documents_table is not None:
            ids = block.documents_table.ids or list(register)
            row = CELL_CHARS * len(block.documents_table.columns)
            costs.append(((*path, "documents_table"),
                          sum(register.get(i, 0) + row for i in ids)))
        elif block.sessions_table is not None:  # a title, then about 40 characters a row
            costs.append(((*path, "sessions_table"), sum(len(s.title) + 40 + 3 * CELL_CHARS
                                                         for s in report.sessions)))
        elif block.table is not None:  # its cells' text, counted here whatever its form
            costs.append(((*path, "table"), sum(
                len(cell.text) + CELL_CHARS for rows in (block.table.header_rows or [],
                                                         block.table.rows)
                for row in rows for cell in row)))
    total = 0
    for k, (path, cost) in enumerate(costs):
        total += cost
        if total > MAX_TEXT_CHARS:
            for dropped in list(loaded.prose)[k:]:  # the first costs are the prose's
                del loaded.prose[dropped]
            where = loaded.origin(path)
            return [Problem(where.file, where.line, where.col, dotted(path),
                            f"the report's text adds up to more than {MAX_TEXT_CHARS} "
                            "characters here, counting a Markdown file each time it is named "
                            "and a session, statement, the highlights or the register each "
                            f"time they are shown, and {CELL_CHARS} characters for each "
                            "table cell; that is the limit (it bounds a build's memory): "
                            "split the report into several")]
    return []


def _table_cells(text: str) -> int:
    """The cells of the Markdown tables in ``text`` (a text without "|" has none)."""
    if "|" not in text:
        return 0
    return sum(t.type in ("td_open", "th_open") for t in _markdown.parse(text))


def _text_origin(loaded: LoadedReport, path: Path_) -> Origin:
    """Where a prose value's text begins (the line after ``|`` for a block scalar)."""
    key = loaded.positions[path]
    return loaded.text_starts.get(path, Origin(key.file, key.line + 1, 1))


def _load_markdown(loaded: LoadedReport, name: str, path: Path_, problems: list[Problem],
                   files: dict[Path, str | None]) -> None:
    where = loaded.positions[path]
    target = (loaded.root / name).resolve()
    if not target.is_relative_to(loaded.root.resolve()):
        problems.append(Problem(where.file, where.line, where.col, dotted(path),
                                f"{name!r} is outside the report's folder"))
        return
    if not target.is_file():
        problems.append(Problem(where.file, where.line, where.col, dotted(path),
                                f"Markdown file {name!r} not found beside {REPORT_FILE}"))
        return
    shown = display_path(target)
    if target not in files:
        try:
            read = read_text(target, shown)
        except ContentError as exc:
            problems.extend(exc.problems)
            files[target] = None
        else:
            rel = target.relative_to(loaded.root.resolve()).as_posix()
            loaded.sources[rel] = read.encode("utf-8")
            files[target] = read
    text = files[target]
    if text is not None:
        loaded.prose[path] = (text, Origin(shown, 1))


# Blocks only: the inline text of a block is parsed here only when it holds enough of the
# characters that open emphasis, strong text or links ("*", "_", "[", "<") to nest them
# deeper than the limit; most text (a table's cells) has none, and is not parsed twice.
_markdown = MarkdownIt("commonmark", {"html": False}).enable("table").disable("inline")
_INLINE_OPENERS = re.compile(r"[*_\[<]")
_CONTAINERS = {"blockquote_open": 1, "bullet_list_open": 1, "ordered_list_open": 1,
               "blockquote_close": -1, "bullet_list_close": -1, "ordered_list_close": -1}


def _markdown_texts(loaded: LoadedReport) -> Iterator[tuple[Path_, str, Origin]]:
    """Every text read as Markdown: prose, table cells and highlight sub-items."""
    for path, (text, origin) in loaded.prose.items():
        yield path, text, origin
    for path, block in _blocks(loaded.model):
        if block.table is not None:
            for part, rows in (("header_rows", block.table.header_rows or []),
                               ("rows", block.table.rows)):
                for r, row in enumerate(rows):
                    for c, cell in enumerate(row):
                        here = loaded.cell_path((*path, "table", part, r, c))
                        yield here, cell.text, loaded.origin(here)
    if loaded.model.highlights is not None:
        for i, item in enumerate(loaded.model.highlights.items):
            for k, text in enumerate(item.items):
                here = ("highlights", "items", i, "items", k)
                yield here, text, loaded.origin(here)


def check_prose_nesting(loaded: LoadedReport) -> list[Problem]:
    """Markdown nested deeper than MAX_PROSE_DEPTH, once per place where it goes too deep,
    and Markdown tables of more than MAX_TABLE_ROWS rows, at their first line.

    Read from the parser's flat token stream, so that no depth of input can exhaust the
    stack here, and before anything deeper is silently dropped by the parser.
    """
    problems: list[Problem] = []
    for path, text, origin in _markdown_texts(loaded):

        def add(line: int, what: str, path: Path_ = path, origin: Origin = origin) -> None:
            problems.append(Problem(origin.file, origin.line + line, origin.col,
                                    dotted(path), f"{what} nest more than {MAX_PROSE_DEPTH} "
                                    "levels deep here; that is the limit"))

        depth = 0
        table_line, rows = 0, 0
        env: dict[str, Any] = {}
        for token in _markdown.parse(text, env):
            line = token.map[0] if token.map else 0
            before = depth
            depth += _CONTAINERS.get(token.type, 0)
            if depth > MAX_PROSE_DEPTH >= before:
                add(line, "block quotes and lists")
            if token.type == "table_open":
                table_line, rows = line, 0
            elif token.type == "tr_open":
                rows += 1
            elif token.type == "table_close" and rows - 1 > MAX_TABLE_ROWS:
                problems.append(Problem(origin.file, origin.line + table_line, origin.col,
                                        dotted(path), too_many_rows(rows - 1)))
            inner = 0
            children: list[Token] = []
            if token.type == "inline" and \
                    len(_INLINE_OPENERS.findall(token.content)) > MAX_PROSE_DEPTH:
                _markdown.inline.parse(token.content, _markdown, env, children)
            for child in children:
                inner += child.nesting
                if inner > MAX_PROSE_DEPTH:
                    add(line, "emphasis, strong text and links")
                    break
                if child.type in {"softbreak", "hardbreak"}:
                    line += 1
    return problems


def too_many_rows(rows: int) -> str:
    return (f"a table of {rows} rows; the limit is {MAX_TABLE_ROWS} rows a table: split it "
            "into tables of at most that many rows")


def check_consistency(loaded: LoadedReport) -> list[Problem]:
    """Rules that span fields: unique ids, sessions inside the meeting, known references."""
    report = loaded.model
    problems: list[Problem] = []

    def add(path: Path_, message: str, severity: str = "error") -> None:
        o = loaded.origin(path)
        problems.append(Problem(o.file, o.line, o.col, dotted(path), message, severity))

    seen: dict[str, int] = {}  # by normal id: C 054 and C54 are one document
    for i, doc in enumerate(report.documents):
        key = normal_id(doc.id)
        if key in seen:
            add(("documents", i, "id"),
                f"duplicate document id {doc.id!r} (first at documents[{seen[key]}])")
        seen.setdefault(key, i)
    for i, doc in enumerate(report.documents):
        if doc.revision_of and normal_id(doc.revision_of) not in seen:
            add(("documents", i, "revision_of"), f"{doc.revision_of!r} is not in the register",
                "warning")

    meeting = report.document.meeting
    session_ids: dict[str, int] = {}
    for i, session in enumerate(report.sessions):
        if session.id in session_ids:
            add(("sessions", i, "id"), f"duplicate session id {session.id!r}")
        session_ids.setdefault(session.id, i)
        if meeting is not None and not meeting.start <= session.date <= meeting.end:
            add(("sessions", i, "date"),
                f"{session.date.isoformat()} is outside the meeting "
                f"({meeting.start.isoformat()} to {meeting.end.isoformat()})")
        for key in ("agenda", "minutes"):
            ref = getattr(session, key)
            if ref and session.kind == "event":
                add(("sessions", i, key), f"an event has no {key}: remove {ref}, or make "
                    "this a session (leave out 'kind: event')")
            elif ref and normal_id(ref) not in seen:
                add(("sessions", i, key), f"{ref!r} is not in the documents register",
                    "warning")
        if i and (session.date, session.time.start) < (report.sessions[i - 1].date,
                                                       report.sessions[i - 1].time.start):
            add(("sessions", i, "date"), "session is earlier than the one before it", "warning")

    if report.options.annex_label == "none" and len(report.annexes) > 1:
        add(("options", "annex_label"), f"'none' labels a single annex 'Annex'; this report "
            f"has {len(report.annexes)} annexes: use arabic or letter")

    statement_ids = {s.id for s in report.statements}
    for path, block in _blocks(report):
        if block.session is not None and block.session not in session_ids:
            add((*path, "session"), f"no session with id {block.session!r}")
        if block.statement is not None and block.statement not in statement_ids:
            add((*path, "statement"), f"no statement with id {block.statement!r}")
        if block.documents_table is not None:
            for k, doc_id in enumerate(block.documents_table.ids):
                if normal_id(doc_id) not in seen:
                    add((*path, "documents_table", "ids", k),
                        f"{doc_id!r} is not in the documents register")
        if block.highlights and report.highlights is None:
            add((*path, "highlights"), "the report has no 'highlights' to show")
        if block.table is not None:
            if len(block.table.rows) > MAX_TABLE_ROWS:  # at the first row past the limit
                add((*path, "table", "rows", MAX_TABLE_ROWS),
                    too_many_rows(len(block.table.rows)))
            for where, message in table_geometry(block.table):
                add((*path, "table", *where), message)
    check_cover(report, add)
    return problems


def check_figures(loaded: LoadedReport) -> list[Problem]:
    """Every figure's image found inside the report's folder, read, identified and
    measured; its bytes join the sources (attached to the PDF, part of the digest)."""
    problems: list[Problem] = []
    total = 0
    for path, block in _blocks(loaded.model):
        if block.figure is None or block.figure.file in loaded.images:
            continue
        here: Path_ = (*path, "figure", "file")
        name = block.figure.file
        where = loaded.origin(here)
        try:
            total += resolve(loaded.root, name).stat().st_size
            if total > MAX_TOTAL_IMAGE_BYTES:
                raise ImageProblem(f"the figures' files add up to more than "
                                   f"{MAX_TOTAL_IMAGE_BYTES} bytes (100 MiB) here; that is "
                                   "the limit for one report")
            image = load_image(loaded.root, name)
        except ImageProblem as exc:
            problems.append(Problem(where.file, where.line, where.col, dotted(here), str(exc)))
            if total > MAX_TOTAL_IMAGE_BYTES:
                break
            continue
        except OSError as exc:
            problems.append(Problem(where.file, where.line, where.col, dotted(here),
                                    f"cannot read {name!r}: {exc.strerror}"))
            continue
        loaded.images[name] = image
        loaded.sources[image.name] = image.data
    return problems


def table_geometry(spec: TableSpec) -> Iterator[tuple[Path_, str]]:
    """Where a table block's header is ambiguous, or its header rows and rows do not fill
    its grid: the path of the column, cell or row at fault (below the table) and what
    is wrong."""
    titled = [c.title is not None for c in spec.columns]
    if spec.header_rows is not None and any(titled):
        yield ("header_rows",), ("give the header either in header_rows or as the columns' "
                                 "titles, not both")
    elif any(titled) and not all(titled):
        missing = titled.index(False)
        yield ("columns", missing), (f"column {missing + 1} has no title: give every column "
                                     "a title, or none for a table without a header row")
    width = len(spec.columns)
    for part, rows, name in (("header_rows", spec.header_rows or [], "header row"),
                             ("rows", spec.rows, "row")):
        _, problems = place([[(c.colspan, c.rowspan) for c in row] for row in rows], width,
                            name)
        for problem in problems:
            where: Path_ = (part, problem.row)
            if problem.index is not None:
                where = (*where, problem.index)
            yield where, problem.message


def _blocks(report: Report) -> list[tuple[Path_, Block]]:
    """Every block of the body, the annexes and the appendices with its content path."""
    out: list[tuple[Path_, Block]] = []

    def walk(sections: Any, path: Path_) -> None:
        for i, section in enumerate(sections):
            for j, block in enumerate(section.blocks):
                out.append(((*path, i, "blocks", j), block))
            walk(section.sections, (*path, i, "sections"))

    if report.preamble is not None:
        for j, block in enumerate(report.preamble.blocks):
            out.append((("preamble", "blocks", j), block))
    walk(report.body, ("body",))
    for a, annex in enumerate(report.annexes):
        for j, block in enumerate(annex.blocks):
            out.append((("annexes", a, "blocks", j), block))
        walk(annex.sections, ("annexes", a, "sections"))
    for a, appendix in enumerate(report.appendices):
        for j, block in enumerate(appendix.blocks):
            out.append((("appendices", a, "blocks", j), block))
        walk(appendix.sections, ("appendices", a, "sections"))
    return out
