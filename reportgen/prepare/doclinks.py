"""The address of a cited document's page in ITU's document store (``itu.int/md``).

    TD433 at the TSAG meeting of 10 December 2018 (2017-2020), category GEN:
        https://www.itu.int/md/T17-TSAG-181210-TD-GEN-0433/en
    C54 of TSAG in 2017-2020:      https://www.itu.int/md/T17-TSAG-C-0054/en
    R5 of TSAG in 2017-2020:       https://www.itu.int/md/T17-TSAG-R-0005/en

A cited TD is taken to belong to the report's own meeting and category; a revision
(TD433R1) links to its document's page (…-0433/en), which lists its revisions. The
README says which parts of the pattern were seen in real ITU addresses.
"""

from __future__ import annotations

import re

from reportgen.content import model as m

BASE = "https://www.itu.int/md/"
PAGE_LANGUAGES = {"E": "en", "F": "fr", "S": "es", "R": "ru", "A": "ar", "C": "zh"}
_ID_RE = re.compile(r"^(C|TD|R)(\d+)(?:R\d+)?$")


def document_url(doc_id: str, meta: m.Metadata) -> str | None:
    """The page of the document ``doc_id`` cited in the report ``meta`` describes;
    None for an id that is not a document number."""
    match = _ID_RE.match(doc_id)
    if match is None or meta.study_period is None or not meta.group:
        return None  # a circular has no group whose documents these would be
    kind, number = match.group(1), int(match.group(2))
    prefix = f"T{meta.study_period[2:4]}-{meta.group}"
    day = meta.meeting.start if meta.meeting else meta.date
    if kind == "TD":
        if day is None:  # load refuses a document without meeting or date
            return None
        name = f"{prefix}-{day:%y%m%d}-TD-{meta.category}-{number:04d}"
    else:
        name = f"{prefix}-{kind}-{number:04d}"
    return f"{BASE}{name}/{PAGE_LANGUAGES[meta.language]}"
