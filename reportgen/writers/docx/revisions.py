"""Tracked changes in WordprocessingML: w:ins, w:del (with w:delText), w:rPrChange, and
the marks on paragraph marks and table rows.

A block that moved is marked deleted where it was and inserted where it is: other
generators' w:moveFrom/w:moveTo have made Word report unreadable content (the move
ranges must pair exactly), while a deletion and an insertion read the same everywhere.

Rules (ECMA-376 §17.13): every change has a w:id unique in the part (shared with
bookmarks), an author and a date; deleted text is in w:delText, never w:t; a change
element holds runs, so runs inside a hyperlink are wrapped inside the hyperlink.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

TAGS = {"inserted": "w:ins", "deleted": "w:del", "moved-from": "w:del",
        "moved-to": "w:ins"}
ROW_TAGS = {"inserted": "w:ins", "deleted": "w:del", "moved-from": "w:del",
            "moved-to": "w:ins"}
RUN_CONTAINERS = {qn("w:p"), qn("w:hyperlink")}


class Tracker:
    """Makes change elements with one author and date and ids from a shared counter."""

    def __init__(self, author: str, date: str, next_id: Callable[[], int]) -> None:
        self.author = author
        self.date = f"{date}T00:00:00Z"
        self.next_id = next_id

    def element(self, tag: str) -> etree._Element:
        el = OxmlElement(tag)
        el.set(qn("w:id"), str(self.next_id()))
        el.set(qn("w:author"), self.author)
        el.set(qn("w:date"), self.date)
        return el

    def wrap_runs(self, elements: Iterable[etree._Element], change: str) -> None:
        """Put the runs among ``elements`` (and inside the hyperlinks among them) in
        change elements; deleted text becomes w:delText."""
        tag = TAGS[change]
        group: list[etree._Element] = []

        def flush() -> None:
            if group:
                wrapper = self.element(tag)
                group[0].addprevious(wrapper)
                for run in group:
                    wrapper.append(run)
                group.clear()

        for el in list(elements):
            if el.tag == qn("w:r"):
                group.append(el)
                continue
            flush()
            if el.tag == qn("w:hyperlink"):
                self.wrap_runs(list(el), change)
        flush()
        if change in ("deleted", "moved-from"):
            for el in elements:
                for t in el.iter(qn("w:t")):
                    t.tag = qn("w:delText")

    def mark_paragraph(self, p: etree._Element, change: str) -> None:
        """The whole paragraph, its mark included, is inserted, deleted or moved."""
        self.wrap_runs(list(p), change)
        self.mark_end(p, change)

    def mark_end(self, p: etree._Element, change: str) -> None:
        """Only the paragraph's mark is inserted or deleted: a split or a join."""
        p_pr = p.find(qn("w:pPr"))
        if p_pr is None:
            p_pr = OxmlElement("w:pPr")
            p.insert(0, p_pr)
        r_pr = p_pr.find(qn("w:rPr"))
        if r_pr is None:
            r_pr = OxmlElement("w:rPr")
            _insert_before(p_pr, r_pr, ("w:sectPr", "w:pPrChange"))
        r_pr.append(self.element(TAGS[change]))

    def mark_row(self, tr: etree._Element, change: str) -> None:
        """A table row inserted or deleted, with its cells' paragraphs."""
        tr_pr = tr.find(qn("w:trPr"))
        if tr_pr is None:
            tr_pr = OxmlElement("w:trPr")
            _insert_before(tr, tr_pr, ("w:tc",))
        tr_pr.append(self.element(ROW_TAGS[change]))
        for p in tr.iter(qn("w:p")):
            self.mark_paragraph(p, "inserted" if ROW_TAGS[change] == "w:ins" else "deleted")

    def restyle(self, p: etree._Element, former_style: str) -> None:
        """The paragraph's style changed: w:pPrChange holds the former style."""
        p_pr = p.find(qn("w:pPr"))
        if p_pr is None:
            p_pr = OxmlElement("w:pPr")
            p.insert(0, p_pr)
        former = OxmlElement("w:pPr")
        style = OxmlElement("w:pStyle")
        style.set(qn("w:val"), former_style)
        former.append(style)
        change = self.element("w:pPrChange")
        change.append(former)
        p_pr.append(change)

    def reformat(self, runs: Iterable[etree._Element], bold: bool, italic: bool) -> None:
        """Runs whose emphasis changed: w:rPrChange keeps the former bold and italic."""
        for run in runs:
            if run.tag != qn("w:r"):
                continue
            r_pr = run.find(qn("w:rPr"))
            if r_pr is None:
                r_pr = OxmlElement("w:rPr")
                run.insert(0, r_pr)
            former = OxmlElement("w:rPr")
            style = r_pr.find(qn("w:rStyle"))
            if style is not None:
                former.append(_copy(style))
            if bold:
                former.append(OxmlElement("w:b"))
            if italic:
                former.append(OxmlElement("w:i"))
            change = self.element("w:rPrChange")
            change.append(former)
            r_pr.append(change)


def _insert_before(parent: etree._Element, child: etree._Element,
                   successors: tuple[str, ...]) -> None:
    """Insert ``child`` before the first of ``successors`` (schema order), else last."""
    for tag in successors:
        found = parent.find(qn(tag))
        if found is not None:
            found.addprevious(child)
            return
    parent.append(child)


def _copy(el: etree._Element) -> etree._Element:
    return etree.fromstring(etree.tostring(el))
