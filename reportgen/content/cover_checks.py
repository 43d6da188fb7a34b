"""Cover rules that span fields of ``document``: what each kind needs, and what it ignores.

A liaison statement names at least one addressee; ``liaison`` belongs to an LS only; a
document that is not plain has a source; one without a meeting gives its date; a plain
text prints no cover table, so cover-only fields given to it are reported, not dropped
in silence.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable

from reportgen.content import model as m

Path_ = tuple[str | int, ...]
Add = Callable[[Path_, str, str], None]

# the fields a plain document does not print (it has no cover table)
COVER_ONLY = ("source", "contacts", "abstract", "questions", "purpose", "keywords", "action",
              "liaison", "layout", "english_only", "original")
# the TD cover's fields a letter does not print (its letterhead and Ref: block instead)
LETTER_UNPRINTED = ("source", "contacts", "abstract", "questions", "purpose", "keywords",
                    "action", "layout", "english_only", "original", "subtitle", "meeting",
                    "revision_form", "category")


def check_cover(report: m.Report, add: Add) -> None:
    """Report, through ``add(path, message, severity)``, what the kind cannot print."""
    meta = report.document
    given = meta.model_fields_set
    kind = meta.kind
    if kind is m.DocumentKind.ls:
        liaison = meta.liaison
        if liaison is None or not (liaison.for_action or liaison.for_comment
                                   or liaison.for_information):
            where: Path_ = ("document", "liaison") if liaison else ("document", "kind")
            add(where, "a liaison statement needs at least one addressee: give "
                "document.liaison with for_action, for_comment or for_information", "error")
    elif meta.liaison is not None:
        add(("document", "liaison"), f"liaison rows belong to a liaison statement "
            f"(kind: ls); this document is kind: {kind.value}", "error")
    circular = meta.letter is not None and meta.letter.series == "circular"
    if kind is m.DocumentKind.letter and circular and "group" in given:
        add(("document", "group"), "a TSB circular is addressed to all and prints no group "
            "(TSB Circular 68, file T17-TSB-CIR-0068), so 'group' is not used; remove it",
            "warning")
    elif "group" not in given and not (kind is m.DocumentKind.letter and circular):
        add(("document",), "required field is missing: document.group (the group: TSAG, "
            "SG17, JCA-AHF …); the number and the file name show it", "error")
    if any(c.isspace() for c in meta.group):
        add(("document", "group"), f"{meta.group!r} has a space, which the file name and "
            "the number would carry (T17-COM 19-R-0004); ITU writes a group without one "
            "(SG19, TSAG, JCA-AHF)", "warning")
    if kind is m.DocumentKind.letter:
        if meta.letter is None:
            add(("document", "kind"), "a letter needs document.letter (its addressees, "
                "at least)", "error")
        for name in LETTER_UNPRINTED:
            if name in given:
                add(("document", name), f"a letter has no TD cover, so {name!r} is not "
                    "printed; remove it or choose kind: td", "warning")
    elif meta.letter is not None:
        add(("document", "letter"), f"letter rows belong to a letter (kind: letter); this "
            f"document is kind: {kind.value}", "error")
    if kind is m.DocumentKind.plain:
        for name in COVER_ONLY:
            if name in given and name != "liaison":
                add(("document", name), f"a plain document has no cover table, so "
                    f"{name!r} is not printed; remove it or choose kind: td", "warning")
    elif kind is m.DocumentKind.letter:
        pass  # TSB writes it: no source; its subject is the title
    else:
        if not meta.source.strip():
            add(("document", "source") if "source" in given else ("document",),
                f"a {kind.value} document needs document.source (who submits it)", "error")
        if meta.subtitle:
            add(("document", "subtitle"), "a subtitle is printed on a plain document only; "
                f"this one is kind: {kind.value}", "error")
    known = [p.value for p in m.Purpose]
    if meta.purpose is not None and meta.purpose not in known:
        near = difflib.get_close_matches(meta.purpose, known, n=1, cutoff=0.75)
        if near:  # a slip of one of the translated values, most likely
            add(("document", "purpose"), f"{meta.purpose!r} is printed as written (and "
                f"not translated); did you mean {near[0]!r}?", "warning")
    if meta.meeting is None and meta.date is None and kind is not m.DocumentKind.plain:
        add(("document",), "give document.meeting or document.date (YYYY-MM-DD): the "
            "document needs a date", "error")
    if meta.study_period is None and kind is m.DocumentKind.letter:
        add(("document",), "a letter needs document.study_period (YYYY-YYYY): ITU's file "
            "name begins with it (T17-TSB-CIR-0068 for 2017-2020)", "error")
    elif meta.study_period is None and kind is not m.DocumentKind.plain:
        add(("document",), f"a {kind.value} document needs document.study_period "
            "(YYYY-YYYY): its masthead and file name show it", "error")
    if meta.meeting is None and report.sessions:
        add(("sessions",), "sessions need document.meeting (place, start and end)", "error")
