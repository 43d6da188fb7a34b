"""A TSB letter (``kind: letter``) read back: its letterhead and reference block into
``document.letter``, and the salutation, closing, signature and count of annexes around
its text.

The letterhead is a borderless table whose first row names the Bureau (``TELECOMMUNI-
CATION STANDARDIZATION BUREAU``) and prints the place and date on the right; then come
``Ref:`` (the letter's number and file references, the addressees beside them), the
``Tel:``, ``Fax:``, ``E-mail:`` and ``Web:`` rows, ``Copy:`` and ``Subject:`` (the
title). The group is in the document's identifier (``TSB Collective letter 2/TSAG``);
the study period is printed nowhere, so it is taken from the date and said so.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from reportgen.importer.cover import (
    Cover,
    clean,
    detect_language,
    leading_empty,
    lines_of,
    read_date,
    read_month,
    template_re,
)
from reportgen.prepare.languages import LANGUAGES, Locale, locale
from reportgen.read import Paragraph, Table

LETTER_LABELS = ("ref", "subject", "tel", "fax", "email", "web", "copy")
LINE_MARK = re.compile(r"^[-\u2013\u2014\u2022]\s+")  # "- To ITU-T Sector Members;"
# the WTSA that opened each study period: a letter dated after it belongs to the period
STUDY_PERIODS = ((dt.date(2024, 10, 24), "2025-2028"), (dt.date(2022, 3, 9), "2022-2024"),
                 (dt.date(2016, 11, 3), "2017-2020"), (dt.date(2012, 11, 29), "2013-2016"),
                 (dt.date(2008, 10, 30), "2009-2012"))
ANNEX_STYLES = {"annexnotitle", "appendixnotitle", "endmark"}
SIGNATURE_LINES = 6  # a signature: name, title, maybe a second title; never a paragraph


@dataclass
class LetterText:
    """What the letter prints around its text, read from the body's blocks."""

    blocks: list[Paragraph | Table]  # the text and the annexes, without them
    annex_count: int | None = None  # the count printed after the signature
    notes: list[str] = field(default_factory=list)


def _norm(name: str) -> str:
    return re.sub(r"[\s_-]", "", name).lower()


def _row_label(row: list[Any]) -> str:
    return clean(row[0].text) if row else ""


def is_letterhead(table: Table) -> bool:
    """A TSB letter's first table: the Bureau's line in its first row, or a Ref: row."""
    if not table.rows:
        return False
    head = {clean(line) for cell in table.rows[0] for line in cell.text.split("\n")}
    labels = {_row_label(row) for row in table.rows[1:]}
    for letter in LANGUAGES:
        lang = locale(letter)
        if lang["bureau"] in head or lang["ref"] in labels:
            return True
    return False


def read_letter_cover(blocks: list[Paragraph | Table], kind: str | None,
                      properties: dict[str, str]) -> Cover | None:
    """The cover of a letter at the start of ``blocks``; None when they do not start
    with a letterhead (or ``kind`` asks for another kind)."""
    skip = leading_empty(blocks)
    first = blocks[skip] if skip < len(blocks) else None
    if kind not in (None, "letter") or not isinstance(first, Table) or \
            not is_letterhead(first):
        return None
    cover = Cover(used=skip + 1)
    lang = detect_language([_row_label(row) for row in first.rows], LETTER_LABELS)
    cover.language = lang.letter
    doc = cover.document
    doc["kind"] = "letter"
    if lang.letter != "E":
        doc["language"] = lang.letter
    letter: dict[str, Any] = {}
    by_label = {lang[k]: k for k in LETTER_LABELS}
    for r, row in enumerate(first.rows):
        if r == 0:
            _letterhead(row, lang, doc, letter, cover)
            continue
        key = by_label.get(_row_label(row))
        cells = [lines_of(c.paragraphs) for c in row[1:]]
        if key == "ref":
            _reference(cells[0] if cells else [], lang, doc, letter, cover)
        elif key in ("tel", "fax", "email", "web"):
            letter[key] = " ".join(cells[0]) if cells else ""
        elif key == "copy":
            letter["copy_to"] = [LINE_MARK.sub("", c) for cell in cells for c in cell]
        elif key == "subject":
            doc["title"] = " ".join(line for cell in cells for line in cell)
        elif any(cells) or _row_label(row):
            text = " | ".join(t for t in [_row_label(row), *(" ".join(c) for c in cells)]
                              if t)
            cover.notes.append(f"letterhead row {r + 1} ({text[:40]!r}) is not a letter "
                               "field: kept as a plain paragraph")
            cover.kept.extend(q for c in row for q in c.paragraphs if q.text.strip())
        if len(cells) > 1 and key != "copy" and cells[-1] and "addressees" not in letter:
            letter["addressees"] = [LINE_MARK.sub("", a) for a in cells[-1]]
    if not letter.get("addressees"):
        cover.notes.append("no addressees beside Ref:: written as '(addressees not "
                           "given)'; give document.letter.addressees")
        letter["addressees"] = ["(addressees not given)"]
    _group(doc, letter, lang, properties, cover)
    _study_period(doc, cover)
    doc["letter"] = {k: letter[k] for k in ("series", "place", "reference", "addressees",
                                            "copy_to", "tel", "fax", "email", "web")
                     if letter.get(k)}
    return cover


def _letterhead(row: list[Any], lang: Locale, doc: dict[str, Any],
                letter: dict[str, Any], cover: Cover) -> None:
    """The first row: ITU and the Bureau (fixed texts), the place and date at the right."""
    lines = [line for cell in row for line in lines_of(cell.paragraphs)]
    pattern = template_re(lang["place_and_dates"], place=r".+?", dates=r".+")
    for line in lines:
        if line in (lang["organisation"], lang["bureau"]):
            continue
        m = pattern.match(line)
        if m is not None:
            day = read_date(m.group("dates"), lang)
            month = read_month(m.group("dates"), lang) if day is None else None
            if day is not None or month is not None:
                doc["date"] = day if day is not None else month
                letter["place"] = m.group("place")
                continue
        cover.notes.append(f"letterhead line {line[:40]!r} is neither the Bureau nor a "
                           "place and date: left out")
    if "date" not in doc:
        cover.notes.append("no place and date in the letterhead")


def _reference(lines: list[str], lang: Locale, doc: dict[str, Any], letter: dict[str, Any],
               cover: Cover) -> None:
    """Ref:: the letter's own number (TSB Collective letter 2, TSB Circular 68), then the
    file references."""
    rest = list(lines)
    number = re.compile(r"\d{1,5}")
    for series, key in (("collective letter", "collective_letter"), ("circular", "circular")):
        pattern = template_re(lang[key], n=number.pattern)
        if rest and (m := pattern.match(rest[0].split("/")[0].strip())):
            doc["number"] = int(m.group("n"))
            if series == "circular":
                letter["series"] = series
            rest = rest[1:]
            break
    else:
        cover.notes.append("no letter number (TSB Collective letter N, TSB Circular N) "
                           "under Ref:: the letter is a draft without a number")
    letter["reference"] = rest


def _group(doc: dict[str, Any], letter: dict[str, Any], lang: Locale,
           properties: dict[str, str], cover: Cover) -> None:
    """The group of a collective letter, from the document's identifier
    (TSB Collective letter 2/TSAG); a circular is to all and names none."""
    pattern = template_re(lang["collective_letter"] + "/{group}", n=r"\d{1,5}",
                          group=r"[A-Za-z0-9-]{2,20}")
    m = pattern.match(clean(properties.get("identifier", "")))
    if m is not None:
        doc["group"] = m.group("group")
        return
    doc["group"] = "TSAG"
    what = "a circular names no group" if letter.get("series") == "circular" else \
        "no group in the document's identifier (TSB Collective letter N/GROUP)"
    cover.notes.append(f"{what}: group set to TSAG")


def _study_period(doc: dict[str, Any], cover: Cover) -> None:
    """A letter prints no study period: the one its date falls in."""
    date = doc.get("date")
    day = dt.date.fromisoformat(date + "-01") if isinstance(date, str) else date
    if day is None:
        return  # the import dates it from the file's properties and says so
    for opened, period in STUDY_PERIODS:
        if day > opened:
            doc["study_period"] = period
            cover.notes.append(f"a letter prints no study period: set to {period} from "
                               "its date")
            return


# ------------------------------------------------------------------- the text


def letter_text(blocks: list[Paragraph | Table], lang: Locale,
                letter: dict[str, Any]) -> LetterText:
    """The body of a letter without its salutation, closing, signature and count of
    annexes, which go to ``letter`` (salutation and closing only when they differ from
    the language's)."""
    out = LetterText(list(blocks))
    _salutation(out, lang, letter)
    end = next((i for i, b in enumerate(out.blocks)
                if isinstance(b, Paragraph) and _norm(b.style) in ANNEX_STYLES),
               len(out.blocks))
    tail = [i for i in range(end) if isinstance(out.blocks[i], Paragraph)
            and out.blocks[i].text.strip()]  # type: ignore[union-attr]
    if not tail:
        out.notes.append(f"no closing found: the rebuilt letter ends with {lang['closing']!r}")
        return out
    drop: list[int] = []
    last = out.blocks[tail[-1]]
    assert isinstance(last, Paragraph)
    count = _annex_count(last, lang)
    if count is not None:
        out.annex_count = count
        drop.append(tail.pop())
    closing = _closing(out.blocks, tail, lang)
    if closing is None:
        out.notes.append(f"no closing found: the rebuilt letter ends with {lang['closing']!r}"
                         " and no signature")
        out.blocks = [b for i, b in enumerate(out.blocks) if i not in drop]
        return out
    first = out.blocks[closing]
    assert isinstance(first, Paragraph)
    text = first.text.strip()
    if text != lang["closing"]:
        letter["closing"] = text
    signature = [line.strip() for i in tail if i > closing
                 for line in out.blocks[i].text.split("\n")  # type: ignore[union-attr]
                 if line.strip()]
    if signature:
        letter["signature"] = signature
    drop += [i for i in tail if i >= closing]
    out.blocks = [b for i, b in enumerate(out.blocks) if i not in drop and
                  not (closing < i < end and isinstance(b, Paragraph) and not b.text.strip())]
    return out


def _salutation(out: LetterText, lang: Locale, letter: dict[str, Any]) -> None:
    for i, block in enumerate(out.blocks):
        if not isinstance(block, Paragraph):
            break
        text = block.text.strip()
        if not text:
            continue
        greeting = lang["salutation"].split()[0]
        if "_rg_letter_salutation" in block.bookmarks or text == lang["salutation"] or (
                len(text) <= 80 and text.startswith(greeting) and text.endswith(",")
                and block.label is None):
            if text != lang["salutation"]:
                letter["salutation"] = text
            del out.blocks[i]
            return
        break
    out.notes.append(f"no salutation found: the rebuilt letter opens with "
                     f"{lang['salutation']!r}")


def _annex_count(p: Paragraph, lang: Locale) -> int | None:
    text = clean(p.text)
    if text == lang["annex_line"]:
        return 1
    m = template_re(lang["annexes_line"], n=r"\d{1,3}").match(text)
    return int(m.group("n")) if m is not None else None


def _closing(blocks: list[Paragraph | Table], tail: list[int], lang: Locale) -> int | None:
    """The index of the closing line among the last paragraphs before the annexes: the
    language's closing, or a short line ending in a comma followed by a signature."""
    for back, i in enumerate(reversed(tail)):
        p = blocks[i]
        assert isinstance(p, Paragraph)
        text = p.text.strip()
        if "_rg_letter_closing" in p.bookmarks or text == lang["closing"]:
            return i
        after = [blocks[j] for j in tail[len(tail) - back:]]
        signature = sum(len(q.text.split("\n")) for q in after if isinstance(q, Paragraph))
        if text.endswith(",") and len(text) <= 60 and p.label is None and \
                0 < signature <= SIGNATURE_LINES:
            return i
        if back >= 3:
            break
    return None
