"""The cover block of an ITU document, read back into ``document:`` fields.

The kind comes from the cover: a ``Rec_Title`` paragraph and no cover table is a plain
text, a ``CONTRIBUTION`` row a contribution, a ``LIAISON STATEMENT`` row a liaison
statement, any other cover table a TD. Labels are matched in the six languages of the
locale files, and dates are read by printing candidate dates the way the cover prints
them and keeping the one that matches, so whatever a language writes is read back.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reportgen.prepare.languages import LANGUAGES, Locale, locale
from reportgen.read import Paragraph, Table

ISOLATES = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069\u200e\u200f"))
NUMBER_RE = re.compile(r"^(?P<group>\S+?)-(?P<kind>TD|C)(?P<n>\d{1,5})"
                       r"(?:(?P<form>-R|R)(?P<rev>\d{1,2}))?$")
OLD_NUMBER_RE = re.compile(r"^(?P<kind>TD|C) (?P<n>\d{1,5})(?: Rev\.(?P<rev>\d{1,2}))?$")
# an R-series report's number: TSAG – R 2 – E (itu-style.md §1.5)
REPORT_NUMBER_RE = re.compile(r"^(?P<group>\S+)\s*[\u2013-]\s*R\s*(?P<n>\d{1,5})\s*[\u2013-]\s*"
                              r"(?P<language>[EFSRAC])$")
TITLE_STYLES = {"rectitle", "title"}  # ITU's Recommendation title; Word's and pandoc's
LIAISON_KEYS = ("for_action", "for_comment", "for_information", "approval", "deadline")


@dataclass
class Cover:
    """What the cover gave: the ``document:`` mapping, the blocks it used, the notes."""

    document: dict[str, Any] = field(default_factory=dict)
    used: int = 0  # how many leading blocks of the body belong to the cover
    notes: list[str] = field(default_factory=list)  # what could not be read, as sentences
    language: str = "E"
    kept: list[Paragraph] = field(default_factory=list)  # cover text with no field: body text


def clean(text: str) -> str:
    return text.translate(ISOLATES).strip()


def template_re(template: str, **groups: str) -> re.Pattern[str]:
    """A locale template ("{place}, {dates}") as a regular expression."""
    pattern = re.escape(template)
    for name, inner in groups.items():
        pattern = pattern.replace(re.escape("{" + name + "}"), f"(?P<{name}>{inner})")
    return re.compile(f"^{pattern}$", re.S)


COVER_LABELS = ("questions", "source", "title", "contact", "abstract", "purpose", "keywords")


def detect_language(labels: list[str], keys: tuple[str, ...] = COVER_LABELS) -> Locale:
    """The locale whose labels (``keys`` of the locale files) the document uses most."""
    best, score = locale("E"), -1
    for letter in LANGUAGES:
        lang = locale(letter)
        wanted = {lang[k] for k in keys}
        hits = sum(1 for text in labels if text in wanted)
        if hits > score:
            best, score = lang, hits
    return best


def read_date_range(text: str, lang: Locale) -> tuple[dt.date, dt.date] | None:
    """The first and last day of a range printed as ``lang`` prints it."""
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    years = sorted({n for n in numbers if 1900 <= n <= 2200})
    days = sorted({n for n in numbers if 1 <= n <= 31})
    if not years or len(numbers) > 8:
        return None
    candidates = []
    for year in years:
        for first_year in (year, year - 1):
            for m1, m2 in itertools.product(range(1, 13), repeat=2):
                if (m2 - m1) % 12 > 2:
                    continue  # a meeting is not longer than two months
                for d1, d2 in itertools.product(days, repeat=2):
                    try:
                        start = dt.date(first_year, m1, d1)
                        end = dt.date(year, m2, d2)
                    except ValueError:
                        continue
                    if start <= end and (end - start).days <= 62:
                        candidates.append((start, end))
    for start, end in candidates:
        if lang.date_range(start, end) == text:
            return start, end
    loose = _loose(text)  # "30 May – 2 June 2023", as typed in Word
    for start, end in candidates:
        if _loose(lang.date_range(start, end)) == loose:
            return start, end
    return None


def _loose(text: str) -> str:
    return re.sub(r"\s*[-\u2013\u2014]\s*", "-", text.strip())


def read_date(text: str, lang: Locale,
              printed: Callable[[Locale, dt.date], str] | None = None) -> dt.date | None:
    """A day printed as ``lang`` prints a long date (or as ``printed`` prints it): the
    candidates its numbers allow, printed back and compared."""
    show = printed or (lambda loc, day: loc.long_date(day))
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    years = sorted({n for n in numbers if 1900 <= n <= 2200})
    days = sorted({n for n in numbers if 1 <= n <= 31})
    for year, month, day in itertools.product(years, range(1, 13), days):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if show(lang, candidate) == text:
            return candidate
    return None


def lines_of(paragraphs: list[Paragraph]) -> list[str]:
    out: list[str] = []
    for p in paragraphs:
        out.extend(clean(line) for line in p.text.split("\n"))
    return [line for line in out if line]


def read_cover(blocks: list[Paragraph | Table], kind: str | None) -> Cover:
    """Read the cover at the start of ``blocks``; ``kind`` forces the document kind."""
    skip = leading_empty(blocks)
    cover = _read_cover(blocks[skip:], kind)
    cover.used += skip
    return cover


def leading_empty(blocks: list[Paragraph | Table]) -> int:
    """How many empty paragraphs come first (LibreOffice may add one before a leading
    table)."""
    skip = 0
    while skip < len(blocks) and isinstance(blocks[skip], Paragraph) and \
            not blocks[skip].text.strip() and not blocks[skip].pictures:  # type: ignore[union-attr]
        skip += 1
    return skip


def _read_cover(blocks: list[Paragraph | Table], kind: str | None) -> Cover:
    cover = Cover()
    first = blocks[0] if blocks else None
    if (isinstance(first, Paragraph) and _norm(first.style) in TITLE_STYLES) or \
            not isinstance(first, Table) or kind == "plain":
        return _plain(blocks, cover, kind)
    tables = [first]
    if len(blocks) > 1 and isinstance(blocks[1], Table):
        tables.append(blocks[1])
    rows = [row for t in tables for row in t.rows]
    labels = [clean(row[0].text) for row in rows if row]
    lang = detect_language(labels)
    cover.language = lang.letter
    doc = cover.document
    doc["kind"] = kind or "td"
    if lang.letter != "E":
        doc["language"] = lang.letter
    by_label = {lang[k]: k for k in ("questions", "source", "title", "purpose", "contact",
                                     "keywords", "abstract", *LIAISON_KEYS)}
    contacts: list[dict[str, str]] = []
    liaison: dict[str, Any] = {}
    report_lines: list[str] = []
    keywords_row = abstract_in_first = False
    for t_index, table in enumerate(tables):
        for r, row in enumerate(table.rows):
            texts = [c.text for c in row]
            if not row:
                continue
            if t_index == 0 and r == 0:
                _masthead(row, lang, doc, cover)
                continue
            if len(row) == 1:
                whole = clean(texts[0])
                if whole == lang["contribution"]:
                    doc["kind"] = kind or "contribution"
                elif whole == lang["liaison_statement"]:
                    doc["kind"] = kind or "ls"
                elif _report_lines(row[0], lang):
                    doc["kind"] = kind or "report"
                    report_lines = _report_lines(row[0], lang)
                elif whole:
                    cover.notes.append(f"cover row {r + 1} ({whole[:40]!r}) has no place "
                                       "in the cover fields: left out")
                continue
            key = by_label.get(clean(texts[0]))
            value = clean(texts[1]) if len(texts) > 1 else ""
            if key is None:
                cover.notes.append(f"cover row {r + 1} ({clean(texts[0])[:40]!r}) is not "
                                   "a cover field: left out")
                continue
            if key == "questions":
                doc["questions"] = value  # empty: nothing after the label
                if len(texts) > 2 and clean(texts[2]):
                    _meeting(clean(texts[2]), lang, doc, cover)
            elif key in ("source", "title"):
                doc[key] = value
            elif key == "purpose":
                back = {v: k for k, v in lang.purposes.items()}
                doc["purpose"] = back.get(value, value)
            elif key == "keywords":
                keywords_row = True
                doc["keywords"] = [k.strip() for k in value.split(";") if k.strip()]
            elif key == "abstract":
                doc["abstract"] = value
                abstract_in_first = t_index == 0
            elif key == "contact":
                contacts.append(_contact(row, lang))
            elif key == "deadline":
                when = read_date(value, lang)
                liaison["deadline"] = when if when is not None else "N/A" \
                    if value == "N/A" else value
                if when is None and value != "N/A":
                    cover.notes.append(f"deadline {value!r} is not a date: kept as written "
                                       "(write YYYY-MM-DD or N/A)")
            elif key == "approval":
                liaison["approval"] = value
            else:
                liaison[key] = [v.strip() for v in value.split(",") if v.strip()]
    if contacts:
        doc["contacts"] = contacts
    if liaison and doc["kind"] == "ls":
        doc["liaison"] = liaison
    elif liaison:
        cover.notes.append(f"the liaison statement's rows ({', '.join(liaison)}) left out: "
                           f"a {doc['kind']} has none")
    if keywords_row or abstract_in_first:
        doc["layout"] = "2017-2020"
    if kind:
        doc["kind"] = kind  # --kind wins over what the masthead and the rows say
    month = doc.pop("report_date", None)
    masthead = doc.pop("report_masthead", None)
    if doc["kind"] == "report":
        _report_date(doc, month, report_lines, cover)
    elif month or masthead:
        cover.notes.append(f"the R-series report's masthead ({masthead or month!r}) read "
                           f"as a {doc['kind']}'s: only its number kept")
    cover.used = len(tables)
    nxt = blocks[cover.used] if len(blocks) > cover.used else None
    if isinstance(nxt, Paragraph) and nxt.text.startswith(lang["action"]):
        doc["action"] = clean(nxt.text[len(lang["action"]):])
        cover.used += 1
    return cover


def _plain(blocks: list[Paragraph | Table], cover: Cover, kind: str | None) -> Cover:
    doc = cover.document
    doc["kind"] = kind or "plain"
    first = blocks[0] if blocks else None
    if isinstance(first, Paragraph) and _norm(first.style) in TITLE_STYLES:
        doc["title"] = clean(first.text)
        cover.used = 1
        nxt = blocks[1] if len(blocks) > 1 else None
        if isinstance(nxt, Paragraph) and nxt.centred and _norm(nxt.style) == "normal" \
                and nxt.text.strip() and nxt.label is None:
            doc["subtitle"] = clean(nxt.text)
            cover.used = 2
    return cover


def _masthead(row: list[Any], lang: Locale, doc: dict[str, Any], cover: Cover) -> None:
    lines = [line for cell in row for line in lines_of(cell.paragraphs)]
    period_re = template_re(lang["study_period"], period=r"\d{4}\s*-\s*\d{4}")
    original_re = template_re(lang["original"], language=r".+")
    group_re = template_re(lang["study_group"], number=r"\d+")
    group = ""
    for line in lines:
        if line in (lang["organisation"], lang["sector"]):
            continue
        if m := period_re.match(line):
            a, b = (int(x) for x in re.findall(r"\d{4}", m.group("period")))
            doc["study_period"] = f"{min(a, b)}-{max(a, b)}"
        elif m := original_re.match(line):
            name = m.group("language")
            back = {v: k for k, v in lang.languages.items()}
            letter = back.get(name)
            english = {"E": "English", "F": "French", "S": "Spanish", "R": "Russian",
                       "A": "Arabic", "C": "Chinese"}
            doc["original"] = english[letter] if letter else name
        elif line == lang["only"]:
            doc["english_only"] = True
        elif m := REPORT_NUMBER_RE.match(line):
            doc["number"] = int(m.group("n"))
            group = group or m.group("group")
            doc["report_masthead"] = line
            if doc.get("kind") == "td":
                doc["kind"] = "report"
        elif (month := read_month(line, lang)) is not None:
            doc["report_date"] = month
        elif m := NUMBER_RE.match(line):
            doc["number"] = int(m.group("n"))
            group = group or m.group("group")
            if m.group("kind") == "C":
                doc["kind"] = "contribution" if doc.get("kind") == "td" else doc["kind"]
            if m.group("rev"):
                doc["revision"] = int(m.group("rev"))
                if m.group("form") == "R":
                    doc["revision_form"] = "R1"
        elif m := OLD_NUMBER_RE.match(line):
            doc["number"] = int(m.group("n"))
            doc["revision_form"] = "Rev.1"
            if m.group("rev"):
                doc["revision"] = int(m.group("rev"))
        elif m := group_re.match(line):
            group = f"SG{m.group('number')}"
        elif re.fullmatch(r"[A-Z][A-Z0-9-]{1,15}", line):
            group = group or line
    if group:
        doc["group"] = group
    else:
        cover.notes.append("no group found in the masthead: group set to TSAG")
        doc["group"] = "TSAG"
    if "study_period" not in doc:
        cover.notes.append("no study period found in the masthead: set to 2025-2028")
        doc["study_period"] = "2025-2028"
    if doc.get("original") == "English":
        del doc["original"]


def read_month(text: str, lang: Locale) -> str | None:
    """``2018-04`` for a month and year printed as ``lang`` prints them (``APRIL 2018``,
    ``avril 2018``), in any case; None for anything else."""
    numbers = re.findall(r"\d+", text)
    years = [int(n) for n in numbers if 1900 <= int(n) <= 2200]
    if len(numbers) != 1 or len(years) != 1:
        return None
    for month in range(1, 13):
        if lang.month_year(dt.date(years[0], month, 1)).casefold() == text.casefold():
            return f"{years[0]}-{month:02d}"
    return None


def _report_lines(cell: Any, lang: Locale) -> list[str]:
    """The centred lines of a report's cover (TELECOMMUNICATION STANDARDIZATION
    ADVISORY GROUP, REPORT 2; STUDY GROUP 19 – REPORT 5), [] when ``cell`` holds others."""
    lines = lines_of(cell.paragraphs)
    report = template_re(lang["report"], n=r"\d{1,5}")
    group = template_re(lang["study_group"], number=r"\d+")
    for line in lines:
        if line == lang["advisory_group"] or report.match(line):
            continue
        head, _, tail = line.partition(" \u2013 ")
        if not (group.match(head) and report.match(tail)):
            return []
    return lines


def _report_date(doc: dict[str, Any], month: str | None, lines: list[str],
                 cover: Cover) -> None:
    """A report is dated by the month and year under its number; the meeting's first day
    gives it when it is in that month."""
    if not lines:
        cover.notes.append("no REPORT line under the Question(s) row: it is printed from "
                           "the group and the number")
    meeting = doc.get("meeting")
    if month is None:
        if meeting is None:
            cover.notes.append("no month and year under the report's number")
        return
    if meeting is not None and f"{meeting['start']:%Y-%m}" == month:
        return
    doc["date"] = month


def _meeting(text: str, lang: Locale, doc: dict[str, Any], cover: Cover) -> None:
    pattern = template_re(lang["place_and_dates"], place=r".+?", dates=r".+")
    m = pattern.match(text)
    if m is not None:
        found = read_date_range(m.group("dates"), lang)
        if found is not None:
            doc["meeting"] = {"place": m.group("place"), "start": found[0], "end": found[1]}
            return
    cover.notes.append(f"meeting {text!r} is not a place and dates this tool can read: "
                       "left out (give document.meeting or document.date)")


def _contact(row: list[Any], lang: Locale) -> dict[str, str]:
    who = lines_of(row[1].paragraphs) if len(row) > 1 else []
    reach = lines_of(row[2].paragraphs) if len(row) > 2 else []
    contact = {"name": who[0] if who else "?"}
    if len(who) > 1:
        contact["organization"] = who[1]
    if len(who) > 2:
        contact["country"] = ", ".join(who[2:])
    for line in reach:
        for key in ("tel", "email"):
            label = lang[key]
            if line.startswith(label):
                contact[key] = clean(line[len(label):])
    return contact


def _norm(name: str) -> str:
    return re.sub(r"[\s_-]", "", name).lower()
