"""Tracked changes: listed where they are, then accepted or rejected in the XML.

Reading a document with changes in it means choosing which text to read. The changes
are first listed (kind, author, date, text, paragraph), then every one is either
accepted (what the document reads as with the changes made) or rejected (as it read
before them), on a copy of the part: insertions and deletions of text
(``w:ins``/``w:del``/``w:moveTo``/``w:moveFrom``), of paragraph marks (two paragraphs
joined), of table rows, and changes of formatting (``w:rPrChange``, ``w:pPrChange`` …).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
INSERTED = (f"{W}ins", f"{W}moveTo")
DELETED = (f"{W}del", f"{W}moveFrom")
KINDS = {f"{W}ins": "insertion", f"{W}del": "deletion", f"{W}moveTo": "move",
         f"{W}moveFrom": "move"}
FORMAT_CHANGES = tuple(f"{W}{n}" for n in ("rPrChange", "pPrChange", "sectPrChange",
                                           "tblPrChange", "tblGridChange", "trPrChange",
                                           "tcPrChange", "tblPrExChange", "numberingChange"))
RANGE_MARKS = tuple(f"{W}{n}" for n in ("moveFromRangeStart", "moveFromRangeEnd",
                                        "moveToRangeStart", "moveToRangeEnd",
                                        "customXmlInsRangeStart", "customXmlInsRangeEnd",
                                        "customXmlDelRangeStart", "customXmlDelRangeEnd"))
Choice = Literal["accept", "reject"]


@dataclass(frozen=True)
class Change:
    """One tracked change, where it starts."""

    kind: str  # insertion, deletion, move, formatting, paragraph mark, table row
    author: str
    date: str
    text: str
    paragraph: int  # 1-based index of the paragraph it is in (its story's numbering)


def _text(el: etree._Element) -> str:
    return "".join(t.text or "" for t in el.iter(f"{W}t", f"{W}delText"))


def list_changes(paragraphs: list[etree._Element], first: int = 1) -> list[Change]:
    """The tracked changes of these paragraphs (numbered from ``first``) and of the table
    rows holding them, in order."""
    out: list[Change] = []
    rows_seen: set[etree._Element] = set()
    for n, p in enumerate(paragraphs, start=first):
        for el in p.iter(*KINDS, *FORMAT_CHANGES):
            if el.tag in KINDS and el.getparent() is not None \
                    and el.getparent().tag == f"{W}rPr":
                kind = "paragraph mark"  # an inserted or deleted paragraph mark
            elif el.tag in KINDS:
                if any(a.tag in KINDS for a in el.iterancestors()):
                    continue
                kind = KINDS[el.tag]
            else:
                kind = "formatting"
            out.append(Change(kind, el.get(f"{W}author", ""), el.get(f"{W}date", ""),
                              _text(el) if el.tag in KINDS else "", n))
        row = next((a for a in p.iterancestors(f"{W}tr")), None)
        if row is not None and row not in rows_seen:
            rows_seen.add(row)
            for mark in row.findall(f"{W}trPr/*"):
                if mark.tag in KINDS:
                    out.append(Change("table row", mark.get(f"{W}author", ""),
                                      mark.get(f"{W}date", ""), "", n))
    return out


def settle(root: etree._Element, choice: Choice) -> None:
    """Accept or reject every tracked change under ``root``, in place."""
    keep, drop = (INSERTED, DELETED) if choice == "accept" else (DELETED, INSERTED)
    for row in list(root.iter(f"{W}tr")):
        marks = row.find(f"{W}trPr")
        if marks is None:
            continue
        if any(m.tag in drop for m in marks):
            row.getparent().remove(row)
            continue
        for m in [m for m in marks if m.tag in keep]:
            marks.remove(m)
    for cell_mark in list(root.iter(f"{W}cellIns", f"{W}cellDel")):
        cell_mark.getparent().remove(cell_mark)
    # paragraph marks: a dropped mark joins its paragraph with the next one
    for p in list(root.iter(f"{W}p")):
        mark = p.find(f"{W}pPr/{W}rPr")
        if mark is None:
            continue
        dropped = any(m.tag in drop for m in mark)
        for m in [m for m in mark if m.tag in KINDS]:
            mark.remove(m)
        if dropped:
            _join_with_next(p)
    for el in list(root.iter(*drop)):
        if el.getparent() is not None:
            el.getparent().remove(el)
    for el in list(root.iter(*keep)):
        _unwrap(el)
    for el in list(root.iter(*RANGE_MARKS)):
        el.getparent().remove(el)
    if choice == "reject":
        for t in root.iter(f"{W}delText"):
            t.tag = f"{W}t"
        for t in root.iter(f"{W}delInstrText"):
            t.tag = f"{W}instrText"
    for change in list(root.iter(*FORMAT_CHANGES)):
        holder = change.getparent()
        if choice == "reject":
            former = change.find("./*")  # the properties as they were
            if former is not None and holder is not None:
                for child in [c for c in holder if c is not change]:
                    holder.remove(child)
                for child in list(former):
                    holder.append(child)
        if change.getparent() is not None:
            change.getparent().remove(change)


def _unwrap(el: etree._Element) -> None:
    parent = el.getparent()
    if parent is None:
        return
    index = parent.index(el)
    for child in reversed(list(el)):
        parent.insert(index, child)
    parent.remove(el)


def _join_with_next(p: etree._Element) -> None:
    """Move the content of the paragraph after ``p`` into ``p`` and remove it."""
    following = p.getnext()
    if following is None or following.tag != f"{W}p":
        return
    for child in list(following):
        if child.tag != f"{W}pPr":
            p.append(child)
    following.getparent().remove(following)
