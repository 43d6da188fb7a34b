"""A sessions table as reportgen prints it -> ``sessions:`` entries.

The table is recognised by its header, the six column labels of the document's language
(``Session | Date | Time | Room | Agenda | Minutes``), and each of its rows must read back
to exactly the text reportgen would print for it: the day as the language prints a
weekday date, the time as ``HH:MM`` or ``HH:MM-HH:MM``, an en dash for no room, agenda
or minutes, one dash across agenda and minutes for an event. A table that does not is
left a plain table, and the reason is a report line.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from reportgen.content.model import DOC_ID_PATTERN, TimeRange
from reportgen.importer.cover import read_date
from reportgen.prepare.languages import SESSION_COLUMNS, Locale
from reportgen.prepare.layout import DASH
from reportgen.read import Cell


@dataclass
class SessionRows:
    sessions: list[dict[str, Any]]  # the entries, without their summaries
    problem: str = ""  # why the table is not a sessions table, when it looks like one


def is_sessions_header(heads: list[str], lang: Locale) -> bool:
    return heads == [lang.sessions_table[c] for c in SESSION_COLUMNS]


def read_sessions(rows: list[list[Cell]], lang: Locale,
                  meeting: tuple[dt.date, dt.date] | None) -> SessionRows:
    """The sessions of a table's body rows (the header left out)."""
    entries: list[dict[str, Any]] = []
    for r, row in enumerate(rows, 1):
        entry, problem = _row(row, lang, meeting)
        if entry is None:
            return SessionRows([], f"row {r}: {problem}")
        entries.append(entry)
    for entry, session_id in zip(entries, session_ids([e["title"] for e in entries]),
                                 strict=True):
        entry["id"] = session_id
    order = ("id", "title", "kind", "date", "time", "room", "agenda", "minutes")
    return SessionRows([{k: e[k] for k in order if k in e} for e in entries])


def _plain(cell: Cell) -> str | None:
    """The text of a cell of one plain paragraph; None for anything else."""
    if len(cell.paragraphs) != 1 or cell.rowspan > 1 or cell.nested_tables:
        return None
    q = cell.paragraphs[0]
    if q.label is not None or q.notes or q.pictures or "\n" in q.text:
        return None
    return q.text.strip()


def _row(row: list[Cell], lang: Locale, meeting: tuple[dt.date, dt.date] | None
         ) -> tuple[dict[str, Any] | None, str]:
    event = len(row) == 5 and row[4].colspan == 2
    if not event and (len(row) != 6 or any(c.colspan > 1 for c in row)):
        return None, "merged cells other than an event's agenda and minutes"
    texts = [_plain(c) for c in row]
    if any(t is None for t in texts):
        return None, "a cell with several paragraphs, a list, a picture or a footnote"
    title, date_text, time_text, room, *refs = (t or "" for t in texts)
    if not title:
        return None, "a session without a name"
    day = read_weekday_date(date_text, lang)
    if day is None:
        return None, f"{date_text!r} is not a date as the document's language prints it"
    if meeting is not None and not meeting[0] <= day <= meeting[1]:
        return None, f"{day.isoformat()} is outside the meeting"
    try:
        time = TimeRange.parse(time_text)
    except ValueError:
        return None, f"{time_text!r} is not a time (HH:MM or HH:MM-HH:MM)"
    if str(time) != time_text:
        return None, f"{time_text!r} would be printed {str(time)!r}"
    entry: dict[str, Any] = {"title": title, "date": day, "time": time_text}
    if room != DASH:
        entry["room"] = room
    if event:
        if refs != [DASH]:
            return None, "merged agenda and minutes cells with other text than a dash"
        entry["kind"] = "event"
        return entry, ""
    for key, ref in zip(("agenda", "minutes"), refs, strict=True):
        if ref == DASH:
            continue
        if not re.match(DOC_ID_PATTERN, ref):
            return None, f"{key} {ref!r} is not a document id"
        entry[key] = ref
    return entry, ""


def read_weekday_date(text: str, lang: Locale) -> dt.date | None:
    """A day printed as ``lang`` prints a session's date (``Tuesday 11 December 2018``)."""
    return read_date(text, lang, lambda loc, day: loc.weekday_date(day))


def session_ids(titles: list[str]) -> list[str]:
    """Ids from the sessions' names: their words in lower case ASCII, without the words
    every name shares when what is left still tells them apart (``First adhoc session``,
    ``Second adhoc session`` -> ``first``, ``second``)."""
    words = [re.findall(r"[a-z0-9]+", unicodedata.normalize("NFKD", t).encode(
        "ascii", "ignore").decode().lower()) for t in titles]
    shared = set.intersection(*(set(w) for w in words)) if len(words) > 1 else set()
    short = [[w for w in ws if w not in shared] for ws in words]
    if all(short) and len({"-".join(s) for s in short}) == len(short):
        words = short
    out: list[str] = []
    for n, ws in enumerate(words, 1):
        base = "-".join(ws)[:40].strip("-") or f"session-{n}"
        candidate, k = base, 2
        while candidate in out:
            candidate, k = f"{base}-{k}", k + 1
        out.append(candidate)
    return out
