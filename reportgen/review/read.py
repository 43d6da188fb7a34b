"""Read a reviewed DOCX: comments, replies and tracked changes, paragraph by paragraph.

Paragraphs of the body come first, then those of the footnotes, in the order of the
footnotes part. Reads markup as Word writes it (w:ins, w:del with w:delText, w:moveFrom/w:moveTo,
w:rPrChange/w:pPrChange, comments.xml, commentsExtended.xml for replies and resolved
state) and as LibreOffice writes it. Knows nothing of the content: each paragraph comes
with the reportgen bookmarks it carries, its text before and after the changes, and the
findings in it. The reviewed file is only read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from reportgen.prepare.anchors import PREFIX
from reportgen.read.package import NotReadable, Package

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
W15 = "{http://schemas.microsoft.com/office/word/2012/wordml}"
CUSTOM = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
CORE = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
CHANGE_KINDS = {f"{W}ins": "insertion", f"{W}del": "deletion", f"{W}moveFrom": "move from",
                f"{W}moveTo": "move to"}
TEXT_OF = {f"{W}t": "", f"{W}delText": "", f"{W}tab": "\t", f"{W}br": "\n", f"{W}cr": "\n"}
MAX_PART_BYTES = 32 * 1024 * 1024  # a reviewed document's part, not a zip bomb


@dataclass
class Finding:
    """One comment, reply or change, where it stands in the document."""

    kind: str  # comment, reply, insertion, deletion, move from, move to, format, paragraph format
    author: str
    date: str
    text: str  # the comment's text, or the text inserted, deleted, moved or reformatted
    paragraph: int  # index of the paragraph it starts in
    anchored: str = ""  # for comments: the text the comment is attached to
    resolved: bool = False


@dataclass
class ReviewedParagraph:
    index: int
    bookmarks: list[str]  # reportgen bookmark names that start in this paragraph
    old: str  # the text with every change rejected
    new: str  # the text with every change accepted
    mark_deleted: bool = False  # its paragraph mark is a tracked deletion (joins the next)
    mark_inserted: bool = False
    # where each bookmark starts in ``new`` (a paragraph joined without tracking holds
    # the bookmarks of both, the second where the second's text begins)
    starts: dict[str, int] = field(default_factory=dict)
    ends: list[str] = field(default_factory=list)  # bookmarks that end here (a split)
    joined: bool = False  # its mark was removed without tracking (set by the comparison)


@dataclass
class Review:
    paragraphs: list[ReviewedParagraph] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    properties: dict[str, str] = field(default_factory=dict)  # custom document properties
    identifier: str = ""  # core property dc:identifier
    last_modified_by: str = ""  # who saved it last: the author of untracked edits
    modified: str = ""  # when (W3CDTF)



def read_review(path: Path | bytes) -> Review:
    """Everything a reviewer left in ``path`` (a file, or a DOCX's bytes), in document
    order. The package is read within the shared reader's limits."""
    with Package(path, MAX_PART_BYTES) as package:
        document = package.xml("word/document.xml")
        if document is None:
            raise NotReadable("no word/document.xml: not a Word document")
        notes = package.xml("word/footnotes.xml")
        comments = package.xml("word/comments.xml")
        extended = package.xml("word/commentsExtended.xml")
        custom = package.xml("docProps/custom.xml")
        core = package.xml("docProps/core.xml")
    review = Review()
    if custom is not None:
        for prop in custom.iter(f"{CUSTOM}property"):
            value = "".join(prop.itertext())
            review.properties[prop.get("name", "")] = value
    if core is not None:
        ident = core.find("{http://purl.org/dc/elements/1.1/}identifier")
        review.identifier = (ident.text or "") if ident is not None else ""
        by = core.find(f"{CORE}lastModifiedBy")
        review.last_modified_by = (by.text or "").strip() if by is not None else ""
        when = core.find("{http://purl.org/dc/terms/}modified")
        review.modified = (when.text or "").strip() if when is not None else ""
    body = document.find(f"{W}body")
    if body is None:
        raise NotReadable("the document has no body")
    walker = _Walker(review, _comment_texts(comments, extended))
    walker.walk([body, *_footnotes(notes)])
    return review


def _footnotes(part: etree._Element | None) -> list[etree._Element]:
    """The notes of the footnotes part, without Word's separators."""
    if part is None:
        return []
    return [n for n in part.iter(f"{W}footnote")
            if n.get(f"{W}type", "normal") == "normal"]


@dataclass
class _Comment:
    author: str
    date: str
    text: str
    para_id: str
    parent: str = ""  # para id of the comment this one replies to
    done: bool = False


def _comment_texts(comments: etree._Element | None,
                   extended: etree._Element | None) -> dict[str, _Comment]:
    out: dict[str, _Comment] = {}
    if comments is None:
        return out
    for c in comments.iter(f"{W}comment"):
        paras = c.findall(f"{W}p")
        text = "\n".join("".join(t.text or "" for t in p.iter(f"{W}t")) for p in paras)
        last = paras[-1].get(f"{W14}paraId", "") if paras else ""
        out[c.get(f"{W}id", "")] = _Comment(c.get(f"{W}author", ""), c.get(f"{W}date", ""),
                                            text.strip(), last)
    if extended is not None:
        by_para = {c.para_id: c for c in out.values() if c.para_id}
        for ex in extended.iter(f"{W15}commentEx"):
            comment = by_para.get(ex.get(f"{W15}paraId", ""))
            if comment is not None:
                comment.parent = ex.get(f"{W15}paraIdParent", "")
                comment.done = ex.get(f"{W15}done", "0") in ("1", "true")
    return out


class _Walker:
    def __init__(self, review: Review, comments: dict[str, _Comment]) -> None:
        self.review = review
        self.comments = comments
        self.open_comments: dict[str, list[str]] = {}  # id -> anchored text so far
        self.started: dict[str, Finding] = {}
        self.bookmark_ids: dict[str, str] = {}  # w:id -> reportgen bookmark name

    def walk(self, stories: list[etree._Element]) -> None:
        """The paragraphs of the body, then those of each footnote, numbered in turn."""
        paragraphs = (p for story in stories for p in story.iter(f"{W}p"))
        for n, p in enumerate(paragraphs):
            self.paragraph(n, p)
        for cid in set(self.comments) - set(self.started):  # a comment with no range
            self.comment(cid, 0)

    def paragraph(self, n: int, p: etree._Element) -> None:
        old: list[str] = []
        new: list[str] = []
        bookmarks = [b.get(f"{W}name", "") for b in p.iter(f"{W}bookmarkStart")
                     if b.get(f"{W}name", "").startswith(PREFIX)]
        changes: dict[etree._Element, list[str]] = {}
        formats: dict[etree._Element, list[str]] = {}
        starts: dict[str, int] = {}
        ends: list[str] = []
        for el in p.iter():
            if el.tag == f"{W}bookmarkStart":
                name = el.get(f"{W}name", "")
                if name.startswith(PREFIX):
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
        self.review.paragraphs.append(ReviewedParagraph(n, bookmarks, "".join(old),
                                                        "".join(new), mark_deleted,
                                                        mark_inserted, starts, ends))

    def add(self, kind: str, el: etree._Element, text: str, n: int) -> None:
        self.review.findings.append(Finding(kind, el.get(f"{W}author", ""),
                                            el.get(f"{W}date", ""), text, n))

    def comment(self, cid: str, n: int) -> None:
        """A comment, listed where its range starts (its anchored text comes at its end)."""
        c = self.comments.get(cid)
        if c is None or cid in self.started:
            return
        kind = "reply" if c.parent else "comment"
        found = Finding(kind, c.author, c.date, c.text, n, "", c.done)
        self.started[cid] = found
        self.review.findings.append(found)


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
