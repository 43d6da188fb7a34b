"""A DOCX read as a reviewer left it: each paragraph with its text before and after the
tracked changes, and every comment, reply and change where it stands.

The paragraphs of the body come first (those of its tables included), then those of the
footnotes, in the order of the footnotes part, numbered in turn from 0. Reads markup as
Word writes it (w:ins, w:del with w:delText, w:moveFrom/w:moveTo, w:rPrChange/w:pPrChange,
a paragraph mark inserted or deleted, comments.xml and commentsExtended.xml for replies
and resolved state) and as LibreOffice writes it. Nothing is settled: a paragraph whose
mark was deleted stays a paragraph of its own, marked so. Knows nothing of the content;
the bookmarks reported are those whose names start with a given prefix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from reportgen.read.package import NotReadable, Package
from reportgen.read.parts import (
    CommentEntry,
    comment_entries,
    core_properties,
    custom_properties,
    main_part,
    normal_notes,
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CHANGE_KINDS = {f"{W}ins": "insertion", f"{W}del": "deletion", f"{W}moveFrom": "move from",
                f"{W}moveTo": "move to"}
TEXT_OF = {f"{W}t": "", f"{W}delText": "", f"{W}tab": "\t", f"{W}br": "\n", f"{W}cr": "\n"}
MAX_REVIEWED_PART_BYTES = 32 * 1024 * 1024  # a reviewed document's part, not a zip bomb


@dataclass
class Mark:
    """One comment, reply or change, where it stands in the document."""

    kind: str  # comment, reply, insertion, deletion, move from, move to, format,
    # paragraph format, join (a paragraph mark deleted), new paragraph (one inserted)
    author: str
    date: str
    text: str  # the comment's text, or the text inserted, deleted, moved or reformatted
    paragraph: int  # index of the paragraph it starts in
    anchored: str = ""  # for comments: the text the comment is attached to
    resolved: bool = False


@dataclass
class MarkedParagraph:
    index: int
    bookmarks: list[str]  # the bookmarks (of the prefix asked for) that start in it
    old: str  # the text with every change rejected
    new: str  # the text with every change accepted
    mark_deleted: bool = False  # its paragraph mark is a tracked deletion (joins the next)
    mark_inserted: bool = False
    # where each bookmark starts in ``new`` (a paragraph joined without tracking holds
    # the bookmarks of both, the second where the second's text begins)
    starts: dict[str, int] = field(default_factory=dict)
    ends: list[str] = field(default_factory=list)  # bookmarks that end here (a split)


@dataclass
class MarkedDocument:
    paragraphs: list[MarkedParagraph] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)  # in document order
    custom_properties: dict[str, str] = field(default_factory=dict)
    properties: dict[str, str] = field(default_factory=dict)  # core: identifier, modified …


def read_marked(path: Path | bytes, bookmark_prefix: str = "") -> MarkedDocument:
    """Everything a reviewer left in ``path`` (a file, or a DOCX's bytes), in document
    order. The package is read within the shared reader's limits (parts of at most
    32 MiB). Raises NotReadable."""
    with Package(path, MAX_REVIEWED_PART_BYTES) as package:
        main = main_part(package)
        document = package.xml(main)
        if document is None:
            raise NotReadable(f"no {main}: not a Word document")
        notes = package.xml("word/footnotes.xml")
        comments = comment_entries(package)
        out = MarkedDocument(custom_properties=custom_properties(package),
                             properties=core_properties(package))
    body = document.find(f"{W}body")
    if body is None:
        raise NotReadable("the document has no body")
    _Walker(out, comments, bookmark_prefix).walk([body, *normal_notes(notes)])
    return out


class _Walker:
    def __init__(self, out: MarkedDocument, comments: dict[str, CommentEntry],
                 prefix: str) -> None:
        self.out = out
        self.comments = comments
        self.prefix = prefix
        self.open_comments: dict[str, list[str]] = {}  # id -> anchored text so far
        self.started: dict[str, Mark] = {}
        self.bookmark_ids: dict[str, str] = {}  # w:id -> bookmark name

    def walk(self, stories: list[etree._Element]) -> None:
        """The paragraphs of the body, then those of each footnote, numbered in turn."""
        paragraphs = (p for story in stories for p in story.iter(f"{W}p"))
        for n, p in enumerate(paragraphs):
            self.paragraph(n, p)
        for cid in [c for c in self.comments if c not in self.started]:  # with no range
            self.comment(cid, 0)

    def paragraph(self, n: int, p: etree._Element) -> None:
        old: list[str] = []
        new: list[str] = []
        bookmarks = [b.get(f"{W}name", "") for b in p.iter(f"{W}bookmarkStart")
                     if b.get(f"{W}name", "").startswith(self.prefix)]
        changes: dict[etree._Element, list[str]] = {}
        formats: dict[etree._Element, list[str]] = {}
        starts: dict[str, int] = {}
        ends: list[str] = []
        for el in p.iter():
            if el.tag == f"{W}bookmarkStart":
                name = el.get(f"{W}name", "")
                if name.startswith(self.prefix):
                    starts.setdefault(name, sum(len(t) for t in new))
                    self.bookmark_ids[el.get(f"{W}id", "")] = name
            elif el.tag == f"{W}bookmarkEnd":
                name = self.bookmark_ids.get(el.get(f"{W}id", ""), "")
                if name:
                    ends.append(name)
            elif el.tag == f"{W}commentRangeStart":
                cid = el.get(f"{W}id", "")
                self.open_comments[cid] = []
                self.comment(cid, n)
            elif el.tag == f"{W}commentReference":  # a comment on a point: no range
                self.comment(el.get(f"{W}id", ""), n)
            elif el.tag == f"{W}commentRangeEnd":
                cid = el.get(f"{W}id", "")
                found = self.started.get(cid)
                if found is not None:
                    found.anchored = "".join(self.open_comments.pop(cid, [])).strip()
            text = TEXT_OF.get(el.tag)
            if text is None or _in_nested_content(el):
                continue
            if el.tag in (f"{W}t", f"{W}delText"):
                text = el.text or ""
            change = _change_of(el, p)
            kind = CHANGE_KINDS.get(change.tag) if change is not None else None
            if kind in ("insertion", "move to"):
                new.append(text)
            elif kind in ("deletion", "move from"):
                old.append(text)
            else:
                old.append(text)
                new.append(text)
            if change is not None:
                changes.setdefault(change, []).append(text)
            run = _ancestor(el, f"{W}r", p)
            if run is not None:
                r_pr = run.find(f"{W}rPr")
                fmt = r_pr.find(f"{W}rPrChange") if r_pr is not None else None
                if fmt is not None:
                    formats.setdefault(fmt, []).append(text)
            for parts in self.open_comments.values():
                parts.append(text)
        for change, parts in changes.items():
            self.add(CHANGE_KINDS[change.tag], change, "".join(parts), n)
        for fmt, parts in formats.items():
            self.add("format", fmt, "".join(parts), n)
        p_pr = p.find(f"{W}pPr")
        mark_deleted = mark_inserted = False
        if p_pr is not None:
            p_change = p_pr.find(f"{W}pPrChange")
            if p_change is not None:
                self.add("paragraph format", p_change, "".join(new), n)
            mark = p_pr.find(f"{W}rPr")
            if mark is not None:
                deleted, inserted = mark.find(f"{W}del"), mark.find(f"{W}ins")
                mark_deleted, mark_inserted = deleted is not None, inserted is not None
                tail = "".join(new)[-40:]
                if deleted is not None and "".join(new).strip():  # joins the next one
                    self.add("join", deleted, tail, n)
                if inserted is not None and "".join(old).strip():  # a paragraph break
                    self.add("new paragraph", inserted, tail, n)
        for parts in self.open_comments.values():
            parts.append("\n")
        self.out.paragraphs.append(MarkedParagraph(n, bookmarks, "".join(old), "".join(new),
                                                   mark_deleted, mark_inserted, starts, ends))

    def add(self, kind: str, el: etree._Element, text: str, n: int) -> None:
        self.out.marks.append(Mark(kind, el.get(f"{W}author", ""), el.get(f"{W}date", ""),
                                   text, n))

    def comment(self, cid: str, n: int) -> None:
        """A comment, listed where its range starts (its anchored text comes at its end)."""
        c = self.comments.get(cid)
        if c is None or cid in self.started:
            return
        found = Mark("reply" if c.parent else "comment", c.author, c.date, c.text, n, "",
                     c.done)
        self.started[cid] = found
        self.out.marks.append(found)


def _ancestor(el: etree._Element, tag: str, stop: etree._Element) -> etree._Element | None:
    for a in el.iterancestors():
        if a is stop:
            return None
        if a.tag == tag:
            return a
    return None


def _change_of(el: etree._Element, stop: etree._Element) -> etree._Element | None:
    """The innermost tracked change (w:ins, w:del, w:moveFrom, w:moveTo) holding ``el``."""
    for a in el.iterancestors():
        if a is stop:
            return None
        if a.tag in CHANGE_KINDS:
            return a
    return None


def _in_nested_content(el: etree._Element) -> bool:
    """Text inside a text box or similar nested content is not the paragraph's own."""
    return any(a.tag in (f"{W}txbxContent", f"{W}footnoteReference") for a in
               el.iterancestors())
