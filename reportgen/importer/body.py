"""The body of a Word document -> clauses, annexes and appendices of the content format.

Paragraphs are sorted by their style name (Word's, LibreOffice's and pandoc's names for
the same thing are all read): headings open clauses, list paragraphs become Markdown
lists with their formats, captions become the titles of the table or figure next to
them, ``Note`` paragraphs NOTE blocks, ``Annex_NoTitle`` and ``Appendix_NoTitle`` open
annexes and appendices. What has no place in the format is kept as a plain paragraph and
reported.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reportgen.content.markdown import DOC_ID_IN_TEXT
from reportgen.content.model import DOC_ID_PATTERN
from reportgen.importer.compare import TYPED_LABEL
from reportgen.importer.markdown import LINK_SCHEMES, inline
from reportgen.importer.sessions import is_sessions_header, read_sessions
from reportgen.prepare.languages import Locale
from reportgen.read import Cell, Paragraph, Span, Table, WordDocument

TEXT_WIDTH_EMU = 6120000  # 17 cm, the ITU text width
HEADINGS = {"heading1": 1, "heading2": 2, "heading3": 3, "heading4": 4, "heading5": 5,
            "heading6": 6, "titre1": 1, "titre2": 2, "titre3": 3}
UNNUMBERED_HEADINGS = {"headingb", "headingi"}
PLAIN = {"normal", "normalaftertitle", "bodytext", "firstparagraph", "textbody", "compact",
         "default", "normalweb", "plaintext", "call", "tabletext", "tablelegend",
         "tablehead", "standard", "defaultparagraphfont"}
LIST_STYLES = {"enumlev1": 1, "enumlev2": 2, "enumlev3": 3, "listparagraph": 0,
               "listbullet": 1, "listbullet2": 2, "listbullet3": 3, "listnumber": 1,
               "listnumber2": 2, "listnumber3": 3, "list": 1, "list2": 2, "list3": 3,
               "listcontinue": 0}
CODE = {"sourcecode", "htmlpreformatted", "code", "preformattedtext", "macrotext"}
QUOTES = {"quotation", "blocktext", "quote", "intensequote"}
TABLE_CAPTIONS = {"tablenotitle", "tabletitle", "tablecaption", "tablelegend"}
FIGURE_CAPTIONS = {"figurenotitle", "figuretitle", "imagecaption", "figurecaption"}
CAPTIONS = {"caption"}
FIGURES = {"figure", "capturedfigure", "captionedfigure"}
# a table of contents: Word's entry styles (toc 1 …), LibreOffice's (Contents 1 …), and
# the styles its title may have (ITU's Heading_b, Word's and pandoc's TOC Heading)
TOC_ENTRY = re.compile(r"^(toc|contents)\d{1,2}$")
TOC_TITLES = {"headingb", "tocheading", "contentsheading"}
TYPED_HEADING_NUMBER = re.compile(
    r"^(?P<n>\d{1,3}(?:\.\d{1,3}){0,4})\.?(?:\t| {1,4})(?P<rest>\S.*)$", re.S)
ROMAN = re.compile(r"^(?=[ivxlc]+$)c{0,3}(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$", re.I)
COUNTER_OF = {"decimal": "1", "lowerLetter": "a", "upperLetter": "A", "lowerRoman": "i",
              "upperRoman": "I"}


def norm(name: str) -> str:
    """A style name as compared: lower case, without spaces, '_' or '-'."""
    return re.sub(r"[\s_\-]", "", name).lower()


@dataclass
class Piece:
    """One entry of a part's content: Markdown text, or a typed block."""

    markdown: list[str] | None = None  # Markdown blocks, joined by blank lines
    block: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)  # the footnote definitions of a text


@dataclass
class Part:
    kind: str  # section, annex, appendix, preamble
    title: str = ""
    level: int = 0
    numbered: bool = True
    pieces: list[Piece] = field(default_factory=list)
    sections: list[Part] = field(default_factory=list)
    formats: dict[int, Counter[str]] = field(default_factory=dict)  # level -> formats
    obligation: str | None = None
    where: str = ""  # the source paragraph, for messages
    label: str = ""  # the label the source gave it


@dataclass
class ListState:
    levels: list[tuple[str, int]] = field(default_factory=list)  # (marker, indent) per depth


class BodyImporter:
    """Sorts the blocks after the cover into parts; keeps every report line."""

    def __init__(self, word: WordDocument, lang: Locale, source: str,
                 meeting: tuple[dt.date, dt.date] | None = None) -> None:
        self.word = word
        self.meeting = meeting
        self.sessions: list[dict[str, Any]] = []  # read from the sessions table
        self.session_texts: dict[str, Piece] = {}  # session id -> its summary
        self.lang = lang
        self.source = source
        self.notes: list[str] = []
        self.preamble = Part("preamble")
        self.body: list[Part] = []
        self.annexes: list[Part] = []
        self.appendices: list[Part] = []
        self.current = self.preamble
        self.stack: list[Part] = []  # open clauses, outermost first
        self.in_annex: Part | None = None
        self.register: dict[str, dict[str, str]] = {}
        self.figures: dict[str, bytes] = {}  # file name -> bytes
        self.note_count = 0
        self.end_mark = False
        self.heading_start = 1
        self.first_heading = True
        self.annex_labels: list[str] = []
        self.page_break = False
        self.last_numbered_level = 0
        self.pending_notes: list[str] = []
        self.shown_notes: dict[str, int] = {}  # note id -> the number Word shows
        for q in word.paragraphs():
            for note_id in q.notes:
                self.shown_notes.setdefault(note_id, len(self.shown_notes) + 1)
        self.last_counter: dict[int, str] = {}  # level -> counter of a typed label
        self.seen_titles: dict[str, dict[str, str]] = {}  # id -> title, source from tables
        self.list_state: ListState | None = None
        self.expect_obligation: Part | None = None

    # ---------------------------------------------------------------- reports

    def report(self, p: Paragraph | None, message: str) -> None:
        if p is None:
            self.notes.append(f"{self.source}: {message}")
        else:
            where = "table cell paragraph" if p.in_table else "paragraph"
            self.notes.append(f"{self.source}: {where} {p.index} (style \"{p.style}\"): "
                              f"{message}")

    # ------------------------------------------------------------------ walk

    def run(self, blocks: list[Paragraph | Table]) -> None:
        i = 0
        while i < len(blocks):
            block = blocks[i]
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            if isinstance(block, Table):
                self.table(block, None)
                i += 1
                continue
            key = norm(block.style)
            if key in TABLE_CAPTIONS | CAPTIONS and isinstance(nxt, Table) and block.text:
                self.take_break(block)
                self.table(nxt, block)
                i += 2
                continue
            if _toc_field(block) or (norm(block.style) in TOC_TITLES
                                     and isinstance(nxt, Paragraph) and _toc_field(nxt)):
                i = self.contents(blocks, i)
                continue
            if block.pictures and not block.text.strip():
                caption = nxt if isinstance(nxt, Paragraph) and \
                    norm(nxt.style) in FIGURE_CAPTIONS | CAPTIONS else None
                self.take_break(block)
                self.figure(block, caption)
                i += 2 if caption is not None else 1
                continue
            self.paragraph(block)
            i += 1
        self.close_list()
        self.session_summaries()

    def take_break(self, p: Paragraph) -> None:
        if p.page_break_before and norm(p.style) not in ("annexnotitle", "appendixnotitle"):
            self.page_break = True
        if self.page_break:
            self.flush_break()

    def flush_break(self) -> None:
        if self.page_break:
            self.close_list()
            self.current.pieces.append(Piece(block={"page_break": True}))
            self.page_break = False

    def paragraph(self, p: Paragraph) -> None:
        key = norm(p.style)
        text = p.text
        if p.hidden:
            self.report(p, f"hidden text left out: {p.hidden[:60]!r}")
        if p.text_boxes:
            self.report(p, f"{p.text_boxes} text box(es): their text left out")
        if p.drawings:
            self.report(p, f"{p.drawings} drawing(s) or equation(s) that are not pictures: "
                           "left out")
        if key == "endmark":
            self.end_mark = True
            if text.strip() != "_" * 20:
                self.report(p, "an end mark with other text than the ITU line: the ITU "
                               "end mark is printed")
            return
        if not text.strip() and not p.notes:
            if any(s.kind == "page" for s in p.spans):
                self.page_break = True
            elif p.pictures:
                pass
            return
        if self.expect_obligation is not None:
            part, self.expect_obligation = self.expect_obligation, None
            stripped = text.strip()
            if p.centred and key in PLAIN and p.label is None and \
                    stripped.startswith("(") and stripped.endswith(")"):
                part.obligation = stripped
                return
        self.take_break(p)
        if key in ("annexnotitle", "appendixnotitle"):
            self.annex(p, key == "appendixnotitle")
        elif key in HEADINGS or key in UNNUMBERED_HEADINGS or \
                (key.startswith("heading") and key[7:].isdigit()):
            self.heading(p, key)
        elif key == "note" or key == "notetext":
            self.note(p)
        elif p.label is not None or key in LIST_STYLES:
            self.list_item(p, key)
        elif key in CODE:
            self.close_list()
            self.add_markdown(_fenced(p.text))
        elif key in QUOTES:
            self.close_list()
            self.add_markdown(self.prose(p, "> "))
        elif key in FIGURE_CAPTIONS | TABLE_CAPTIONS | CAPTIONS:
            self.close_list()
            self.report(p, "a caption with no table or figure next to it: kept as a plain "
                           "paragraph")
            self.add_markdown(self.prose(p))
        else:
            if key not in PLAIN and key not in FIGURES:
                self.report(p, "kept as a plain paragraph")
            self.close_list()
            self.add_markdown(self.prose(p))
        if p.pictures:  # pictures inside text: each a figure after the paragraph
            self.figure(p, None)
        if any(s.kind == "page" for s in p.spans):
            self.page_break = True

    # -------------------------------------------------------------- structure

    def heading(self, p: Paragraph, key: str) -> None:
        self.close_list()
        title = p.text.replace("\n", " ").strip()
        if p.notes:
            self.report(p, "a footnote in a heading: left out (titles are plain text)")
        label = p.label_text
        numbered = key not in UNNUMBERED_HEADINGS
        if key in HEADINGS:
            level = HEADINGS[key]
        elif key in UNNUMBERED_HEADINGS:
            level = min(self.last_numbered_level + 1, 3) if self.stack else 1
        else:
            level = int(key[7:]) if key[7:].isdigit() else 3
        depth = _bookmark_depth(p.bookmarks)
        if depth:
            level = depth  # a document reportgen wrote says where the clause stands
        if numbered and not label:
            typed = TYPED_HEADING_NUMBER.match(title)
            if typed:
                label = typed.group("n")
                title = typed.group("rest").strip()
        if level > 3:
            self.report(p, f"a level-{level} heading: kept as a level-3 clause (the format "
                           "has three levels)")
            level = 3
        if level > len(self.stack) + 1:
            self.report(p, f"a level-{level} heading under a level-{len(self.stack)} one: "
                           f"kept as a level-{len(self.stack) + 1} clause")
            level = len(self.stack) + 1
        if numbered and self.first_heading and self.in_annex is None and label == "0":
            self.heading_start = 0
        if numbered and self.in_annex is None:
            self.first_heading = False
        part = Part("section", title or "(untitled)", level, numbered,
                    where=f"paragraph {p.index}", label=label)
        if not title:
            self.report(p, "a heading without text: titled '(untitled)'")
        del self.stack[level - 1:]
        if self.stack:
            self.stack[-1].sections.append(part)
        elif self.in_annex is not None:
            self.in_annex.sections.append(part)
        else:
            self.body.append(part)
        self.stack.append(part)
        self.current = part
        if numbered:
            self.last_numbered_level = level

    def annex(self, p: Paragraph, appendix: bool) -> None:
        self.close_list()
        lines = [line.strip() for line in p.text.split("\n") if line.strip()]
        label = lines[0] if lines else ""
        title = " ".join(lines[1:]) if len(lines) > 1 else ""
        if not title:
            self.report(p, "an annex title without a line break after its label: the "
                           "whole text taken as the title")
            title, label = label or "(untitled)", ""
        part = Part("appendix" if appendix else "annex", title, where=f"paragraph {p.index}",
                    label=label)
        (self.appendices if appendix else self.annexes).append(part)
        if not appendix:
            self.annex_labels.append(label)
        self.in_annex = part
        self.stack = []
        self.current = part
        self.expect_obligation = part

    # ----------------------------------------------------------------- blocks

    def add_markdown(self, text: str, notes: list[str] | None = None) -> None:
        pieces = self.current.pieces
        if not pieces or pieces[-1].markdown is None:
            pieces.append(Piece(markdown=[]))
        assert pieces[-1].markdown is not None
        pieces[-1].markdown.append(text)
        pieces[-1].notes.extend(self.pending_notes)
        self.pending_notes = []

    def note_text(self, note_id: str) -> str | None:
        """The Markdown of a footnote's text (its paragraphs joined); None if missing."""
        paragraphs = self.word.footnotes.get(note_id)
        if paragraphs is None:
            return None
        texts = [self.inline_md(q.spans, notes="drop") for q in paragraphs]
        texts = [t for t in texts if t.strip()]
        if len(texts) > 1:
            self.report(None, f"footnote {self.shown(note_id)} has {len(texts)} paragraphs: "
                              "joined into one")
        return " ".join(t.replace("\\\n", " ") for t in texts).strip() or "\u00a0"

    def shown(self, note_id: str) -> str:
        """A footnote as the reader sees it: its number, or an endnote's."""
        if note_id.startswith("e"):
            return f"(endnote) {note_id[1:]}"
        return str(self.shown_notes.get(note_id, note_id))

    def note_reference(self, note_id: str) -> str:
        body = self.note_text(note_id)
        if body is None:
            self.report(None, f"footnote {self.shown(note_id)} is referred to but missing "
                              "from the footnotes: its reference left out")
            return ""
        self.note_count += 1
        label = str(self.note_count)
        if note_id.startswith("e"):
            self.report(None, f"endnote {note_id[1:]} kept as footnote {label}")
        self.pending_notes.append(f"[^{label}]: {body}")
        return f"[^{label}]"

    def inline_md(self, spans: list[Span], notes: str = "refs", table: bool = False) -> str:
        """Markdown of ``spans``; footnotes as references (``refs``), as their text in
        parentheses where a reference cannot stand (``text``), or left out (``drop``)."""
        def note(note_id: str) -> str:
            if notes == "refs":
                return self.note_reference(note_id)
            body = self.note_text(note_id) if notes == "text" else None
            if body is None:
                self.report(None, f"footnote {self.shown(note_id)} inside a footnote or a "
                                  "title: left out")
                return ""
            self.report(None, f"footnote {self.shown(note_id)} where a reference cannot "
                              "stand (a table with merged cells, a NOTE): its text kept in "
                              "parentheses")
            return f" ({body})"

        def keep(url: str, text: str) -> bool:
            if DOC_ID_IN_TEXT.fullmatch(text):
                return False  # a cited document: the register links it
            if url.startswith(LINK_SCHEMES):
                return True
            self.report(None, f"link to {url[:60]!r} is not an http, https or mailto "
                              "address: kept as its text")
            return False

        return inline(spans, note, keep, table)

    def prose(self, p: Paragraph, prefix: str = "") -> str:
        md = self.inline_md(p.spans)
        if prefix:
            return "\n".join(prefix + line if line else prefix.rstrip()
                             for line in md.split("\n"))
        return md

    def plain_title(self, p: Paragraph, kind: str) -> str:
        text = p.text.replace("\n", " ").strip()
        template = self.lang[kind]
        pattern = re.escape(template).replace(re.escape("{n}"), r"[0-9A-Z.]+") \
            .replace(re.escape("{title}"), "(?P<title>.*)")
        m = re.match("^" + pattern + "$", text, re.S)
        if m:
            return m.group("title").strip()
        m = re.match(r"^(Table|Figure)\s+[0-9A-Z.]+\s*[–—-]\s*(?P<title>.*)$", text, re.S)
        return m.group("title").strip() if m else text

    def note(self, p: Paragraph) -> None:
        self.close_list()
        prefix = re.match(rf"^{re.escape(self.lang['note'])}(?:\s+\d+)?\s*[–—-]\s*", p.text)
        spans = p.spans
        if prefix is None:
            self.report(p, "a Note paragraph without 'NOTE –': kept as a NOTE")
        else:
            spans = _drop_chars(p.spans, len(prefix.group()))
            if re.match(r"\S+\s+\d", prefix.group()):
                self.report(p, "a numbered NOTE: printed as 'NOTE –'")
        self.current.pieces.append(Piece(block={"note": self.inline_md(spans, notes="text")}))

    # ------------------------------------------------------------------ lists

    def list_item(self, p: Paragraph, key: str) -> None:
        level = LIST_STYLES.get(key, 0)
        spans = p.spans
        label = p.label
        fmt = ""
        number = 1
        bullet = False
        if label is not None:
            level = level or min(label.ilvl + 1, 3)
            if label.ilvl + 1 > 3 and not LIST_STYLES.get(key):
                self.report(p, f"a list item at level {label.ilvl + 1}: kept at level 3")
            if label.bullet:
                bullet = True
            else:
                fmt = self.list_format(p, label.level.fmt, label.level.text, label.ilvl)
                number = label.value
        else:
            typed = TYPED_LABEL.match(p.text)
            if typed is None:
                self.continuation(p, level or 1)
                return
            cut = len(p.text) - len(typed.group("rest"))
            spans = _drop_chars(spans, cut)
            if typed.group("bullet"):
                bullet = True
            else:
                counter = typed.group("inner") or typed.group("counter")
                shape = "({c})" if typed.group("inner") else "{c}" + typed.group("punct")
                kind, number = _counter(counter, self.last_counter.get(level, ""))
                self.last_counter[level] = kind
                fmt = shape.format(c=kind)
        level = max(1, min(level or 1, 3))
        if not bullet and (number < 0 or (number < 1 and fmt.strip("()")[0] != "1") or
                           number > 32767):
            self.report(p, f"a list item numbered {number}, which Word cannot show in this "
                           "format: numbered 1")
            number = 1
        self.add_item(p, level, bullet, fmt, number, self.inline_md(spans))

    def list_format(self, p: Paragraph, word_fmt: str, text: str, ilvl: int) -> str:
        counter = COUNTER_OF.get(word_fmt)
        m = re.fullmatch(rf"(\(?)%{ilvl + 1}([.)-]?)", text)
        if counter is None or m is None or (m.group(1) and m.group(2) != ")") or \
                (not m.group(1) and not m.group(2)):
            fallback = f"{counter or '1'})"
            self.report(p, f"list label format {text!r} ({word_fmt}) cannot be written: "
                           f"kept as {fallback!r}")
            return fallback
        if m.group(1):
            return f"({counter})"
        return counter + m.group(2)

    def add_item(self, p: Paragraph, level: int, bullet: bool, fmt: str, number: int,
                 md: str) -> None:
        state = self.list_state
        if state is None:
            state = self.list_state = ListState()
            self.add_markdown("")  # a new list: its own Markdown block
        while len(state.levels) > level:
            state.levels.pop()
        if len(state.levels) < level - 1:
            self.report(p, f"a level-{level} list item without a level-{level - 1} item "
                           "before it: kept one level down from the last")
            level = len(state.levels) + 1
        indent = sum(width for _, width in state.levels[: level - 1])
        if bullet:
            marker = "-"
        else:
            punct = "." if fmt.endswith(".") else ")"
            marker = f"{number}{punct}"
            self.current.formats.setdefault(level, Counter())[fmt] += 1
        kind = "bullet" if bullet else f"ordered{marker[-1]}"
        if len(state.levels) >= level:
            previous_kind = state.levels[level - 1][0]
            if previous_kind != kind:
                # another kind of list at this depth: Markdown needs a new list
                state.levels = state.levels[: level - 1]
                if level == 1:
                    self.close_list()
                    state = self.list_state = ListState()
                    self.add_markdown("")
        width = len(marker) + 1
        if len(state.levels) >= level:
            state.levels[level - 1] = (kind, width)
        else:
            state.levels.append((kind, width))
        lines = md.split("\n") if md else [""]
        text = " " * indent + f"{marker} " + lines[0]
        for line in lines[1:]:
            text += "\n" + " " * (indent + width) + line
        piece = self.current.pieces[-1]
        assert piece.markdown is not None
        piece.markdown[-1] = (piece.markdown[-1] + "\n" if piece.markdown[-1] else "") + text
        piece.notes.extend(self.pending_notes)
        self.pending_notes = []

    def continuation(self, p: Paragraph, level: int) -> None:
        state = self.list_state
        md = self.prose(p)
        if state is None or len(state.levels) < level:
            self.report(p, "a list paragraph with no number and no list before it: kept as "
                           "a plain paragraph")
            self.close_list()
            self.add_markdown(md)
            return
        indent = sum(width for _, width in state.levels[:level])
        del state.levels[level:]
        piece = self.current.pieces[-1]
        assert piece.markdown is not None
        body = "\n".join(" " * indent + line for line in md.split("\n"))
        piece.markdown[-1] += "\n\n" + body
        piece.notes.extend(self.pending_notes)
        self.pending_notes = []

    def close_list(self) -> None:
        self.list_state = None
        self.last_counter = {}

    # ------------------------------------------------------------ contents

    def contents(self, blocks: list[Paragraph | Table], i: int) -> int:
        """A table of contents (its title, the TOC field and its entries) at ``blocks[i]``
        -> a ``contents`` block, which the build fills from the headings; the index of
        the block after it."""
        self.close_list()
        first = blocks[i]
        assert isinstance(first, Paragraph)
        title = None
        if not _toc_field(first):
            title, i = first, i + 1
        start = blocks[i]
        assert isinstance(start, Paragraph)
        self.take_break(title or start)
        i += 1
        entries = [start] if start.text.strip() else []
        while i < len(blocks):
            p = blocks[i]
            if not isinstance(p, Paragraph) or not TOC_ENTRY.match(norm(p.style)) or \
                    _toc_field(p):
                break
            entries.append(p)
            i += 1
        wanted = self.lang["contents"]
        block: dict[str, object] = {"contents": True}
        if title is None:
            self.report(start, f"a table of contents without a title: the rebuilt one is "
                               f"titled {wanted!r}")
        elif title.text.strip() != wanted:
            block = {"contents": title.text.strip()}  # its own title, kept
        where = f"paragraphs {entries[0].index}-{entries[-1].index}" if len(entries) > 1 \
            else f"paragraph {start.index}"
        self.report(None, f"table of contents ({len(entries)} entr"
                          f"{'y' if len(entries) == 1 else 'ies'}, {where}): not imported "
                          "as text; regenerated from the headings when the document is built")
        self.current.pieces.append(Piece(block=block))
        return i

    # ------------------------------------------------------------ tables

    def table(self, table: Table, caption: Paragraph | None) -> None:
        self.close_list()
        title = self.plain_title(caption, "table") if caption is not None else None
        if caption is not None and not title:
            self.report(caption, "a table caption without a title: the table kept without "
                                 "a caption")
            title = None
        if caption is not None and caption.notes:
            self.report(caption, "a footnote in a table title: left out")
        nested = sum(c.nested_tables for row in table.rows for c in row)
        if nested:
            self.report(None, f"a table inside a table (at paragraph {table.index}): its "
                              "cells' text kept in the outer cell")
        if not table.rows or not table.columns:
            return
        if table.header_rows == 0 and len(table.rows) > 1 and table.rows[0] and all(
                q.style and norm(q.style) == "tablehead"
                for c in table.rows[0] for q in c.paragraphs):
            table.header_rows = 1  # a header set in Table_head but not marked to repeat
        table = _regular(table, self.report_table)
        self.remember_titles(table)
        doc_table = self.documents_table(table, title)
        if doc_table is not None:
            self.current.pieces.append(Piece(block={"documents_table": doc_table}))
            return
        if title and self.sessions_table(table, title):
            self.current.pieces.append(Piece(block={"sessions_table": {"title": title}}))
            return
        spans = any(c.colspan > 1 or c.rowspan > 1 for row in table.rows for c in row)
        header_rows = table.header_rows
        blocky = any(_has_blocks(c) for row in table.rows[header_rows:] for c in row)
        if any(_has_blocks(c) for row in table.rows[:header_rows] for c in row):
            self.report(None, f"table at paragraph {table.index}: a header cell with several "
                              "paragraphs or a list, joined into one")
        widths = table.widths if len(table.widths) == table.columns and \
            all(w > 0 for w in table.widths) else [1] * table.columns
        total = sum(widths)
        body = table.rows[header_rows:] if header_rows < len(table.rows) else table.rows
        aligns = []
        for col in range(table.columns):
            cells = [_cell_at(row, col) for row in body]
            centred = [c for c in cells if c is not None and c.paragraphs]
            aligns.append("center" if centred and all(all(q.centred for q in c.paragraphs)
                                                      for c in centred) else "left")
        if title and not spans and not blocky and header_rows == 1 and len(table.rows) > 1:
            self.add_markdown(self.pipe_table(table, title, aligns))
            return
        if header_rows >= len(table.rows):
            header_rows = 0
        columns: list[dict[str, Any]] = []
        for col in range(table.columns):
            column: dict[str, Any] = {"width": round(widths[col] / total * 10, 2)}
            if aligns[col] == "center":
                column["align"] = "center"
            columns.append(column)
        spec: dict[str, Any] = {}
        if title:
            spec["title"] = title
        if header_rows == 1 and not any(c.colspan > 1 or c.rowspan > 1
                                        for c in table.rows[0]):
            for column, cell in zip(columns, table.rows[0], strict=False):
                column["title"] = cell_text_plain(cell) or "\u00a0"
            spec["columns"] = columns
        else:
            spec["columns"] = columns
            if header_rows:
                spec["header_rows"] = [self.yaml_row(r, header=True)
                                       for r in table.rows[:header_rows]]
        rows = [self.yaml_row(r) for r in table.rows[header_rows:]]
        spec["rows"] = rows
        self.current.pieces.append(Piece(block={"table": spec}))

    def report_table(self, table: Table, message: str) -> None:
        self.report(None, f"table at paragraph {table.index}: {message}")

    def yaml_row(self, row: list[Cell], header: bool = False) -> list[Any]:
        out: list[Any] = []
        for cell in row:
            text = self.cell_md(cell, notes="text") if header else self.cell_blocks(cell)
            if cell.colspan > 1 or cell.rowspan > 1:
                entry: dict[str, Any] = {"text": text}
                if cell.colspan > 1:
                    entry["colspan"] = cell.colspan
                if cell.rowspan > 1:
                    entry["rowspan"] = cell.rowspan
                out.append(entry)
            else:
                out.append(text)
        return out

    def cell_md(self, cell: Cell, notes: str = "refs") -> str:
        parts = [self.inline_md(q.spans, notes, table=True) for q in cell.paragraphs]
        return " ".join(t for t in parts if t.strip())

    def cell_blocks(self, cell: Cell) -> str:
        """A body cell's Markdown: its paragraphs separated by blank lines, its numbered
        and bulleted paragraphs as Markdown lists (Word's labels, bullets and levels)."""
        if not _has_blocks(cell):
            return self.cell_md(cell, notes="text")
        out: list[str] = []
        widths: list[int] = []  # the marker width of each open list level
        in_list = False
        for q in cell.paragraphs:
            if not q.text.strip() and q.label is None:
                continue
            md = self.inline_md(q.spans, "text", table=True)
            label = q.label
            if label is None:
                widths, in_list = [], False
                out.append(md)
                continue
            level = min(label.ilvl + 1, 3, len(widths) + 1)
            if label.bullet:
                marker = "-"
            else:
                fmt = self.list_format(q, label.level.fmt, label.level.text, label.ilvl)
                self.current.formats.setdefault(level, Counter())[fmt] += 1
                marker = f"{label.value}{'.' if fmt.endswith('.') else ')'}"
            del widths[level - 1:]
            line = " " * sum(widths) + f"{marker} {md}"
            widths.append(len(marker) + 1)
            if in_list:
                out[-1] += "\n" + line
            else:
                out.append(line)
            in_list = True
        return "\n\n".join(out)

    def pipe_table(self, table: Table, title: str, aligns: list[str]) -> str:
        lines = [f"Table: {title}"]
        head = [self.cell_md(c) or " " for c in table.rows[0]]
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "|".join(":---:" if a == "center" else "---" for a in aligns) + "|")
        for row in table.rows[1:]:
            cells = [self.cell_md(c) or " " for c in row]
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines)

    def remember_titles(self, table: Table) -> None:
        """Titles and sources of documents listed in any table with a Title column, for
        ids the text cites but no documents table lists."""
        if not table.rows:
            return
        heads = [cell_text_plain(c) for c in table.rows[0]]
        names = self.lang.documents_table
        if names["title"] not in heads or any(c.colspan > 1 for c in table.rows[0]):
            return
        at = {key: heads.index(names[key]) for key in ("title", "source")
              if names[key] in heads}
        for row in table.rows[1:]:
            if len(row) != len(heads):
                continue
            doc_id = cell_text_plain(row[0])
            if re.match(DOC_ID_PATTERN, doc_id) and doc_id not in self.seen_titles:
                self.seen_titles[doc_id] = {key: cell_text_plain(row[i])
                                            for key, i in at.items() if cell_text_plain(row[i])}

    def sessions_table(self, table: Table, title: str) -> bool:
        """A table headed as reportgen heads the sessions table, every row of it read
        back to the session it prints: into ``self.sessions``."""
        if table.header_rows != 1 or table.columns != 6 or len(table.rows) < 2 or \
                not is_sessions_header([cell_text_plain(c) for c in table.rows[0]],
                                       self.lang):
            return False
        if self.sessions:
            self.report_table(table, "a second sessions table: kept as a plain table (a "
                                     "report has one list of sessions)")
            return False
        read = read_sessions(table.rows[1:], self.lang, self.meeting)
        if read.problem:
            self.report_table(table, f"headed as a sessions table, but {read.problem}: kept "
                                     "as a plain table")
            return False
        self.sessions = read.sessions
        ids = ", ".join(s["id"] for s in read.sessions)
        self.report_table(table, f"read as the sessions table: {len(read.sessions)} "
                                 f"session{'s' * (len(read.sessions) != 1)} in sessions: "
                                 f"({ids}), shown by a sessions_table block")
        return True

    def session_summaries(self) -> None:
        """A clause titled as a session, with only text under its title (before its
        subclauses), shows that session's summary: a ``session`` block."""
        if not self.sessions:
            return
        by_title: dict[str, str] = {}
        for s in self.sessions:
            by_title.setdefault(s["title"], s["id"])
        titles = [s["title"] for s in self.sessions]

        def visit(part: Part) -> None:
            session_id = by_title.get(part.title)
            if part.kind == "section" and session_id is not None and \
                    titles.count(part.title) == 1 and session_id not in self.session_texts \
                    and len(part.pieces) == 1 and part.pieces[0].markdown is not None:
                self.session_texts[session_id] = part.pieces[0]
                part.pieces = [Piece(block={"session": session_id})]
                where = f" ({part.where})" if part.where else ""
                self.notes.append(f"{self.source}: clause {part.title!r}{where}: its text "
                                  f"read as the summary of session "
                                  f"{session_id!r} (a session block)")
            for sub in part.sections:
                visit(sub)

        for part in [*self.body, *self.annexes, *self.appendices]:
            visit(part)

    def documents_table(self, table: Table, title: str | None) -> dict[str, Any] | None:
        if not title or table.header_rows != 1 or table.columns not in (2, 3) or \
                len(table.rows) < 2:
            return None
        if any(len(row) != table.columns or any(c.colspan > 1 or c.rowspan > 1 for c in row)
               for row in table.rows):
            return None
        ids = [cell_text_plain(row[0]) for row in table.rows[1:]]
        if not all(re.match(DOC_ID_PATTERN, i) for i in ids) or len(set(ids)) != len(ids):
            return None
        columns = ["id", "source", "title"] if table.columns == 3 else ["id", "title"]
        spec: dict[str, Any] = {"title": title}
        if columns != ["id", "title"]:
            spec["columns"] = columns
        heads = [cell_text_plain(c) for c in table.rows[0]]
        headings = {c: h for c, h in zip(columns, heads, strict=True)
                    if h != self.lang.documents_table[c]}
        if any(not h for h in heads):
            return None
        if headings:
            spec["headings"] = headings
        for row in table.rows[1:]:
            doc_id = cell_text_plain(row[0])
            entry = {"id": doc_id, "title": cell_text_plain(row[-1]) or doc_id}
            if len(columns) == 3 and cell_text_plain(row[1]):
                entry["source"] = cell_text_plain(row[1])
            known = self.register.get(doc_id)
            if known is None:
                self.register[doc_id] = entry
            elif "source" in entry and "source" not in known:
                known["source"] = entry["source"]
        spec["ids"] = ids
        return spec

    # ------------------------------------------------------------ figures

    def figure(self, p: Paragraph, caption: Paragraph | None) -> None:
        self.close_list()
        for n, picture in enumerate(p.pictures):
            kind = _image_kind(picture.data)
            if kind is None:
                self.report(p, f"a picture in a format the content cannot hold "
                               f"({picture.part.rsplit('.', 1)[-1]}): left out; convert it "
                               "to PNG and add it as a figure")
                continue
            number = len(self.figures) + 1
            name = f"figures/figure-{number}.{kind}"
            self.figures[name] = picture.data
            if caption is not None and caption.notes:
                self.report(caption, "a footnote in a figure title: left out")
            title = self.plain_title(caption, "figure") \
                if caption is not None and n == len(p.pictures) - 1 else ""
            if not title:
                title = picture.description or f"Figure {number}"
                self.report(p, f"a picture without a caption: given the title {title!r}")
            spec: dict[str, Any] = {"file": name, "title": title}
            if picture.width_emu > 0:
                share = min(1.0, picture.width_emu / TEXT_WIDTH_EMU)
                spec["width"] = f"{round(share * 100, 1)}%"
            if picture.description and picture.description != title:
                spec["alt"] = picture.description
            self.current.pieces.append(Piece(block={"figure": spec}))


CLAUSE_BOOKMARK = re.compile(r"^_rg_(?:body|annex_\d+|appendix_\d+)((?:_\d+)+)$")


def _bookmark_depth(bookmarks: list[str]) -> int:
    """The depth of the clause a reportgen bookmark names (``_rg_body_2_1`` -> 2), 0 when
    none does."""
    for name in bookmarks:
        m = CLAUSE_BOOKMARK.match(name)
        if m:
            return min(m.group(1).count("_"), 3)
    return 0


def _has_blocks(cell: Cell) -> bool:
    """Whether a cell holds several paragraphs or a list (Markdown blocks, not a line)."""
    texts = [q for q in cell.paragraphs if q.text.strip() or q.label is not None]
    return len(texts) > 1 or any(q.label is not None for q in texts)


def _toc_field(p: Paragraph | Table | None) -> bool:
    """Whether a TOC field begins in ``p`` (Word's table of contents)."""
    return isinstance(p, Paragraph) and any(f.split(" ", 1)[0].upper() == "TOC"
                                            for f in p.fields)


def _regular(table: Table, report: Callable[[Table, str], None]) -> Table:
    """The table with a regular grid: spans cut where they would run past the last row
    of their part (header or body), overlap or leave the grid, and a position no cell
    covers filled with an empty cell, as the content format requires."""
    columns = table.columns
    header = table.header_rows if table.header_rows < len(table.rows) else 0
    out: list[list[Cell]] = []
    taken: set[tuple[int, int]] = set()
    changed = False
    for r, row in enumerate(table.rows):
        end = header if r < header else len(table.rows)
        queue = list(row)
        cells: list[Cell] = []
        for col in range(columns):
            if (r, col) in taken:
                continue
            cell = queue.pop(0) if queue else None
            if cell is None:
                cell = Cell([])
                changed = True
            width = 1
            while width < cell.colspan and col + width < columns and \
                    (r, col + width) not in taken:
                width += 1
            height = 1
            while height < cell.rowspan and r + height < end and all(
                    (r + height, c) not in taken for c in range(col, col + width)):
                height += 1
            if (width, height) != (cell.colspan, cell.rowspan):
                changed = True
            cells.append(Cell(cell.paragraphs, width, height, cell.nested_tables))
            taken.update((r + dr, col + dc) for dr in range(height) for dc in range(width))
        if queue:
            changed = True
            cells[-1:] = [Cell(cells[-1].paragraphs + [q for c in queue for q in c.paragraphs],
                               cells[-1].colspan, cells[-1].rowspan)] if cells else []
        out.append(cells)
    if changed:
        report(table, "cells that did not fit its grid were evened out (spans cut, empty "
                      "cells added, extra cells joined to the last)")
    return Table(out, columns, header, table.widths)


def _fenced(text: str) -> str:
    """A code block that prints ``text`` line for line, as it is."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}\n{text}\n{fence}"


def cell_text_plain(cell: Cell) -> str:
    return " ".join(q.text.replace("\n", " ").strip() for q in cell.paragraphs
                    if q.text.strip())


def _cell_at(row: list[Cell], col: int) -> Cell | None:
    pos = 0
    for cell in row:
        if pos == col:
            return cell
        pos += cell.colspan
    return None


def _drop_chars(spans: list[Span], count: int) -> list[Span]:
    """The spans without their first ``count`` characters of text."""
    out: list[Span] = []
    for s in spans:
        if count > 0 and s.kind == "text":
            if len(s.text) <= count:
                count -= len(s.text)
                continue
            s = Span("text", s.text[count:], s.bold, s.italic, s.link)
            count = 0
        elif count > 0 and s.kind == "break":
            count -= 1
            continue
        out.append(s)
    return out


def _counter(text: str, previous: str) -> tuple[str, int]:
    """The counter kind (1, a, A, i, I) and the number of a typed label."""
    if text.isdigit():
        return "1", int(text)
    if ROMAN.match(text) and (len(text) > 1 or previous in ("i", "I")
                              or (text in ("i", "I") and not previous)):
        value = _roman(text.lower())
        return ("i" if text.islower() else "I"), value
    n = 0
    letter = text[0].lower()
    n = (ord(letter) - ord("a") + 1) + 26 * (len(text) - 1)
    return ("a" if text.islower() else "A"), n


def _roman(text: str) -> int:
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
    total = 0
    for i, ch in enumerate(text):
        v = values[ch]
        total += -v if i + 1 < len(text) and values[text[i + 1]] > v else v
    return total


def _image_kind(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    head = data[:512].lstrip()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in data[:2048]):
        return "svg"
    return None


def cited_ids(texts: list[str]) -> list[str]:
    """Document ids cited in prose, in the register's form, first citation first."""
    out: dict[str, None] = {}
    for text in texts:
        for m in DOC_ID_IN_TEXT.finditer(text):
            out.setdefault(m.group().replace("-R", "R"), None)
    return list(out)
